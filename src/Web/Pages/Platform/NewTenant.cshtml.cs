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
public sealed class NewTenantModel(ConfigurationTransfer transfer, TenantRegistry registry, PerTenantRunner runner) : PageModel
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
    [BindProperty] public string SsoProvider { get; set; } = "none";
    [BindProperty] public string? EntraDirectoryId { get; set; }
    [BindProperty] public string? SsoClientId { get; set; }
    [BindProperty] public string? SsoSecret { get; set; }
    [BindProperty] public string? SsoDomains { get; set; }

    public IReadOnlyCollection<TenantInfo> Tenants { get; private set; } = [];
    public IReadOnlyList<ConfigError> FileErrors { get; private set; } = [];

    /// <summary>The operator's single sign-on choice, checked as tenant.yaml's signIn would be; null for passwords only.</summary>
    private SingleSignOn.SignInSettings? SignInSettings()
    {
        if (SsoProvider is not ("entra" or "google")) return null;
        string? authority = null;
        if (SsoProvider == "google") authority = SingleSignOn.SignInSettings.GoogleAuthority;
        else if (Guid.TryParse(EntraDirectoryId?.Trim(), out var directory)) authority = SingleSignOn.SignInSettings.EntraAuthorityFor(directory.ToString());
        else ModelState.AddModelError(nameof(EntraDirectoryId), "Enter the Entra ID directory (tenant) id");
        var settings = new SingleSignOn.SignInSettings
        {
            ProviderName = SsoProvider, Authority = authority, ClientId = SsoClientId?.Trim(),
            EmailDomains = (SsoDomains ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d.ToLowerInvariant()).ToList(),
        };
        foreach (var problem in settings.Check(TenantConfigLoader.IsPlainEmail))
        {
            var field = problem.StartsWith("signIn.clientId", StringComparison.Ordinal) ? nameof(SsoClientId)
                : problem.StartsWith("signIn.emailDomains", StringComparison.Ordinal) ? nameof(SsoDomains) : nameof(EntraDirectoryId);
            if (authority is not null || field != nameof(EntraDirectoryId)) ModelState.AddModelError(field, problem[(problem.IndexOf(':', StringComparison.Ordinal) + 2)..]);
        }
        if (string.IsNullOrEmpty(SsoSecret)) ModelState.AddModelError(nameof(SsoSecret), "Enter the client secret");
        else if (SsoSecret.Length > SingleSignOn.SsoSecrets.MaxLength) ModelState.AddModelError(nameof(SsoSecret), "The client secret is too long");
        return settings;
    }

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

        var signIn = SignInSettings();
        if (FileErrors.Count == 0 && ModelState.IsValid)
        {
            var result = await transfer.CreateTenantAsync(new NewTenant(Name, Identifier, Kind, AdminName, AdminEmail), package, ct);
            foreach (var (field, message) in result.FieldErrors) ModelState.AddModelError(field, message);
            FileErrors = result.FileErrors;
        }
        if (FileErrors.Count > 0)
            ModelState.AddModelError(nameof(Template), $"The configuration has {FileErrors.Count} {(FileErrors.Count == 1 ? "problem" : "problems")}; nothing has been created");
        if (!ModelState.IsValid)
        {
            SsoSecret = null; // never sent back into the page
            return Page();
        }
        if (signIn is not null)
        {
            // Written in the new tenant's own scope, through the same editor and store its admin uses.
            var tenant = (await registry.FindAsync(Identifier.Trim().ToLowerInvariant(), ct))!;
            await runner.RunForAsync(tenant, async (sp, token) =>
            {
                var problems = await sp.GetRequiredService<TenantSettingsEditor>().EditAsync(y => TenantYamlEdits.SetSignIn(y, signIn), "platform", token);
                if (problems.Count > 0) throw new InvalidOperationException("Single sign-on settings checked before were refused: " + string.Join("; ", problems));
                await sp.GetRequiredService<SingleSignOn.SsoSecrets>().SetAsync(SsoSecret, "platform", token);
            }, ct);
        }
        TempData["Notice"] = $"{Name} has been created. {AdminEmail} has been sent a link to choose a password.";
        return Redirect("/platform");
    }
}
