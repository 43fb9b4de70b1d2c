using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Staff;

public sealed class IndexModel(AppDbContext db, ITenantContext tenant, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Site { get; set; }
    [BindProperty(SupportsGet = true)] public string? Role { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public bool ShowLeavers { get; set; }

    public sealed record Row(string Id, string FullName, string Email, string? JobTitle, string? Site, string? LineManager,
        StaffRoles Roles, DateOnly? LeftOn, DateOnly? TrainingExpires, bool HasOpenEndedTraining);

    public IReadOnlyList<Row> People { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = tenant.Tenant.Today(clock);
        var query = db.Staff.AsNoTracking();
        if (!ShowLeavers) query = query.Where(s => s.LeftOn == null || s.LeftOn >= Today);
        if (!string.IsNullOrWhiteSpace(Site)) query = query.Where(s => s.Site == Site);
        if (Role is not null && StaffRoleNames.TryParse(Role, out var role)) query = query.Where(s => ((int)s.Roles & (int)role) != 0);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim().ToUpperInvariant();
#pragma warning disable CA1862 // EF Core translates ToUpper().Contains to SQL; the StringComparison overload does not translate
            query = query.Where(s => s.FullName.ToUpper().Contains(q) || s.NormalizedEmail!.Contains(q));
#pragma warning restore CA1862
        }
        People = await query.OrderBy(s => s.FullName)
            .Select(s => new Row(s.Id, s.FullName, s.Email!, s.JobTitle, s.Site, s.LineManager != null ? s.LineManager.FullName : null, s.Roles, s.LeftOn,
                s.Training.Max(t => t.ExpiresOn), s.Training.Any(t => t.ExpiresOn == null)))
            .ToListAsync(ct);
    }
}
