using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>A clock the test moves: "the process stops, eight days pass, it starts again".</summary>
public sealed class SettableClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// One app process over a database file and tenants folder that several such processes can share,
/// with a settable clock and no background loops: the tests drive worker rounds themselves, so
/// what runs, and how often, is what the test says.
/// </summary>
public sealed class WorkflowAppFactory(string dataDir, string tenantsRoot, SettableClock clock, Action<IServiceCollection>? services = null) : AppFactory
{
    protected override string DatabaseFile => SharedFolders.DatabaseFile(dataDir);

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Tenants:Root"] = tenantsRoot;
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
                         && (d.ImplementationType == typeof(WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService))).ToList())
                services.Remove(hosted);
        });
        if (services is not null) builder.ConfigureTestServices(services);
    }

    /// <summary>One worker round for a tenant, as the background loop does it, under a worker name of our choosing.</summary>
    public Task RoundAsync(string tenant) => InTenant(tenant, sp => WorkflowWorker.RunOnceAsync(sp, CancellationToken.None));
}

/// <summary>A copy of the founding tenants, plus test workflows, in a folder the test owns.</summary>
public sealed class SharedFolders : IDisposable
{
    public string Data { get; } = Path.Combine(Path.GetTempPath(), "shub-wf", Guid.NewGuid().ToString("N"));
    public string Tenants { get; }

    public SharedFolders()
    {
        Tenants = Path.Combine(Data, "tenants");
        foreach (var file in Directory.GetFiles(AppFactory.RepoPath("tenants"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Tenants, Path.GetRelativePath(AppFactory.RepoPath("tenants"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void AddWorkflow(string tenant, string id, string yaml) => File.WriteAllText(Path.Combine(Tenants, tenant, "workflows", id + ".yaml"), yaml);

    /// <summary>Adds a tenant folder kept outside tenants/ (tests/tenants/new-trust), as an operator would drop it in.</summary>
    public SharedFolders WithTenant(string sourceFolder)
    {
        NewTrust.CopyInto(sourceFolder, Tenants);
        return this;
    }

    /// <summary>The database every app instance given this folder shares (a SQLite file, or a PostgreSQL database named after it).</summary>
    public static string DatabaseFile(string dataDir) => Path.Combine(dataDir, "shared.db");

    public void Dispose()
    {
        TestDatabase.Drop(DatabaseFile(Data));
        try { Directory.Delete(Data, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}

/// <summary>One app with a settable clock over a copy of the founding tenants; for a test class (emails are read from the outbox; nothing runs in the background).</summary>
public sealed class ClockedAppFixture : IDisposable
{
    public SharedFolders Folders { get; } = new();
    public SettableClock Clock { get; } = new(new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero));
    public WorkflowAppFactory App { get; }

    public ClockedAppFixture() => App = new WorkflowAppFactory(Folders.Data, Folders.Tenants, Clock);

    public void Dispose()
    {
        App.Dispose();
        Folders.Dispose();
    }
}
