using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.DevData;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web;

/// <summary>Start-up pieces kept out of Program.cs so it reads as the pipeline it is.</summary>
public static class ServiceSetup
{
    public const string SignInRateLimit = "sign-in";
    public const string LinkRateLimit = "links";

    public static readonly string[] AnonymousAccountPages = ["SignIn", "SignOut", "ForgotPassword", "ResetPassword", "SignInCode"];

    public static string TenantsRoot(IConfiguration config, IHostEnvironment env)
    {
        if (config["Tenants:Root"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        // The repository's tenants/ folder, found from the content root (src/Web) or any parent.
        for (var dir = new DirectoryInfo(env.ContentRootPath); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tenants");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"No tenants folder found above {env.ContentRootPath}; set Tenants:Root.");
    }

    public static string SqliteConnectionString(IConfiguration config, IHostEnvironment env)
    {
        if (config.GetConnectionString("Sqlite") is { Length: > 0 } cs) return cs;
        var dataDir = Path.Combine(env.ContentRootPath, "data");
        Directory.CreateDirectory(dataDir);
        return $"Data Source={Path.Combine(dataDir, "supervisionhub.db")}";
    }

    /// <summary>
    /// Migrate, import the tenants folder, and (Development only) seed demo data, all under the
    /// database's start-up lock: nodes started together take turns, and the later ones find the
    /// work done (ADR 0024).
    /// </summary>
    public static async Task PrepareDatabaseAsync(IServiceProvider services, string tenantsRoot, CancellationToken ct)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("SupervisionHub.Web.Startup");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var startup = await Databases.StartupLockAsync(db, log, ct);
        await db.Database.MigrateAsync(ct);
        await scope.ServiceProvider.GetRequiredService<TenantCatalogSync>().SyncAsync(tenantsRoot, ct);
        // Each tenant's forms folder: changed definitions are published as new versions.
        // (The runner reloads the tenant registry first, so it sees the tenants just imported.)
        await services.GetRequiredService<PerTenantRunner>().RunForEachAsync("publish-forms", (sp, token) =>
        {
            var folder = Path.Combine(tenantsRoot, sp.GetRequiredService<ITenantContext>().Tenant.Identifier, "forms");
            return sp.GetRequiredService<FormCatalog>().SyncFolderAsync(folder, Path.GetDirectoryName(tenantsRoot)!, token);
        }, ct, stopOnError: true);
        // Then each tenant's workflows, checked against its forms, roles and email templates.
        await services.GetRequiredService<PerTenantRunner>().RunForEachAsync("publish-workflows", (sp, token) =>
            sp.GetRequiredService<Workflows.WorkflowCatalog>().SyncFolderAsync(Path.GetDirectoryName(tenantsRoot)!, token), ct, stopOnError: true);
        var demo = services.GetRequiredService<IOptions<DemoOptions>>().Value;
        await services.GetRequiredService<DemoSeeder>().SeedAsync(demo, tenantsRoot, ct);
        await using var last = services.CreateAsyncScope();
        await DatabaseStatistics.RefreshAsync(last.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
    }

    public static void AddAppRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var permits = config.GetValue("RateLimits:SignInPerMinute", 20);
        var linkPermits = config.GetValue("RateLimits:LinksPerMinute", 30);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client address and tenant: guessing passwords is slowed without one noisy office locking out another.
            o.AddPolicy(SignInRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                $"{ctx.Connection.RemoteIpAddress}|{ctx.GetRouteValue("tenant")}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Opening links and typing codes: guessing a token or a code is slowed per address, on top of
            // each link's own count of wrong codes (EmailLink), which holds whichever node answers.
            o.AddPolicy(LinkRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                $"{ctx.Connection.RemoteIpAddress}|{ctx.GetRouteValue("tenant")}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = linkPermits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
    }

    /// <summary>
    /// Behind a load balancer every request comes from the balancer's address, so the per-address
    /// rate limits would throttle a whole organisation as one client, and HTTPS would look like
    /// HTTP. X-Forwarded-For/-Proto are believed only from the proxies named in configuration
    /// (ReverseProxy:KnownProxies, addresses; ReverseProxy:KnownNetworks, CIDR ranges): from
    /// anyone else they are ignored, or a password guesser would rotate the header to dodge the limit.
    /// </summary>
    public static void UseTrustedProxies(this IApplicationBuilder app, IConfiguration config)
    {
        var proxies = config.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [];
        var networks = config.GetSection("ReverseProxy:KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0) return;
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = config.GetValue("ReverseProxy:ForwardLimit", 1),
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var p in proxies) options.KnownProxies.Add(System.Net.IPAddress.Parse(p.Trim()));
        foreach (var n in networks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n.Trim()));
        app.UseForwardedHeaders(options);
    }

    /// <summary>Headers every response carries: no inline script or style, no framing, no referrer leaks of paths.</summary>
    public static void UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var h = ctx.Response.Headers;
        h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
                                  "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "same-origin";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        await next();
    });
}

/// <summary>Where the tenants folder is, for the few files served from it (logos).</summary>
public sealed record TenantFiles(string Root);

/// <summary>The tenant's colour as a stylesheet, so pages need no inline style (CSP forbids it).</summary>
public static class ThemeStylesheet
{
    public static IResult Serve(HttpContext ctx, [FromServices] ITenantContext tenant)
    {
        if (!tenant.HasTenant) return Results.NotFound();
        var colour = tenant.Tenant.Settings.Theme.Colour;
        var css = $":root {{ --govuk-brand-colour: {colour}; }}\n";
        ctx.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Text(css, "text/css");
    }
}
