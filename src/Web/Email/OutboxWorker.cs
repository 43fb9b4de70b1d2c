using Microsoft.Extensions.Options;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Email;

/// <summary>
/// Sends the outbox every few seconds, tenant by tenant through PerTenantRunner. Several nodes may
/// run it; each message is claimed in the database before it is sent. With no mail server
/// configured it does not run at all.
/// </summary>
public sealed class OutboxWorker(PerTenantRunner runner, IOptions<SmtpOptions> options, ILogger<OutboxWorker> log) : BackgroundService
{
    /// <summary>This process, as named in outbox claims.</summary>
    public static readonly string WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured)
        {
            log.LogInformation("No mail server configured (Smtp:Host): emails stay in the outbox");
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)));
        do
        {
            try
            {
                await runner.RunForEachAsync("outbox", RunOnceAsync, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "The outbox worker failed a round");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>A burst is drained batch after batch, up to this many per tenant per tick, so one busy tenant cannot starve the rest.</summary>
    public const int MaxBatchesPerTick = 20;

    /// <summary>
    /// One round for the current tenant: batches until one comes back short (the queue is drained)
    /// or the per-tick cap is reached. Also what tests call to drive sending deterministically.
    /// </summary>
    public static async Task RunOnceAsync(IServiceProvider services, CancellationToken ct)
    {
        var batch = Math.Max(1, services.GetRequiredService<IOptions<SmtpOptions>>().Value.BatchSize);
        var sender = services.GetRequiredService<OutboxSender>();
        for (var i = 0; i < MaxBatchesPerTick && await sender.SendDueAsync(WorkerId, ct) >= batch; i++)
        {
            // a full batch: more may be waiting
        }
    }
}
