using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Platform;

public sealed class NewTenantModel(TenantProvisioning provisioning) : PageModel
{
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string Identifier { get; set; } = "";
    [BindProperty] public TenantKind Kind { get; set; } = TenantKind.School;
    [BindProperty] public string AdminName { get; set; } = "";
    [BindProperty] public string AdminEmail { get; set; } = "";

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var errors = await provisioning.CreateAsync(new NewTenant(Name, Identifier, Kind, AdminName, AdminEmail), $"{Request.Scheme}://{Request.Host}", ct);
        foreach (var (field, message) in errors) ModelState.AddModelError(field, message);
        if (!ModelState.IsValid) return Page();
        TempData["Notice"] = $"{Name} has been created. {AdminEmail} has been sent a link to choose a password.";
        return Redirect("/platform");
    }
}
