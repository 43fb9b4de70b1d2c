using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// Resolves identifiers and host names to tenants. The database is the truth (another node may
/// have created a tenant or changed its settings), so a miss looks there before answering
/// "unknown"; misses are remembered briefly so a scan of random paths cannot turn into a query per
/// request. Only a tenant whose configuration changed is parsed again: with 500 tenants, parsing
/// every tenant's YAML on every background round cost more than the rounds' own work.
/// </summary>
public sealed class TenantRegistry(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan MissMemory = TimeSpan.FromSeconds(30);

    /// <summary>One stored row as last seen: what tells a change (when it was updated, how long its YAML is), the YAML, what it parsed to.</summary>
    private sealed record Row(DateTimeOffset UpdatedAt, int Length, string Yaml, TenantInfo? Info);

    /// <summary>Swapped whole, never changed in place, so a request never sees a half-built registry.</summary>
    private sealed record Snapshot(IReadOnlyDictionary<Guid, Row> Rows, IReadOnlyDictionary<string, TenantInfo> ByIdentifier,
        IReadOnlyDictionary<string, TenantInfo> ByHost, IReadOnlyCollection<TenantInfo> All);

    private static readonly Snapshot Empty = new(new Dictionary<Guid, Row>(), new Dictionary<string, TenantInfo>(), new Dictionary<string, TenantInfo>(), []);
    private volatile Snapshot _current = Empty;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);

    public void Dispose() => _loading.Dispose();

    /// <summary>How many tenants' YAML has been parsed since start (for tests and the benchmark).</summary>
    public int Parses => _parses;
    private int _parses;

    public IReadOnlyCollection<TenantInfo> All => _current.All;

    public async Task<TenantInfo?> FindAsync(string identifier, CancellationToken ct = default)
    {
        if (_current.ByIdentifier.TryGetValue(identifier, out var known)) return known;
        if (_misses.TryGetValue(identifier, out var at) && clock.GetUtcNow() - at < MissMemory) return null;
        await RefreshAsync(ct);
        if (_current.ByIdentifier.TryGetValue(identifier, out known)) return known;
        _misses[identifier] = clock.GetUtcNow();
        return null;
    }

    public TenantInfo? FindByHost(string host) => _current.ByHost.GetValueOrDefault(host);

    /// <summary>
    /// Reads every tenant's YAML and parses those whose text changed: for the node that has just
    /// changed a configuration, which must see exactly what it saved.
    /// </summary>
    public Task ReloadAsync(CancellationToken ct = default) => SyncAsync(full: true, ct);

    /// <summary>
    /// For the background rounds (every few seconds): reads each tenant's id, update time and YAML
    /// length, and the YAML only of tenants that are new or differ in either, so a settings change
    /// made on another node is in force here by the next round. A change that kept both the update
    /// time and the length (two saves in the same clock tick) is seen by the next <see cref="ReloadAsync"/>.
    /// </summary>
    public Task RefreshAsync(CancellationToken ct = default) => SyncAsync(full: false, ct);

    private async Task SyncAsync(bool full, CancellationToken ct)
    {
        await _loading.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var before = _current.Rows;
            List<(Guid Id, DateTimeOffset UpdatedAt, int Length, string? Yaml)> rows;
            if (full)
            {
                rows = (await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.UpdatedAt, t.ConfigurationYaml }).ToListAsync(ct))
                    .Select(t => (t.Id, t.UpdatedAt, t.ConfigurationYaml.Length, (string?)t.ConfigurationYaml)).ToList();
            }
            else
            {
                var stamps = await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.UpdatedAt, t.ConfigurationYaml.Length }).ToListAsync(ct);
                var changed = stamps.Where(s => !before.TryGetValue(s.Id, out var r) || r.UpdatedAt != s.UpdatedAt || r.Length != s.Length).Select(s => s.Id).ToList();
                if (changed.Count == 0 && stamps.Count == before.Count) return; // nothing new, nothing gone
                var yaml = changed.Count == 0 ? new Dictionary<Guid, string>()
                    : await db.Tenants.AsNoTracking().Where(t => changed.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.ConfigurationYaml, ct);
                rows = stamps.Select(s => (s.Id, s.UpdatedAt, s.Length, yaml.GetValueOrDefault(s.Id))).ToList();
            }

            var next = new Dictionary<Guid, Row>();
            foreach (var (id, updatedAt, length, yaml) in rows)
            {
                var old = before.GetValueOrDefault(id);
                if (yaml is null) // unchanged (the cheap check)
                    next[id] = old!;
                else if (old is not null && string.Equals(old.Yaml, yaml, StringComparison.Ordinal))
                    next[id] = old with { UpdatedAt = updatedAt, Length = length };
                else
                {
                    Interlocked.Increment(ref _parses);
                    var result = TenantConfigLoader.Load(yaml, "tenant.yaml");
                    next[id] = new Row(updatedAt, length, yaml, result.Settings is { } s ? TenantInfo.From(s) : null);
                }
            }
            var tenants = next.Values.Select(r => r.Info).OfType<TenantInfo>().ToList();
            var byIdentifier = new Dictionary<string, TenantInfo>(StringComparer.Ordinal);
            var byHost = new Dictionary<string, TenantInfo>(StringComparer.OrdinalIgnoreCase);
            foreach (var t in tenants)
            {
                byIdentifier[t.Identifier] = t;
                foreach (var host in t.Settings.Hosts) byHost[host] = t;
            }
            _current = new Snapshot(next, byIdentifier, byHost, tenants.OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
            _misses.Clear();
        }
        finally
        {
            _loading.Release();
        }
    }
}
