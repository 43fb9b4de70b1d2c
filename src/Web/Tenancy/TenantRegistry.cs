using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// Resolves identifiers and host names to tenants. The database is the truth (another node may
/// have created a tenant), so a miss looks there before answering "unknown"; misses are
/// remembered briefly so a scan of random paths cannot turn into a query per request.
/// </summary>
public sealed class TenantRegistry(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan MissMemory = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, TenantInfo> _byIdentifier = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TenantInfo> _byHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TenantInfo> All => _byIdentifier.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

    public async Task<TenantInfo?> FindAsync(string identifier, CancellationToken ct = default)
    {
        if (_byIdentifier.TryGetValue(identifier, out var known)) return known;
        if (_misses.TryGetValue(identifier, out var at) && clock.GetUtcNow() - at < MissMemory) return null;
        await ReloadAsync(ct);
        if (_byIdentifier.TryGetValue(identifier, out known)) return known;
        _misses[identifier] = clock.GetUtcNow();
        return null;
    }

    public TenantInfo? FindByHost(string host) => _byHost.GetValueOrDefault(host);

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rows = await db.Tenants.AsNoTracking().Select(t => t.ConfigurationYaml).ToListAsync(ct);
        var loaded = rows.Select(yaml => TenantConfigLoader.Load(yaml, "tenant.yaml"))
            .Where(r => r.Settings is not null)
            .Select(r => TenantInfo.From(r.Settings!))
            .ToList();
        _byIdentifier.Clear();
        _byHost.Clear();
        foreach (var t in loaded)
        {
            _byIdentifier[t.Identifier] = t;
            foreach (var host in t.Settings.Hosts) _byHost[host] = t;
        }
        _misses.Clear();
    }
}
