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
    public void This_year_is_the_academic_year_from_the_year_start_with_or_without_term_dates()
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
        Assert.Equal(1, none.SessionsThisYear); // 1 September 2025 onwards, with no term dates at all
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
    public void In_the_summer_holiday_after_the_last_listed_term_this_year_is_still_the_year_it_follows_and_last_years_miss_never_counts()
    {
        var calendar = new SchoolCalendar([new SchoolTerm("2025-26", "Summer", new(2026, 4, 13), new(2026, 7, 22))]);
        PastSession[] sessions = [new(new(2025, 11, 3), DidNotAttend, 60), new(new(2026, 6, 1), DidNotAttend, 60)];
        // 10 August 2026: past the last term listed, within 12 months of both misses. The year is 2025-26: both count.
        Assert.Equal(2, SupervisionHistory.From(sessions, new(2026, 8, 10), calendar, null).MissesThisYear);
        // 5 September 2026: a new year with no term dates yet. Neither counts (12 months back, both would).
        Assert.Equal(0, SupervisionHistory.From(sessions, new(2026, 9, 5), calendar, null).MissesThisYear);
        // A tenant whose year starts on 1 August: on 10 August the year has just begun.
        var august = new SchoolCalendar(calendar.Terms, new YearStart(8, 1));
        Assert.Equal(0, SupervisionHistory.From(sessions, new(2026, 8, 10), august, null).MissesThisYear);
        Assert.Equal(new Period("2026-27", new(2026, 8, 1), new(2027, 7, 31)), august.AcademicYear(new(2026, 8, 10)));
    }

    [Fact]
    public void History_all_counts_every_supervision_of_the_person_and_history_this_supervision_alone()
    {
        PastSession[] mine = [new(new(2025, 10, 6), DidNotAttend, 60), new(new(2026, 1, 12), DidNotAttend, 60)];
        PastSession[] everything = [.. mine, new(new(2025, 11, 20), DidNotAttend, 60), new(new(2026, 2, 2), Attended, 60)];
        var h = SupervisionHistory.From(mine, Today, SchoolCalendar.None, null, everything);
        Assert.Equal(2, h.MissesThisYear);
        Assert.Equal(2, h.ConsecutiveMisses);
        Assert.Equal(3, h.All!.MissesThisYear);
        Assert.Equal(0, h.All.ConsecutiveMisses); // the group session on 2 February was attended
        Assert.Equal(3, h.ToJson(forScript: false)["all"]!["missesThisYear"]!.GetValue<int>());
        // Without the other supervisions, all is this one.
        Assert.Equal(2, SupervisionHistory.From(mine, Today, SchoolCalendar.None, null).All!.MissesThisYear);
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
