using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Forms;

/// <summary>The tenant's forms with their current version, for an admin to edit or compare.</summary>
public sealed class IndexModel(FormCatalog catalog, ITenantContext tenant) : PageModel
{
    public IReadOnlyList<FormVersion> Forms { get; private set; } = [];
    public string Root => $"/{tenant.Tenant.Identifier}/admin/forms";

    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm");

    public async Task OnGetAsync(CancellationToken ct) => Forms = await catalog.LatestVersionsAsync(ct);
}
