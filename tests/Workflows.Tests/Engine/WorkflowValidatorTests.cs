using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

public sealed class WorkflowValidatorTests
{
    private static readonly WorkflowEnvironment Env = new()
    {
        EventTypes = WorkflowEnvironment.DomainEvents,
        TemplateNames = new HashSet<string> { "missed-sessions", "escalation" },
        TenantRoleIds = new HashSet<string> { "safeguarding-team" },
        FormIds = new HashSet<string> { "evaluation" },
        SettingNames = new HashSet<string> { "reminderDaysBefore" },
    };

    private static IReadOnlyList<WorkflowError> Check(string find, string replace)
    {
        var yaml = WorkflowLoaderTests.Valid.Replace(find, replace, StringComparison.Ordinal);
        var loaded = WorkflowLoader.Load(yaml, "w.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return WorkflowValidator.Validate(loaded.Definition!, Env, "w.yaml");
    }

    [Fact]
    public void The_sample_definition_is_valid_for_a_tenant_that_has_what_it_names()
    {
        Assert.Empty(Check("x", "x"));
    }

    public static TheoryData<string, string, string, int, string> Broken => new()
    {
        { "missing template", "template: missed-sessions", "template: missed-session", 9, "no email template 'missed-session'" },
        { "JavaScript syntax error in the condition", "condition: history.consecutiveMisses >= 2", "condition: history.consecutiveMisses >=", 6, "syntax error" },
        { "a setting misspelt (it would read as none)", "condition: history.consecutiveMisses >= 2", "condition: tenant.settings.reminderDaysBefor != null", 6, "tenant.settings has no 'reminderDaysBefor'. The settings a rule can read are: reminderDaysBefore." },
        { "a setting misspelt, in brackets", "condition: history.consecutiveMisses >= 2", "condition: tenant.settings['reminderdaysbefore'] != null", 6, "no 'reminderdaysbefore'" },
        { "JavaScript syntax error in an if", "condition: history.consecutiveMisses >= 3", "condition: history.consecutiveMisses >= (3", 12, "syntax error" },
        { "unknown tenant role", "role:safeguarding-team", "role:safeguarding-group", 15, "no role 'safeguarding-group'" },
        { "unknown trigger event", "event: session.missed", "event: session.mised", 5, "Did you mean 'session.missed'?" },
        { "wait for something that is not an event", "for: session.attended", "for: session.happened", 18, "not an event to wait for" },
        { "a form on a wait for an event that has none", "for: session.attended", "for: session.attended\n      form: evaluation", 19, "has none, so this wait would never end" },
        { "a wait for a form the tenant does not have", "for: session.attended", "for: record.submitted\n      form: evaluaton", 19, "no form 'evaluaton'" },
        { "unknown recipient word", "cc: [supervisee]", "cc: [supervisee-manager]", 9, "not a recipient" },
        { "unknown staff role", "for: [supervisor]", "for: [staff-role:head]", 22, "no staff role 'head'" },
        { "item outside a for-each", "for: [supervisor]", "for: [item]", 22, "only someone inside a for-each" },
        { "an if with nothing to do", "      then:\n        - id: escalate-it\n          escalate: { to: [role:safeguarding-team], template: escalation, reason: Three missed sessions }\n", "", 10, "nothing it decides can happen" },
        { "invalid Liquid in a note", "{{ history.consecutiveMisses }}", "{{ history.consecutiveMisses ", 24, "unfinished {{ }}" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_problem_is_located_at_its_line(string broken, string find, string replace, int line, string words)
    {
        Assert.Contains(find, WorkflowLoaderTests.Valid, StringComparison.Ordinal);
        var errors = Check(find, replace);
        Assert.True(errors.Any(e => e.Line == line && e.Message.Contains(words, StringComparison.Ordinal)),
            $"{broken}: expected '{words}' at line {line}, got:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void A_setting_rules_can_read_passes_however_it_is_written()
    {
        Assert.Empty(Check("condition: history.consecutiveMisses >= 2", "condition: tenant.settings.reminderDaysBefore != null && tenant . settings [\"reminderDaysBefore\"] > 0"));
        // Without the names (a check that does not know the tenant's settings) nothing is said about them.
        var loaded = WorkflowLoader.Load(WorkflowLoaderTests.Valid.Replace("condition: history.consecutiveMisses >= 2", "condition: tenant.settings.other", StringComparison.Ordinal), "w.yaml");
        Assert.Empty(WorkflowValidator.Validate(loaded.Definition!, Env with { SettingNames = null }, "w.yaml"));
    }

    [Fact]
    public void Unknown_forms_and_cohorts_are_refused_and_a_wait_inside_for_each_is_each_members_own()
    {
        const string yaml = """
            id: evaluations
            title: Ask each supervisee for an evaluation
            trigger: { schedule: "0 8 1 9 *" }
            steps:
              - id: each
                for-each:
                  cohort: everyone
                  where: item.roles.includes('supervisee')
                  steps:
                    - id: ask
                      request-form: { to: [item], form: feedback, template: escalation }
                    - id: wait-reply
                      wait: { for: record.submitted }
            """;
        var loaded = WorkflowLoader.Load(yaml, "w.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var errors = WorkflowValidator.Validate(loaded.Definition!, Env, "w.yaml");
        Assert.Contains(errors, e => e.Line == 7 && e.Message.Contains("not a cohort", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 11 && e.Message.Contains("no form 'feedback'", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count);
        Assert.True(((ForEachStep)loaded.Definition!.Steps[0]).EachMemberOnTheirOwn);
        Assert.DoesNotContain(errors, e => e.Message.Contains("'item'", StringComparison.Ordinal));
    }
}
