using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.SingleSignOn;

/// <summary>
/// Fills the one OpenID Connect scheme's options from the current request's tenant: its authority,
/// client id and its own callback paths under /{tenant}/. Outside a tenant, or for a tenant without
/// single sign-on, the options point nowhere (a fixed empty configuration and a callback path no route
/// reaches), because the authentication middleware asks every remote scheme about every request.
/// The state, the nonce cookie and the correlation cookie are protected with a key purpose naming the
/// tenant, so what tenant A's flow wrote cannot even be read at tenant B's callback.
/// </summary>
public sealed class TenantOidcOptions(IHttpContextAccessor accessor, IDataProtectionProvider protection, IHostEnvironment env, SsoBackchannel backchannel)
    : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>Tokens are refused this long after they expire (the handler's default is five minutes).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != SingleSignOnSetup.Scheme) return;
        var tenant = TenantOidcOptionsCache.CurrentTenant(accessor);
        var s = tenant?.Settings.SignIn;

        options.SignInScheme = IdentityConstants.ExternalScheme;
        options.EventsType = typeof(SsoEvents);
        options.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back as a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
        // (a form_post from the provider would need SameSite=None).
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in new[] { "openid", "email", "profile" }) options.Scope.Add(scope);
        options.MapInboundClaims = false; // keep sub, email, email_verified as the provider names them
        options.SaveTokens = true; // the id_token, for the provider's sign-out (id_token_hint)
        options.GetClaimsFromUserInfoEndpoint = false; // Entra ID and Google put what is needed in the id_token
        options.DisableTelemetry = true;
        // The secret is read from the database only when a code is redeemed (SsoEvents), so a pushed
        // authorization request, which needs it at the start, is not made; Entra ID and Google offer none.
        options.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        options.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
        options.RemoteSignOutPath = new PathString(); // front-channel sign-out needs framing, which CSP forbids here
        options.TokenValidationParameters.ClockSkew = ClockSkew;
        options.TokenValidationParameters.NameClaimType = "name";
        options.TokenValidationParameters.RequireExpirationTime = true;
        options.TokenValidationParameters.ValidateLifetime = true;
        options.Backchannel = backchannel.Client;
        var secure = env.IsDevelopment() || env.IsEnvironment("Testing") ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = secure;
        }
        options.CorrelationCookie.Name = ".shub.sso.correlation.";
        options.NonceCookie.Name = ".shub.sso.nonce.";

        if (tenant is not null && s is { IsConfigured: true })
        {
            options.DataProtectionProvider = protection.CreateProtector("SupervisionHub.SingleSignOn", tenant.Id.ToString());
            options.Authority = s.Issuer;
            options.ClientId = s.ClientId!.Trim();
            options.RequireHttpsMetadata = s.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            options.CallbackPath = $"/{tenant.Identifier}/signin-oidc";
            options.SignedOutCallbackPath = $"/{tenant.Identifier}/signout-callback-oidc";
            options.AccessDeniedPath = $"/{tenant.Identifier}/account/sso/refused";
        }
        else
        {
            options.DataProtectionProvider = protection.CreateProtector("SupervisionHub.SingleSignOn", "none");
            options.ClientId = "single-sign-on-is-off";
            options.Configuration = new OpenIdConnectConfiguration();
            options.CallbackPath = "/.sso-off/signin-oidc";
            options.SignedOutCallbackPath = "/.sso-off/signout-callback-oidc";
        }
    }
}

/// <summary>
/// Options per tenant, in place of the one cached set per scheme name: keyed by the tenant as the
/// registry holds it, so a changed tenant.yaml (a new <see cref="TenantInfo"/>) builds new options and
/// a new discovery cache, and a tenant's options go when its old settings are collected.
/// </summary>
public sealed class TenantOidcOptionsCache(IHttpContextAccessor accessor) : IOptionsMonitorCache<OpenIdConnectOptions>
{
    private readonly ConditionalWeakTable<TenantInfo, ConcurrentDictionary<string, Lazy<OpenIdConnectOptions>>> _tenants = new();
    private readonly ConcurrentDictionary<string, Lazy<OpenIdConnectOptions>> _noTenant = new(StringComparer.Ordinal);

    internal static TenantInfo? CurrentTenant(IHttpContextAccessor accessor) =>
        accessor.HttpContext?.RequestServices.GetService<ITenantContext>() is { HasTenant: true } t ? t.Tenant : null;

    private ConcurrentDictionary<string, Lazy<OpenIdConnectOptions>> Current() =>
        CurrentTenant(accessor) is { } tenant ? _tenants.GetValue(tenant, _ => new(StringComparer.Ordinal)) : _noTenant;

    public OpenIdConnectOptions GetOrAdd(string? name, Func<OpenIdConnectOptions> createOptions) =>
        Current().GetOrAdd(name ?? Options.DefaultName, _ => new Lazy<OpenIdConnectOptions>(createOptions)).Value;

    public bool TryAdd(string? name, OpenIdConnectOptions options) =>
        Current().TryAdd(name ?? Options.DefaultName, new Lazy<OpenIdConnectOptions>(options));

    public bool TryRemove(string? name) => Current().TryRemove(name ?? Options.DefaultName, out _);

    public void Clear()
    {
        _tenants.Clear();
        _noTenant.Clear();
    }
}

/// <summary>One HTTP client for every tenant's discovery, keys and token requests (not one per tenant's options).</summary>
public sealed class SsoBackchannel : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
        MaxResponseContentBufferSize = 1024 * 1024,
    };

    public void Dispose() => Client.Dispose();
}
