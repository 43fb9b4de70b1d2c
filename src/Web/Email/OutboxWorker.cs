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

    /// <summary>One round for the current tenant; also what tests call to drive sending deterministically.</summary>
    public static Task RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<OutboxSender>().SendDueAsync(WorkerId, ct);
}
