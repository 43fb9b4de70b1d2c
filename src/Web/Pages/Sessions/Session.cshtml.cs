using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Sessions;

/// <summary>One session: add it to a calendar, take attendance, cancel it with a reason, write its record.</summary>
public sealed class SessionModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock, SessionRecords records,
    SupervisionHub.Web.Records.RecordGate gate, SessionInvitations invitations) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Session Session { get; private set; } = null!;
    public Relationship Relationship { get; private set; } = null!;
    public SupervisionTypeSettings Type { get; private set; } = null!;
    public StaffMember Me { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();
    public DateOnly Today => tenant.Tenant.Today(clock);

    /// <summary>attended | did-not-attend, and for groups each member's attendance.</summary>
    [BindProperty] public string? Outcome { get; set; }
    /// <summary>Read from the posted Members[staff id] radios by hand: a bound dictionary would also swallow every other field.</summary>
    public Dictionary<string, MemberAttendance> Members { get; private set; } = [];
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? CancelledBy { get; set; }
    [BindProperty] public string? CancelReason { get; set; }

    public bool CanRecordOutcome => Session.Status == SessionStatus.Booked && SupervisionAccess.CanRecordOutcome(Relationship, Me);
    public bool CanCancel => Session.Status == SessionStatus.Booked && SupervisionAccess.CanCancel(Relationship, Type, Me);
    public bool CanWriteRecord => Session.Status == SessionStatus.Attended && Type.RecordForm is not null && SupervisionAccess.CanStartRecord(Relationship, Me);
    public bool IsParty => SupervisionAccess.IsSupervisor(Relationship, Me) || SupervisionAccess.IsSupervisee(Relationship, Me);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    /// <summary>The diary invitation. Anyone who may see the session may add it to their calendar.</summary>
    public async Task<IActionResult> OnGetIcsAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        var ics = await invitations.IcsAsync(Session, Relationship, ct);
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar", $"supervision-{Session.Date:yyyy-MM-dd}.ics");
    }

    /// <summary>Why the attendance is being corrected: required, kept on the session and in the audit log.</summary>
    [BindProperty] public string? CorrectionReason { get; set; }

    /// <summary>An outcome entered by mistake, corrected by the supervisor or a lead (Session.CorrectAttendance).</summary>
    public bool CanCorrect => Session.Status is SessionStatus.Attended or SessionStatus.DidNotAttend && SupervisionAccess.CanRecordOutcome(Relationship, Me);

    /// <summary>The posted outcome as each member's attendance; null (with errors added) when it is incomplete.</summary>
    private Dictionary<string, MemberAttendance>? PostedAttendance(IReadOnlyList<string> members)
    {
        foreach (var id in members)
            if (Enum.TryParse<MemberAttendance>(Request.Form[$"Members[{id}]"], out var a) && Enum.IsDefined(a)) Members[id] = a;
        if (Outcome is not ("attended" or "did-not-attend")) ModelState.AddModelError(nameof(Outcome), "Choose whether the session took place");
        if (Outcome == "attended" && Type.IsGroup && members.Any(m => !Members.ContainsKey(m)))
            ModelState.AddModelError(nameof(Members), "Say for each member whether they were present, sent apologies or were absent");
        if (!ModelState.IsValid) return null;
        return Outcome == "attended"
            ? members.ToDictionary(m => m, m => Type.IsGroup ? Members[m] : MemberAttendance.Present)
            : members.ToDictionary(m => m, _ => MemberAttendance.Absent);
    }

    public async Task<IActionResult> OnPostCorrectAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanCorrect) return StatusCode(StatusCodes.Status403Forbidden);
        // Those who were counted, even if they have left the group since; a one-to-one's supervisee otherwise.
        var members = Session.Attendance.Count > 0 ? Session.Attendance.Select(a => a.StaffId).ToList() : Relationship.CurrentMembers.Select(m => m.StaffId).ToList();
        var attendance = PostedAttendance(members);
        if (string.IsNullOrWhiteSpace(CorrectionReason)) ModelState.AddModelError(nameof(CorrectionReason), "Give the reason for the correction");
        else if (CorrectionReason.Trim().Length > SupervisionHub.Web.Audit.AuditEntry.ReasonMaxLength) ModelState.AddModelError(nameof(CorrectionReason), $"The reason must be {SupervisionHub.Web.Audit.AuditEntry.ReasonMaxLength} characters or fewer");
        if (attendance is null || !ModelState.IsValid) return Page();
        try
        {
            var now = clock.GetUtcNow();
            Session.CorrectAttendance(attendance, CorrectionReason!, Me.Id, now);
            db.AuditEntries.Add(new SupervisionHub.Web.Audit.AuditEntry(Me.Id, "correct-attendance", "session", Session.Id.ToString(), false,
                HttpContext.Connection.RemoteIpAddress?.ToString(), now, CorrectionReason));
            await db.SaveChangesAsync(ct);
        }
        catch (SupervisionRuleException ex)
        {
            ModelState.AddModelError(nameof(Outcome), ex.Message);
            return Page();
        }
        TempData["Notice"] = "The attendance is corrected. The correction and its reason are in the audit log.";
        return Redirect($"/{tenant.Tenant.Identifier}/sessions/{Session.Id}");
    }

    public async Task<IActionResult> OnPostOutcomeAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanRecordOutcome) return StatusCode(StatusCodes.Status403Forbidden);
        var members = Relationship.CurrentMembers.Select(m => m.StaffId).ToList();
        if (PostedAttendance(members) is not { } attendance) return Page();
        try
        {
            var now = clock.GetUtcNow();
            if (Outcome == "attended")
                Session.MarkAttended(attendance, Me.Id, now, Today);
            else
                Session.MarkDidNotAttend(members, Reason, Me.Id, now, Today);
            await db.SaveChangesAsync(ct);
        }
        catch (SupervisionRuleException ex)
        {
            ModelState.AddModelError(nameof(Outcome), ex.Message);
            return Page();
        }
        TempData["Notice"] = Outcome == "attended" ? "Attendance is recorded." + (Type.RecordForm is null ? "" : " Next, write the record.") : "The session is recorded as not attended.";
        return Redirect($"/{tenant.Tenant.Identifier}/sessions/{Session.Id}");
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanCancel) return StatusCode(StatusCodes.Status403Forbidden);
        // Who cancelled is who is cancelling; an administrator says on whose behalf.
        var bySupervisor = SupervisionAccess.IsSupervisor(Relationship, Me) ? true
            : SupervisionAccess.IsSupervisee(Relationship, Me) ? false
            : CancelledBy switch { "supervisor" => true, "supervisee" => (bool?)false, _ => null };
        if (bySupervisor is null) ModelState.AddModelError(nameof(CancelledBy), "Say who cancelled the session");
        if (string.IsNullOrWhiteSpace(CancelReason)) ModelState.AddModelError(nameof(CancelReason), "Give the reason for cancelling");
        else if (CancelReason.Length > 1000) ModelState.AddModelError(nameof(CancelReason), "The reason must be 1000 characters or fewer");
        if (!ModelState.IsValid) return Page();
        Session.Cancel(bySupervisor!.Value, CancelReason, Me.Id, clock.GetUtcNow());
        await invitations.QueueAsync(Session, Relationship, InvitationReason.Cancelled, null, ct);
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = "The session is cancelled. Book a new date" + (Type.MayBook("supervisee") ? " within two weeks where you can." : ".");
        return Redirect($"/{tenant.Tenant.Identifier}/sessions/{Session.Id}");
    }

    public async Task<IActionResult> OnPostRecordAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanWriteRecord) return StatusCode(StatusCodes.Status403Forbidden);
        var record = await records.StartRecordAsync(Session, Type, Me.Id, ct);
        if (db.Entry(record).State == Microsoft.EntityFrameworkCore.EntityState.Added) gate.LogCreated(record, Me.Id);
        await db.SaveChangesAsync(ct);
        return Redirect($"/{tenant.Tenant.Identifier}/records/{record.Id}");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        Me = me;
        var s = await db.Sessions.Include(x => x.Attendance).Include(x => x.Relationship).ThenInclude(r => r.Members).FirstOrDefaultAsync(x => x.Id == Id, ct);
        if (s is null) return NotFound();
        Session = s;
        Relationship = s.Relationship;
        var ids = Relationship.Members.Select(m => m.StaffId).Append(Relationship.SupervisorId).ToList();
        var managesOne = await db.Staff.AnyAsync(x => ids.Contains(x.Id) && x.LineManagerId == me.Id && x.Id != Relationship.SupervisorId, ct);
        if (!SupervisionAccess.CanView(Relationship, me, managesOne)) return NotFound();
        Type = tenant.Tenant.Settings.Supervision.Type(Relationship.TypeId) ?? new SupervisionTypeSettings { Id = Relationship.TypeId, Name = Relationship.TypeId };
        Names = await db.Staff.AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.FullName, ct);
        return null;
    }

    public string Name(string id) => Names.GetValueOrDefault(id, "Unknown person");
}
