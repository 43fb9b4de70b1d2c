using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

public enum InvitationReason { Booked, Moved, Cancelled }

/// <summary>
/// Tells every party to a session (its supervisor and current supervisees, and anyone else the
/// caller names, such as line managers for a planned series) that it was booked, moved or
/// cancelled: one email each through the outbox, in the same save as the change, carrying a real
/// calendar invitation (<see cref="Ics"/>). The email says who meets, when and where, never what
/// will be discussed; its link to the session page is extra, the invitation needs no sign-in.
/// </summary>
public sealed class SessionInvitations(AppDbContext db, ITenantContext tenant, TimeProvider clock, PublicUrls urls, IOptions<SmtpOptions> smtp)
{
    /// <summary>Used when no SMTP server is set (the development mailbox shows the outbox): a calendar still needs an organiser.</summary>
    public const string FallbackOrganiser = "noreply@supervisionhub.invalid";

    public async Task QueueAsync(Session session, Relationship relationship, InvitationReason reason, IReadOnlyCollection<string>? alsoInvite, CancellationToken ct)
    {
        var (ics, parties, invited) = await BuildAsync(session, relationship, alsoInvite, ct);
        var method = session.IsCancelled ? "CANCEL" : "REQUEST";
        var when = $"{session.Date:dddd d MMMM yyyy} at {session.StartTime:HH:mm}";
        var subject = reason switch
        {
            InvitationReason.Cancelled => $"Cancelled: safeguarding supervision on {when}",
            InvitationReason.Moved => $"Moved: safeguarding supervision, now on {when}",
            _ => $"Invitation: safeguarding supervision on {when}",
        };
        var what = reason switch
        {
            InvitationReason.Cancelled => "has been cancelled. The attached cancellation removes it from your calendar.",
            InvitationReason.Moved => "has moved. The attached invitation updates your calendar.",
            _ => "has been booked. Open the attached invitation to add it to your calendar.",
        };
        var body = $"""
            A safeguarding supervision session for {parties} {what}

            - When: {when}, {session.DurationMinutes} minutes
            - Where: {session.Location ?? "not given yet"}

            Session details in SupervisionHub: {Link(session)}
            """;
        var now = clock.GetUtcNow();
        foreach (var p in invited)
            db.Outbox.Add(new OutboxMessage(p.Email, subject, body, now).Attach("invite.ics", $"text/calendar; method={method}; charset=utf-8", ics));
    }

    /// <summary>The same invitation, for "Add to your calendar" on the session page.</summary>
    public async Task<string> IcsAsync(Session session, Relationship relationship, CancellationToken ct) => (await BuildAsync(session, relationship, null, ct)).Ics;

    private string Link(Session session) => urls.Tenant(tenant.Tenant, $"sessions/{session.Id}");

    private async Task<(string Ics, string Parties, List<Invitee> Invited)> BuildAsync(Session session, Relationship relationship, IReadOnlyCollection<string>? alsoInvite, CancellationToken ct)
    {
        var partyIds = relationship.CurrentMembers.Select(m => m.StaffId).Prepend(relationship.SupervisorId).ToList();
        var ids = partyIds.Concat(alsoInvite ?? []).Distinct().ToList();
        var people = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.FullName, s.Email }).ToListAsync(ct);
        var name = people.ToDictionary(p => p.Id, p => p.FullName);
        var supervisees = relationship.CurrentMembers.Select(m => name.GetValueOrDefault(m.StaffId)).OfType<string>().ToList();
        var parties = $"{name.GetValueOrDefault(relationship.SupervisorId, "the supervisor")} (supervisor) with {Display.List(supervisees)}";
        var invited = people.Where(p => !string.IsNullOrWhiteSpace(p.Email)).ToList();
        var t = tenant.Tenant;
        var organiser = new Invitee(t.Settings.Email.SenderName ?? t.Name, smtp.Value.From ?? FallbackOrganiser);
        var attendees = invited.Select(p => new Invitee(p.FullName, p.Email!)).ToList();
        return (Ics.Invitation(session, parties, organiser, attendees, t.TimeZone, clock.GetUtcNow(), Link(session)), parties, attendees);
    }
}
