using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// The background loop: for each tenant, through PerTenantRunner, dispatch new events, run due
/// timers and scheduled workflows. Several nodes may run it at once; claims in the database keep
/// each piece of work single. A tenant whose run fails is logged and the others go on. Several
/// tenants' rounds run at once (<see cref="DegreeFrom"/>, ADR 0051), each in its own scope and under its
/// own dispatch lease; a tenant whose round dispatched events goes again at once rather than at the
/// next poll, so a backlog (the first sweep's events) drains at the rounds' pace.
/// </summary>
public sealed class WorkflowWorker(PerTenantRunner runner, IConfiguration config, ILogger<WorkflowWorker> log) : BackgroundService
{
    /// <summary>This process, as named in timer claims.</summary>
    public static readonly string WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Events a round claims for one tenant (ADR 0030, 0048, 0059): two groups' worth, about a quarter of a second's work.</summary>
    public const int RoundSize = 500;

    /// <summary>
    /// How many tenants' rounds run at once (Workflows:Parallelism; the processor count by default, at
    /// least 1). A round is mostly this process's processor time (ADR 0048), so more than the cores buys
    /// little beyond covering the database's round trips.
    /// </summary>
    public static int DegreeFrom(IConfiguration config) => Math.Max(1, config.GetValue("Workflows:Parallelism", Environment.ProcessorCount));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Workflows:PollSeconds", 10)));
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                await PassAsync(runner, DegreeFrom(config), every, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "The workflow worker failed a round");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// One poll: every tenant's round (<see cref="RunOnceAsync"/>), <paramref name="degree"/> at once, the tenant with the
    /// most events waiting first; a tenant whose round dispatched events goes again as soon as that round ends, the one
    /// with the most left first, until none does or <paramref name="within"/> has passed (ADR 0056,
    /// <see cref="PerTenantRunner.RunUntilIdleAsync"/>). Returns the events dispatched. What the worker does each poll,
    /// and what the suite measures.
    /// </summary>
    /// <param name="observe">Told of each tenant round as it ends (the tenant, its events, when it began and ended in the pass).</param>
    public static async Task<int> PassAsync(PerTenantRunner runner, int degree, TimeSpan within, CancellationToken ct, Action<RoundSeen>? observe = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var total = 0;
        var backlog = await runner.InNoTenantAsync(WaitingByTenantAsync, ct);
        await runner.RunUntilIdleAsync("workflows", async (sp, token) =>
        {
            var began = started.Elapsed;
            var n = await RoundAsync(sp, token);
            observe?.Invoke(new RoundSeen(sp.GetRequiredService<ITenantContext>().Tenant.Identifier, n, began, started.Elapsed));
            Interlocked.Add(ref total, n);
            return n;
        }, degree, within, backlog, ct);
        return total;
    }

    /// <summary>
    /// How many events wait for dispatch in each tenant: counts only, across tenants, to order a pass (no tenant's rows are
    /// read). Claimed ones count too; a tenant whose events another node is dispatching finds its lease taken and is quick.
    /// </summary>
    private static async Task<IReadOnlyDictionary<Guid, int>> WaitingByTenantAsync(IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<AppDbContext>().Events.IgnoreQueryFilters().Where(e => e.DispatchedAt == null)
            .GroupBy(e => e.TenantId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

    /// <summary>One round for the current tenant; also what tests call to drive the worker deterministically.</summary>
    public static Task RunOnceAsync(IServiceProvider services, CancellationToken ct) => RoundAsync(services, ct);

    /// <summary>One round for the current tenant: the events it dispatched.</summary>
    private static async Task<int> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var host = services.GetRequiredService<WorkflowHost>();
        // A tenant whose rules are slow takes its share of the round; the others' rules go on (docs/security.md).
        host.LimitRound(TimeSpan.FromMilliseconds(TenantText.TenantTextLimits.WorkerRoundBudgetMs));
        var dispatched = await host.DispatchEventsAsync(RoundSize, ct);
        await host.RunDueTimersAsync(WorkerId, ct);
        await host.RunSchedulesAsync(ct);
        return dispatched;
    }
}

/// <summary>One tenant's round in a worker pass, as <see cref="WorkflowWorker.PassAsync"/> reports it to an observer.</summary>
public readonly record struct RoundSeen(string Tenant, int Events, TimeSpan Began, TimeSpan Ended);
