using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// The hourly sweep over every tenant (ADR 0047). Each tenant's facts are worked out in that tenant's
/// own scope (<see cref="PerTenantRunner"/>, its filtered context); their new events are then written
/// several tenants at a time, in one transaction, each row stamped with the tenant it was raised in:
/// one synced commit on SQLite for many small tenants instead of one each. A group that fails is
/// rolled back and written again tenant by tenant, so one tenant's failure loses or blocks no other's
/// events; a tenant whose facts cannot be worked out is logged and skipped, as PerTenantRunner does.
/// Old status changes are pruned once for every tenant at the start, by age alone.
/// </summary>
public sealed class SweepRound(PerTenantRunner runner, TenantRegistry registry, IServiceScopeFactory scopes, ILogger<SweepRound> log)
{
    /// <summary>
    /// A group is written once it holds this many candidates. Larger groups save few commits more (a
    /// tenant this big is its own group anyway) and keep SQLite's one writer longer: writing 5,000 rows
    /// takes tens of milliseconds, which a page's save may wait.
    /// </summary>
    public const int GroupRows = 5000;

    /// <param name="only">Which tenants to sweep; all when null.</param>
    /// <returns>How many events were new, and where the time went.</returns>
    public async Task<(int Raised, SweepProfile Profile)> RunAsync(CancellationToken ct, Func<TenantInfo, bool>? only = null)
    {
        await registry.RefreshAsync(ct);
        var profile = new SweepProfile();
        var phase = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await SupervisionSweep.PruneStatusChangesAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct, everyTenant: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "The supervision sweep could not prune old status changes"); // the events matter more: carry on
        }
        profile.Reads += phase.Elapsed;
        var group = new List<SweepInsert.TenantEvents>();
        var pending = 0;
        var raised = 0;
        foreach (var tenant in registry.All)
        {
            if (only is not null && !only(tenant)) continue;
            ct.ThrowIfCancellationRequested();
            try
            {
                IReadOnlyList<DomainEvent> candidates = [];
                await runner.RunForAsync(tenant, async (sp, token) =>
                {
                    var sweep = sp.GetRequiredService<SupervisionSweep>();
                    try { candidates = await sweep.CandidatesAsync(token); }
                    finally { profile.Add(sweep.Profile); }
                }, ct);
                if (candidates.Count == 0) continue;
                group.Add(new SweepInsert.TenantEvents(tenant.Id, candidates));
                pending += candidates.Count;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "The supervision sweep failed for tenant {TenantId}", tenant.Id);
            }
            if (pending >= GroupRows)
            {
                raised += await WriteAsync(group, profile, ct);
                group.Clear();
                pending = 0;
            }
        }
        if (group.Count > 0) raised += await WriteAsync(group, profile, ct);
        return (raised, profile);
    }

    /// <summary>The group in one transaction; if that fails, each tenant in its own, so a failure stays with its tenant.</summary>
    private async Task<int> WriteAsync(List<SweepInsert.TenantEvents> group, SweepProfile profile, CancellationToken ct)
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
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
