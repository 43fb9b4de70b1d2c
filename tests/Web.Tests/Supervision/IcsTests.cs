using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

public sealed class IcsTests
{
    private static Session SessionOn(DateOnly date, TimeOnly start, int minutes, string? location)
    {
        var type = new SupervisionTypeSettings { Id = "one-to-one", Name = "One to one" };
        var relationship = Relationship.Start(type, "supervisor", ["supervisee"], date.AddDays(-30));
        return Session.Book(relationship, date, start, minutes, location, "supervisee", DateTimeOffset.UtcNow, date);
    }

    [Fact]
    public void A_summer_session_at_ten_in_london_is_nine_utc_and_a_winter_one_is_ten()
    {
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var summer = Ics.Invitation(SessionOn(new DateOnly(2027, 6, 10), new TimeOnly(10, 0), 60, null), "Supervision", "Owen", london, DateTimeOffset.UtcNow);
        var winter = Ics.Invitation(SessionOn(new DateOnly(2027, 1, 14), new TimeOnly(10, 0), 90, null), "Supervision", "Owen", london, DateTimeOffset.UtcNow);
        Assert.Contains("DTSTART:20270610T090000Z\r\n", summer);
        Assert.Contains("DTEND:20270610T100000Z\r\n", summer);
        Assert.Contains("DTSTART:20270114T100000Z\r\n", winter);
        Assert.Contains("DTEND:20270114T113000Z\r\n", winter);
    }

    [Fact]
    public void Long_lines_are_folded_and_special_characters_escaped()
    {
        var where = "Room 4, Ash Trees; ask at reception for the safeguarding office on the second floor, by the lift";
        var ics = Ics.Invitation(SessionOn(new DateOnly(2027, 1, 14), new TimeOnly(10, 0), 60, where), "Supervision", "Owen", TimeZoneInfo.Utc, DateTimeOffset.UtcNow);
        Assert.All(ics.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        var unfolded = ics.Replace("\r\n ", "", StringComparison.Ordinal);
        Assert.Contains(@"LOCATION:Room 4\, Ash Trees\; ask at reception", unfolded);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics);
        Assert.EndsWith("END:VCALENDAR\r\n", ics);
    }
}
