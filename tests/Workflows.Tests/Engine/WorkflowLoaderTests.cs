using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

public sealed class WorkflowLoaderTests
{
    internal const string Valid = """
        id: two-consecutive-misses
        title: Two missed sessions in a row
        source: Appendix 1 and 3 (R2)
        trigger:
          event: session.missed
        condition: history.consecutiveMisses >= 2
        steps:
          - id: tell-manager
            send-email: { to: [line-manager-of-supervisee], cc: [supervisee], template: missed-sessions }
          - id: check
            if:
              condition: history.consecutiveMisses >= 3
              then:
                - id: escalate-it
                  escalate: { to: [role:safeguarding-team], template: escalation, reason: Three missed sessions }
          - id: wait-for-session
            wait:
              for: session.attended
              timeout: { days: 10, workingDays: true }
              onTimeout:
                - id: chase
                  create-task: { for: [supervisor], title: Book a session, dueInDays: 5 }
          - id: noted
            note: "Line manager told after {{ history.consecutiveMisses }} missed sessions"
        """;

    [Fact]
    public void A_valid_definition_loads_with_its_steps_and_positions()
    {
        var result = WorkflowLoader.Load(Valid, "two-consecutive-misses.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var d = result.Definition!;
        Assert.Equal("session.missed", d.Trigger.Event);
        Assert.Equal(["tell-manager", "check", "escalate-it", "wait-for-session", "chase", "noted"], d.AllSteps().Select(s => s.Id));
        Assert.Equal(new SourcePosition(8, 5), d.PositionOf("tell-manager"));
        var wait = Assert.IsType<WaitStep>(d.Steps[2]);
        Assert.Equal(new WaitTimeout(10, SupervisionHub.Workflows.Calendar.DayKind.Working), wait.Timeout);
    }

    public static TheoryData<string, string, string, int> Broken => new()
    {
        // what is broken, text to find in Valid, what replaces it, the line the error must point at
        { "unknown step kind with a suggestion", "send-email: {", "send-mail: {", 9 },
        { "unknown setting of a step", "template: missed-sessions }", "templat: missed-sessions }", 9 },
        { "duplicate step id", "- id: chase", "- id: check", 21 },
        { "missing id", "id: two-consecutive-misses\n", "", 1 },
        { "missing title", "title: Two missed sessions in a row\n", "", 1 },
        { "missing trigger", "trigger:\n  event: session.missed\n", "", 1 },
        { "both event and schedule", "  event: session.missed\n", "  event: session.missed\n  schedule: \"0 8 * * 1\"\n", 6 },
        { "neither event nor schedule", "  event: session.missed\n", "  when: session.missed\n", 5 },
        { "bad cron", "  event: session.missed\n", "  schedule: \"61 8 * * *\"\n", 5 },
        { "a step with two kinds", "  - id: noted\n    note:", "  - id: noted\n    set: { name: x, value: \"1\" }\n    note:", 25 },
        { "a step with no kind", "  - id: noted\n    note: \"Line manager told after {{ history.consecutiveMisses }} missed sessions\"", "  - id: noted", 23 },
        { "timeout days that are not a number", "days: 10", "days: ten", 19 },
        { "wait match that is not session, relationship or person", "for: session.attended", "for: session.attended\n      match: team", 19 },
        { "bad step id", "- id: check", "- id: Check It", 10 },
        { "invalid YAML", "title: Two missed sessions in a row", "title: [Two missed", 2 },
        { "recipients that are not a list of words", "for: [supervisor]", "for: { who: supervisor }", 22 },
        { "unknown top-level setting", "source: Appendix", "sauce: Appendix", 3 },
        { "note without text", "note: \"Line manager told after {{ history.consecutiveMisses }} missed sessions\"", "note: { text: hi }", 24 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_broken_definition_gets_a_located_plain_message(string broken, string find, string replace, int line)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        var result = WorkflowLoader.Load(Valid.Replace(find, replace, StringComparison.Ordinal), "tenants/x/workflows/w.yaml");
        Assert.True(result.Errors.Any(e => e.Line == line), $"{broken}: expected an error at line {line}, got:\n{string.Join('\n', result.Errors)}");
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("tenants/x/workflows/w.yaml", e.File);
            Assert.True(e.Column >= 1);
            Assert.DoesNotContain("Exception", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_unknown_step_kind_suggests_the_nearest()
    {
        var result = WorkflowLoader.Load(Valid.Replace("send-email: {", "send-mail: {", StringComparison.Ordinal), "w.yaml");
        Assert.Contains(result.Errors, e => e.Message.Contains("Did you mean 'send-email'?", StringComparison.Ordinal));
        Assert.Equal("w.yaml:9:5: 'send-mail' is not a step kind. Did you mean 'send-email'?", result.Errors[0].ToString());
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var broken = Valid.Replace("send-email: {", "send-mail: {", StringComparison.Ordinal).Replace("- id: chase", "- id: check", StringComparison.Ordinal).Replace("days: 10", "days: ten", StringComparison.Ordinal);
        var lines = WorkflowLoader.Load(broken, "w.yaml").Errors.Select(e => e.Line).ToHashSet();
        Assert.Subset(lines, new HashSet<int> { 9, 19, 21 });
    }

    [Theory]
    [InlineData("")]
    [InlineData("just text")]
    [InlineData("- a\n- b")]
    [InlineData("steps: {{{")]
    public void Nonsense_is_reported_not_thrown(string yaml)
    {
        var result = WorkflowLoader.Load(yaml, "w.yaml");
        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void The_step_catalogue_describes_every_kind_the_loader_reads()
    {
        Assert.Equal(["send-email", "request-form", "request-booking", "create-task", "escalate", "wait", "if", "switch", "set", "note", "for-each"], StepCatalogue.Kinds.Keys);
        Assert.Equal(["to", "cc"], StepCatalogue.Kinds["send-email"].Recipients);
        Assert.Equal(["then", "else"], StepCatalogue.Kinds["if"].StepLists);
        Assert.Equal(["where"], StepCatalogue.Kinds["for-each"].JavaScript);
    }
}
