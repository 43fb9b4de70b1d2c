using SupervisionHub.Web.Tests.Operations;
using SupervisionHub.Web.Tests.Workflows;
using Xunit.Abstractions;

namespace SupervisionHub.Web.Tests.Faults;

/// <summary>
/// Issue 16, item 4: two nodes started at the same instant on a database that does not exist yet
/// (a fresh name on the PostgreSQL server; a new file on SQLite), as a first deployment does. Before,
/// one died with 42P04 (both created the database) or 42P07 (both migrated). Now the database's
/// creation treats "already exists" as done, and migrations and first-start work run under a lock:
/// one node does them, the other waits and finds them done.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class StartTogetherTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_nodes_started_at_the_same_instant_on_an_empty_server_both_become_ready_and_prepare_the_database_once()
    {
        using var folders = new SharedFolders();
        var file = SharedFolders.DatabaseFile(folders.Data);
        var settings = Nodes.Settings(file, folders.Tenants, createDatabase: false);
        settings["Logging:LogLevel:SupervisionHub.Web.Startup"] = "Information";

        using var go = new ManualResetEventSlim();
        var starting = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            go.Wait();
            return new AppProcess(settings);
        })).ToList();
        go.Set();
        var nodes = await Task.WhenAll(starting);
        await using var a = nodes[0];
        await using var b = nodes[1];
        try
        {
            await Task.WhenAll(a.WaitReadyAsync(TimeSpan.FromMinutes(5)), b.WaitReadyAsync(TimeSpan.FromMinutes(5)));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            Assert.Fail($"{ex.Message.Split('\n')[0]}\nA:\n{a.Output}\nB:\n{b.Output}");
        }
        output.WriteLine($"Both ready. A:\n{a.Output}\nB:\n{b.Output}");

        // Everything first-start makes, made once: the tenants, each form and rule version, the demo people.
        await using var sql = await TestDatabase.OpenAsync(file);
        var tenants = Directory.GetDirectories(folders.Tenants).Length;
        Assert.Equal(tenants, Convert.ToInt32(await sql.ScalarAsync("SELECT COUNT(*) FROM \"Tenants\"")));
        Assert.Equal(0, Convert.ToInt32(await sql.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT \"TenantId\", \"FormId\" FROM \"FormVersions\" GROUP BY \"TenantId\", \"FormId\", \"ContentHash\" HAVING COUNT(*) > 1) twice")));
        Assert.Equal(0, Convert.ToInt32(await sql.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT \"TenantId\", \"WorkflowId\" FROM \"WorkflowVersions\" GROUP BY \"TenantId\", \"WorkflowId\", \"ContentHash\" HAVING COUNT(*) > 1) twice")));
        var staffRows = Directory.GetFiles(folders.Tenants, "staff.csv", SearchOption.AllDirectories)
            .Sum(f => File.ReadLines(f).Skip(1).Count(l => l.Trim().Length > 0));
        Assert.Equal(staffRows, Convert.ToInt32(await sql.ScalarAsync("SELECT COUNT(*) FROM \"AspNetUsers\"")));
        // And both serve.
        Assert.True((await a.GetAsync("/river-tees/account/sign-in")).IsSuccessStatusCode);
        Assert.True((await b.GetAsync("/river-tees/account/sign-in")).IsSuccessStatusCode);
    }
}
