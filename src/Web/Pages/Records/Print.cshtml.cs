using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Pages.Records;

/// <summary>
/// A clean A4 view of a record, read-only, for printing or saving as PDF. For a case proforma it
/// is the document to attach to the child's file (CPOMS or similar), headed with the case
/// reference and this record's id so the two can be cross-referenced.
/// </summary>
public sealed class PrintModel(AppDbContext db, UserManager<StaffMember> users, RecordGate gate) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public Submission Record { get; private set; } = null!;
    public FormView View { get; private set; } = null!;
    public string? CaseReference { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        var record = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Include(s => s.Signatures).FirstOrDefaultAsync(s => s.Id == Id, ct);
        if (record is null) return NotFound();
        var form = FormCatalog.Definition(record.FormVersion);
        var decision = await gate.DecideAsync(record, form, me, ct);
        if (decision.Read == ReadDecision.Forbidden) return StatusCode(StatusCodes.Status403Forbidden);
        if (decision.Read == ReadDecision.NotFound) return NotFound();
        gate.Log("print", record, me, decision.Read);
        await db.SaveChangesAsync(ct);
        Record = record;
        var answers = record.Answers;
        CaseReference = form.Fields.Where(f => f.Type == FieldType.CaseReference).Select(f => FormView.Text(answers[f.Id])).FirstOrDefault(v => v is not null);
        // Names for everyone the record shows: its parties, the people its answers name, and its signers.
        var ids = RecordAccess.Participants(record, decision.Parties).Concat(FormView.PersonIds(form, answers))
            .Concat(record.Signatures.Select(x => x.SignerId)).Distinct().ToList();
        var people = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.FullName, s.Roles }).ToListAsync(ct);
        View = new FormView(form, answers, new Dictionary<string, string>(), new HashSet<string>(),
            people.Select(p => (p.Id, p.FullName, p.Roles)).ToList(), record.Signatures, people.ToDictionary(p => p.Id, p => p.FullName), Members: decision.Parties.SuperviseeIds);
        return Page();
    }
}
