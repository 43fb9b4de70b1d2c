using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// The hourly sweep over every tenant (ADR 0047, 0050, 0061). Tenants' facts are worked out several at a time
/// (<see cref="Degree"/>): a tenant whose statuses this node holds in its own scope (<see cref="PerTenantRunner.RunForAsync"/>,
/// its filtered context; the cache brings them up to date by a look), the others in batches whose rows are read
/// together in a scope of no tenant (<see cref="ComplianceService.EveryoneInAsync"/>, each row with its tenant) and
/// worked out tenant by tenant, as if each were alone; a batch whose reads fail is done again tenant by tenant.
/// One writer takes their candidates as they come and writes them several tenants at a
/// time, in one transaction, each row stamped with the tenant it was raised in, while the readers go on.
/// A group that fails is rolled back and written again tenant by tenant, so one tenant's failure loses or
/// blocks no other's events; a tenant whose facts cannot be worked out is logged and skipped, as
/// PerTenantRunner does. Old status changes are pruned once for every tenant at the start, by age alone.
/// </summary>
public sealed class SweepRound(PerTenantRunner runner, TenantRegistry registry, IServiceScopeFactory scopes, StatusCache cache, TimeProvider clock,
    IConfiguration config, ILogger<SweepRound> log)
{
    /// <summary>
    /// A group is written once it holds this many candidates. Larger groups save few commits more (a
    /// tenant this big is its own group anyway) and keep SQLite's one writer longer: writing 5,000 rows
    /// takes tens of milliseconds, which a page's save may wait.
    /// </summary>
    public const int GroupRows = 5000;

    /// <summary>
    /// Tenants whose facts are worked out at once (`Sweep:Parallelism`). By default one a core, at most four:
    /// a tenant's reads are the app's own work (materialising rows, the calculator) and, on SQLite, the
    /// database's too, so more readers than cores only queue; past four the round is short already and the
    /// pages' requests and the other rounds keep cores and pooled connections (ADR 0050).
    /// </summary>
    public int Degree { get; } = Math.Max(1, config.GetValue("Sweep:Parallelism", DefaultDegree));

    public static int DefaultDegree => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// How many supervisees' rows are read together at most (a tenant with more is read alone), and how many tenants.
    /// At 500 tenants one statement a tenant was most of the sweep's statements and, on PostgreSQL, a trip to the server
    /// each; batches of about equal work keep the readers equally busy, and a batch's rows bounded in memory.
    /// </summary>
    public const int BatchSupervisees = 2500, BatchTenants = 100;

    /// <summary>
    /// Whether tenants are read together at all (`Sweep:Together`, on by default): off sweeps every tenant alone, as
    /// before ADR 0061, for comparing the two on the same data (on SQLite, in process, batches were weighed against
    /// it and kept: ADR 0061's later note).
    /// </summary>
    public bool Together { get; } = config.GetValue("Sweep:Together", true);

    /// <summary>
    /// Whether, on SQLite, the big sets (people, memberships, attended and latest sessions, agreements) are read from the
    /// statement rather than through EF Core (`Sweep:DirectReads`, on by default; ADR 0071): off for comparing the two.
    /// </summary>
    public bool DirectReads { get; } = config.GetValue("Sweep:DirectReads", true);

    /// <summary>Tenants' candidates waiting for the writer: the readers wait for it beyond this (memory stays bounded).</summary>
    private const int Waiting = 64;

    /// <param name="only">Which tenants to sweep; all when null.</param>
    /// <param name="degree">Tenants worked out at once; <see cref="Degree"/> when null (the suite compares one with several).</param>
    /// <returns>How many events were new, and where the time went.</returns>
    public async Task<(int Raised, SweepProfile Profile)> RunAsync(CancellationToken ct, Func<TenantInfo, bool>? only = null, int? degree = null)
    {
        var wall = Stopwatch.StartNew();
        await registry.RefreshAsync(ct);
        var profile = new SweepProfile { Degree = Math.Max(1, degree ?? Degree) };
        var phase = Stopwatch.StartNew();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await SupervisionSweep.PruneStatusChangesAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "The supervision sweep could not prune old status changes"); // the events matter more: carry on
        }
        profile.Reads += phase.Elapsed;

        var queue = Channel.CreateBounded<SweepInsert.TenantEvents>(new BoundedChannelOptions(Waiting) { SingleReader = true });
        // The writer has its own profile (one task); the readers add theirs under a lock, as they finish.
        var written = new SweepProfile();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(async () =>
        {
            try { return await WriteAllAsync(queue.Reader, written, stop.Token); }
            catch (Exception ex)
            {
                // The readers stop rather than wait on a queue nobody empties.
                queue.Writer.TryComplete(ex);
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);
        TimeSpan readsDone;
        try
        {
            // The tenants this node holds statuses for are each brought up to date alone (a look); the rest in batches of
            // the same today and about equal work, the biggest first, so that the last to finish are small. Every tenant
            // is swept alone when batches are off or the tenants could not be counted.
            var chosen = registry.All.Where(t => only is null || only(t)).ToList();
            var alone = Together ? chosen.Where(t => cache.Holds(t, t.Today(clock))).ToHashSet() : chosen.ToHashSet();
            Dictionary<Guid, int> sizes = [];
            if (alone.Count < chosen.Count)
            {
                if (await SizesAsync(stop.Token) is { } counted) sizes = counted;
                else alone = chosen.ToHashSet();
            }
            var work = chosen.Where(t => !alone.Contains(t)).GroupBy(t => t.Today(clock))
                .SelectMany(sameDay => Batches(sameDay.OrderByDescending(t => sizes.GetValueOrDefault(t.Id)), sizes))
                .OrderByDescending(batch => batch.Sum(t => sizes.GetValueOrDefault(t.Id)))
                .Concat(chosen.Where(alone.Contains).Select(t => new[] { t })).ToList();
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = profile.Degree, CancellationToken = stop.Token }, async (tenants, token) =>
            {
                if (tenants.Length == 1 && alone.Contains(tenants[0]))
                {
                    await SweepAloneAsync(tenants[0], queue.Writer, profile, token);
                    return;
                }
                IReadOnlyList<SweepInsert.TenantEvents> found;
                try
                {
                    found = await SweepTogetherAsync(tenants, profile, token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogWarning(ex, "The supervision sweep could not read {Tenants} tenants together; sweeping each alone", tenants.Length);
                    foreach (var tenant in tenants) await SweepAloneAsync(tenant, queue.Writer, profile, token);
                    return;
                }
                foreach (var one in found) await queue.Writer.WriteAsync(one, token);
            });
            readsDone = wall.Elapsed;
            queue.Writer.Complete();
        }
        catch (Exception readers)
        {
            // Cancelled, or the writer failed: the writer stops too and is awaited, so nothing of the round runs on after it.
            // Stopped before the queue is closed: the writer must not take a closed queue for the end of the reads and
            // write what it holds as the round's last group.
            await stop.CancelAsync();
            queue.Writer.TryComplete();
            try { await writer; }
            catch (Exception failed) when (failed is not OperationCanceledException && readers is OperationCanceledException or ChannelClosedException)
            {
                throw; // the writer's own failure is the cause
            }
            catch (OperationCanceledException) { }
            throw;
        }
        var raised = await writer;
        profile.Add(written);
        profile.Wall = wall.Elapsed;
        profile.AfterReads = wall.Elapsed - readsDone;
        return (raised, profile);
    }

    /// <summary>
    /// Each tenant's memberships, ended ones too (all are read), counted along the tenant index in one statement across
    /// tenants: how the batches are sized. Null when the count fails: the round goes on with every tenant alone.
    /// </summary>
    private async Task<Dictionary<Guid, int>?> SizesAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RelationshipMembers.IgnoreQueryFilters()
                .GroupBy(m => m.TenantId).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "The supervision sweep could not count its tenants' supervisees; sweeping each tenant alone");
            return null;
        }
    }

    /// <summary>Tenants (biggest first) packed in turn until a batch holds <see cref="BatchSupervisees"/> or <see cref="BatchTenants"/>.</summary>
    private static IEnumerable<TenantInfo[]> Batches(IEnumerable<TenantInfo> tenants, Dictionary<Guid, int> sizes)
    {
        var batch = new List<TenantInfo>();
        var size = 0;
        foreach (var tenant in tenants)
        {
            var own = sizes.GetValueOrDefault(tenant.Id);
            if (batch.Count > 0 && (size + own > BatchSupervisees || batch.Count == BatchTenants))
            {
                yield return [.. batch];
                batch.Clear();
                size = 0;
            }
            batch.Add(tenant);
            size += own;
        }
        if (batch.Count > 0) yield return [.. batch];
    }

    /// <summary>One tenant's facts in its own scope, its statuses through this node's cache; a failure is logged and the tenant skipped.</summary>
    private async Task SweepAloneAsync(TenantInfo tenant, ChannelWriter<SweepInsert.TenantEvents> queue, SweepProfile profile, CancellationToken ct)
    {
        IReadOnlyList<DomainEvent> candidates = [];
        try
        {
            await runner.RunForAsync(tenant, async (sp, inner) =>
            {
                var sweep = sp.GetRequiredService<SupervisionSweep>();
                try { candidates = await sweep.CandidatesAsync(inner); }
                finally { lock (profile) profile.Add(sweep.Profile); }
            }, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "The supervision sweep failed for tenant {TenantId}", tenant.Id);
            return;
        }
        if (candidates.Count > 0) await queue.WriteAsync(new SweepInsert.TenantEvents(tenant.Id, candidates), ct);
    }

    /// <summary>
    /// Several tenants' facts from rows read together in a scope of no tenant (ADR 0061), each tenant's worked out from its
    /// own rows alone; the statuses are kept in this node's cache as a look would have kept them. A tenant whose statuses
    /// cannot be worked out is logged and skipped; a failed read fails the batch (the caller sweeps its tenants alone).
    /// </summary>
    private async Task<IReadOnlyList<SweepInsert.TenantEvents>> SweepTogetherAsync(TenantInfo[] tenants, SweepProfile profile, CancellationToken ct)
    {
        var phase = Stopwatch.StartNew();
        var mine = new SweepProfile();
        var found = new List<SweepInsert.TenantEvents>();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var today = tenants[0].Today(clock);
            var now = clock.GetUtcNow();
            var ids = tenants.Select(t => t.Id).ToList();
            await db.Database.OpenConnectionAsync(ct); // one connection for the batch's reads (ADR 0047)
            try
            {
                // What the cache needs to keep the statuses is read before their rows, as a look reads it (StatusCache).
                var baselines = await cache.BaselinesAsync(db, ids, ct);
                var rows = await SupervisionSweep.ReadInAsync(db, tenants, today, ct);
                mine.Reads += phase.Elapsed;
                phase.Restart();
                var statuses = await ComplianceService.EveryoneInAsync(db, tenants, today, ct, DirectReads);
                foreach (var tenant in tenants)
                {
                    IReadOnlyList<SuperviseeStatus> everyone;
                    try { everyone = statuses[tenant.Id](); }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        log.LogError(ex, "The supervision sweep failed for tenant {TenantId}", tenant.Id);
                        continue;
                    }
                    await cache.KeepAsync(tenant, today, everyone, baselines[tenant.Id], ct);
                    var (actions, training) = rows[tenant.Id];
                    var facts = SupervisionSweep.Facts(today, now, actions, training, everyone);
                    if (facts.Count > 0) found.Add(new SweepInsert.TenantEvents(tenant.Id, facts));
                }
                mine.Statuses += phase.Elapsed;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        finally
        {
            lock (profile) profile.Add(mine);
        }
        return found;
    }

    /// <summary>The one writer: candidates gathered until a group is full, which is written while the readers go on; the rest at the end.</summary>
    private async Task<int> WriteAllAsync(ChannelReader<SweepInsert.TenantEvents> queue, SweepProfile profile, CancellationToken ct)
    {
        var group = new List<SweepInsert.TenantEvents>();
        var pending = 0;
        var raised = 0;
        await foreach (var tenant in queue.ReadAllAsync(ct))
        {
            group.Add(tenant);
            pending += tenant.Events.Count;
            if (pending < GroupRows) continue;
            raised += await WriteAsync(group, profile, ct);
            group.Clear();
            pending = 0;
        }
        ct.ThrowIfCancellationRequested(); // a queue closed by a cancelled round is not the end of its reads
        if (group.Count > 0) raised += await WriteAsync(group, profile, ct);
        return raised;
    }

    /// <summary>The group in one transaction; if that fails, each tenant in its own, so a failure stays with its tenant.</summary>
    private async Task<int> WriteAsync(List<SweepInsert.TenantEvents> group, SweepProfile profile, CancellationToken ct)
    {
        var phase = Stopwatch.StartNew();
        try
        {
            try
            {
                return await InsertAsync(group, profile, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (group.Count == 1)
                {
                    log.LogError(ex, "The supervision sweep failed to write tenant {TenantId}'s events", group[0].TenantId);
                    return 0;
                }
                log.LogWarning(ex, "The supervision sweep's group of {Tenants} tenants failed; writing each tenant alone", group.Count);
            }
            var raised = 0;
            foreach (var one in group)
            {
                try
                {
                    raised += await InsertAsync([one], profile, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "The supervision sweep failed to write tenant {TenantId}'s events", one.TenantId);
                }
            }
            return raised;
        }
        finally
        {
            profile.Insert += phase.Elapsed;
        }
    }

    /// <summary>
    /// A scope of no tenant: the rows are stamped with their own tenants by <see cref="SweepInsert"/>,
    /// which reads no tenant-owned type through the context (its one read, PostgreSQL's known keys, is
    /// by tenant and key together), and this context's filters fail closed if anything else tried.
    /// </summary>
    private async Task<int> InsertAsync(IReadOnlyList<SweepInsert.TenantEvents> tenants, SweepProfile profile, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (inserted, timing) = await SweepInsert.InsertNewAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), tenants, ct);
        profile.Write += timing.Write;
        profile.Commit += timing.Commit;
        profile.Transactions++;
        return inserted;
    }
}
