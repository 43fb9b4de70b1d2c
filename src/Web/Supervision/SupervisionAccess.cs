using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Who may see and act on a supervision and its sessions (not its records' content: that is
/// RecordAccess). One place, so the pages and the menu agree, and every write on the supervision
/// and session pages asks one of these. Line managers see attendance and compliance of their own
/// staff (mse-icb R2), never what was discussed; auditors see everyone and change nothing.
/// </summary>
public static class SupervisionAccess
{
    /// <summary>Allocating, reallocating, ending, planning series: tenant admins and safeguarding leads.</summary>
    public static bool CanManage(StaffMember me) => me.Has(StaffRoles.TenantAdmin) || me.Has(StaffRoles.SafeguardingLead);

    /// <summary>Everyone's status: managers, and auditors (read-only).</summary>
    public static bool CanSeeEveryone(StaffMember me) => CanManage(me) || me.Has(StaffRoles.Auditor);

    public static bool IsSupervisor(Relationship r, StaffMember me) => r.SupervisorId == me.Id;

    public static bool IsSupervisee(Relationship r, StaffMember me) => r.Members.Any(m => m.StaffId == me.Id);

    /// <summary>A member now, not one who has left the group.</summary>
    public static bool IsCurrentMember(Relationship r, StaffMember me) => r.Members.Any(m => m.StaffId == me.Id && m.LeftOn is null);

    public static bool CanView(Relationship r, StaffMember me, bool managesAMember) =>
        CanSeeEveryone(me) || IsSupervisor(r, me) || IsSupervisee(r, me) || managesAMember;

    /// <summary>river-tees R1: the practitioner books; mse-icb groups: the administration team. As the type says.</summary>
    public static bool CanBook(Relationship r, SupervisionTypeSettings type, StaffMember me) =>
        r.EndedOn is null && (CanManage(me)
            || IsSupervisor(r, me) && type.MayBook("supervisor")
            || IsCurrentMember(r, me) && type.MayBook("supervisee"));

    /// <summary>A session that has already happened (ad hoc, open door): whoever took part in it, or an administrator.</summary>
    public static bool CanRecordAdHoc(Relationship r, StaffMember me) =>
        r.EndedOn is null && (IsSupervisor(r, me) || IsCurrentMember(r, me) || CanManage(me));

    /// <summary>
    /// Starting the agreement, or another form that belongs to the supervision (its parties then fill
    /// and sign it): the supervisor, a current member, or an administrator.
    /// </summary>
    public static bool CanStartForm(Relationship r, StaffMember me) =>
        r.EndedOn is null && (IsSupervisor(r, me) || IsCurrentMember(r, me) || CanManage(me));

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
