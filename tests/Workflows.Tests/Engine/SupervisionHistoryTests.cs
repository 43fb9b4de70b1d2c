using SupervisionHub.Workflows.Engine;
using SupervisionHub.Workflows.Supervision;
using static SupervisionHub.Workflows.Engine.SessionOutcome;

namespace SupervisionHub.Workflows.Tests.Engine;

public sealed class SupervisionHistoryTests
{
    private static readonly DateOnly Today = new(2026, 3, 2);

    private static SupervisionHistory Of(params (string Date, SessionOutcome Outcome)[] sessions) =>
        SupervisionHistory.From([.. sessions.Select(s => new PastSession(DateOnly.Parse(s.Date, System.Globalization.CultureInfo.InvariantCulture), s.Outcome, 60))], Today, SchoolCalendar.None, null);

    [Fact]
    public void Misses_in_a_row_count_back_to_the_last_attended_session()
    {
        Assert.Equal(2, Of(("2026-01-05", Attended), ("2026-01-19", DidNotAttend), ("2026-02-02", DidNotAttend)).ConsecutiveMisses);
        Assert.Equal(0, Of(("2026-01-05", DidNotAttend), ("2026-01-19", Attended)).ConsecutiveMisses);
        Assert.Equal(1, Of(("2026-01-05", DidNotAttend), ("2026-01-19", Attended), ("2026-02-02", DidNotAttend)).ConsecutiveMisses);
    }

    [Fact]
    public void Cancellations_and_apologies_neither_count_as_misses_nor_end_a_run_of_them()
    {
        Assert.Equal(2, Of(("2026-01-05", DidNotAttend), ("2026-01-19", CancelledBySupervisee), ("2026-01-26", Apologies), ("2026-02-02", DidNotAttend)).ConsecutiveMisses);
        Assert.Equal(0, Of(("2026-01-05", CancelledBySupervisee)).ConsecutiveMisses);
    }

    [Fact]
    public void Supervisor_cancellations_in_a_row_end_at_a_session_the_supervisor_turned_up_to()
    {
        Assert.Equal(2, Of(("2026-01-05", DidNotAttend), ("2026-01-19", CancelledBySupervisor), ("2026-01-26", CancelledBySupervisee), ("2026-02-02", CancelledBySupervisor)).SupervisorCancellationsInRow);
        Assert.Equal(0, Of(("2026-01-19", CancelledBySupervisor), ("2026-02-02", Attended)).SupervisorCancellationsInRow);
    }

    [Fact]
    public void This_year_is_the_academic_year_from_term_dates_or_the_last_twelve_months_without()
    {
        var sessions = new[]
        {
            new PastSession(new(2025, 3, 3), Attended, 60),   // within 12 months, not this academic year
            new PastSession(new(2025, 2, 3), Attended, 60),   // more than 12 months ago
            new PastSession(new(2025, 10, 6), Attended, 60),
            new PastSession(new(2026, 1, 12), DidNotAttend, 60),
            new PastSession(new(2026, 4, 1), Attended, 60),   // after today: a booking, not history
        };
        var none = SupervisionHistory.From(sessions, Today, SchoolCalendar.None, null);
        Assert.Equal(2, none.SessionsThisYear);
        Assert.Equal(1, none.MissesThisYear);

        var calendar = new SchoolCalendar([
            new SchoolTerm("2025-26", "Autumn", new(2025, 9, 3), new(2025, 12, 19)),
            new SchoolTerm("2025-26", "Spring", new(2026, 1, 5), new(2026, 3, 27)),
            new SchoolTerm("2025-26", "Summer", new(2026, 4, 13), new(2026, 7, 22)),
        ]);
        var withTerms = SupervisionHistory.From(sessions, Today, calendar, new ComplianceStatus(ComplianceState.DueSoon, new(2026, 3, 27), new(2025, 10, 6), "x"));
        Assert.Equal(1, withTerms.SessionsThisYear);
        Assert.Equal(1, withTerms.MissesThisYear);
        Assert.Equal(147, withTerms.DaysSinceLastSession);
        Assert.Equal("due-soon", withTerms.Status);
        Assert.Equal(new DateOnly(2026, 3, 27), withTerms.NextDue);
    }

    [Fact]
    public void Sessions_and_misses_in_the_last_n_days_include_today()
    {
        var h = Of(("2026-03-02", Attended), ("2026-02-01", Attended), ("2026-02-24", DidNotAttend));
        Assert.Equal(1, h.SessionsInLast(1));
        Assert.Equal(1, h.SessionsInLast(29));
        Assert.Equal(2, h.SessionsInLast(30));
        Assert.Equal(1, h.MissesInLast(7));
        Assert.Equal(0, h.MissesInLast(6));
    }
}
