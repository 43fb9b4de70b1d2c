using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Everyone's supervision status, per tenant, kept on this node and brought up to date on each
/// read from the <see cref="StatusChange"/> rows every node writes as it saves: one small query
/// when nothing changed, a scoped <see cref="ComplianceService.StatusesAsync"/> for just the people
/// touched when something did, everything again on a new day, new settings or a large change.
/// The answer equals <c>StatusesAsync(null)</c> row for row (a test checks it after random edits).
/// Why this design and its limits: docs/adr/0016-status-cache.md.
/// </summary>
public sealed class StatusCache
{
    /// <summary>
    /// How late a change may become visible after it was stamped: a transaction still open, or
    /// another node's clock a little behind. Rows this recent are read again on each look (their
    /// ids may be lower than ones already seen: PostgreSQL hands out ids before commit).
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>A cache that has not looked for this long starts afresh rather than trust rows that may have been pruned.</summary>
    public static readonly TimeSpan MaxGap = TimeSpan.FromHours(12);

    /// <summary>More people touched than this (or a quarter of everyone) and recomputing everyone is cheaper than a long id list.</summary>
    public const int MaxPartial = 2000;

    // Real time, not the app's TimeProvider: the window is about commits and clocks, and tests move the app's clock by days.
    private readonly TimeProvider wall = TimeProvider.System;
    private readonly ConcurrentDictionary<Guid, TenantState> tenants = new();

    /// <summary>How many times everyone was computed, and how many partial updates ran (for tests and the benchmark).</summary>
    public int FullComputations => Volatile.Read(ref full);
    public int PartialComputations => Volatile.Read(ref partial);
    private int full, partial;

