using SupervisionHub.Workflows.Engine;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Workflows.Tests.Engine;

public sealed class WorkflowSimulatorTests
{
    // river-tees R2 (policy Appendix 1 and 3), in the format of docs/workflows.md.
    private const string R2 = """
        id: two-consecutive-misses
        title: "Two missed sessions in a row: tell the line manager"
        source: Appendix 1 and 3 (R2)
        trigger:
          event: session.missed
        condition: history.consecutiveMisses == 2
        steps:
          - id: tell-manager
            send-email: { to: [line-manager-of-supervisee], cc: [supervisee], template: missed-sessions }
          - id: noted
            note: "Line manager told after {{ history.consecutiveMisses }} missed sessions in a row"
        """;

    private static readonly WorkflowDefinition Definition = WorkflowLoader.Load(R2, "r2.yaml").Definition!;

    private static readonly SimulationSettings Settings = new()
    {
        People = WorkflowRunnerTests.People,
        Zone = WorkflowRunnerTests.London,
        Policy = new FrequencyPolicy([new FrequencyRequirement { Every = 3, Unit = IntervalUnit.Months }]),
        RequiredFrom = new DateOnly(2025, 9, 1),
        TenantName = "River Tees",
    };

    private static SimulationResult Simulate(string script)
    {
        var loaded = SimulationScript.Load(script);
        Assert.Empty(loaded.Errors);
        return WorkflowSimulator.Run(Definition, loaded.Script!, Settings);
    }

    [Fact]
    public void The_r2_definition_is_valid()
    {
        Assert.True(WorkflowLoader.Load(R2, "r2.yaml").IsValid);
        var env = new WorkflowEnvironment { EventTypes = WorkflowEnvironment.DomainEvents, TemplateNames = new HashSet<string> { "missed-sessions" } };
        Assert.Empty(WorkflowValidator.Validate(Definition, env, "r2.yaml"));
    }

