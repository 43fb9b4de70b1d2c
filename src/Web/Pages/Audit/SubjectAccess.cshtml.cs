using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Pages.Audit;

/// <summary>
/// Subject access: the tenant admin chooses a person and downloads everything held about them as
/// one .zip (gathered by <see cref="SubjectAccess"/>). A POST, because each export is written to
/// the audit log. Tenant admins only (the /Audit folder's policy).
/// </summary>
public sealed class SubjectAccessModel(AppDbContext db, SubjectAccess subjectAccess, AuditLog log, UserManager<StaffMember> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Person { get; set; }

    public IReadOnlyList<(string Id, string Name)> People { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var bundle = string.IsNullOrEmpty(Person) ? null : await subjectAccess.BuildAsync(Person, ct);
        if (bundle is null)
        {
            ModelState.AddModelError(nameof(Person), "Choose the person whose data to export");
            await LoadAsync(ct);
            return Page();
        }
        log.Log(users.GetUserId(User)!, "export", "person", bundle.PersonId);
        await db.SaveChangesAsync(ct);
        return File(bundle.Zip, "application/zip", bundle.FileName);
    }

    private async Task LoadAsync(CancellationToken ct) =>
        People = (await db.Staff.AsNoTracking().OrderBy(s => s.FullName).Select(s => new { s.Id, s.FullName, s.Email }).ToListAsync(ct))
            .Select(s => (s.Id, $"{s.FullName} ({s.Email})")).ToList();
}
