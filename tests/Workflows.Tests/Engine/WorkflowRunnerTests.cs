using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Workflows.Tests.Engine;

public sealed class WorkflowRunnerTests
{
    internal static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    internal static readonly PeopleDirectory People = new()
    {
        Supervisor = new("sup-1", "Sam Supervisor", "sam@example.org"),
        Supervisees = [new("pat-1", "Pat Practitioner", "pat@example.org")],
        LineManagersOfSupervisees = [new("lin-1", "Lee Manager", "lee@example.org")],
        RoleHolders = new Dictionary<string, IReadOnlyList<Recipient>> { ["safeguarding-team"] = [new("saf-1", "Sol Safeguarding", "sol@example.org")] },
    };

    private static readonly WorkflowRunner Runner = new();

    private static WorkflowDefinition Load(string yaml)
    {
        var result = WorkflowLoader.Load(yaml, "w.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    private static WorkflowContext Context(DateTimeOffset at, int misses = 2, string? detail = null, IEnumerable<DateOnly>? closures = null) => new()
    {
        Event = new EventInfo("session.missed", detail, at, "session-9", "rel-1", "pat-1"),
        History = SupervisionHistory.From([.. Enumerable.Range(0, misses).Select(i => new PastSession(DateOnly.FromDateTime(at.Date).AddDays(-14 * i), SessionOutcome.DidNotAttend, 60))],
            DateOnly.FromDateTime(at.Date), SchoolCalendar.None, null),
        People = People,
        Today = DateOnly.FromDateTime(at.Date),
        Zone = London,
        Days = new DayCounter(new WorkingDays(closures ?? []), SchoolCalendar.None),
        TenantName = "River Tees",
    };

    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void If_switch_set_and_note_run_and_each_decision_is_in_the_journal()
    {
        var def = Load("""
            id: branches
            title: Branches
            trigger: { event: session.cancelled }
            steps:
              - id: double
                set: { name: doubled, value: history.consecutiveMisses * 2 }
              - id: who
                switch:
                  value: event.detail
                  cases:
                    by-supervisor:
                      - id: supervisor-note
                        note: "Cancelled by the supervisor; doubled is {{ vars.doubled }}"
                    by-supervisee:
                      - id: supervisee-note
                        note: Cancelled by the supervisee
                  default:
                    - id: other-note
                      note: Cancelled
              - id: many
                if:
                  condition: vars.doubled > 3
                  then:
                    - id: many-note
                      note: Many
                  else:
                    - id: few-note
                      note: Few
            """);
        var result = Runner.Start(def, Context(Monday, misses: 2, detail: "by-supervisor"), Monday);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["trigger", "double", "who", "supervisor-note", "many", "many-note"], result.Journal.Select(j => j.StepId));
        Assert.Equal("4", result.Journal[1].Decision);
        Assert.Equal("'by-supervisor': case by-supervisor", result.Journal[2].Decision);
        Assert.Equal("Cancelled by the supervisor; doubled is 4", result.Journal[3].Decision);
        Assert.Equal("true: then", result.Journal[4].Decision);

        var other = Runner.Start(def, Context(Monday, misses: 1, detail: "apologies"), Monday);
        Assert.Equal(["trigger", "double", "who", "other-note", "many", "few-note"], other.Journal.Select(j => j.StepId));
    }

    private const string WaitDefinition = """
        id: chase-after-miss
        title: Chase a session after a miss
        trigger: { event: session.missed }
        steps:
          - id: tell
            send-email: { to: [line-manager-of-supervisee], cc: [supervisee], template: missed-sessions }
          - id: wait-for-session
            wait:
              for: session.attended
              match: relationship
              timeout: { days: DAYS, workingDays: WORKING }
              onEvent:
                - id: attended-note
                  note: Attended again
              onTimeout:
                - id: chase
                  create-task: { for: [supervisor], title: Book a session, dueInDays: 2, workingDays: true }
          - id: done
            note: Done
        """;

    private static WorkflowDefinition WaitFor(int days, bool working) =>
        Load(WaitDefinition.Replace("DAYS", days.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("WORKING", working ? "true" : "false", StringComparison.Ordinal));

    [Fact]
    public void A_wait_leaves_a_bookmark_and_is_resumed_by_its_event()
    {
        var def = WaitFor(7, false);
        var started = Runner.Start(def, Context(Monday), Monday);
        Assert.Equal(RunStatus.Waiting, started.Status);
        var email = Assert.IsType<EmailEffect>(Assert.Single(started.Effects));
        Assert.Equal(["lee@example.org"], email.To.Select(r => r.Email));
        Assert.Equal(["pat@example.org"], email.Cc.Select(r => r.Email));
        Assert.Equal(new Bookmark("wait-for-session", "session.attended", "relationship", "rel-1", new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero)), started.Waiting);

        var later = Monday.AddDays(3);
        var attended = new EventInfo("session.attended", null, later, "session-10", "rel-1", "pat-1");
        var resumed = Runner.Resume(def, started.StateJson, new EventArrived(attended), Context(later) with { Event = attended }, later);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(["wait-for-session", "attended-note", "done"], resumed.Journal.Select(j => j.StepId));
        Assert.Empty(resumed.Effects);
    }

    [Fact]
    public void A_wait_times_out_after_seven_calendar_days_at_the_same_local_time_across_the_clock_change()
    {
        var friday = new DateTimeOffset(2026, 3, 27, 10, 0, 0, TimeSpan.Zero); // GMT; the clocks go forward on 29 March
        var started = Runner.Start(WaitFor(7, false), Context(friday), friday);
        Assert.Equal(new DateTimeOffset(2026, 4, 3, 10, 0, 0, TimeSpan.FromHours(1)), started.Waiting!.DueAt);
        Assert.Equal(TimeSpan.Zero, started.Waiting.DueAt!.Value.Offset); // reckoned in London, kept in UTC

        var due = started.Waiting.DueAt!.Value;
        var timedOut = Runner.Resume(WaitFor(7, false), started.StateJson, new TimedOut(), Context(due), due);
        Assert.Equal(RunStatus.Completed, timedOut.Status);
        var task = Assert.IsType<TaskEffect>(Assert.Single(timedOut.Effects));
        Assert.Equal("sam@example.org", task.For.Email);
        Assert.Equal(new DateOnly(2026, 4, 8), task.Due); // Good Friday and Easter Monday are not working days
    }

    [Fact]
    public void A_wait_of_ten_working_days_skips_christmas_the_new_year_and_a_closure_day()
    {
        var friday = new DateTimeOffset(2025, 12, 19, 10, 0, 0, TimeSpan.Zero);
        var closures = new[] { new DateOnly(2026, 1, 2) };
        var started = Runner.Start(WaitFor(10, true), Context(friday, closures: closures), friday);
        // 22, 23, 24, 29, 30, 31 December; 5, 6, 7, 8 January (25, 26 Dec and 1 Jan are bank holidays, 2 Jan is closed)
        Assert.Equal(new DateTimeOffset(2026, 1, 8, 10, 0, 0, TimeSpan.Zero), started.Waiting!.DueAt);
    }

    [Fact]
    public void For_each_runs_its_steps_for_each_member_the_where_lets_through()
    {
        var def = Load("""
            id: training
            title: Training about to expire
            trigger: { schedule: "0 8 * * 1" }
            steps:
              - id: each
                for-each:
                  cohort: staff
                  where: item.trainingExpiresOn !== null && item.trainingExpiresOn < '2026-04-01'
                  steps:
                    - id: remind
                      create-task: { for: [item], title: Renew your safeguarding training, dueInDays: 14 }
                    - id: remind-note
                      note: "Reminded {{ item.name }}"
            """);
        IReadOnlyList<CohortMember> staff =
        [
            new("a", "Ava", "ava@example.org", ["supervisor"], TrainingExpiresOn: new(2026, 3, 20)),
            new("b", "Ben", "ben@example.org", ["supervisee"], TrainingExpiresOn: new(2027, 1, 1)),
            new("c", "Cal", "cal@example.org", ["supervisee"]),
            new("d", "Dee", "dee@example.org", ["supervisee"], TrainingExpiresOn: new(2026, 3, 31)),
        ];
        var ctx = Context(Monday) with { Cohorts = c => c == "staff" ? staff : [] };
        var result = Runner.Start(def, ctx, Monday);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["ava@example.org", "dee@example.org"], result.Effects.OfType<TaskEffect>().Select(t => t.For.Email));
        Assert.All(result.Effects.OfType<TaskEffect>(), t => Assert.Equal(new DateOnly(2026, 3, 16), t.Due));
        Assert.Contains(result.Journal, j => j.Decision == "Reminded Dee");
        Assert.Contains(result.Journal, j => j.StepId == "each" && j.Decision.StartsWith("2 of 4", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("history.nothing.deeper > 1")]
    [InlineData("(function f() { return f(); })()")]
    [InlineData("(() => { while (true) {} })()")]
    public void A_failing_condition_becomes_an_incident_not_an_exception(string condition)
    {
        var def = Load($$"""
            id: faulty
            title: Faulty
            trigger: { event: session.missed }
            steps:
              - id: first
                note: First
              - id: check
                if:
                  condition: "{{condition.Replace("\"", "\\\"", StringComparison.Ordinal)}}"
                  then:
                    - id: never
                      note: Never
            """);
        var result = Runner.Start(def, Context(Monday), Monday);
        Assert.Equal(RunStatus.Faulted, result.Status);
        Assert.Equal("check", result.Fault!.StepId);
        Assert.DoesNotContain("Exception", result.Fault.Message, StringComparison.Ordinal);
        Assert.NotEmpty(result.StateJson);

        // An admin fixes nothing and retries: it fails again at the same step, having not re-run the first.
        var retried = Runner.Resume(def, result.StateJson, new Retry(), Context(Monday), Monday);
        Assert.Equal("check", retried.Fault!.StepId);
        Assert.DoesNotContain(retried.Journal, j => j.StepId == "first");
    }

    [Fact]
    public void A_condition_that_is_false_skips_the_workflow_and_nobody_to_write_to_is_an_incident()
    {
        var def = Load("""
            id: two
            title: Two
            trigger: { event: session.missed }
            condition: history.consecutiveMisses >= 2
            steps:
              - id: tell
                send-email: { to: [line-manager-of-supervisor], template: missed-sessions }
            """);
        Assert.Equal(RunStatus.Skipped, Runner.Start(def, Context(Monday, misses: 1), Monday).Status);
        var result = Runner.Start(def, Context(Monday, misses: 2), Monday);
        Assert.Equal(RunStatus.Faulted, result.Status);
        Assert.Contains("line-manager-of-supervisor", result.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_state_is_an_incident()
    {
        var result = Runner.Resume(WaitFor(7, false), "{not json", new TimedOut(), Context(Monday), Monday);
        Assert.Equal(RunStatus.Faulted, result.Status);
    }
}
