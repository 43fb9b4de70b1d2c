using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.ChildFile;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Records.ChildFile;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Records;

/// <summary>
/// "For the child's file": the case decisions of a record whose form has a <c>childFile:</c>
/// block, as text to paste into CPOMS or MyConcern and as a PDF to attach (ADR 0034). Who may see
/// it is who may read the record (RecordGate, ADR 0021), nothing else. Each view and download is an
/// "export" on the audit log, naming the record and the format, never the content. The address and
/// the PDF's file name carry the record id only: a case reference is child data.
/// </summary>
public sealed class ChildFileModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, RecordGate gate) : PageModel
{
    /// <summary>Audit actions, one per format, so the log says which was taken.</summary>
    public const string TextAction = "export-child-file", PdfAction = "export-child-file-pdf";

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public Submission Record { get; private set; } = null!;
    public ChildFileSummary Summary { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(TextAction, ct) is { } denied) return denied;
        return Page();
    }

    public async Task<IActionResult> OnGetPdfAsync(CancellationToken ct)
    {
        if (await LoadAsync(PdfAction, ct) is { } denied) return denied;
        if (Summary.Cases.Count == 0) return NotFound();
        var day = tenant.Tenant.Local(Record.SubmittedAt ?? Record.CreatedAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return File(ChildFilePdf.Write(Summary), "application/pdf", $"child-file-{Record.Id:N}-{day}.pdf");
    }

    /// <summary>The record, if this person may read it and its form gives a child's file output; the audit entry is written here, once per view or download.</summary>
    private async Task<IActionResult?> LoadAsync(string action, CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        var record = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).FirstOrDefaultAsync(s => s.Id == Id, ct);
        if (record is null) return NotFound();
        var form = FormCatalog.Definition(record.FormVersion);
        var decision = await gate.DecideAsync(record, form, me, ct);
        if (decision.Read == ReadDecision.Forbidden) return StatusCode(StatusCodes.Status403Forbidden);
        if (decision.Read == ReadDecision.NotFound) return NotFound();
        // A form that does not mark itself as giving one has no such output: there is nothing to export.
        if (form.ChildFile is null) return NotFound();

        var people = FormView.PersonIds(form, record.Answers).Append(record.CreatedById ?? "").Distinct().ToList();
        var names = await db.Staff.AsNoTracking().Where(s => people.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        // The date of the session it records, else the day it was submitted (or started), in the tenant's zone.
        var sessionDate = record.SessionId is { } sid ? await db.Sessions.AsNoTracking().Where(s => s.Id == sid).Select(s => (DateOnly?)s.Date).FirstOrDefaultAsync(ct) : null;
        var fallback = sessionDate ?? DateOnly.FromDateTime(tenant.Tenant.Local(record.SubmittedAt ?? record.CreatedAt).DateTime);
        var recordedBy = form.Anonymous || record.CreatedById is null ? "not recorded" : names.GetValueOrDefault(record.CreatedById) ?? "a person no longer in the directory";
        Summary = ChildFileSummary.For(form, record.Answers, record.Id.ToString(), recordedBy, fallback,
            id => names.GetValueOrDefault(id) ?? "a person no longer in the directory")!;
        Record = record;
        gate.Log(action, record, me, decision.Read);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
