using SupervisionHub.Workflows.Calendar;

namespace SupervisionHub.Workflows.Tests;

public sealed class WorkingDaysTests
{
    [Theory]
    [InlineData(2026, "2026-01-01,2026-04-03,2026-04-06,2026-05-04,2026-05-25,2026-08-31,2026-12-25,2026-12-28")]
    [InlineData(2027, "2027-01-01,2027-03-26,2027-03-29,2027-05-03,2027-05-31,2027-08-30,2027-12-27,2027-12-28")]
    [InlineData(2022, "2022-01-03,2022-04-15,2022-04-18,2022-05-02,2022-06-02,2022-06-03,2022-08-29,2022-09-19,2022-12-26,2022-12-27")]
    public void Bank_holidays_match_the_published_lists(int year, string expected)
    {
        var actual = BankHolidays.EnglandAndWales(year).Order().Select(d => d.ToString("yyyy-MM-dd"));
        Assert.Equal(expected.Split(','), actual);
    }

    [Fact]
    public void Ten_working_days_skip_weekends_bank_holidays_and_closures()
    {
        // From Thursday 2 April 2026: Good Friday 3rd and Easter Monday 6th are holidays, the 8th is a
        // closure day, so the ten days are 7, 9, 10, 13-17, 20 and 21 April.
        var days = new WorkingDays([new DateOnly(2026, 4, 8)]);
        Assert.Equal(new DateOnly(2026, 4, 21), days.Add(new DateOnly(2026, 4, 2), 10));
    }

    [Fact]
    public void Zero_working_days_is_the_same_day() =>
        Assert.Equal(new DateOnly(2026, 11, 23), new WorkingDays([]).Add(new DateOnly(2026, 11, 23), 0));
}
