using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Supervision;

/// <summary>
/// One supervision: who, which type, the agreement, the sessions and their attendance. Line
/// managers of a member see this page (attendance), but no record links open for them.
/// </summary>
public sealed class RelationshipModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock,
    Allocation allocation, SessionRecords records, ComplianceService compliance, SupervisionHub.Web.Records.RecordGate gate, FormCatalog catalog, PairingNotices notices) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Relationship Relationship { get; private set; } = null!;
    public SupervisionTypeSettings Type { get; private set; } = null!;
    public StaffMember Me { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<Session> Sessions { get; private set; } = [];
    public IReadOnlyList<Submission> Agreements { get; private set; } = [];

    /// <summary>Forms of this supervision that are neither its agreement nor a session's record, and the forms that can be started.</summary>
    public IReadOnlyList<Submission> OtherForms { get; private set; } = [];
    public IReadOnlyList<(string Id, string Title)> Startable { get; private set; } = [];
    public IReadOnlyList<SuperviseeStatus> Statuses { get; private set; } = [];
    public Relationship? Previous { get; private set; }
    public Guid? NextId { get; private set; }
    public IReadOnlyList<(string Id, string Name)> Supervisors { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Candidates { get; private set; } = [];
    public DateOnly Today => tenant.Tenant.Today(clock);

    public bool CanManage => SupervisionAccess.CanManage(Me);
    public bool IsParty => SupervisionAccess.IsSupervisor(Relationship, Me) || SupervisionAccess.IsSupervisee(Relationship, Me);
    public bool CanBook => SupervisionAccess.CanBook(Relationship, Type, Me);
    public bool CanRecordAdHoc => SupervisionAccess.CanRecordAdHoc(Relationship, Me);
    public bool CanStartForm => SupervisionAccess.CanStartForm(Relationship, Me);

    [BindProperty] public string? NewSupervisorId { get; set; }
    [BindProperty] public string? HandoverNote { get; set; }
    [BindProperty] public string? EndReason { get; set; }
    [BindProperty] public string? MemberId { get; set; }
    [BindProperty] public string? FormId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAgreementAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanStartForm) return StatusCode(StatusCodes.Status403Forbidden);
        return await Attempt(async () =>
        {
            var agreement = await records.StartAgreementAsync(Relationship, Type, Me.Id, ct);
            gate.LogCreated(agreement, Me.Id);
            await db.SaveChangesAsync(ct);
            return Redirect($"/{tenant.Tenant.Identifier}/records/{agreement.Id}");
        }, ct);
    }

    /// <summary>A form about this supervision that is not its agreement (a self-care plan, a case proforma): its parties fill and sign it.</summary>
    public async Task<IActionResult> OnPostStartFormAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanStartForm) return StatusCode(StatusCodes.Status403Forbidden);
        if (string.IsNullOrEmpty(FormId) || Startable.All(f => f.Id != FormId)) { ModelState.AddModelError(nameof(FormId), "Choose a form"); return Page(); }
        return await Attempt(async () =>
        {
            var record = await records.StartFormAsync(Relationship, FormId, Me.Id, ct);
            gate.LogCreated(record, Me.Id);
            await db.SaveChangesAsync(ct);
            return Redirect($"/{tenant.Tenant.Identifier}/records/{record.Id}");
        }, ct, nameof(FormId));
    }

    public async Task<IActionResult> OnPostReallocateAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanManage) return StatusCode(StatusCodes.Status403Forbidden);
        if (string.IsNullOrEmpty(NewSupervisorId)) ModelState.AddModelError(nameof(NewSupervisorId), "Choose the new supervisor");
        if (string.IsNullOrWhiteSpace(HandoverNote)) ModelState.AddModelError(nameof(HandoverNote), "Write a handover note for the new supervisor");
        if (!ModelState.IsValid) return Page();
        return await Attempt(async () =>
        {
            var result = await allocation.ReallocateAsync(Relationship, NewSupervisorId!, HandoverNote!, Today, ct);
            await notices.QueueAsync(result.Relationship, reallocated: true, ct);
            await db.SaveChangesAsync(ct);
            TempData["Notice"] = "Supervision has been reallocated. " + (result.Warning ?? "The new supervisor sees the handover note, the open actions and the last record.");
            return Redirect($"/{tenant.Tenant.Identifier}/supervision/{result.Relationship.Id}");
        }, ct, nameof(NewSupervisorId));
    }

    public async Task<IActionResult> OnPostEndAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanManage) return StatusCode(StatusCodes.Status403Forbidden);
        if (string.IsNullOrWhiteSpace(EndReason)) { ModelState.AddModelError(nameof(EndReason), "Say why this supervision is ending"); return Page(); }
        return await Attempt(async () =>
        {
            Relationship.End(Today, EndReason!.Trim());
            await db.SaveChangesAsync(ct);
            TempData["Notice"] = "This supervision has ended. Its sessions and records stay on file.";
            return Redirect($"/{tenant.Tenant.Identifier}/supervision/{Relationship.Id}");
        }, ct, nameof(EndReason));
    }

    public async Task<IActionResult> OnPostAddMemberAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanManage) return StatusCode(StatusCodes.Status403Forbidden);
        if (string.IsNullOrEmpty(MemberId)) { ModelState.AddModelError(nameof(MemberId), "Choose who joins the group"); return Page(); }
        return await Attempt(async () =>
        {
            if (!await db.Staff.AnyAsync(s => s.Id == MemberId && (s.LeftOn == null || s.LeftOn >= Today), ct))
                throw new SupervisionRuleException("Choose someone from the directory.");
            Relationship.AddMember(Type, MemberId!, Today);
            await db.SaveChangesAsync(ct);
            TempData["Notice"] = "They have joined the group.";
            return Redirect($"/{tenant.Tenant.Identifier}/supervision/{Relationship.Id}");
        }, ct, nameof(MemberId));
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(string staffId, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanManage) return StatusCode(StatusCodes.Status403Forbidden);
        return await Attempt(async () =>
        {
            Relationship.RemoveMember(staffId, Today);
            await db.SaveChangesAsync(ct);
            TempData["Notice"] = "They have left the group; their attendance history stays.";
            return Redirect($"/{tenant.Tenant.Identifier}/supervision/{Relationship.Id}");
        }, ct, nameof(MemberId));
    }

    /// <summary>Runs a domain change; a broken rule shows the page again with the message against the field.</summary>
    private async Task<IActionResult> Attempt(Func<Task<IActionResult>> change, CancellationToken ct, string field = "")
    {
        try
        {
            return await change();
        }
        catch (SupervisionRuleException ex)
        {
            ModelState.AddModelError(field, ex.Message);
            await LoadAsync(ct); // show the state as saved, not the refused change
            return Page();
        }
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        Me = me;
        db.ChangeTracker.Clear();
        var r = await db.Relationships.Include(x => x.Members).Include(x => x.Supervisor).FirstOrDefaultAsync(x => x.Id == Id, ct);
        if (r is null) return NotFound();
        Relationship = r;
        var memberIds = r.Members.Select(m => m.StaffId).ToList();
        var managesOne = await db.Staff.AnyAsync(s => memberIds.Contains(s.Id) && s.LineManagerId == me.Id, ct);
        if (!SupervisionAccess.CanView(r, me, managesOne)) return NotFound();
        Type = tenant.Tenant.Settings.Supervision.Type(r.TypeId) ?? new SupervisionTypeSettings { Id = r.TypeId, Name = r.TypeId };
        Names = await db.Staff.AsNoTracking().Where(s => memberIds.Contains(s.Id) || s.Id == r.SupervisorId).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        Sessions = await db.Sessions.AsNoTracking().Include(s => s.Attendance).Where(s => s.RelationshipId == r.Id)
            .OrderByDescending(s => s.Date).ThenByDescending(s => s.StartTime).ToListAsync(ct);
        var unattached = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Where(s => s.RelationshipId == r.Id && s.SessionId == null)
            .OrderByDescending(s => s.CreatedAt).ToListAsync(ct);
        Agreements = unattached.Where(s => s.FormId == Type.ContractForm).ToList();
        OtherForms = unattached.Where(s => s.FormId != Type.ContractForm).ToList();
        if (CanStartForm)
            Startable = (await catalog.LatestVersionsAsync(ct)).Select(FormCatalog.Definition)
                .Where(f => !f.Anonymous && f.Purpose != FormPurpose.Guidance && f.Id != Type.ContractForm && f.Id != Type.RecordForm)
                .OrderBy(f => f.Title, StringComparer.Ordinal).Select(f => (f.Id, f.Title)).ToList();
        Statuses = r.EndedOn is null ? await compliance.StatusesAsync(m => m.RelationshipId == r.Id, ct) : [];
        if (r.PreviousId is { } p) Previous = await db.Relationships.AsNoTracking().Include(x => x.Supervisor).FirstOrDefaultAsync(x => x.Id == p, ct);
        NextId = await db.Relationships.Where(x => x.PreviousId == r.Id).Select(x => (Guid?)x.Id).FirstOrDefaultAsync(ct);
        if (SupervisionAccess.CanManage(me))
        {
            var today = Today;
            var active = await db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today).OrderBy(s => s.FullName)
                .Select(s => new { s.Id, s.FullName, s.Roles }).ToListAsync(ct);
            Supervisors = active.Where(s => s.Roles.HasFlag(StaffRoles.Supervisor) && s.Id != r.SupervisorId).Select(s => (s.Id, s.FullName)).ToList();
            Candidates = active.Where(s => s.Roles.HasFlag(StaffRoles.Supervisee) && r.CurrentMembers.All(m => m.StaffId != s.Id) && s.Id != r.SupervisorId)
                .Select(s => (s.Id, s.FullName)).ToList();
        }
        return null;
    }

    public string Name(string id) => Names.GetValueOrDefault(id, "Unknown person");

    /// <summary>Record links are for people who might read them; the record page itself decides (line managers get 403 there).</summary>
    public bool ShowRecordLinks => IsParty || CanManage || Me.Has(StaffRoles.Auditor);
}
