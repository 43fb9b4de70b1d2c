using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Records;

/// <summary>
/// The tenant's forms, to start one; and the person's own records. A form started here belongs to
/// no supervision, so it is its author's alone (ADR 0021); a form others fill in too is started
/// from the supervision's page.
/// </summary>
public sealed class FormsModel(AppDbContext db, FormCatalog catalog, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock, RecordGate gate) : PageModel
{
    public IReadOnlyList<(FormVersion Version, FormDefinition Definition)> Forms { get; private set; } = [];
    public IReadOnlyList<Submission> Mine { get; private set; } = [];
    public bool CanStart { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        CanStart = await users.GetUserAsync(User) is { } person && RecordAccess.CanStart(person);
        Forms = (await catalog.LatestVersionsAsync(ct)).Select(v => (v, FormCatalog.Definition(v)))
            .Where(x => x.Item2.Purpose != FormPurpose.Guidance).ToList();
        var me = users.GetUserId(User);
        Mine = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Where(s => s.CreatedById == me)
            .OrderByDescending(s => s.CreatedAt).Take(50).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostStartAsync(string formId, CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        if (!RecordAccess.CanStart(me)) return StatusCode(StatusCodes.Status403Forbidden);
        var version = await catalog.LatestVersionAsync(formId, ct);
        if (version is null) return NotFound();
        // Anonymous questionnaires are answered through an emailed link that carries no identity.
        if (FormCatalog.Definition(version).Anonymous) return BadRequest();
        var submission = new Submission(version, me.Id, clock.GetUtcNow());
        db.Submissions.Add(submission);
        gate.LogCreated(submission, submission.CreatedById!);
        await db.SaveChangesAsync(ct);
        return Redirect($"/{tenant.Tenant.Identifier}/records/{submission.Id}");
    }
}
