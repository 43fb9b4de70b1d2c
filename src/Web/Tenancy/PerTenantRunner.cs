namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// The one way background work touches tenant data: a fresh scope per tenant with its context
/// set, so a job can neither forget the tenant nor carry one tenant's state into the next.
/// A failure in one tenant is logged and does not stop the others.
/// </summary>
public sealed class PerTenantRunner(IServiceScopeFactory scopes, TenantRegistry registry, ILogger<PerTenantRunner> log)
{
    /// <param name="stopOnError">For start-up work whose failure must stop the service (bad configuration), rather than be logged and skipped.</param>
    public async Task RunForEachAsync(string jobName, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct, bool stopOnError = false,
        Func<TenantInfo, bool>? only = null)
    {
        await registry.RefreshAsync(ct); // cheap when no tenant changed: the rounds poll every few seconds
        foreach (var tenant in registry.All)
        {
            if (only is not null && !only(tenant)) continue;
            ct.ThrowIfCancellationRequested();
            try
            {
                await RunForAsync(tenant, work, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !stopOnError)
            {
                log.LogError(ex, "Background job {Job} failed for tenant {TenantId}", jobName, tenant.Id);
            }
        }
    }

    public async Task RunForAsync(TenantInfo tenant, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ITenantContext>().Set(tenant);
        await work(scope.ServiceProvider, ct);
    }
}
