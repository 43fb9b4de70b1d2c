using System.Collections.Concurrent;
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

    /// <summary>Events a round claims for one tenant (ADR 0030, 0048).</summary>
    public const int RoundSize = 200;

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
    /// One poll: every tenant's round (<see cref="RunOnceAsync"/>), <paramref name="degree"/> at once; then, until
    /// <paramref name="within"/> has passed, the tenants whose round dispatched events again, until none does.
    /// Returns the events dispatched. What the worker does each poll, and what the suite measures.
    /// </summary>
    public static async Task<int> PassAsync(PerTenantRunner runner, int degree, TimeSpan within, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var total = 0;
        Func<TenantInfo, bool>? only = null;
        while (true)
        {
            var busy = new ConcurrentDictionary<Guid, bool>();
            await runner.RunForEachAsync("workflows", async (sp, token) =>
            {
                var n = await RoundAsync(sp, token);
                if (n > 0) busy[sp.GetRequiredService<ITenantContext>().Tenant.Id] = true;
                Interlocked.Add(ref total, n);
            }, ct, only: only, degree: degree);
            if (busy.IsEmpty || started.Elapsed >= within) return total;
            only = t => busy.ContainsKey(t.Id);
        }
    }

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
