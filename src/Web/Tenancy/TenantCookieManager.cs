using Microsoft.AspNetCore.Authentication.Cookies;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// Gives each tenant its own sign-in cookie (name suffixed with the tenant, path limited to
/// /{tenant}) so a person signed in to two organisations keeps both sessions, and the browser
/// never sends one tenant's cookie to another. Outside a tenant there is no cookie at all.
/// The principal's tenant claim is still checked on every request (see IdentitySetup), because
/// an attacker can send any cookie they like.
/// </summary>
public sealed class TenantCookieManager : ICookieManager
{
    private readonly ChunkingCookieManager _inner = new();

    public string? GetRequestCookie(HttpContext context, string key) =>
        Tenant(context) is { } t ? _inner.GetRequestCookie(context, Name(key, t)) : null;

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
    {
        if (Tenant(context) is not { } t) return;
        _inner.AppendResponseCookie(context, Name(key, t), value, WithPath(options, t));
    }

    public void DeleteCookie(HttpContext context, string key, CookieOptions options)
    {
        if (Tenant(context) is not { } t) return;
        _inner.DeleteCookie(context, Name(key, t), WithPath(options, t));
    }

    private static TenantInfo? Tenant(HttpContext context)
    {
        var tc = context.RequestServices.GetRequiredService<ITenantContext>();
        return tc.HasTenant ? tc.Tenant : null;
    }

    private static string Name(string key, TenantInfo t) => $"{key}.{t.Identifier}";

    private static CookieOptions WithPath(CookieOptions options, TenantInfo t) => new(options) { Path = "/" + t.Identifier };
}
