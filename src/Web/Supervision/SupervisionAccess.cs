using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Who may see and act on a supervision (not its records' content: that is RecordAccess). One
/// place, so the pages and the menu agree. Line managers see attendance and compliance of their
/// own staff (mse-icb R2), never what was discussed.
/// </summary>
public static class SupervisionAccess
{
    /// <summary>Allocating, reallocating, ending, planning series: tenant admins and safeguarding leads.</summary>
    public static bool CanManage(StaffMember me) => me.Has(StaffRoles.TenantAdmin) || me.Has(StaffRoles.SafeguardingLead);

    /// <summary>Everyone's status: managers, and auditors (read-only).</summary>
    public static bool CanSeeEveryone(StaffMember me) => CanManage(me) || me.Has(StaffRoles.Auditor);

    public static bool IsSupervisor(Relationship r, StaffMember me) => r.SupervisorId == me.Id;

    public static bool IsSupervisee(Relationship r, StaffMember me) => r.Members.Any(m => m.StaffId == me.Id);

    public static bool CanView(Relationship r, StaffMember me, bool managesAMember) =>
        CanSeeEveryone(me) || IsSupervisor(r, me) || IsSupervisee(r, me) || managesAMember;

    /// <summary>river-tees R1: the practitioner books; mse-icb groups: the administration team. As the type says.</summary>
    public static bool CanBook(Relationship r, SupervisionTypeSettings type, StaffMember me) =>
        r.EndedOn is null && (CanManage(me)
            || IsSupervisor(r, me) && type.MayBook("supervisor")
            || IsSupervisee(r, me) && r.Members.Any(m => m.StaffId == me.Id && m.LeftOn is null) && type.MayBook("supervisee"));

    /// <summary>The supervisor keeps the attendance register (mse-icb R10); administrators may correct it.</summary>
    public static bool CanRecordOutcome(Relationship r, StaffMember me) => IsSupervisor(r, me) || CanManage(me);

    /// <summary>
    /// Either party may cancel in advance, with a reason (devon-torbay R2, river-tees R3). In a group
    /// one member cannot cancel everyone's session: they send apologies (river-tees R3).
    /// </summary>
    public static bool CanCancel(Relationship r, SupervisionTypeSettings type, StaffMember me) =>
        IsSupervisor(r, me) || IsSupervisee(r, me) && !type.IsGroup || CanManage(me);

    /// <summary>The supervisor writes the session record; for records a supervisee fills first (mse-icb 1:1), they may start it too.</summary>
    public static bool CanStartRecord(Relationship r, StaffMember me) => IsSupervisor(r, me) || IsSupervisee(r, me);
}
