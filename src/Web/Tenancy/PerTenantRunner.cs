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

    public async Task RunForAsync(TenantInfo tenant, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ITenantContext>().Set(tenant);
        await work(scope.ServiceProvider, ct);
    }
}
