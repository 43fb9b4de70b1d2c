using Microsoft.Extensions.Options;

namespace SupervisionHub.Web.Tenancy;

/// <summary>The service's own address (App:BaseUrl): where people outside reach it.</summary>
public sealed class AppOptions
{
    public const string Section = "App";
    public const string DevelopmentBaseUrl = "http://localhost:5204";

    public string? BaseUrl { get; set; }
}

/// <summary>
/// Every absolute address the service writes into an email (password resets, new administrators'
/// invitations, diary invitations, email links, workflow emails) comes from here, built from
/// configuration only: a tenant's first host name (tenant.yaml <c>hosts:</c>) when it has one, else
/// App:BaseUrl and the tenant's slug. Never from the request, whose Host header the sender chooses
/// (docs/adr/0022-addresses-from-configuration.md).
/// </summary>
public sealed class PublicUrls(IOptions<AppOptions> options)
{
    private readonly Uri _base = new((options.Value.BaseUrl ?? AppOptions.DevelopmentBaseUrl).TrimEnd('/') + "/");

    /// <summary>The host name of App:BaseUrl, which the service always answers to.</summary>
    public string BaseHost => _base.Host;

    /// <summary>The tenant's home, with no trailing slash: https://its.own.host or https://service/slug.</summary>
    public string TenantRoot(TenantInfo tenant)
    {
        // Only a plain DNS name is used: hosts come from the operator's files, but a typo must not make a link to somewhere else.
        if (tenant.Settings.Hosts.FirstOrDefault(h => Uri.CheckHostName(h) == UriHostNameType.Dns) is { } host)
            return new UriBuilder(_base) { Host = host }.Uri.ToString().TrimEnd('/');
        return new Uri(_base, tenant.Identifier).ToString();
    }

    /// <summary>An address inside the tenant, such as <c>account/reset-password?user=...</c>.</summary>
    public string Tenant(TenantInfo tenant, string pathAndQuery) => TenantRoot(tenant) + "/" + pathAndQuery.TrimStart('/');
}

/// <summary>Checks App:BaseUrl at start: an absolute http(s) address, and set explicitly anywhere but development.</summary>
public sealed class AppOptionsValidator(IHostEnvironment env) : IValidateOptions<AppOptions>
{
    public ValidateOptionsResult Validate(string? name, AppOptions options)
    {
        if (options.BaseUrl is not { Length: > 0 } url)
            return env.IsDevelopmentLike() ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("App:BaseUrl is not set. Set it to the address people use to reach the service (for example https://supervision.example.org); every link in an email is built from it.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return ValidateOptionsResult.Fail($"App:BaseUrl \"{url}\" must be an absolute http or https address with no query, like https://supervision.example.org.");
        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Outside development, a request whose Host is neither App:BaseUrl's host nor a tenant's configured
/// host name is refused with 400 before anything else runs. Load balancers' health probes, which
/// often ask by IP address, are let through to /health/live and /health/ready, which name nothing.
/// </summary>
public sealed class KnownHostMiddleware(RequestDelegate next, PublicUrls urls, TenantRegistry registry)
{
    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        if (context.Request.Path.StartsWithSegments("/health")
            || string.Equals(host, urls.BaseHost, StringComparison.OrdinalIgnoreCase)
            || (host.Length > 0 && registry.FindByHost(host) is not null))
            return next(context);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Unknown host name.");
    }
}

public static class PublicUrlsSetup
{
    public static void AddPublicUrls(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<AppOptions>().Bind(config.GetSection(AppOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();
        services.AddSingleton<PublicUrls>();
    }

    /// <summary>The Host check, outside development only (a developer's machine answers to any name).</summary>
    public static void UseKnownHosts(this IApplicationBuilder app, IHostEnvironment env)
    {
        if (!env.IsDevelopmentLike()) app.UseMiddleware<KnownHostMiddleware>();
    }
}
