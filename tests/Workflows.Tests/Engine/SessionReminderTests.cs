using System.Text.Json.Nodes;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

/// <summary>
/// A wait until a time before the session (until: { daysBefore, at }), reckoned in the tenant's zone
/// and kept in UTC, in summer time, in winter and across the weekends the clocks change (ADR 0035).
/// </summary>
public sealed class SessionReminderTests
{
    private static readonly TimeZoneInfo London = WorkflowRunnerTests.London;
    private static readonly WorkflowRunner Runner = new();

    private const string Rule = """
        id: session-reminder
        title: A reminder before each session
        trigger: { event: session.booked }
        condition: tenant.settings.reminderDaysBefore != null
        steps:
          - id: until-reminder-day
            wait:
              for: session.cancelled
              match: session
              until: { daysBefore: tenant.settings.reminderDaysBefore, at: "08:00" }
              onTimeout:
                - id: remind
                  send-email: { to: [supervisor, supervisee], template: session-reminder }
        """;

    private static WorkflowDefinition Load(string yaml)
    {
        var result = WorkflowLoader.Load(yaml, "w.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    private static WorkflowContext Booked(DateTimeOffset at, DateOnly day, int? daysBefore = 2, int version = 0) => new()
    {
        Event = new EventInfo("session.booked", null, at, "session-1", "rel-1") { SessionDate = day, SessionVersion = version, SessionTime = new TimeOnly(9, 0) },
        People = WorkflowRunnerTests.People,
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, London).DateTime),
        Zone = London,
        Settings = new JsonObject { ["reminderDaysBefore"] = daysBefore },
    };

    [Theory]
    [InlineData("2026-07-15", "2026-07-13T07:00:00Z")]            // BST: 08:00 local is 07:00 UTC
    [InlineData("2027-01-15", "2027-01-13T08:00:00Z")]            // GMT: 08:00 local is 08:00 UTC
    [InlineData("2027-03-30", "2027-03-28T07:00:00Z")]            // the Sunday the clocks go forward: already BST at 08:00
    [InlineData("2026-10-26", "2026-10-24T07:00:00Z")]            // the Saturday before the clocks go back: still BST
    [InlineData("2026-10-27", "2026-10-25T08:00:00Z")]            // the Sunday the clocks go back: GMT again by 08:00
    public void A_reminder_two_days_before_is_at_eight_in_the_morning_local_time_kept_in_utc(string session, string expected)
    {
        var day = DateOnly.Parse(session, System.Globalization.CultureInfo.InvariantCulture);
        var bookedAt = new DateTimeOffset(day.AddDays(-20).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var result = Runner.Start(Load(Rule), Booked(bookedAt, day), bookedAt);

        Assert.Equal(RunStatus.Waiting, result.Status);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result.Waiting!.DueAt);
        Assert.Equal(TimeSpan.Zero, result.Waiting.DueAt!.Value.Offset);
        Assert.Equal("session", result.Waiting.Match);
        Assert.Equal("session-1", result.Waiting.CorrelationId);
    }

