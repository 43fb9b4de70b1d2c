using SupervisionHub.Workflows.Supervision;
using static SupervisionHub.Workflows.Tests.Supervision.AscentTerms;

namespace SupervisionHub.Workflows.Tests.Supervision;

public sealed class ComplianceCalculatorTests
{
    private static readonly FrequencyRequirement PerHalfTerm = new() { Per = PeriodKind.HalfTerm };
    private static readonly FrequencyRequirement SixPerYear = new() { Per = PeriodKind.AcademicYear, AtLeast = 6 };
    private static readonly FrequencyRequirement SixWeekly = new() { Every = 6, Unit = IntervalUnit.Weeks };
    private static readonly FrequencyPolicy HalfTermly = new([PerHalfTerm]);

    private static ComplianceStatus Evaluate(FrequencyPolicy policy, string today, string requiredFrom = "2025-09-01", string? requiredUntil = null, SchoolCalendar? calendar = null, params string[] sessions) =>
        ComplianceCalculator.Evaluate(policy, calendar ?? Ascent, D(requiredFrom), requiredUntil is null ? null : D(requiredUntil),
            [.. sessions.Select(s => new AttendedSession(D(s), 60))], D(today));

    private static void AssertStatus(ComplianceState state, string? nextDue, ComplianceStatus actual)
    {
        Assert.Equal(state, actual.State);
        Assert.Equal(nextDue is null ? null : D(nextDue), actual.NextDue);
    }

    [Fact]
    public void A_session_on_the_last_teaching_day_counts_for_that_half_term()
    {
        var status = Evaluate(HalfTermly, today: "2026-12-19", sessions: ["2026-10-01", "2026-12-18"]);
        AssertStatus(ComplianceState.OnTrack, "2027-02-14", status);
        Assert.Equal(D("2026-12-18"), status.LastSession);
    }

