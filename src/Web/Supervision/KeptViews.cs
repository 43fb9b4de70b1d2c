using Microsoft.Extensions.Caching.Memory;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// What one person's page showed (the home's panels, whether they may see the report), kept on this node per
/// tenant and person and used again while the tenant's <see cref="TenantChanges.Stamp"/>, the day and the settings
/// are the same, for at most <see cref="MaxAge"/> (ADR 0049). Keyed by tenant and person id together: nothing
/// kept for one person is ever given to another, in this tenant or any other. Bounded in entries and in
/// estimated bytes (<c>Supervision:KeptViewsBytes</c>, <c>Supervision:KeptViewsEntries</c>); past either a view is
/// computed and the least recently used are dropped.
/// </summary>
public sealed class KeptViews : IDisposable
{
    /// <summary>A kept view is made again after this long whatever the stamp says: it bounds what no stamp sees (another node's task or action).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    public const long DefaultBudgetBytes = 32L * 1024 * 1024;
    public const int DefaultMaxEntries = 20_000;

    private readonly MemoryCache cache;
    private readonly int maxEntries;

    public KeptViews(IConfiguration config)
    {
        Budget = config.GetValue("Supervision:KeptViewsBytes", DefaultBudgetBytes);
        maxEntries = config.GetValue("Supervision:KeptViewsEntries", DefaultMaxEntries);
        Enabled = config.GetValue("Supervision:KeepViews", true);
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Budget, TrackStatistics = true, CompactionPercentage = 0.25 });
    }

    public long Budget { get; }

    /// <summary>`Supervision:KeepViews=false` makes every view afresh, as before ADR 0049 (the benchmark measures both on the same data).</summary>
    public bool Enabled { get; }

    /// <summary>The stamp to hand the status cache: none when views are not kept, so it looks on every read as before.</summary>
    public TenantChanges.Stamp? ForStatusCache(TenantChanges.Stamp stamp) => Enabled ? stamp : null;

    /// <summary>How many views are kept now, and their estimated bytes.</summary>
    public (long Entries, long Bytes) Usage => cache.GetCurrentStatistics() is { } s ? (s.CurrentEntryCount, s.CurrentEstimatedSize ?? 0) : (cache.Count, 0);

    /// <summary>How many times a view was made rather than found (tests).</summary>
    public int Made => Volatile.Read(ref made);
    private int made;

    private sealed record Key(string Kind, Guid Tenant, string Person);

    private sealed record Entry(TenantChanges.Stamp Stamp, DateOnly Day, TenantSettings Settings, object Value);

    /// <summary>
    /// The view <paramref name="make"/> gives for this person, kept while the stamp, day and settings hold.
    /// <paramref name="make"/> returns null for something not to keep (no such person: sign-in again), else the
    /// value and its estimated size in bytes. The stamp must have been read before <paramref name="make"/> reads anything.
    /// </summary>
    public async Task<T?> GetAsync<T>(string kind, TenantInfo tenant, string person, TenantChanges.Stamp stamp, DateOnly day,
        Func<Task<(T Value, long Bytes)?>> make) where T : class
    {
        var key = new Key(kind, tenant.Id, person);
        if (!Enabled) return await make() is { } fresh ? fresh.Value : null;
        if (cache.TryGetValue(key, out Entry? kept) && kept is not null && kept.Stamp == stamp && kept.Day == day && ReferenceEquals(kept.Settings, tenant.Settings))
            return (T)kept.Value;
        Interlocked.Increment(ref made);
        if (await make() is not { } made1)
        {
            cache.Remove(key);
            return null;
        }
        if (cache.Count >= maxEntries) cache.Compact(0.25);
        // Past the byte budget MemoryCache keeps nothing new and compacts (least recently used first).
        cache.Set(key, new Entry(stamp, day, tenant.Settings, made1.Value), new MemoryCacheEntryOptions
        {
            Size = Math.Max(1, made1.Bytes),
            AbsoluteExpirationRelativeToNow = MaxAge,
        });
        return made1.Value;
    }

    public void Dispose() => cache.Dispose();
}