    [Fact]
    public void Two_consecutive_missed_sessions_send_one_email_to_the_line_manager_with_the_supervisee_in_cc()
    {
        var result = Simulate("""
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: missed }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal(["lee@example.org"], email.To.Select(r => r.Email));
        Assert.Equal(["pat@example.org"], email.Cc.Select(r => r.Email));
        Assert.Equal("missed-sessions", email.Template);
        Assert.Equal(2, email.Model["history"]!["consecutiveMisses"]!.GetValue<int>());
        Assert.Contains(result.Journal, j => j.Decision == "Line manager told after 2 missed sessions in a row");
        Assert.Equal([RunStatus.Skipped, RunStatus.Completed], result.Runs.Select(r => r.Status));
        Assert.Empty(result.Incidents);
    }

    [Fact]
    public void A_third_miss_in_a_row_does_not_email_again()
    {
        var result = Simulate("""
            until: 2026-04-30
            sessions:
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: missed }
              - { date: 2026-04-13, outcome: missed }
            """);
        Assert.Single(result.Emails);
    }

    [Fact]
    public void One_miss_sends_nothing()
    {
        var result = Simulate("""
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-02-09, outcome: missed }
            """);
        Assert.Empty(result.Emails);
        Assert.Equal([RunStatus.Skipped], result.Runs.Select(r => r.Status));
    }

    [Fact]
    public void An_attended_session_between_two_misses_sends_nothing()
    {
        var result = Simulate("""
            until: 2026-04-30
            sessions:
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: attended }
              - { date: 2026-04-13, outcome: missed }
            """);
        Assert.Empty(result.Emails);
    }

    [Fact]
    public void A_wait_in_a_simulation_is_resumed_by_a_later_event_or_times_out_on_the_fake_clock()
    {
        var def = WorkflowLoader.Load("""
            id: chase
            title: Chase a session after a miss
            trigger: { event: session.missed }
            steps:
              - id: wait-for-session
                wait:
                  for: session.attended
                  timeout: { days: 20 }
                  onTimeout:
                    - id: chase-supervisor
                      create-task: { for: [supervisor], title: Book a session }
            """, "chase.yaml").Definition!;
        var script = SimulationScript.Load("""
            until: 2026-04-30
            sessions:
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-02-16, outcome: attended }
              - { date: 2026-03-09, outcome: missed }
            """).Script!;
        var result = WorkflowSimulator.Run(def, script, Settings);
        Assert.Equal([RunStatus.Completed, RunStatus.Completed], result.Runs.Select(r => r.Status));
        var task = Assert.Single(result.Tasks); // only the second miss went unanswered
        Assert.Equal("sam@example.org", task.For.Email);
        Assert.Contains(result.Journal, j => j.At == new DateTimeOffset(2026, 3, 29, 10, 0, 0, TimeSpan.FromHours(1)) && j.Decision == "timed out: onTimeout");
    }

    [Fact]
    public void A_schedule_fires_at_each_occurrence_in_the_tenants_zone()
    {
        var def = WorkflowLoader.Load("""
            id: weekly
            title: Weekly check
            trigger: { schedule: "0 8 * * 1" }
            condition: history.status == 'overdue'
            steps:
              - id: tell
                send-email: { to: [supervisor], template: overdue }
            """, "weekly.yaml").Definition!;
        var script = new SimulationScript
        {
            Start = new DateOnly(2026, 3, 1),
            Until = new DateOnly(2026, 3, 31),
            Sessions = [new ScriptedSession(new DateOnly(2025, 12, 10), SessionOutcome.Attended)],
        };
        var result = WorkflowSimulator.Run(def, script, Settings);
        Assert.Equal(5, result.Runs.Count); // Mondays 2, 9, 16, 23, 30 March
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 8, 0, 0, TimeSpan.FromHours(1)), result.Runs[^1].StartedAt);
        Assert.Equal(3, result.Emails.Count); // every 3 months from 10 December: overdue after 10 March
    }

    [Fact]
    public void A_script_with_mistakes_is_reported_at_its_lines()
    {
        var loaded = SimulationScript.Load("""
            until: 2026-13-01
            sessions:
              - { date: 2026-01-12, outcome: skipped }
            events:
              - { at: soon, event: record.submitted }
            """);
        Assert.Null(loaded.Script);
        Assert.Equal([1, 3, 5], loaded.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Extra_events_in_a_script_carry_their_answers()
    {
        var def = WorkflowLoader.Load("""
            id: concern
            title: A concern in a record
            trigger: { event: record.submitted }
            condition: answers.concern === 'yes' && answers.count > 1
            steps:
              - id: tell
                escalate: { to: [role:safeguarding-team], template: escalation, reason: A concern was recorded }
            """, "concern.yaml").Definition!;
        var script = SimulationScript.Load("""
            until: 2026-03-31
            events:
              - { at: 2026-03-10T09:00+00:00, event: record.submitted, answers: { concern: "yes", count: 2 } }
              - { at: 2026-03-11T09:00+00:00, event: record.submitted, answers: { concern: "no", count: 2 } }
            """).Script!;
        var result = WorkflowSimulator.Run(def, script, Settings);
        Assert.Single(result.Emails);
        Assert.True(Assert.Single(result.Tasks).Escalation);
        Assert.Null(result.Emails[0].Model["answers"]); // templates never see answers
    }

    [Fact]
    public void A_scripted_record_event_carries_its_form_so_a_rule_on_one_form_can_fire()
    {
        var def = WorkflowLoader.Load("""
            id: one-form
            title: A rule on one form only
            trigger: { event: record.submitted }
            condition: event.form == 'supervision-concern'
            steps:
              - id: tell
                create-task: { for: [supervisor], title: Look at the concern }
            """, "one-form.yaml").Definition!;
        var loaded = SimulationScript.Load("""
            until: 2026-03-31
            events:
              - { at: 2026-03-10T09:00+00:00, event: record.submitted, form: supervision-concern }
              - { at: 2026-03-11T09:00+00:00, event: record.submitted, form: supervision-record }
            """);
        Assert.Empty(loaded.Errors);
        var result = WorkflowSimulator.Run(def, loaded.Script!, Settings);
        Assert.Equal([RunStatus.Completed, RunStatus.Skipped], result.Runs.Select(r => r.Status));
        Assert.Single(result.Tasks);
    }

    [Fact]
    public void A_wait_after_a_timeout_still_waits_for_the_triggering_session_as_the_host_does()
    {
        var def = WorkflowLoader.Load("""
            id: sign
            title: Chase a signature twice
            trigger: { event: record.submitted }
            steps:
              - id: first
                wait:
                  for: record.signed
                  match: session
                  timeout: { days: 10 }
                  onTimeout:
                    - id: remind
                      create-task: { for: [supervisor], title: Sign the record }
                    - id: second
                      wait:
                        for: record.signed
                        match: session
                        timeout: { days: 10 }
                        onTimeout:
                          - id: escalate
                            create-task: { for: [supervisor], title: Still not signed }
            """, "sign.yaml").Definition!;
        var script = SimulationScript.Load("""
            until: 2026-04-30
            events:
              - { at: 2026-03-02T09:00+00:00, event: record.submitted, session: s1 }
              - { at: 2026-03-15T09:00+00:00, event: record.signed, session: s1 }
            """).Script!;
        var result = WorkflowSimulator.Run(def, script, Settings);
        Assert.Equal(["Sign the record"], result.Tasks.Select(t => t.Title)); // signed during the second wait: no escalation
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }
}
