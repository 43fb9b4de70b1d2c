using Microsoft.AspNetCore.Mvc;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

/// <summary>Rules shared by the sign-in steps (password, then authenticator code).</summary>
public static class SignInRules
{
    /// <summary>
    /// Only an address inside this tenant: a return URL must not send someone to another
    /// organisation (/ascent-other is not inside /ascent) or another site.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl, TenantInfo tenant, IUrlHelper url)
    {
        var home = "/" + tenant.Identifier;
        return returnUrl is { } r && url.IsLocalUrl(r) && (r == home || r.StartsWith(home + "/", StringComparison.Ordinal)) ? r : home;
    }

    /// <summary>Authenticator apps show codes as "123 456"; people type them with spaces or dashes.</summary>
    public static string NormaliseCode(string code) =>
        code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
}
