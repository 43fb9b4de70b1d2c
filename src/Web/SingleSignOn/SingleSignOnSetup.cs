using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.SingleSignOn;

/// <summary>
/// Single sign-on per tenant through ASP.NET Core's own OpenID Connect handler: one scheme whose
/// options are the current tenant's (<see cref="TenantOidcOptions"/>), callbacks at /{tenant}/signin-oidc
/// and /{tenant}/signout-callback-oidc. docs/adr/0027-single-sign-on.md.
/// </summary>
public static class SingleSignOnSetup
{
    public const string Scheme = "sso";

    /// <summary>After AddTenantIdentity: the password validator joins Identity's own rather than replacing it.</summary>
    public static void AddSingleSignOn(this IServiceCollection services)
    {
        services.AddAuthentication().AddOpenIdConnect(Scheme, _ => { });
        services.AddSingleton<SsoBackchannel>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, TenantOidcOptions>();
        services.AddSingleton<IOptionsMonitorCache<OpenIdConnectOptions>, TenantOidcOptionsCache>();
        services.AddScoped<SsoEvents>();
        services.AddScoped<SsoSecrets>();
        services.AddScoped<SsoSignIn>();
        services.AddScoped<SsoAudit>();
        services.AddScoped<IPasswordValidator<StaffMember>, PasswordsOffValidator>();
    }

    /// <summary>
    /// The callback addresses as routes, so the tenant is resolved before the handler reads its options.
    /// The handler answers them itself; these endpoints run only when the tenant has no single sign-on.
    /// </summary>
    public static void MapSingleSignOn(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "signin-oidc", "signout-callback-oidc" })
            app.MapMethods($"/{{tenant:slug}}/{path}", [HttpMethods.Get, HttpMethods.Post], () => Results.NotFound()).AllowAnonymous();
    }
}
