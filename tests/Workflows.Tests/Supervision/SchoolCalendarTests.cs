using SupervisionHub.Workflows.Supervision;
using static SupervisionHub.Workflows.Tests.Supervision.AscentTerms;

namespace SupervisionHub.Workflows.Tests.Supervision;

public sealed class SchoolCalendarTests
{
    [Fact]
    public void Half_terms_are_named_by_term_half_and_year_and_run_to_the_day_before_the_break_or_the_term_end()
    {
        var halves = Ascent.Periods(PeriodKind.HalfTerm);
        Assert.Equal(
            ["Autumn 1 2025-26", "Autumn 2 2025-26", "Spring 1 2025-26", "Spring 2 2025-26", "Summer 1 2025-26", "Summer 2 2025-26",
             "Autumn 1 2026-27", "Autumn 2 2026-27", "Spring 1 2026-27", "Spring 2 2026-27", "Summer 1 2026-27", "Summer 2 2026-27"],
            halves.Select(p => p.Name));
        Assert.Equal(new Period("Autumn 1 2025-26", D("2025-09-02"), D("2025-10-26")), halves[0]);
        // The break and the weekend before the next half begin belong to the half term that follows.
        Assert.Equal(new Period("Autumn 2 2026-27", D("2026-10-26"), D("2026-12-18")), halves[7]);
        Assert.Equal(new Period("Autumn 1 2026-27", D("2026-07-18"), D("2026-10-25")), halves[6]);
    }

    [Theory]
    [InlineData(PeriodKind.HalfTerm)]
    [InlineData(PeriodKind.Term)]
    [InlineData(PeriodKind.AcademicYear)]
    public void Each_period_starts_the_day_after_the_previous_one_ends(PeriodKind kind)
    {
        var periods = Ascent.Periods(kind);
        Assert.Equal(D("2025-09-02"), periods[0].Start);
        Assert.Equal(D("2027-07-23"), periods[^1].End);
        for (var i = 1; i < periods.Count; i++)
            Assert.Equal(periods[i - 1].End.AddDays(1), periods[i].Start);
    }

    [Fact]
    public void Terms_and_academic_years_end_on_their_last_teaching_day()
    {
        Assert.Equal(
            [new("Autumn 2025-26", D("2025-09-02"), D("2025-12-19")), new("Spring 2025-26", D("2025-12-20"), D("2026-03-27")),
             new("Summer 2025-26", D("2026-03-28"), D("2026-07-17")), new("Autumn 2026-27", D("2026-07-18"), D("2026-12-18")),
             new("Spring 2026-27", D("2026-12-19"), D("2027-03-19")), new Period("Summer 2026-27", D("2027-03-20"), D("2027-07-23"))],
            Ascent.Periods(PeriodKind.Term));
        Assert.Equal(
            [new("2025-26", D("2025-09-02"), D("2026-07-17")), new Period("2026-27", D("2026-07-18"), D("2027-07-23"))],
            Ascent.Periods(PeriodKind.AcademicYear));
    }

    [Theory]
    [InlineData("2025-09-02", "Autumn 1 2025-26")]
    [InlineData("2026-10-25", "Autumn 1 2026-27")]
    [InlineData("2026-10-26", "Autumn 2 2026-27")]
    [InlineData("2026-12-25", "Spring 1 2026-27")]
    [InlineData("2027-07-23", "Summer 2 2026-27")]
    public void The_period_containing_a_day_is_found_in_term_and_in_the_holidays(string day, string name) =>
        Assert.Equal(name, Ascent.PeriodContaining(PeriodKind.HalfTerm, D(day))?.Name);

    [Theory]
    [InlineData("2025-09-01")]
    [InlineData("2027-07-24")]
    public void Days_outside_the_term_dates_have_no_period(string day) =>
        Assert.Null(Ascent.PeriodContaining(PeriodKind.HalfTerm, D(day)));

    [Fact]
    public void Quarters_are_calendar_quarters_and_need_no_term_dates()
    {
        Assert.Equal(new Period("Q1 2027", D("2027-01-01"), D("2027-03-31")), SchoolCalendar.None.PeriodContaining(PeriodKind.Quarter, D("2027-02-28")));
        Assert.Equal(new Period("Q4 2026", D("2026-10-01"), D("2026-12-31")), SchoolCalendar.None.PeriodContaining(PeriodKind.Quarter, D("2026-12-31")));
        Assert.Null(SchoolCalendar.None.PeriodContaining(PeriodKind.Term, D("2026-12-31")));
        Assert.Empty(SchoolCalendar.None.Periods(PeriodKind.HalfTerm));
    }

    [Fact]
    public void A_year_missing_from_the_term_dates_is_left_uncovered_rather_than_bridged()
    {
        var calendar = new SchoolCalendar(Terms.Where(t => t.Year == "2025-26").Append(new("2027-28", "Autumn", D("2027-09-01"), D("2027-12-17"))));
        Assert.Null(calendar.PeriodContaining(PeriodKind.HalfTerm, D("2026-11-02")));
        Assert.Equal(new Period("Autumn 2027-28", D("2027-09-01"), D("2027-12-17")), calendar.PeriodContaining(PeriodKind.HalfTerm, D("2027-09-01")));
    }

    [Fact]
    public void A_half_term_break_outside_its_term_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SchoolCalendar([new("2026-27", "Autumn", D("2026-09-01"), D("2026-12-18"), D("2026-12-21"), D("2026-12-24"))]));
        Assert.Contains("Autumn 2026-27's half-term break", ex.Message, StringComparison.Ordinal);
    }
}
