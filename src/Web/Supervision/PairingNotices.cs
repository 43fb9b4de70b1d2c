using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Tells the people just paired for supervision (the supervisor and each supervisee) that it is set
/// up: who with, from when, and what comes next. One email each through the outbox, written in the
/// same save as the pairing. Names and dates only: a reallocation's handover note, which may speak of
/// cases, stays on the supervision page.
/// </summary>
public sealed class PairingNotices(AppDbContext db, ITenantContext tenant, TimeProvider clock, PublicUrls urls)
{
    public async Task QueueAsync(Relationship relationship, bool reallocated, CancellationToken ct)
    {
        var type = tenant.Tenant.Settings.Supervision.Type(relationship.TypeId);
        var superviseeIds = relationship.CurrentMembers.Select(m => m.StaffId).ToList();
        var ids = superviseeIds.Append(relationship.SupervisorId).ToList();
        var people = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.FullName, s.Email }).ToListAsync(ct);
        var name = people.ToDictionary(p => p.Id, p => p.FullName);
        var what = type?.Name ?? "Safeguarding supervision";
        var supervisees = Display.List(superviseeIds.Select(id => name.GetValueOrDefault(id)).OfType<string>().ToList());
        var supervisor = name.GetValueOrDefault(relationship.SupervisorId, "their supervisor");
        var next = reallocated
            ? "The new supervisor can read the handover note, the open actions and the last record on the supervision page."
            : type?.ContractForm is null
                ? "Next, book the first session from the supervision page."
                : "Next, the supervision agreement is started and signed by each of you; then the first session is booked.";
        var body = $"""
            {what} has been {(reallocated ? "reallocated" : "set up")} for {supervisees}, with {supervisor} as supervisor, from {relationship.StartedOn:d MMMM yyyy}.

            {next}

            The supervision in SupervisionHub: {urls.Tenant(tenant.Tenant, $"supervision/{relationship.Id}")}
            """;
        var subject = reallocated ? $"Your supervision has a new supervisor: {what}" : $"Supervision set up: {what}";
        var now = clock.GetUtcNow();
        foreach (var p in people.Where(p => !string.IsNullOrWhiteSpace(p.Email)))
            db.Outbox.Add(new OutboxMessage(p.Email!, subject, body, now));
    }
}
