using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// Where each tenant's logo is: the one an admin uploaded (on the tenant's row), else the file its
/// tenant.yaml names (theme.logo, in tenants/&lt;slug&gt;/), else none. Pages ask for the URL on every
/// request, so the uploaded logo's hash is remembered for a minute per tenant; this node forgets it at
/// once on a change, another node within the minute (docs/adr/0015-tenant-logo.md).
/// </summary>
public sealed class TenantLogos(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, (string? Hash, DateTimeOffset At)> _hashes = new();

    /// <summary>The logo's address, versioned by its hash when uploaded (so it can be cached for good); null when there is none.</summary>
    public async Task<string?> UrlAsync(TenantInfo tenant, CancellationToken ct = default)
    {
        if (await UploadedHashAsync(tenant.Id, ct) is { } hash) return $"/{tenant.Identifier}/logo?v={hash[..16]}";
        return tenant.Settings.Theme.Logo is not null ? $"/{tenant.Identifier}/logo" : null;
    }

    public async Task<string?> UploadedHashAsync(Guid tenantId, CancellationToken ct = default)
    {
        if (_hashes.TryGetValue(tenantId, out var known) && clock.GetUtcNow() - known.At < Memory) return known.Hash;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var hash = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.LogoHash).SingleOrDefaultAsync(ct);
        _hashes[tenantId] = (hash, clock.GetUtcNow());
        return hash;
    }

    public void Forget(Guid tenantId) => _hashes.TryRemove(tenantId, out _);

    /// <summary>
    /// GET /{tenant}/logo. Public: the logo is on the sign-in page, before anyone signs in, and is the
    /// organisation's public mark. Only the tenant named in the path is ever read. Served under a policy
    /// that runs nothing, so an SVG opened directly cannot run script whatever it contains.
    /// </summary>
    public static async Task<IResult> Serve(HttpContext ctx, [FromServices] ITenantContext tenant, [FromServices] TenantFiles files, [FromServices] AppDbContext db, CancellationToken ct)
    {
        if (!tenant.HasTenant) return Results.NotFound();
        ctx.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        var id = tenant.Tenant.Id;
        var uploaded = await db.Tenants.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.LogoHash, t.LogoContentType }).SingleAsync(ct);
        if (uploaded is { LogoHash: { } hash, LogoContentType: { } type })
        {
            var etag = new EntityTagHeaderValue($"\"{hash}\"");
            // The versioned address never changes its content; the bare one is checked each time.
            ctx.Response.Headers.CacheControl = ctx.Request.Query["v"] == hash[..16] ? "public, max-age=31536000, immutable" : "public, no-cache";
            ctx.Response.Headers.ETag = etag.ToString();
            if (EntityTagHeaderValue.TryParseList(ctx.Request.Headers.IfNoneMatch, out var tags) && tags.Any(t => t.Compare(etag, useStrongComparison: false)))
                return Results.StatusCode(StatusCodes.Status304NotModified);
            var bytes = await db.Tenants.AsNoTracking().Where(t => t.Id == id).Select(t => t.LogoBytes).SingleAsync(ct);
            return Results.Bytes(bytes!, type);
        }
        if (tenant.Tenant.Settings.Theme.Logo is not { } logo) return Results.NotFound();
        var folder = Path.Combine(files.Root, tenant.Tenant.Identifier);
        if (TenantConfigLoader.LogoProblem(folder, logo) is not null) return Results.NotFound();
        ctx.Response.Headers.CacheControl = "public, max-age=300";
        return Results.File(Path.Combine(folder, logo), logo.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? "image/svg+xml" : "image/png");
    }
}
