using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SupervisionHub.Web.Audit;

namespace SupervisionHub.Web.Data;

/// <summary>
/// A per-tenant change version held on this node (ADR 0049), so that a kept view can tell it is still current
/// without a query: bumped in process by every save this node commits in the tenant, and, for other nodes'
/// saves, by a look at the tenant's <see cref="Supervision.StatusChange"/> rows at most once every
/// <see cref="LookEvery"/>. A change saved on this node shows on the next view; one saved on another node that
/// writes a status change (people, roles, leaving, training, supervisions, sessions, signed records) within about
/// <see cref="LookEvery"/>. Views kept with a stamp also expire on their own (<see cref="Supervision.KeptViews.MaxAge"/>):
/// that bounds everything else another node saves (a task, an action) and a commit later than the status cache's window allows.
/// </summary>
public sealed class TenantChanges
{
    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);

    /// <summary>What a kept view is compared with: equal stamps mean no change this node knows of.</summary>
    public readonly record struct Stamp(long Everywhere, long Local, long Remote);

    // Real time, not the app's TimeProvider: the interval is about other nodes' commits, and tests move the app's clock by days.
    private readonly TimeProvider wall = TimeProvider.System;
    private readonly ConcurrentDictionary<Guid, State> tenants = new();
    private long everywhere;

    /// <summary>How many looks at the StatusChanges rows this node made (tests: at most one a tenant per interval).</summary>
    public int Looks => Volatile.Read(ref looks);
    private int looks;

    /// <summary>Lives as long as the node (the registry is a singleton), so its gate is never disposed early.</summary>
    private sealed class State : IDisposable
    {
        public void Dispose() => Gate.Dispose();
        public long Local, Remote;
        public DateTimeOffset LookedAt = DateTimeOffset.MinValue;
        public HashSet<long>? Known;
        public long LastMax;
        // StatusChanges rows this node committed itself: its own saves bumped Local already, so a look that finds
        // them is no news (a view kept just after a save on this node is not read again a second later).
        public readonly ConcurrentDictionary<long, byte> Own = new();
        public readonly SemaphoreSlim Gate = new(1, 1);
    }

    /// <summary>A save committed on this node: in a tenant, or (no tenant: the registry, the platform) in all of them.</summary>
    public void Saved(Guid? tenantId)
    {
        if (tenantId is { } id) Interlocked.Increment(ref tenants.GetOrAdd(id, _ => new State()).Local);
        else Interlocked.Increment(ref everywhere);
    }

    /// <summary>StatusChanges rows this node has committed in a tenant (after <see cref="Saved"/> was told of their save).</summary>
    private void CommittedOwn(Guid tenantId, IEnumerable<long> statusChangeIds)
    {
        var own = tenants.GetOrAdd(tenantId, _ => new State()).Own;
        foreach (var id in statusChangeIds) own.TryAdd(id, 0);
    }

    /// <summary>
    /// The tenant's stamp now. Read it before reading what a view shows: a save committed after is then a new stamp.
    /// At most once every <see cref="LookEvery"/> a tenant this costs one small query (requests meanwhile wait for it).
    /// </summary>
    public async ValueTask<Stamp> CurrentAsync(AppDbContext db, Guid tenantId, CancellationToken ct)
    {
        var state = tenants.GetOrAdd(tenantId, _ => new State());
        // This node's own saves first: one committed after this read makes a new stamp for the next view.
        var local = Volatile.Read(ref state.Local);
        var all = Volatile.Read(ref everywhere);
        if (wall.GetUtcNow() - state.LookedAt < LookEvery) return new(all, local, Volatile.Read(ref state.Remote));
        await state.Gate.WaitAsync(ct);
        try
        {
            var now = wall.GetUtcNow();
            if (now - state.LookedAt >= LookEvery)
            {
                Interlocked.Increment(ref looks);
                // The rows within the status cache's window (a commit may land a little after its stamp, a lower id
                // after a higher one) and any newer than the last seen, as the status cache reads them: another node's
                // save adds one this node has not seen. Rows leaving the window are no change.
                var since = now - Supervision.StatusCache.Window;
                var lastMax = state.LastMax;
                var rows = await db.StatusChanges.AsNoTracking().Where(c => c.At >= since || (lastMax > 0 && c.Id > lastMax)).Select(c => c.Id).ToListAsync(ct);
                var known = state.Known;
                var remote = false;
                foreach (var id in rows)
                    if (known is null || !known.Contains(id)) remote |= !state.Own.TryRemove(id, out _) && known is not null;
                if (remote) Interlocked.Increment(ref state.Remote);
                state.Known = [.. rows];
                if (rows.Count > 0) state.LastMax = Math.Max(lastMax, rows.Max());
                // An own row not seen by now left the window or committed out of order: forgetting it costs at most one re-read.
                foreach (var id in state.Own.Keys) if (id <= state.LastMax) state.Own.TryRemove(id, out _);
                state.LookedAt = now;
            }
            return new(all, local, Volatile.Read(ref state.Remote));
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Tells <see cref="TenantChanges"/> of each commit: a save on its own (committed when it returns) or, inside a
    /// caller's transaction, when that commits. Saves of audit entries alone (a record viewed) change no view.
    /// </summary>
    public sealed class Interceptor(TenantChanges changes) : SaveChangesInterceptor, IDbTransactionInterceptor
    {
        private sealed class Pending { public bool Relevant, InTransaction; public List<Supervision.StatusChange>? Added; }
        private readonly ConditionalWeakTable<DbContext, Pending> pending = new();

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Note(eventData.Context);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Note(eventData.Context);
            return ValueTask.FromResult(result);
        }

        public override void SaveChangesFailed(DbContextErrorEventData eventData) => Failed(eventData.Context);

        public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Failed(eventData.Context);
            return Task.CompletedTask;
        }

        /// <summary>A save that failed on its own committed nothing: its rows are not this node's (in a transaction, the rollback says so).</summary>
        private void Failed(DbContext? context)
        {
            if (context is not null && context.Database.CurrentTransaction is null && pending.TryGetValue(context, out var p)) p.Added = null;
        }

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            Saved(eventData.Context);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Saved(eventData.Context);
            return ValueTask.FromResult(result);
        }

        private void Note(DbContext? context)
        {
            if (context is null) return;
            var p = pending.GetOrCreateValue(context);
            // Rows appended in bulk have left the tracker by now (ADR 0058), but are this save's changes all the same.
            if (context is AppDbContext { AppendsRows: true }) p.Relevant = true;
            // The save has detected its changes already (AppDbContext.EnforceTenant): not again for a large batch.
            var tracker = context.ChangeTracker;
            var detect = tracker.AutoDetectChangesEnabled;
            tracker.AutoDetectChangesEnabled = false;
            try
            {
                foreach (var e in tracker.Entries())
                {
                    if (e.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
                    if (e.Entity is not AuditEntry) p.Relevant = true;
                    if (e.Entity is Supervision.StatusChange added && e.State == EntityState.Added) (p.Added ??= []).Add(added);
                }
            }
            finally
            {
                tracker.AutoDetectChangesEnabled = detect;
            }
        }

        private void Saved(DbContext? context)
        {
            if (context is not AppDbContext db || !pending.TryGetValue(context, out var p) || !p.Relevant) return;
            // Bumped now too: harmless if the transaction is still open (a view read meanwhile is stamped again at commit).
            changes.Saved(db.TenantIdOrNull);
            if (context.Database.CurrentTransaction is not null) p.InTransaction = true;
            else Done(db, p);
        }

        /// <summary>Committed: this node's own new StatusChanges rows are known to it, and nothing is pending.</summary>
        private void Done(AppDbContext db, Pending p)
        {
            if (p.Added is { } added && db.TenantIdOrNull is { } tenant) changes.CommittedOwn(tenant, added.Select(c => c.Id).Where(id => id > 0));
            p.InTransaction = p.Relevant = false;
            p.Added = null;
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Committed(eventData.Context);
            return Task.CompletedTask;
        }

        public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

        public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Forget(eventData.Context);
            return Task.CompletedTask;
        }

        private void Committed(DbContext? context)
        {
            if (context is not AppDbContext db || !pending.TryGetValue(context, out var p) || !p.InTransaction) return;
            changes.Saved(db.TenantIdOrNull);
            Done(db, p);
        }

        private void Forget(DbContext? context)
        {
            if (context is not null && pending.TryGetValue(context, out var p))
            {
                p.InTransaction = p.Relevant = false;
                p.Added = null; // never committed: an id SQLite may give again to another node's row
            }
        }
    }
}
