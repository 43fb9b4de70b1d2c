using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Platform;

/// <summary>
/// The operator adds an organisation: blank, from an existing organisation's configuration as it is in
/// force, or from an uploaded zip of a tenants/&lt;slug&gt;/ folder (an export). A configuration is checked
/// in full first; with any error nothing is made and every error is listed with its file and line.
/// </summary>
[RequestSizeLimit(ConfigurationPackage.MaxZipBytes + 64 * 1024)]
public sealed class NewTenantModel(ConfigurationTransfer transfer, TenantRegistry registry) : PageModel
{
    public const string Blank = "blank";
    public const string FromZip = "upload";
    public const string CopyPrefix = "copy:";

    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string Identifier { get; set; } = "";
    [BindProperty] public TenantKind Kind { get; set; } = TenantKind.School;
    [BindProperty] public string AdminName { get; set; } = "";
    [BindProperty] public string AdminEmail { get; set; } = "";
    [BindProperty] public string Template { get; set; } = Blank;
    [BindProperty] public IFormFile? Upload { get; set; }

    public IReadOnlyCollection<TenantInfo> Tenants { get; private set; } = [];
    public IReadOnlyList<ConfigError> FileErrors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await registry.ReloadAsync(ct);
        Tenants = registry.All;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ModelState.Clear();
        await OnGetAsync(ct);
        ConfigurationPackage? package = null;
        if (Template.StartsWith(CopyPrefix, StringComparison.Ordinal))
        {
            package = await transfer.TemplateAsync(Template[CopyPrefix.Length..], ct);
            if (package is null) ModelState.AddModelError(nameof(Template), "Choose an organisation to copy");
        }
        else if (Template == FromZip)
        {
            if (Upload is null || Upload.Length == 0) ModelState.AddModelError(nameof(Upload), "Choose a zip file of a configuration");
            else if (Upload.Length > ConfigurationPackage.MaxZipBytes) ModelState.AddModelError(nameof(Upload), $"The zip must be smaller than {ConfigurationPackage.MaxZipBytes / 1024 / 1024} MB");
            else
            {
                await using var stream = Upload.OpenReadStream();
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, ct);
                copy.Position = 0;
                var (read, errors) = ConfigurationPackage.FromZip(copy);
                if (errors.Count > 0) FileErrors = errors;
                package = read;
            }
        }
        else if (Template != Blank) ModelState.AddModelError(nameof(Template), "Choose how to start the organisation");

        if (FileErrors.Count == 0 && ModelState.IsValid)
        {
            var result = await transfer.CreateTenantAsync(new NewTenant(Name, Identifier, Kind, AdminName, AdminEmail), package, ct);
            foreach (var (field, message) in result.FieldErrors) ModelState.AddModelError(field, message);
            FileErrors = result.FileErrors;
        }
        if (FileErrors.Count > 0)
            ModelState.AddModelError(nameof(Template), $"The configuration has {FileErrors.Count} {(FileErrors.Count == 1 ? "problem" : "problems")}; nothing has been created");
        if (!ModelState.IsValid) return Page();
        TempData["Notice"] = $"{Name} has been created. {AdminEmail} has been sent a link to choose a password.";
        return Redirect("/platform");
    }
}
