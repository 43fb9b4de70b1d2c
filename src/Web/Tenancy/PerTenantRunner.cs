namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// The one way background work touches tenant data: a fresh scope per tenant with its context
/// set, so a job can neither forget the tenant nor carry one tenant's state into the next.
/// A failure in one tenant is logged and does not stop the others.
/// </summary>
public sealed class PerTenantRunner(IServiceScopeFactory scopes, TenantRegistry registry, ILogger<PerTenantRunner> log)
{
    /// <param name="stopOnError">For start-up work whose failure must stop the service (bad configuration), rather than be logged and skipped.</param>
    /// <param name="degree">
    /// How many tenants' work runs at once (1: one after another, in the registry's order). Each tenant still
    /// has its own scope, so its own context and tenant; nothing scoped is shared between two tenants' work.
    /// </param>
    public async Task RunForEachAsync(string jobName, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct, bool stopOnError = false,
        Func<TenantInfo, bool>? only = null, int degree = 1)
    {
        await registry.RefreshAsync(ct); // cheap when no tenant changed: the rounds poll every few seconds
        var tenants = registry.All.Where(t => only is null || only(t)).ToList();
        if (degree <= 1)
        {
            foreach (var tenant in tenants)
            {
                ct.ThrowIfCancellationRequested();
                await RunLoggedAsync(jobName, tenant, work, stopOnError, ct);
            }
            return;
        }
        // A tenant's failure is logged in RunLoggedAsync and the others go on; with stopOnError it ends the loop
        // (tenants already started finish first) and is thrown from here, as in the sequential loop.
        await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = ct },
            (tenant, token) => new ValueTask(RunLoggedAsync(jobName, tenant, work, stopOnError, token)));
    }

    /// <summary>
    /// Each tenant's work once, <paramref name="degree"/> at once, then again for each tenant whose work did some, until
    /// none does or <paramref name="within"/> has passed (ADR 0056). No pass waits for its slowest tenant, and the tenant
    /// with the most left goes first, fresh or again: <paramref name="backlog"/> is what each tenant had to do at the start
    /// (unknown: none), less what its work reported done. So the tenant with a fifth of a backlog has a lane from the start
    /// instead of running alone after everyone else. With two or more at once, at most half the lanes (at least one) take
    /// tenants going again while fresh ones wait, so a poll's quiet tenants still have their round (timers, schedules);
    /// one at a time, every tenant once before any goes again. A tenant is never run twice at once. Failures are logged.
    /// </summary>
    public async Task RunUntilIdleAsync(string jobName, Func<IServiceProvider, CancellationToken, Task<int>> work, int degree, TimeSpan within,
        IReadOnlyDictionary<Guid, int> backlog, CancellationToken ct, Func<TenantInfo, bool>? only = null)
    {
        await registry.RefreshAsync(ct);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var left = new Dictionary<Guid, int>();
        int Left(TenantInfo t) => left.TryGetValue(t.Id, out var n) ? n : backlog.GetValueOrDefault(t.Id);
        // Stable: tenants with nothing known to do keep the registry's order after the others.
        var fresh = new Queue<TenantInfo>(registry.All.Where(t => only is null || only(t)).OrderByDescending(Left));
        var again = new List<TenantInfo>();
        var gate = new object();
        var (running, runningAgain) = (0, 0);
        degree = Math.Max(1, degree);
        var laneAgain = Math.Max(1, degree / 2);
        using var changed = new SemaphoreSlim(0);

        async Task LaneAsync()
        {
            while (true)
            {
                TenantInfo? next = null;
                var isAgain = false;
                lock (gate)
                {
                    if (again.Count > 0 && (fresh.Count == 0 || degree > 1 && runningAgain < laneAgain))
                    {
                        next = again.MaxBy(Left)!; // the first of the most left
                        again.Remove(next);
                        isAgain = true;
                    }
                    else if (fresh.Count > 0) next = fresh.Dequeue();
                    else if (running == 0) return; // nothing queued, and nothing running that could queue more
                    if (next is not null) (running, runningAgain) = (running + 1, runningAgain + (isAgain ? 1 : 0));
                }
                if (next is null)
                {
                    await changed.WaitAsync(ct); // another lane's tenant may come back with more to do
                    continue;
                }
                var done = 0;
                try
                {
                    ct.ThrowIfCancellationRequested();
                    await RunForAsync(next, async (sp, token) => done = await work(sp, token), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Background job {Job} failed for tenant {TenantId}", jobName, next.Id);
                }
                finally
                {
                    lock (gate)
                    {
                        (running, runningAgain) = (running - 1, runningAgain - (isAgain ? 1 : 0));
                        left[next.Id] = Math.Max(0, Left(next) - done);
                        if (done > 0 && started.Elapsed < within) again.Add(next);
                    }
                    // Wake the idle lanes to look again; a count already that high will wake them, so it stays bounded.
                    var wake = degree - changed.CurrentCount;
                    if (wake > 0) changed.Release(wake);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, degree).Select(_ => Task.Run(LaneAsync, ct)));
    }

    private async Task RunLoggedAsync(string jobName, TenantInfo tenant, Func<IServiceProvider, CancellationToken, Task> work, bool stopOnError, CancellationToken ct)
    {
        try
        {
            await RunForAsync(tenant, work, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !stopOnError)
        {
            log.LogError(ex, "Background job {Job} failed for tenant {TenantId}", jobName, tenant.Id);
        }
    }

    /// <summary>Work across tenants in a scope of none (no tenant's query filter applies): counts and housekeeping only.</summary>
    public async Task<T> InNoTenantAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider, ct);
    }

    public async Task RunForAsync(TenantInfo tenant, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ITenantContext>().Set(tenant);
        await work(scope.ServiceProvider, ct);
    }
}
