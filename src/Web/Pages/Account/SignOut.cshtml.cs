using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

public sealed class SignOutModel(SignInManager<StaffMember> signIn, ITenantContext tenant, IOptionsMonitor<OpenIdConnectOptions> sso) : PageModel
{
    /// <summary>The provider whose sign-out is offered: set when this session came through single sign-on and the provider has a sign-out address.</summary>
    public string? Provider { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await SsoSessionAsync() is not null && await ProviderSignsOutAsync(ct))
            Provider = tenant.Tenant.Settings.SignIn.ProviderLabel;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        TempData["Notice"] = "You have signed out.";
        return Redirect($"/{tenant.Tenant.Identifier}/account/sign-in");
    }

    public string Root => tenant.Tenant.Identifier;

    private async Task<AuthenticationProperties?> SsoSessionAsync()
    {
        var result = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return result.Succeeded && result.Properties?.Items.ContainsKey(SsoModel.SessionItem) == true ? result.Properties : null;
    }

    private async Task<bool> ProviderSignsOutAsync(CancellationToken ct)
    {
        if (!tenant.Tenant.Settings.SignIn.IsConfigured) return false;
        try
        {
            var configuration = await sso.Get(SingleSignOnSetup.Scheme).ConfigurationManager!.GetConfigurationAsync(ct);
            return !string.IsNullOrEmpty(configuration.EndSessionEndpoint);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException or TaskCanceledException)
        {
            return false; // the provider cannot be reached: signing out here still works
        }
    }
}
