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

    public static readonly string[] AnonymousAccountPages = ["SignIn", "SignOut", "ForgotPassword", "ResetPassword", "SignInCode", "Sso"];

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
        // Each phase's time in the log ("Start-up: ..."), so a slow start says where it went (docs/benchmarks.md).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var total = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name)
        {
            log.LogInformation("Start-up: {Phase} {Milliseconds} ms", name, clock.ElapsedMilliseconds);
            clock.Restart();
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var startup = await Databases.StartupLockAsync(db, log, ct);
        Phase("lock");
        await db.Database.MigrateAsync(ct);
        await SqliteJournal.UseWriteAheadLogAsync(db, log, ct);
        Phase("migrate");
        await scope.ServiceProvider.GetRequiredService<TenantCatalogSync>().SyncAsync(tenantsRoot, ct);
        Phase("tenants folder");
        // Only tenants made from a folder have forms, rules and first admins on disk: the others (made in
        // the browser, hundreds of them) are passed over without a scope each.
        var runner = services.GetRequiredService<PerTenantRunner>();
        bool FromFolder(TenantInfo t) => Directory.Exists(Path.Combine(tenantsRoot, t.Identifier));
        // Each tenant's forms folder: changed definitions are published as new versions.
        // (The runner reloads the tenant registry first, so it sees the tenants just imported.)
        await runner.RunForEachAsync("publish-forms", (sp, token) =>
        {
            var folder = Path.Combine(tenantsRoot, sp.GetRequiredService<ITenantContext>().Tenant.Identifier, "forms");
            return sp.GetRequiredService<FormCatalog>().SyncFolderAsync(folder, Path.GetDirectoryName(tenantsRoot)!, token);
        }, ct, stopOnError: true, only: FromFolder);
        Phase("forms");
        // Then each tenant's workflows, checked against its forms, roles and email templates.
        await runner.RunForEachAsync("publish-workflows", (sp, token) =>
            sp.GetRequiredService<Workflows.WorkflowCatalog>().SyncFolderAsync(Path.GetDirectoryName(tenantsRoot)!, token), ct, stopOnError: true, only: FromFolder);
        Phase("rules");
        var demo = services.GetRequiredService<IOptions<DemoOptions>>().Value;
        await services.GetRequiredService<DemoSeeder>().SeedAsync(demo, tenantsRoot, ct);
        Phase("demo data");
        // The first administrators a folder's tenant.yaml names (admins:), invited by email in any
        // environment: after the demo, which fills only a tenant with nobody in it. Only tenants made
        // as a folder: a configuration copied in the browser names another organisation's people.
        await runner.RunForEachAsync("first-admins", (sp, token) =>
        {
            var tenant = sp.GetRequiredService<ITenantContext>().Tenant;
            return tenant.Settings.Admins is { Count: > 0 } admins && File.Exists(Path.Combine(tenantsRoot, tenant.Identifier, "tenant.yaml"))
                ? sp.GetRequiredService<Platform.FirstAdmins>().InviteAsync(admins, token) : Task.CompletedTask;
        }, ct, stopOnError: true, only: FromFolder);
        Phase("first admins");
        await using var last = services.CreateAsyncScope();
        await DatabaseStatistics.EnsureAsync(last.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
        Phase("statistics");
        log.LogInformation("Start-up: database ready in {Milliseconds} ms", total.ElapsedMilliseconds);
    }

    public static void AddAppRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var permits = config.GetValue("RateLimits:SignInPerMinute", 20);
        var linkPermits = config.GetValue("RateLimits:LinksPerMinute", 30);
        var addressPermits = config.GetValue("RateLimits:SignInPerAddressPerMinute", 10);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per typed email address, across every tenant and client: otherwise one address gets the
            // per-tenant allowance in each of hundreds of tenants. Set by SignInAddressMiddleware.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx => ctx.Items[SignInAddressMiddleware.ItemKey] is string address
                ? RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = addressPermits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));
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

    /// <summary>The rate limits, after the typed address of a sign-in is known (<see cref="SignInAddressMiddleware"/>).</summary>
    public static void UseAppRateLimits(this IApplicationBuilder app)
    {
        app.UseMiddleware<SignInAddressMiddleware>();
        app.UseRateLimiter();
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

    /// <summary>
    /// Every response made by the service's own code (pages, record JSON, CSV, zips, .ics) is
    /// <c>no-store</c> unless it says otherwise (the theme and the logo, which are public), so no
    /// browser, proxy or shared computer keeps a copy of personal data. Static files come before this.
    /// </summary>
    public static void UseNoStoreByDefault(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        ctx.Response.OnStarting(() =>
        {
            if (!ctx.Response.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.CacheControl))
                ctx.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(ctx);
    });

    /// <summary>Development and the test runs' own environment; never a deployed service.</summary>
    public static bool IsDevelopmentLike(this IHostEnvironment env) => env.IsDevelopment() || env.IsEnvironment("Testing");
}

/// <summary>
/// For a form posted to a page under the sign-in rate limit (tenant and operator sign-in, forgotten
/// password), reads the email address typed, normalised as Identity does, so the global limiter can
/// count attempts per address across all tenants and clients. The form is read once and kept for the page.
/// </summary>
public sealed class SignInAddressMiddleware(RequestDelegate next)
{
    public const string ItemKey = "shub:sign-in-address";
    private static readonly string[] EmailFields = ["Input.Email", "Email"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>()?.PolicyName == ServiceSetup.SignInRateLimit)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (EmailFields.Select(f => form[f].ToString().Trim()).FirstOrDefault(v => v.Length > 0) is { } email)
                context.Items[ItemKey] = email.ToUpperInvariant();
        }
        else
        {
            // An error page re-executed for a refused sign-in is not a second try.
            context.Items.Remove(ItemKey);
        }
        await next(context);
    }
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