    [Fact]
    public void A_session_on_the_first_day_of_the_break_counts_for_the_next_half_term()
    {
        var status = Evaluate(HalfTermly, today: "2026-11-10", sessions: ["2026-10-01", "2026-10-26"]);
        AssertStatus(ComplianceState.OnTrack, "2027-02-14", status);
        Assert.StartsWith("Done for Autumn 2 2026-27", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_in_the_break_does_not_rescue_the_half_term_before_it()
    {
        var status = Evaluate(HalfTermly, today: "2026-10-27", sessions: ["2026-10-26"]);
        AssertStatus(ComplianceState.Overdue, "2026-10-25", status);
        Assert.Equal("No session in Autumn 1 2026-27 (at least 1 needed)", status.Reason);
    }

    [Fact]
    public void The_last_day_of_a_half_term_without_a_session_is_due_soon_and_the_day_after_is_overdue()
    {
        AssertStatus(ComplianceState.DueSoon, "2026-10-25", Evaluate(HalfTermly, today: "2026-10-25", sessions: ["2026-06-01"]));
        AssertStatus(ComplianceState.Overdue, "2026-10-25", Evaluate(HalfTermly, today: "2026-10-26", sessions: ["2026-06-01"]));
    }

    [Fact]
    public void A_half_term_with_weeks_to_go_and_no_session_yet_is_on_track_with_its_end_as_the_deadline()
    {
        var status = Evaluate(HalfTermly, today: "2026-09-20", sessions: ["2026-06-01"]);
        AssertStatus(ComplianceState.OnTrack, "2026-10-25", status);
        Assert.Equal("No session yet in Autumn 1 2026-27; due by 25 October 2026 (at least 1 per half term)", status.Reason);
    }

    [Fact]
    public void A_session_shorter_than_the_minimum_does_not_count()
    {
        var policy = HalfTermly with { MinimumMinutes = 60 };
        var status = ComplianceCalculator.Evaluate(policy, Ascent, D("2025-09-01"), null, [new(D("2026-10-01"), 45)], D("2026-10-26"));
        AssertStatus(ComplianceState.Overdue, "2026-10-25", status);
        Assert.Null(status.LastSession);

        var hour = ComplianceCalculator.Evaluate(policy, Ascent, D("2025-09-01"), null, [new(D("2026-10-01"), 60)], D("2026-10-26"));
        Assert.Equal(ComplianceState.OnTrack, hour.State);
    }

    [Fact]
    public void A_new_starter_is_first_due_at_the_end_of_the_first_whole_half_term()
    {
        var joined = Evaluate(HalfTermly, today: "2026-11-20", requiredFrom: "2026-11-02");
        AssertStatus(ComplianceState.OnTrack, "2027-02-14", joined);
        Assert.StartsWith("Started part-way through Autumn 2 2026-27", joined.Reason, StringComparison.Ordinal);

        // The half term they joined in has ended without a session, and that is not a miss.
        AssertStatus(ComplianceState.OnTrack, "2027-02-14", Evaluate(HalfTermly, today: "2026-12-19", requiredFrom: "2026-11-02"));
    }

    [Fact]
    public void A_leaver_is_not_required()
    {
        var status = Evaluate(HalfTermly, today: "2026-09-10", requiredUntil: "2026-08-31", sessions: ["2026-07-01"]);
        Assert.Equal(new ComplianceStatus(ComplianceState.NotRequired, null, D("2026-07-01"), "Left on 31 August 2026"), status);
    }

    [Fact]
    public void Someone_leaving_before_the_current_half_term_ends_is_not_chased_for_it()
    {
        var status = Evaluate(HalfTermly, today: "2026-12-10", requiredUntil: "2026-12-11", sessions: ["2026-10-01"]);
        AssertStatus(ComplianceState.OnTrack, null, status);
        Assert.Equal("Leaves on 11 December 2026, before Autumn 2 2026-27 ends", status.Reason);
    }

    [Fact]
    public void Someone_who_has_not_started_yet_is_not_required_and_is_first_due_one_interval_after_starting()
    {
        var status = Evaluate(new([SixWeekly]), today: "2026-11-20", requiredFrom: "2026-12-01");
        Assert.Equal(new ComplianceStatus(ComplianceState.NotRequired, D("2027-01-12"), null, "Starts on 1 December 2026"), status);
        AssertStatus(ComplianceState.NotRequired, null, Evaluate(HalfTermly, today: "2026-11-20", requiredFrom: "2026-12-01"));
    }

    [Theory]
    [InlineData("2026-10-20", ComplianceState.OnTrack)]
    [InlineData("2026-10-29", ComplianceState.DueSoon)]
    [InlineData("2026-11-12", ComplianceState.DueSoon)]
    [InlineData("2026-11-13", ComplianceState.Overdue)]
    public void Every_six_weeks_is_due_six_weeks_after_the_last_session(string today, ComplianceState state)
    {
        var status = Evaluate(new([SixWeekly]), today, sessions: ["2026-08-01", "2026-10-01"]);
        AssertStatus(state, "2026-11-12", status);
    }

    [Fact]
    public void An_overdue_rolling_requirement_says_when_the_last_session_was()
    {
        var status = Evaluate(new([SixWeekly]), "2026-11-13", sessions: ["2026-10-01"]);
        Assert.Equal("No session since 1 October 2026; was due by 12 November 2026 (every 6 weeks)", status.Reason);
    }

    [Fact]
    public void With_no_session_yet_a_rolling_requirement_counts_from_the_day_supervision_became_required()
    {
        // The session with a previous supervisor, before this requirement began, does not start the clock.
        var status = Evaluate(new([SixWeekly]), "2026-10-01", requiredFrom: "2026-09-14", sessions: ["2026-07-01"]);
        AssertStatus(ComplianceState.OnTrack, "2026-10-26", status);
        Assert.Equal(D("2026-07-01"), status.LastSession);
    }

    [Fact]
    public void Every_three_months_uses_calendar_months_and_clamps_to_the_end_of_a_short_month()
    {
        var quarterly = new FrequencyPolicy([new() { Every = 3, Unit = IntervalUnit.Months }]);
        var status = Evaluate(quarterly, "2027-01-10", calendar: SchoolCalendar.None, sessions: ["2026-11-30"]);
        AssertStatus(ComplianceState.OnTrack, "2027-02-28", status);
    }

    [Fact]
    public void Fewer_than_six_sessions_in_an_ended_academic_year_is_overdue()
    {
        var status = Evaluate(new([SixPerYear]), "2026-09-10", sessions: ["2025-10-01", "2026-03-01"]);
        AssertStatus(ComplianceState.Overdue, "2026-07-17", status);
        Assert.Equal("2 of 6 sessions in 2025-26", status.Reason);
    }

    [Fact]
    public void Six_sessions_in_the_academic_year_meet_it_and_the_next_deadline_is_the_end_of_the_next_year()
    {
        string[] six = ["2025-10-01", "2025-12-01", "2026-02-01", "2026-03-01", "2026-05-01", "2026-07-01"];
        AssertStatus(ComplianceState.OnTrack, "2027-07-23", Evaluate(new([SixPerYear]), "2026-07-10", sessions: six));
        AssertStatus(ComplianceState.OnTrack, "2027-07-23", Evaluate(new([SixPerYear]), "2026-09-10", sessions: six));
    }

    [Fact]
    public void Sessions_so_far_are_counted_in_the_reason_while_a_period_is_under_way()
    {
        var status = Evaluate(new([SixPerYear]), "2027-07-15", requiredFrom: "2026-07-01", sessions: ["2026-10-01", "2027-01-10"]);
        AssertStatus(ComplianceState.DueSoon, "2027-07-23", status);
        Assert.Equal("2 of 6 sessions so far in 2026-27; due by 23 July 2027", status.Reason);
    }

    [Fact]
    public void With_two_requirements_the_worst_state_wins()
    {
        // Ascent: at least one per half term and six a year. Every half term but Spring 2 had a
        // session, so the half-termly requirement is on track but the year fell one short.
        var ascent = new FrequencyPolicy([PerHalfTerm, SixPerYear], MinimumMinutes: 60);
        var status = Evaluate(ascent, "2026-07-20", sessions: ["2025-10-01", "2025-12-01", "2026-02-01", "2026-05-01", "2026-07-01"]);
        AssertStatus(ComplianceState.Overdue, "2026-07-17", status);
        Assert.Equal("5 of 6 sessions in 2025-26", status.Reason);
    }

    [Fact]
    public void With_two_requirements_on_track_the_earliest_deadline_is_shown()
    {
        var ascent = new FrequencyPolicy([SixPerYear, PerHalfTerm]);
        string[] six = ["2025-10-01", "2025-12-01", "2026-02-01", "2026-03-01", "2026-05-01", "2026-07-01"];
        var status = Evaluate(ascent, "2026-09-01", sessions: six);
        AssertStatus(ComplianceState.OnTrack, "2026-10-25", status);
        Assert.Contains("Autumn 1 2026-27", status.Reason, StringComparison.Ordinal);

        AssertStatus(ComplianceState.DueSoon, "2026-10-25", Evaluate(ascent, "2026-10-20", sessions: six));
    }

    [Theory]
    [InlineData("2026-09-20", ComplianceState.OnTrack)]
    [InlineData("2026-09-25", ComplianceState.DueSoon)]
    [InlineData("2026-10-06", ComplianceState.Overdue)]
    public void A_new_starter_needs_a_first_session_soon_after_starting_whatever_the_usual_frequency(string today, ComplianceState state)
    {
        var fromTheOutset = HalfTermly with { FirstSessionWithinDays = 28 };
        var status = Evaluate(fromTheOutset, today, requiredFrom: "2026-09-07");
        AssertStatus(state, "2026-10-05", status);
        Assert.Contains("within 28 days of starting on 7 September 2026", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_first_session_the_usual_frequency_applies_again()
    {
        var fromTheOutset = HalfTermly with { FirstSessionWithinDays = 28 };
        AssertStatus(ComplianceState.OnTrack, "2026-12-18", Evaluate(fromTheOutset, "2026-10-06", requiredFrom: "2026-09-07", sessions: ["2026-09-30"]));
    }

    [Theory]
    [InlineData("2027-08-01")]
    [InlineData("2025-08-01")]
    public void Beyond_the_term_dates_the_status_is_unknown(string today)
    {
        var status = Evaluate(HalfTermly, today, requiredFrom: "2025-01-01");
        AssertStatus(ComplianceState.Unknown, null, status);
        Assert.Equal($"No term dates for {D(today):d MMMM yyyy}; add them to the tenant's settings.", status.Reason);
    }

    [Fact]
    public void Missing_term_dates_are_not_mistaken_for_compliance_when_another_requirement_is_on_track()
    {
        var status = Evaluate(new([SixWeekly, PerHalfTerm]), "2027-09-10", sessions: ["2027-09-01"]);
        AssertStatus(ComplianceState.Unknown, null, status);
        Assert.StartsWith("No term dates for 10 September 2027", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Quarters_need_no_term_dates()
    {
        var quarterly = new FrequencyPolicy([new() { Per = PeriodKind.Quarter }]);
        AssertStatus(ComplianceState.OnTrack, "2026-09-30", Evaluate(quarterly, "2026-07-02", "2026-01-01", calendar: SchoolCalendar.None, sessions: ["2026-05-10"]));

        var missed = Evaluate(quarterly, "2026-10-01", "2026-01-01", calendar: SchoolCalendar.None, sessions: ["2026-05-10"]);
        AssertStatus(ComplianceState.Overdue, "2026-09-30", missed);
        Assert.Equal("No session in Q3 2026 (at least 1 needed)", missed.Reason);
    }

    [Fact]
    public void Sessions_may_come_in_any_order_and_one_dated_after_today_does_not_count()
    {
        var status = Evaluate(HalfTermly, "2026-10-26", sessions: ["2026-11-01", "2026-06-01", "2026-10-30", "2026-05-01"]);
        AssertStatus(ComplianceState.Overdue, "2026-10-25", status);
        Assert.Equal(D("2026-06-01"), status.LastSession);
    }

    [Theory]
    [InlineData(6, IntervalUnit.Weeks, null, 1, "every 6 weeks")]
    [InlineData(3, IntervalUnit.Months, null, 1, "every 3 months")]
    [InlineData(1, IntervalUnit.Months, null, 1, "every month")]
    [InlineData(null, IntervalUnit.Weeks, PeriodKind.HalfTerm, 1, "at least 1 per half term")]
    [InlineData(null, IntervalUnit.Weeks, PeriodKind.AcademicYear, 6, "at least 6 per academic year")]
    public void Requirements_describe_themselves_in_plain_words(int? every, IntervalUnit unit, PeriodKind? per, int atLeast, string expected) =>
        Assert.Equal(expected, new FrequencyRequirement { Every = every, Unit = unit, Per = per, AtLeast = atLeast }.Describe());

    [Fact]
    public void Configuration_problems_are_reported_in_plain_words()
    {
        Assert.Empty(PerHalfTerm.Problems());
        Assert.Contains("not both", Assert.Single(new FrequencyRequirement { Every = 6, Per = PeriodKind.Term }.Problems()), StringComparison.Ordinal);
        Assert.Contains("Set how often", Assert.Single(new FrequencyRequirement().Problems()), StringComparison.Ordinal);
        Assert.Contains("must be at least 1", Assert.Single(new FrequencyRequirement { Every = 0 }.Problems()), StringComparison.Ordinal);
        Assert.Contains("must be 1 or more", Assert.Single(new FrequencyRequirement { Per = PeriodKind.Term, AtLeast = 0 }.Problems()), StringComparison.Ordinal);
        Assert.Equal("Requirement 2: \"every\" must be at least 1; it is -2.", Assert.Single(new FrequencyPolicy([PerHalfTerm, new() { Every = -2 }]).Problems()));
    }

    [Fact]
    public void A_requirement_with_neither_rule_is_refused_rather_than_guessed()
    {
        Assert.Throws<ArgumentException>(() => Evaluate(new([new FrequencyRequirement()]), "2026-10-01"));
    }
}