    [Fact]
    public void A_time_the_clocks_skip_is_taken_an_hour_later()
    {
        // 01:30 on 28 March 2027 does not exist in London: 02:30 BST, which is 01:30 UTC.
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero),
            WaitUntil.DueAt(new DateOnly(2027, 3, 29), 1, new TimeOnly(1, 30), new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), London));
    }

    [Fact]
    public void A_session_booked_after_its_reminder_time_is_reminded_at_once_if_on_a_later_day_and_not_at_all_if_today_or_past()
    {
        var now = new DateTimeOffset(2026, 7, 14, 15, 0, 0, TimeSpan.Zero);
        var tomorrow = Runner.Start(Load(Rule), Booked(now, new DateOnly(2026, 7, 15)), now);
        Assert.Equal(now, tomorrow.Waiting!.DueAt);
        Assert.Contains(tomorrow.Journal, j => j.Decision.Contains("so at once", StringComparison.Ordinal));

        var past = Runner.Start(Load(Rule), Booked(now, new DateOnly(2026, 7, 10)), now);
        Assert.Equal(RunStatus.Completed, past.Status);
        Assert.Empty(past.Effects);
        Assert.Contains(past.Journal, j => j.Decision.Contains("no wait", StringComparison.Ordinal));

        var today = Runner.Start(Load(Rule), Booked(now, new DateOnly(2026, 7, 14)), now); // booked (or recorded) on the day
        Assert.Equal(RunStatus.Completed, today.Status);
        Assert.Empty(today.Effects);
    }

    [Fact]
    public void When_it_times_out_both_people_are_emailed_with_the_sessions_day_and_time_and_none_when_the_tenant_has_none()
    {
        var day = new DateOnly(2027, 1, 15);
        var bookedAt = new DateTimeOffset(2027, 1, 2, 9, 0, 0, TimeSpan.Zero);
        var waiting = Runner.Start(Load(Rule), Booked(bookedAt, day), bookedAt);
        var due = waiting.Waiting!.DueAt!.Value;
        var done = Runner.Resume(Load(Rule), waiting.StateJson, new TimedOut(), Booked(bookedAt, day), due);

        var email = Assert.Single(done.Effects.OfType<EmailEffect>());
        Assert.Equal(["Sam Supervisor", "Pat Practitioner"], email.To.Select(r => r.Name));
        Assert.Equal("Friday 15 January 2027", (string?)email.Model["session"]!["day"]);
        Assert.Equal("09:00", (string?)email.Model["session"]!["time"]);

        Assert.Equal(RunStatus.Skipped, Runner.Start(Load(Rule), Booked(bookedAt, day, daysBefore: null), bookedAt).Status);
    }

    [Fact]
    public void A_reminder_timed_from_a_session_that_has_since_moved_lapses_without_its_email()
    {
        var day = new DateOnly(2026, 7, 15);
        var bookedAt = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
        var waiting = Runner.Start(Load(Rule), Booked(bookedAt, day), bookedAt);
        // The host rebuilds the context from the session as it stands: moved to the 20th, version 1.
        var lapsed = Runner.Resume(Load(Rule), waiting.StateJson, new TimedOut(), Booked(bookedAt, new DateOnly(2026, 7, 20), version: 1), waiting.Waiting!.DueAt!.Value);

        Assert.Equal(RunStatus.Completed, lapsed.Status);
        Assert.Empty(lapsed.Effects);
        Assert.Contains(lapsed.Journal, j => j.Decision.Contains("the session has changed", StringComparison.Ordinal));
    }

    [Fact]
    public void In_the_simulator_a_booked_then_moved_session_is_reminded_once_on_its_new_day()
    {
        var afterMove = Load(Rule.Replace("id: session-reminder", "id: session-reminder-after-move", StringComparison.Ordinal)
            .Replace("event: session.booked", "event: session.moved", StringComparison.Ordinal));
        var movedAt = new DateTimeOffset(2026, 7, 3, 9, 0, 0, TimeSpan.Zero);
        var script = new SimulationScript
        {
            Until = new DateOnly(2026, 7, 31),
            Events =
            [
                new ScriptedEvent(new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero), "session.booked", SessionId: "s-1", SessionDate: new DateOnly(2026, 7, 15)),
                new ScriptedEvent(movedAt, "session.moved", SessionId: "s-1", SessionDate: new DateOnly(2026, 7, 22)),
            ],
        };
        var settings = new SimulationSettings { People = WorkflowRunnerTests.People, Zone = London, Settings = new JsonObject { ["reminderDaysBefore"] = 2 } };

        var booked = WorkflowSimulator.Run(Load(Rule), script, settings);
        var moved = WorkflowSimulator.Run(afterMove, script, settings);

        Assert.Empty(booked.Emails); // the reminder for the 15th lapsed when the session moved
        var email = Assert.Single(moved.Emails);
        Assert.Equal("Monday 20 July 2026", Assert.Single(moved.Journal, j => j.StepId == "remind").At.ToString("dddd d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Wednesday 22 July 2026", (string?)email.Model["session"]!["day"]);
    }

    [Fact]
    public void DaysBefore_from_javascript_must_give_a_whole_number_of_days()
    {
        var day = new DateOnly(2026, 7, 15);
        var at = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
        var ctx = Booked(at, day) with { Settings = new JsonObject { ["reminderDaysBefore"] = 2.5 } };
        var result = Runner.Start(Load(Rule), ctx, at);
        Assert.Equal(RunStatus.Faulted, result.Status);
        Assert.Contains("not a whole number of days", result.Fault!.Message, StringComparison.Ordinal);
    }

    private static readonly WorkflowEnvironment Env = new()
    {
        EventTypes = WorkflowEnvironment.DomainEvents,
        TemplateNames = new HashSet<string> { "session-reminder" },
    };

    [Theory]
    [InlineData("trigger: { event: session.booked }", "trigger: { schedule: \"0 8 * * 1\" }", "needs a rule that starts when something happens to a session")]
    [InlineData("trigger: { event: session.booked }", "trigger: { event: record.signed }", "needs a rule that starts when something happens to a session")]
    [InlineData("daysBefore: tenant.settings.reminderDaysBefore", "daysBefore: 99", "daysBefore must be from 0 to 60 days")]
    [InlineData("daysBefore: tenant.settings.reminderDaysBefore", "daysBefore: -2", "daysBefore cannot be negative")]
    [InlineData("daysBefore: tenant.settings.reminderDaysBefore", "daysBefore: tenant.settings.(", "until")]
    public void The_validator_says_what_is_wrong_with_an_until(string find, string replace, string expected)
    {
        var loaded = WorkflowLoader.Load(Rule.Replace(find, replace, StringComparison.Ordinal), "w.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var errors = WorkflowValidator.Validate(loaded.Definition!, Env, "w.yaml");
        Assert.Contains(errors, e => e.Message.Contains(expected, StringComparison.Ordinal) || expected == "until");
        Assert.NotEmpty(errors);
    }

    [Theory]
    [InlineData("until: { daysBefore: tenant.settings.reminderDaysBefore, at: \"08:00\" }", "until: { daysBefore: 2, at: \"8 o'clock\" }", "a time of day like \"08:00\"")]
    [InlineData("until: { daysBefore: tenant.settings.reminderDaysBefore, at: \"08:00\" }", "until: { at: \"08:00\" }", "until needs daysBefore")]
    [InlineData("match: session", "match: session\n      timeout: { days: 3 }", "not both")]
    public void The_loader_says_what_is_wrong_with_the_shape_of_an_until(string find, string replace, string expected)
    {
        var loaded = WorkflowLoader.Load(Rule.Replace(find, replace, StringComparison.Ordinal), "w.yaml");
        Assert.Contains(loaded.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_valid_rule_passes_the_validator_and_round_trips_through_the_writer()
    {
        var def = Load(Rule);
        Assert.Empty(WorkflowValidator.Validate(def, Env, "w.yaml"));
        var again = Load(SupervisionHub.Workflows.Building.WorkflowYamlWriter.Write(def));
        Assert.Equal(((WaitStep)def.Steps[0]).Until, ((WaitStep)again.Steps[0]).Until);
    }
}
