using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Records;

/// <summary>
/// Gathers what <see cref="RecordAccess"/> needs to decide about one record (the supervision's
/// people, the supervisor's line management, whether the reader manages a participant), and
/// writes each access to the audit log. Pages call this; the rule itself stays in RecordAccess.
/// One decision answers both questions, who may read and what they may change, so no page asks
/// the second without the first.
/// </summary>
public sealed class RecordGate(AppDbContext db, ITenantContext tenant, TimeProvider clock, IHttpContextAccessor http)
{
    public sealed record Decision(ReadDecision Read, RecordParties Parties, RecordRights Rights);

    public async Task<Decision> DecideAsync(Submission s, FormDefinition form, StaffMember me, CancellationToken ct)
    {
        var parties = await PartiesAsync(s.RelationshipId, ct);
        var settings = tenant.Tenant.Settings;
        var managers = settings.Supervision.Records.Readers.Contains(RecordAccessSettings.SupervisorLineManagers) && parties.SupervisorId is { } sup
            ? await ManagersOfAsync(sup, ct) : new HashSet<string>();
        var participants = RecordAccess.Participants(s, parties);
        var managesOne = me.Has(StaffRoles.LineManager) && await db.Staff.AnyAsync(p => participants.Contains(p.Id) && p.LineManagerId == me.Id, ct);
        var read = RecordAccess.Read(s, parties, me, settings, managers, managesOne);
        return new(read, parties, RecordAccess.Rights(s, form, me, parties, read));
    }

    /// <summary>The supervision's supervisor and every member it has had (a member who left still took part in its earlier records).</summary>
    public async Task<RecordParties> PartiesAsync(Guid? relationshipId, CancellationToken ct)
    {
        if (relationshipId is not { } id) return RecordParties.None;
        var r = await db.Relationships.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new { x.SupervisorId, Members = x.Members.Select(m => m.StaffId).ToList() }).FirstOrDefaultAsync(ct);
        return r is null ? RecordParties.None : new RecordParties(r.SupervisorId, r.Members.ToHashSet());
    }

    /// <summary>The supervisor's line manager, theirs, and so on (ralph-thoresby: "the supervisor and their line management").</summary>
    private async Task<HashSet<string>> ManagersOfAsync(string staffId, CancellationToken ct)
    {
        var result = new HashSet<string>();
        var current = staffId;
        for (var depth = 0; depth < 10; depth++) // a loop in the data cannot hang a request
        {
            var manager = await db.Staff.Where(x => x.Id == current).Select(x => x.LineManagerId).FirstOrDefaultAsync(ct);
            if (manager is null || !result.Add(manager)) break;
            current = manager;
        }
        return result;
    }

    /// <summary>A record started by someone (its author), written with the new record.</summary>
    public void LogCreated(Submission s, string actorId) =>
        db.AuditEntries.Add(new AuditEntry(actorId, "create", "record", s.Id.ToString(), false,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));

    /// <summary>Adds an audit entry to the unit of work; the caller's SaveChanges writes it with the change (or alone for a read).</summary>
    public void Log(string action, Submission s, StaffMember me, ReadDecision read, string? reason = null) =>
        db.AuditEntries.Add(new AuditEntry(me.Id, action, "record", s.Id.ToString(), read == ReadDecision.ReadAsAuditor,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow(), reason));
}