    /// <summary>Lives as long as the node (the cache is a singleton), so its gate is never disposed early.</summary>
    private sealed class TenantState : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public Snapshot? Current;
        public void Dispose() => Gate.Dispose();
    }

    /// <summary>
    /// One tenant's statuses as of <see cref="LookedAt"/>. <see cref="Derived"/> holds figures
    /// computed from the same data (the compliance trend); it is dropped whenever a change arrives.
    /// </summary>
    /// <remarks><see cref="Seen"/>: the tenant's change stamp read before the last look (ADR 0049); a caller with the same stamp needs no look.</remarks>
    private sealed record Snapshot(IReadOnlyList<SuperviseeStatus> Statuses, DateOnly Day, TenantSettings Settings,
        DateTimeOffset LookedAt, long MaxId, Dictionary<long, DateTimeOffset> Applied, ConcurrentDictionary<string, Lazy<Task<object>>> Derived,
        TenantChanges.Stamp? Seen = null);

    private sealed record ChangeRow(long Id, DateTimeOffset At, string? StaffId, Guid? RelationshipId, string? SupervisorId);

    /// <summary>Everyone's statuses in the current tenant, as <c>compliance.StatusesAsync(null)</c> would return them now.</summary>
    /// <param name="seen">
    /// The tenant's change stamp, read before this call (ADR 0049): when the last look was made with the same stamp,
    /// nothing this node knows of has changed since, and the list is returned without a look. Without one, a look.
    /// </param>
    public async Task<IReadOnlyList<SuperviseeStatus>> GetAsync(ComplianceService compliance, AppDbContext db, TenantInfo tenant, DateOnly today, CancellationToken ct,
        TenantChanges.Stamp? seen = null) =>
        (await SnapshotAsync(compliance, db, tenant, today, seen, ct)).Statuses;

    /// <summary>
    /// A figure derived from everyone's data (the report's trend), kept with the statuses
    /// <paramref name="statuses"/> came from (a list <see cref="GetAsync"/> returned): computed once
    /// per tenant and key until a status change, a new day or new settings. If the tenant's list has
    /// moved on since, it is computed without being kept.
    /// </summary>
    public async Task<T> DerivedAsync<T>(Guid tenantId, IReadOnlyList<SuperviseeStatus> statuses, string key,
        Func<CancellationToken, Task<T>> compute, CancellationToken ct) where T : class
    {
        if (!tenants.TryGetValue(tenantId, out var state) || state.Current is not { } snapshot || !ReferenceEquals(snapshot.Statuses, statuses))
            return await compute(ct);
        // Keys come from what people ask for (a report's filter in its address): past the cap a new one is
        // computed without being kept, so no one can grow this node's memory by asking for ever-new figures.
        if (!snapshot.Derived.ContainsKey(key) && (snapshot.Derived.Count >= MaxDerived
                || key.StartsWith(RenderedPrefix, StringComparison.Ordinal) && snapshot.Derived.Keys.Count(k => k.StartsWith(RenderedPrefix, StringComparison.Ordinal)) >= MaxRendered))
            return await compute(ct);
        for (var attempt = 0; ; attempt++)
        {
            var lazy = snapshot.Derived.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await compute(ct)));
            try
            {
                return (T)await lazy.Value;
            }
            catch (Exception) when (attempt == 0 && !ct.IsCancellationRequested)
            {
                // The request that started it failed or was cancelled: compute it here instead.
                snapshot.Derived.TryRemove(new KeyValuePair<string, Lazy<Task<object>>>(key, lazy));
            }
        }
    }

    /// <summary>At most this many derived figures are kept for a tenant between changes (a report's filters, the home's figures).</summary>
    public const int MaxDerived = 64;

    /// <summary>
    /// Keys of rendered pages (ADR 0046) start with this. There are as many as pages of a report times its
    /// filters, so at most <see cref="MaxRendered"/> of the <see cref="MaxDerived"/> are theirs: paging through
    /// a long list never leaves the figures themselves (the home's, each filter's report) without room.
    /// </summary>
    public const string RenderedPrefix = "rendered|";
    public const int MaxRendered = 24;

    /// <summary>How many derived figures this node keeps for a tenant now.</summary>
    public int DerivedCount(Guid tenantId, string prefix = "") => tenants.TryGetValue(tenantId, out var state) && state.Current is { } snapshot
        ? snapshot.Derived.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal)) : 0;

    /// <summary>Drops what this node holds for a tenant: the next read computes everyone afresh.</summary>
    public void Forget(Guid tenantId)
    {
        if (tenants.TryGetValue(tenantId, out var state)) state.Current = null;
    }

    /// <summary>
    /// Whether this node holds the tenant's statuses for <paramref name="today"/> and its current settings, recent enough
    /// to be brought up to date by a look (<see cref="GetAsync"/>) rather than worked out again.
    /// </summary>
    public bool Holds(TenantInfo tenant, DateOnly today) =>
        tenants.TryGetValue(tenant.Id, out var state) && state.Current is { } current && current.Day == today
        && ReferenceEquals(current.Settings, tenant.Settings) && wall.GetUtcNow() - current.LookedAt <= MaxGap;

    /// <summary>Where the change rows stood for a tenant just before its statuses were worked out elsewhere (<see cref="BaselinesAsync"/>).</summary>
    public sealed class Baseline
    {
        internal Baseline(DateTimeOffset lookedAt, long maxId, Dictionary<long, DateTimeOffset> applied) => (LookedAt, MaxId, Applied) = (lookedAt, maxId, applied);
        internal DateTimeOffset LookedAt { get; }
        internal long MaxId { get; }
        internal Dictionary<long, DateTimeOffset> Applied { get; }
    }

    /// <summary>
    /// For several tenants whose statuses are about to be worked out together (the sweep, ADR 0061), what
    /// <see cref="EveryoneAsync"/> reads before it works one tenant's out: the recent change rows and the latest, so
    /// that the next look reads only what was committed after. Read in a context of no tenant, each row with its own
    /// tenant; call it before reading the statuses' data.
    /// </summary>
    public async Task<Dictionary<Guid, Baseline>> BaselinesAsync(AppDbContext db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var now = wall.GetUtcNow();
        var since = now - Window;
        var rows = await db.StatusChanges.IgnoreQueryFilters().AsNoTracking()
            .Where(c => ids.Contains(c.TenantId)
                && (c.At >= since || c.Id == db.StatusChanges.IgnoreQueryFilters().Where(x => x.TenantId == c.TenantId).Max(x => x.Id)))
            .Select(c => new { c.TenantId, Row = new ChangeRow(c.Id, c.At, null, null, null) }).ToListAsync(ct);
        var byTenant = rows.ToLookup(r => r.TenantId, r => r.Row);
        return ids.ToDictionary(id => id, id =>
        {
            var recent = byTenant[id].ToList();
            return new Baseline(now, recent.Count == 0 ? 0 : recent.Max(r => r.Id), Remember(new Dictionary<long, DateTimeOffset>(), recent, now));
        });
    }

    /// <summary>
    /// Keeps a tenant's statuses worked out elsewhere after <paramref name="baseline"/> was read, as a look of this cache
    /// would have (<see cref="EveryoneAsync"/>), unless the tenant's list here is as fresh already.
    /// </summary>
    public async Task KeepAsync(TenantInfo tenant, DateOnly today, IReadOnlyList<SuperviseeStatus> statuses, Baseline baseline, CancellationToken ct)
    {
        var state = tenants.GetOrAdd(tenant.Id, _ => new TenantState());
        await state.Gate.WaitAsync(ct);
        try
        {
            Interlocked.Increment(ref full);
            if (state.Current is { } current && current.Day == today && ReferenceEquals(current.Settings, tenant.Settings) && current.LookedAt >= baseline.LookedAt)
                return;
            state.Current = new Snapshot(statuses, today, tenant.Settings, baseline.LookedAt, baseline.MaxId, baseline.Applied, new());
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<Snapshot> SnapshotAsync(ComplianceService compliance, AppDbContext db, TenantInfo tenant, DateOnly today, TenantChanges.Stamp? seen, CancellationToken ct)
    {
        var state = tenants.GetOrAdd(tenant.Id, _ => new TenantState());
        if (seen is not null && state.Current is { } known && known.Seen == seen && known.Day == today && ReferenceEquals(known.Settings, tenant.Settings))
            return known;
        var arrived = wall.GetUtcNow();
        await state.Gate.WaitAsync(ct);
        try
        {
            var current = state.Current;
            var valid = current is not null && current.Day == today && ReferenceEquals(current.Settings, tenant.Settings);
            // Someone looked while this request waited for the gate: their answer is as fresh as ours would be.
            if (valid && current!.LookedAt >= arrived) return current;
            var now = wall.GetUtcNow();
            if (!valid || now - current!.LookedAt > MaxGap) return state.Current = await EveryoneAsync(compliance, db, tenant, today, now, ct) with { Seen = seen };
            // A look without a stamp keeps the last one: the list is then fresher than that stamp promised.
            seen ??= current.Seen;

            var since = current.LookedAt - Window;
            var maxId = current.MaxId;
            var rows = await db.StatusChanges.AsNoTracking().Where(c => c.Id > maxId || c.At >= since)
                .Select(c => new ChangeRow(c.Id, c.At, c.StaffId, c.RelationshipId, c.SupervisorId)).ToListAsync(ct);
            var fresh = rows.Where(r => !current.Applied.ContainsKey(r.Id)).ToList();
            var applied = Remember(current.Applied, fresh, now);
            var newMax = rows.Count == 0 ? maxId : Math.Max(maxId, rows.Max(r => r.Id));
            if (fresh.Count == 0) return state.Current = current with { LookedAt = now, Applied = applied, MaxId = newMax, Seen = seen };

            var people = fresh.Select(r => r.StaffId).OfType<string>().ToHashSet();
            var relationships = fresh.Select(r => r.RelationshipId).OfType<Guid>().Distinct().ToList();
            var supervisors = fresh.Select(r => r.SupervisorId).OfType<string>().Distinct().ToList();
            if (relationships.Count + supervisors.Count > 0)
            {
                var supervised = db.Relationships.Where(r => supervisors.Contains(r.SupervisorId)).Select(r => r.Id);
                people.UnionWith(await db.RelationshipMembers.AsNoTracking()
                    .Where(m => relationships.Contains(m.RelationshipId) || supervised.Contains(m.RelationshipId))
                    .Select(m => m.StaffId).Distinct().ToListAsync(ct));
            }
            if (people.Count > Math.Max(MaxPartial, current.Statuses.Count / 4))
            {
                // Everything just read was committed before the computation starts, so it is all in it.
                Interlocked.Increment(ref full);
                var everyone = await compliance.StatusesAsync(null, ct);
                return state.Current = new Snapshot(everyone, today, tenant.Settings, now, newMax, applied, new(), seen);
            }

            Interlocked.Increment(ref partial);
            var ids = people.ToList();
            var recomputed = await compliance.StatusesAsync(m => ids.Contains(m.StaffId), ct);
            var merged = Merge(current.Statuses.Where(s => !people.Contains(s.StaffId)), recomputed);
            return state.Current = new Snapshot(merged, today, tenant.Settings, now, newMax, applied, new(), seen);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<Snapshot> EveryoneAsync(ComplianceService compliance, AppDbContext db, TenantInfo tenant, DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        Interlocked.Increment(ref full);
        // Read before computing: whatever is already committed is in the computation; anything
        // committed later has a higher id or a recent time and is read on the next look.
        var since = now - Window;
        var recent = await db.StatusChanges.AsNoTracking().Where(c => c.At >= since || c.Id == db.StatusChanges.Max(x => x.Id))
            .Select(c => new ChangeRow(c.Id, c.At, null, null, null)).ToListAsync(ct);
        var maxId = recent.Count == 0 ? 0 : recent.Max(r => r.Id);
        var statuses = await compliance.StatusesAsync(null, ct);
        return new Snapshot(statuses, today, tenant.Settings, now, maxId, Remember(new Dictionary<long, DateTimeOffset>(), recent, now), new());
    }

    /// <summary>The ids the next look will read again (within the window), so it can skip them.</summary>
    private static Dictionary<long, DateTimeOffset> Remember(IReadOnlyDictionary<long, DateTimeOffset> applied, IEnumerable<ChangeRow> fresh, DateTimeOffset now)
    {
        var keep = new Dictionary<long, DateTimeOffset>();
        foreach (var (id, at) in applied.Concat(fresh.Select(r => KeyValuePair.Create(r.Id, r.At))))
            if (at >= now - Window) keep[id] = at;
        return keep;
    }

    /// <summary>Two lists each in <see cref="ComplianceService.Order"/>, merged in that order (a total order, so the same as sorting everyone).</summary>
    private static List<SuperviseeStatus> Merge(IEnumerable<SuperviseeStatus> kept, IReadOnlyList<SuperviseeStatus> recomputed)
    {
        var result = new List<SuperviseeStatus>();
        var j = 0;
        foreach (var s in kept)
        {
            while (j < recomputed.Count && ComplianceService.Order.Compare(recomputed[j], s) < 0) result.Add(recomputed[j++]);
            result.Add(s);
        }
        while (j < recomputed.Count) result.Add(recomputed[j++]);
        return result;
    }
}
