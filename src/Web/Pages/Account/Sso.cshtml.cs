using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

/// <summary>
/// Single sign-on's three steps in the tenant: POST starts it (to the provider); "complete" is where the
/// handler sends the person back, once it has checked the provider's answer, to be matched to their
/// directory entry and signed in; "refused" says why not.
/// </summary>
public sealed class SsoModel(SignInManager<StaffMember> signIn, SsoSignIn sso, ITenantContext tenant) : PageModel
{
    public const string SessionItem = "shub.sso";
    private const string ReturnItem = "shub.return";

    [BindProperty(SupportsGet = true)] public string? Step { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty(SupportsGet = true)] public string? Reason { get; set; }

    public string Explanation { get; private set; } = "";

    private string Root => "/" + tenant.Tenant.Identifier;

    /// <summary>
    /// Every step is a GET: the sign-in page's CSP (form-action 'self') stops a form post whose answer
    /// redirects to another site, which is what starting at the provider and signing out there are.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        switch (Step)
        {
            case null:
                if (!tenant.Tenant.Settings.SignIn.IsConfigured) return NotFound();
                var properties = new AuthenticationProperties { RedirectUri = $"{Root}/account/sso/complete" };
                properties.Items[ReturnItem] = SignInRules.SafeReturnUrl(ReturnUrl, tenant.Tenant, Url);
                return Challenge(properties, SingleSignOnSetup.Scheme);
            case "complete":
                return await CompleteAsync(ct);
            case "sign-out":
                return await SignOutEverywhereAsync();
            case "refused":
                Explanation = SsoRefusal.Explanations.GetValueOrDefault(Reason ?? "") ?? SsoRefusal.Explanations[SsoRefusal.Failed];
                return Page();
            default:
                return NotFound();
        }
    }

    /// <summary>Ends the session here, then sends the browser to the provider's own sign-out (RP-initiated logout), which returns to the sign-in page.</summary>
    private async Task<IActionResult> SignOutEverywhereAsync()
    {
        var session = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        await signIn.SignOutAsync();
        TempData["Notice"] = "You have signed out.";
        var back = $"{Root}/account/sign-in";
        if (!session.Succeeded || session.Properties?.Items.ContainsKey(SessionItem) != true || !tenant.Tenant.Settings.SignIn.IsConfigured) return Redirect(back);
        var properties = new AuthenticationProperties { RedirectUri = back };
        if (session.Properties.GetTokenValue("id_token") is { } idToken) properties.Items[SsoEvents.IdTokenHintItem] = idToken;
        return SignOut(properties, SingleSignOnSetup.Scheme);
    }

    private async Task<IActionResult> CompleteAsync(CancellationToken ct)
    {
        // The provider's answer, as the handler checked and kept it for this one step.
        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded) return Redirect($"{Root}/account/sso/refused?reason={SsoRefusal.Failed}");

        var match = await sso.MatchAsync(external.Principal, ct);
        if (match.Person is not { } person) return Redirect($"{Root}/account/sso/refused?reason={match.Refusal}");

        var session = new AuthenticationProperties { IsPersistent = false };
        session.Items[SessionItem] = "1";
        // Kept for the provider's sign-out (id_token_hint); the access token is not needed and not kept.
        if (external.Properties?.GetTokenValue("id_token") is { } idToken)
            session.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
        // The directory's own sign-in (with its MFA) stands in for the password and the authenticator code here.
        await signIn.SignInAsync(person, session, authenticationMethod: "sso");
        return LocalRedirect(SignInRules.SafeReturnUrl((external.Properties?.Items.TryGetValue(ReturnItem, out var back) == true ? back : null), tenant.Tenant, Url));
    }
}
