using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Configuration;

/// <summary>
/// A tenant admin downloads the organisation's configuration as it is in force, as a zip of the
/// tenants/&lt;slug&gt;/ folder (tenant.yaml, forms, workflows, email templates, logo). Only the
/// current tenant's, only by its admins (the Admin folder's policy); the download is audited.
/// </summary>
public sealed class IndexModel(ConfigurationTransfer transfer, ITenantContext tenant, UserManager<StaffMember> users, AuditLog audit, AppDbContext db) : PageModel
{
    public ConfigurationPackage Package { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Package = await transfer.ExportAsync(ct);

    public async Task<IActionResult> OnGetDownloadAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        var package = await transfer.ExportAsync(ct);
        var identifier = tenant.Tenant.Identifier;
        audit.Log(me.Id, "export", "configuration", identifier);
        await db.SaveChangesAsync(ct);
        return File(package.ToZip(identifier), "application/zip", $"{identifier}-configuration.zip");
    }
}
