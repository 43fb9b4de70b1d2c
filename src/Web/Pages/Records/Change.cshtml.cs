using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Records;

/// <summary>
/// "Change this record": the one way to alter a signed record. It says whose signatures will be
/// voided, asks why, voids them with that reason (kept on each voided signature and in the record's
/// notice) and writes "reopen" to the audit log in the same save. Only a party who could edit the
/// record before it was signed may do it (RecordRights.CanReopen).
/// </summary>
public sealed class ChangeModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock, RecordGate gate) : PageModel
{
    public const int ReasonMaxLength = SupervisionHub.Web.Audit.AuditEntry.ReasonMaxLength;

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public Submission Record { get; private set; } = null!;
    public IReadOnlyList<string> Signers { get; private set; } = [];
    public string RecordUrl => $"/{tenant.Tenant.Identifier}/records/{Id}";

    private StaffMember _me = null!;
    private ReadDecision _read;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (string.IsNullOrWhiteSpace(Reason)) ModelState.AddModelError(nameof(Reason), "Give the reason for changing the signed record");
        else if (Reason.Trim().Length > ReasonMaxLength) ModelState.AddModelError(nameof(Reason), $"The reason must be {ReasonMaxLength} characters or fewer");
        if (!ModelState.IsValid) return Page();
        Record.Reopen(Reason!, clock.GetUtcNow());
        gate.Log("reopen", Record, _me, _read, Reason);
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = "The signatures have been voided and the record is open for changes. Everyone who signed will need to sign again.";
        return Redirect(RecordUrl);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        _me = me;
        var record = await db.Submissions.Include(s => s.FormVersion).Include(s => s.Signatures).FirstOrDefaultAsync(s => s.Id == Id, ct);
        if (record is null) return NotFound();
        var decision = await gate.DecideAsync(record, FormCatalog.Definition(record.FormVersion), me, ct);
        if (decision.Read == ReadDecision.NotFound) return NotFound();
        if (decision.Read == ReadDecision.Forbidden || !decision.Rights.CanReopen) return StatusCode(StatusCodes.Status403Forbidden);
        Record = record;
        _read = decision.Read;
        var ids = record.ValidSignatures.Select(s => s.SignerId).Distinct().ToList();
        var names = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        Signers = ids.Select(i => names.GetValueOrDefault(i) ?? "a former member of staff").ToList();
        return null;
    }
}
