using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// A note that something feeding someone's supervision status changed: a person (StaffId), everyone
/// in a supervision (RelationshipId), or everyone a supervisor supervises (SupervisorId, when their
/// name changes). Written by AppDbContext.SaveChanges in the same transaction as the change, and
/// read by every node's <see cref="StatusCache"/> to recompute just those people
/// (docs/adr/0016-status-cache.md). Ids only; pruned by the sweep after <see cref="KeepFor"/>.
/// </summary>
public sealed class StatusChange : ITenantOwned
{
    private StatusChange() { }

    public StatusChange(DateTimeOffset at, string? staffId = null, Guid? relationshipId = null, string? supervisorId = null)
    {
        At = at;
        StaffId = staffId;
        RelationshipId = relationshipId;
        SupervisorId = supervisorId;
    }

    public long Id { get; private set; }
    public Guid TenantId { get; private set; }

    /// <summary>Wall-clock time of the save (not the app's TimeProvider: it bounds how late a commit can be seen).</summary>
    public DateTimeOffset At { get; private set; }
    public string? StaffId { get; private set; }
    public Guid? RelationshipId { get; private set; }
    public string? SupervisorId { get; private set; }

    /// <summary>
    /// How long rows are kept. A cache that has not looked for longer than <see cref="StatusCache.MaxGap"/>
    /// starts afresh, so it never relies on a row this old.
    /// </summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(2);

    /// <summary>
    /// The status changes implied by the entries about to be saved: the inputs of
    /// <see cref="ComplianceService.StatusesAsync"/>, and those of the figures kept beside the statuses
    /// (the home page's directory counts: a person added, a role, a training record; ADR 0041), nothing
    /// else (a new email address or a record's answers touch neither).
    /// </summary>
    public static List<StatusChange> From(ChangeTracker tracker, DateTimeOffset now)
    {
        var staff = new HashSet<string>();
        var relationships = new HashSet<Guid>();
        var supervisors = new HashSet<string>();
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            bool Changed(params string[] properties) => entry.State != EntityState.Modified || properties.Any(p => entry.Property(p).IsModified);
            switch (entry.Entity)
            {
                case Session s when Changed(nameof(Session.Status), nameof(Session.Date), nameof(Session.RelationshipId)):
                    relationships.Add(s.RelationshipId);
                    if (entry.State == EntityState.Modified && entry.Property(nameof(Session.RelationshipId)).OriginalValue is Guid was) relationships.Add(was);
                    break;
                case SessionAttendance a:
                    staff.Add(a.StaffId);
                    break;
                case Relationship r when Changed(nameof(Relationship.EndedOn), nameof(Relationship.SupervisorId), nameof(Relationship.TypeId)):
                    relationships.Add(r.Id);
                    break;
                case RelationshipMember m:
                    staff.Add(m.StaffId);
                    break;
                case Submission { SessionId: null, RelationshipId: { } rel } when Changed(nameof(Submission.FullySignedAt), nameof(Submission.FormId), nameof(Submission.RelationshipId), nameof(Submission.SessionId)):
                    relationships.Add(rel);
                    break;
                case StaffMember p when entry.State == EntityState.Added || Changed(nameof(StaffMember.Roles)):
                    // Not a status input, but the directory figures kept with the statuses (ADR 0041): a new
                    // person or a changed role must drop them like any status change.
                    staff.Add(p.Id);
                    if (entry.State != EntityState.Added && (entry.State == EntityState.Deleted || entry.Property(nameof(StaffMember.FullName)).IsModified)) supervisors.Add(p.Id);
                    break;
                case StaffMember p when Changed(nameof(StaffMember.FullName), nameof(StaffMember.Site), nameof(StaffMember.LineManagerId), nameof(StaffMember.StartDate), nameof(StaffMember.LeftOn)):
                    staff.Add(p.Id);
                    if (entry.State == EntityState.Deleted || entry.Property(nameof(StaffMember.FullName)).IsModified) supervisors.Add(p.Id);
                    break;
                case TrainingRecord t: // likewise the directory figures' training counts (ADR 0041)
                    staff.Add(t.StaffMemberId);
                    break;
            }
        }
        return [
            .. staff.Select(id => new StatusChange(now, staffId: id)),
            .. relationships.Select(id => new StatusChange(now, relationshipId: id)),
            .. supervisors.Select(id => new StatusChange(now, supervisorId: id)),
        ];
    }
}
