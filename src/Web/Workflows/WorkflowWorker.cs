using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// The background loop: for each tenant, through PerTenantRunner, dispatch new events, run due
/// timers and scheduled workflows. Several nodes may run it at once; claims in the database keep
/// each piece of work single. A tenant whose run fails is logged and the others go on.
/// </summary>
public sealed class WorkflowWorker(PerTenantRunner runner, IConfiguration config, ILogger<WorkflowWorker> log) : BackgroundService
{
    /// <summary>This process, as named in timer claims.</summary>
    public static readonly string WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Events a round claims for one tenant (ADR 0030, 0048).</summary>
    public const int RoundSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Workflows:PollSeconds", 10)));
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                await runner.RunForEachAsync("workflows", RunOnceAsync, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "The workflow worker failed a round");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round for the current tenant; also what tests call to drive the worker deterministically.</summary>
    public static async Task RunOnceAsync(IServiceProvider services, CancellationToken ct)
    {
        var host = services.GetRequiredService<WorkflowHost>();
        // A tenant whose rules are slow takes its share of the round; the others' rules go on (docs/security.md).
        host.LimitRound(TimeSpan.FromMilliseconds(TenantText.TenantTextLimits.WorkerRoundBudgetMs));
        await host.DispatchEventsAsync(RoundSize, ct);
        await host.RunDueTimersAsync(WorkerId, ct);
        await host.RunSchedulesAsync(ct);
    }
}
