using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// A supervisor with one supervisee (one to one, peer) or a group, of one of the tenant's
/// supervision types. Reallocation ends this relationship and starts another with a handover note,
/// so who supervised whom, and when, stays on record.
/// </summary>
public sealed class Relationship : ITenantOwned, IRaisesEvents
{
    private readonly List<DomainEvent> _events = [];

    private Relationship() { }

    private Relationship(string typeId, string supervisorId, DateOnly startedOn, Guid? previousId, string? handoverNote)
    {
        Id = Guid.NewGuid();
        TypeId = typeId;
        SupervisorId = supervisorId;
        StartedOn = startedOn;
        PreviousId = previousId;
        HandoverNote = handoverNote;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string TypeId { get; private set; } = "";
    public string SupervisorId { get; private set; } = "";
    public StaffMember Supervisor { get; private set; } = null!;
    public DateOnly StartedOn { get; private set; }
    public DateOnly? EndedOn { get; private set; }
    public string? EndReason { get; private set; }

    /// <summary>The relationship this one took over from (reallocation), with the outgoing supervisor's handover note.</summary>
    public Guid? PreviousId { get; private set; }
    public string? HandoverNote { get; private set; }

    public List<RelationshipMember> Members { get; private set; } = [];

    public IEnumerable<RelationshipMember> CurrentMembers => Members.Where(m => m.LeftOn is null);

    public bool IsActiveOn(DateOnly day) => StartedOn <= day && (EndedOn is null || day <= EndedOn);

    public IReadOnlyList<DomainEvent> PendingEvents => _events;
    public void ClearEvents() => _events.Clear();

    /// <summary>
    /// Pairs a supervisor with supervisees, under the type's rules: one supervisee unless a group;
    /// never more than the group's maximum (mse-icb: six); nobody supervises themselves.
    /// </summary>
    public static Relationship Start(SupervisionTypeSettings type, string supervisorId, IReadOnlyCollection<string> superviseeIds, DateOnly on,
        Guid? previousId = null, string? handoverNote = null)
    {
        var ids = superviseeIds.Distinct().ToList();
        if (ids.Count == 0) throw new SupervisionRuleException("Choose at least one supervisee.");
        if (ids.Contains(supervisorId)) throw new SupervisionRuleException("A supervisor cannot supervise themselves.");
        if (!type.IsGroup && ids.Count > 1)
            throw new SupervisionRuleException($"{type.Name} is for one supervisee; choose one, or use a group type.");
        CheckGroupSize(type, ids.Count);
        var r = new Relationship(type.Id, supervisorId, on, previousId, handoverNote);
        foreach (var id in ids) r.Members.Add(new RelationshipMember(id, on));
        return r;
    }

    private static void CheckGroupSize(SupervisionTypeSettings type, int count)
    {
        if (type.MaxGroupSize is { } max && count > max)
            throw new SupervisionRuleException($"A {type.Name.ToLowerInvariant()} can have at most {max} supervisees; this would make {count}.");
    }

    public void AddMember(SupervisionTypeSettings type, string staffId, DateOnly on)
    {
        if (EndedOn is not null) throw new SupervisionRuleException("This supervision has ended.");
        if (!type.IsGroup) throw new SupervisionRuleException("Only a group can take more supervisees.");
        if (staffId == SupervisorId) throw new SupervisionRuleException("A supervisor cannot supervise themselves.");
        if (CurrentMembers.Any(m => m.StaffId == staffId)) throw new SupervisionRuleException("This person is already in the group.");
        CheckGroupSize(type, CurrentMembers.Count() + 1);
        Members.Add(new RelationshipMember(staffId, on));
    }

    public void RemoveMember(string staffId, DateOnly on)
    {
        var member = CurrentMembers.FirstOrDefault(m => m.StaffId == staffId) ?? throw new SupervisionRuleException("This person is not in the group.");
        if (CurrentMembers.Count() == 1) throw new SupervisionRuleException("The last supervisee cannot leave; end the supervision instead.");
        member.Leave(on);
    }

    public void End(DateOnly on, string reason)
    {
        if (EndedOn is not null) throw new SupervisionRuleException("This supervision has already ended.");
        if (on < StartedOn) throw new SupervisionRuleException("It cannot end before it started.");
        EndedOn = on;
        EndReason = reason;
        foreach (var m in CurrentMembers) m.Leave(on);
    }

    /// <summary>Hands the same supervisees to another supervisor: this relationship ends, the new one starts the same day.</summary>
    public Relationship Reallocate(SupervisionTypeSettings type, string newSupervisorId, string handoverNote, DateOnly on)
    {
        if (newSupervisorId == SupervisorId) throw new SupervisionRuleException("Choose a different supervisor.");
        if (string.IsNullOrWhiteSpace(handoverNote)) throw new SupervisionRuleException("Write a handover note for the new supervisor.");
        var members = CurrentMembers.Select(m => m.StaffId).ToList();
        var next = Start(type, newSupervisorId, members, on, Id, handoverNote.Trim());
        End(on, "Reallocated to another supervisor");
        return next;
    }
}

/// <summary>A supervisee in a relationship, with when they joined and left (groups change over time).</summary>
public sealed class RelationshipMember : ITenantOwned
{
    private RelationshipMember() { }

    public RelationshipMember(string staffId, DateOnly joinedOn)
    {
        StaffId = staffId;
        JoinedOn = joinedOn;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public string StaffId { get; private set; } = "";
    public StaffMember Staff { get; private set; } = null!;
    public DateOnly JoinedOn { get; private set; }
    public DateOnly? LeftOn { get; private set; }

    public void Leave(DateOnly on) => LeftOn ??= on;
}
