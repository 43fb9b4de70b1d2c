using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace SupervisionHub.Web.Supervision;

/// <summary>One person invited to a session: their name and address, as an ATTENDEE.</summary>
public sealed record Invitee(string Name, string Email);

/// <summary>
/// A calendar invitation (RFC 5546 iTIP over RFC 5545) for one session, written with Ical.Net so
/// Outlook and Google add it with one click. One UID per session for its whole life and the
/// session's SEQUENCE, which grows at each move or cancellation, so a calendar replaces its copy
/// rather than adding another. Times are UTC, converted from the tenant's zone so the weeks when
/// the clocks change stay right. Says who meets and where, never what will be discussed.
/// </summary>
public static class Ics
{
    public const string Summary = "Safeguarding supervision";

    public static string Uid(Session session) => $"{session.Id:N}@supervisionhub";

    /// <param name="organiser">The service's From address, named for the tenant: invitations come from the organisation, not a person.</param>
    /// <param name="link">The session's page, as extra (the invitation itself needs no sign-in).</param>
    public static string Invitation(Session session, string partiesLine, Invitee organiser, IReadOnlyList<Invitee> attendees, TimeZoneInfo zone,
        DateTimeOffset stamp, string? link = null)
    {
        var cancelled = session.IsCancelled;
        var local = session.Date.ToDateTime(session.StartTime, DateTimeKind.Unspecified);
        var start = TimeZoneInfo.ConvertTimeToUtc(local, zone);
        var evt = new CalendarEvent
        {
            Uid = Uid(session),
            Sequence = session.Sequence,
            DtStamp = new CalDateTime(stamp.UtcDateTime),
            DtStart = new CalDateTime(start),
            DtEnd = new CalDateTime(start.AddMinutes(session.DurationMinutes)),
            Summary = Summary,
            Location = session.Location,
            Description = $"{Summary}: {partiesLine}." + (link is null ? "" : $" Session details: {link}"),
            Status = cancelled ? EventStatus.Cancelled : EventStatus.Confirmed,
            Organizer = new Organizer("mailto:" + organiser.Email) { CommonName = organiser.Name },
        };
        foreach (var a in attendees)
            evt.Attendees.Add(new Attendee("mailto:" + a.Email)
            {
                CommonName = a.Name, Role = ParticipationRole.RequiredParticipant,
                ParticipationStatus = cancelled ? EventParticipationStatus.Declined : EventParticipationStatus.NeedsAction, Rsvp = !cancelled,
            });
        var calendar = new Calendar { ProductId = "-//SupervisionHub//Supervision sessions//EN", Method = cancelled ? CalendarMethods.Cancel : CalendarMethods.Request };
        calendar.Events.Add(evt);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
