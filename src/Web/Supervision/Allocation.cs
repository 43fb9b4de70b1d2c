using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Who may supervise whom: the checks that need the directory (active people, the supervisor
/// role, in-date training as the tenant requires, no second supervisor of the same type), then the
/// relationship's own rules (group size). Used by the allocation pages and by reallocation alike.
/// </summary>
public sealed class Allocation(AppDbContext db, ITenantContext tenant, TimeProvider clock)
{
    /// <summary>The new relationship, and a warning the person should see (an untrained supervisor where the tenant only warns).</summary>
    public sealed record Result(Relationship Relationship, string? Warning);

    public async Task<Result> StartAsync(string typeId, string supervisorId, IReadOnlyCollection<string> superviseeIds, DateOnly on, CancellationToken ct)
    {
        var type = Type(typeId);
        var warning = await CheckSupervisorAsync(supervisorId, on, ct);
        var ids = superviseeIds.Distinct().ToList();
        var people = await db.Staff.Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.FullName, s.LeftOn }).ToListAsync(ct);
        if (people.Count != ids.Count) throw new SupervisionRuleException("Choose supervisees from the directory.");
        if (people.FirstOrDefault(p => p.LeftOn is { } left && left < on) is { } leaver)
            throw new SupervisionRuleException($"{leaver.FullName} has left the organisation.");
        if (!type.IsGroup)
        {
            // One supervisor of each one-to-one type at a time: a second would split the record and the count.
            var already = await db.RelationshipMembers
                .Where(m => ids.Contains(m.StaffId) && m.LeftOn == null)
                .Join(db.Relationships.Where(r => r.EndedOn == null && r.TypeId == typeId), m => m.RelationshipId, r => r.Id, (m, r) => m.Staff.FullName)
                .FirstOrDefaultAsync(ct);
            if (already is not null) throw new SupervisionRuleException($"{already} already has {type.Name.ToLowerInvariant()}; reallocate it instead.");
        }
        var relationship = Relationship.Start(type, supervisorId, ids, on);
        db.Relationships.Add(relationship);
        return new(relationship, warning);
    }

    public async Task<Result> ReallocateAsync(Relationship current, string newSupervisorId, string handoverNote, DateOnly on, CancellationToken ct)
    {
        var type = Type(current.TypeId);
        var warning = await CheckSupervisorAsync(newSupervisorId, on, ct);
        var next = current.Reallocate(type, newSupervisorId, handoverNote, on);
        db.Relationships.Add(next);
        return new(next, warning);
    }

    public SupervisionTypeSettings Type(string typeId) =>
        tenant.Tenant.Settings.Supervision.Type(typeId) ?? throw new SupervisionRuleException("Choose a type of supervision from the list.");

    /// <summary>
    /// river-tees R7, mse-icb R9: nobody supervises without in-date training, where the tenant refuses
    /// (thrown); elsewhere a warning, which the pairing page shows before anything is saved.
    /// </summary>
    public async Task<string?> CheckSupervisorAsync(string supervisorId, DateOnly on, CancellationToken ct)
    {
        var supervisor = await db.Staff.Include(s => s.Training).FirstOrDefaultAsync(s => s.Id == supervisorId, ct)
            ?? throw new SupervisionRuleException("Choose a supervisor from the directory.");
        if (!supervisor.Has(StaffRoles.Supervisor)) throw new SupervisionRuleException($"{supervisor.FullName} does not hold the supervisor role.");
        if (!supervisor.IsActiveOn(on)) throw new SupervisionRuleException($"{supervisor.FullName} has left the organisation.");
        if (supervisor.Training.Any(t => t.IsValidOn(on))) return null;
        var message = $"{supervisor.FullName} has no in-date supervision training recorded.";
        return tenant.Tenant.Settings.Supervision.TrainingRule switch
        {
            TrainingRule.Refuse => throw new SupervisionRuleException(message + " This organisation requires it before anyone supervises."),
            TrainingRule.Warn => message + " Record their training in the staff directory.",
            _ => null,
        };
    }

    public DateOnly Today => tenant.Tenant.Today(clock);
}
