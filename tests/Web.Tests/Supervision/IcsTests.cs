using Ical.Net;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

public sealed class IcsTests
{
    private static readonly Invitee Organiser = new("Ralph Thoresby School", "noreply@supervisionhub.example");
    private static readonly Invitee[] Parties = [new("Owen Supervisor", "owen@example.org"), new("Chloe Ibbotson", "chloe@example.org")];

    private static Session SessionOn(DateOnly date, TimeOnly start, int minutes, string? location)
    {
        var type = new SupervisionTypeSettings { Id = "one-to-one", Name = "One to one" };
        var relationship = Relationship.Start(type, "supervisor", ["supervisee"], date.AddDays(-30));
        return Session.Book(relationship, date, start, minutes, location, "supervisee", DateTimeOffset.UtcNow, date);
    }

    private static string Invite(Session s, TimeZoneInfo zone) => Ics.Invitation(s, "Owen Supervisor (supervisor) with Chloe Ibbotson", Organiser, Parties, zone, DateTimeOffset.UtcNow);

    [Fact]
    public void A_summer_session_at_ten_in_london_is_nine_utc_and_a_winter_one_is_ten()
    {
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var summer = Calendar.Load(Invite(SessionOn(new DateOnly(2027, 6, 10), new TimeOnly(10, 0), 60, null), london))!.Events.Single();
        var winter = Calendar.Load(Invite(SessionOn(new DateOnly(2027, 1, 14), new TimeOnly(10, 0), 90, null), london))!.Events.Single();
        Assert.Equal(new DateTime(2027, 6, 10, 9, 0, 0, DateTimeKind.Utc), summer.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2027, 6, 10, 10, 0, 0, DateTimeKind.Utc), summer.DtEnd!.AsUtc);
        Assert.Equal(new DateTime(2027, 1, 14, 10, 0, 0, DateTimeKind.Utc), winter.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2027, 1, 14, 11, 30, 0, DateTimeKind.Utc), winter.DtEnd!.AsUtc);
    }

    [Fact]
    public void An_invitation_is_a_request_to_every_party_from_the_organisation_with_a_stable_uid_and_no_case_content()
    {
        var where = "Room 4, Ash Trees; ask at reception for the safeguarding office on the second floor, by the lift";
        var session = SessionOn(new DateOnly(2027, 1, 14), new TimeOnly(10, 0), 60, where);
        var text = Invite(session, TimeZoneInfo.Utc);
        Assert.All(text.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        var calendar = Calendar.Load(text)!;
        Assert.Equal("REQUEST", calendar.Method);
        var evt = calendar.Events.Single();
        Assert.Equal($"{session.Id:N}@supervisionhub", evt.Uid);
        Assert.Equal(0, evt.Sequence);
        Assert.Equal(where, evt.Location);
        Assert.Equal("Safeguarding supervision", evt.Summary);
        Assert.Equal("mailto:noreply@supervisionhub.example", evt.Organizer!.Value!.ToString());
        Assert.Equal(["mailto:owen@example.org", "mailto:chloe@example.org"], evt.Attendees.Select(a => a.Value!.ToString()));
    }
}
