using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Email;

/// <summary>
/// One app process sending mail to a local SMTP port, over a database file that several such
/// processes can share, with a settable clock and no background loops: the tests run the send rounds.
/// </summary>
public sealed class EmailAppFactory(string dataDir, string tenantsRoot, SettableClock clock, int smtpPort, IReadOnlyDictionary<string, string?>? more = null) : AppFactory
{
    public const string From = "noreply@supervisionhub.example";

    protected override string DatabaseFile => SharedFolders.DatabaseFile(dataDir);

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Tenants:Root"] = tenantsRoot;
            s["Smtp:Host"] = "127.0.0.1";
            s["Smtp:Port"] = smtpPort.ToString();
            s["Smtp:UseTls"] = "none";
            s["Smtp:From"] = From;
            s["Smtp:TimeoutSeconds"] = "10";
            foreach (var (key, value) in more ?? new Dictionary<string, string?>()) s[key] = value;
            return s;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                         && (d.ImplementationType == typeof(WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService)
                             || d.ImplementationType == typeof(OutboxWorker))).ToList())
                services.Remove(hosted);
        });
    }

    /// <summary>One send round for a tenant, as the background loop does it.</summary>
    public Task RoundAsync(string tenant) => InTenant(tenant, sp => OutboxWorker.RunOnceAsync(sp, CancellationToken.None));

    public Task<OutboxMessage> QueueAsync(string tenant, string to, string subject, string text, string? cc = null) => InTenant(tenant, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var message = new OutboxMessage(to, subject, text, clock.GetUtcNow(), cc);
        db.Outbox.Add(message);
        await db.SaveChangesAsync();
        return message;
    });

    public Task<OutboxMessage> FindAsync(string tenant, Guid id) => InTenant(tenant, sp =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(sp.GetRequiredService<AppDbContext>().Outbox, m => m.Id == id));
}
