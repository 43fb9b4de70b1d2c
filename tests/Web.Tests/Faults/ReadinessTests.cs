using System.Diagnostics;
using System.Net;
using SupervisionHub.Web.Tests.Operations;
using SupervisionHub.Web.Tests.Workflows;
using Xunit.Abstractions;

namespace SupervisionHub.Web.Tests.Faults;

/// <summary>
/// Issue 16, item 5: during a full disk and a 50 s exclusive lock, /health/ready answered Healthy
/// while every write failed. Ready now means the database takes a write within two seconds: a load
/// balancer asking it takes the node out while the database cannot be written, and back when it can.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ReadinessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ready_answers_503_within_seconds_while_the_database_is_locked_and_200_once_it_is_free()
    {
        using var folders = new SharedFolders();
        var file = SharedFolders.DatabaseFile(folders.Data);
        await using var node = new AppProcess(Nodes.Settings(file, folders.Tenants));
        await node.WaitReadyAsync();

        await using (var sql = await TestDatabase.OpenAsync(file))
        {
            // Another program takes the database: SQLite's exclusive lock (as the 50 s one), or on
            // PostgreSQL an exclusive lock on what the check writes.
            if (TestDatabase.IsPostgres)
            {
                await sql.ScalarAsync("BEGIN");
                await sql.ScalarAsync("LOCK TABLE \"HealthProbes\" IN ACCESS EXCLUSIVE MODE");
            }
            else await sql.ScalarAsync("BEGIN EXCLUSIVE");
            await AssertReadyAsync(node, HttpStatusCode.ServiceUnavailable, "locked");
            await sql.ScalarAsync("ROLLBACK");
        }
        await AssertReadyAsync(node, HttpStatusCode.OK, "free again");

        if (TestDatabase.IsPostgres)
        {
            // A database that answers but refuses every write: a primary failed over to a read-only standby.
            var name = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString(file)).Database;
            await using var admin = await TestDatabase.OpenAsync(file);
            await admin.ScalarAsync($"ALTER DATABASE \"{name}\" SET default_transaction_read_only = on");
            await admin.ScalarAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
            await AssertReadyAsync(node, HttpStatusCode.ServiceUnavailable, "read-only", retryFor: TimeSpan.FromSeconds(10));
            await admin.ScalarAsync($"ALTER DATABASE \"{name}\" RESET default_transaction_read_only"); // this session began before: it may still write
            await admin.ScalarAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
            await AssertReadyAsync(node, HttpStatusCode.OK, "writable again", retryFor: TimeSpan.FromSeconds(10));
        }
    }

    [FullDiskFact]
    public async Task Ready_answers_503_while_the_disk_is_full_and_200_once_there_is_room()
    {
        using var folders = new SharedFolders();
        using var disk = new TinyDisk(64);
        var file = SharedFolders.DatabaseFile(disk.Path);
        await using var node = new AppProcess(Nodes.Settings(file, folders.Tenants));
        await node.WaitReadyAsync();
        output.WriteLine($"Database {new FileInfo(file).Length / 1024} KB on a 64 MB disk.");

        disk.Fill();
        await AssertReadyAsync(node, HttpStatusCode.ServiceUnavailable, "full");
        disk.Free();
        await AssertReadyAsync(node, HttpStatusCode.OK, "room again");
        await node.KillAsync(); // before the disk is unmounted under it
    }

    /// <summary>The answer a load balancer gets, bounded: the check gives up on a lock after two seconds.</summary>
    private async Task AssertReadyAsync(AppProcess node, HttpStatusCode expected, string when, TimeSpan? retryFor = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var asked = Stopwatch.StartNew();
            using var response = await node.GetAsync("/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{when}: {(int)response.StatusCode} {body} in {asked.ElapsedMilliseconds} ms");
            Assert.True(asked.Elapsed < TimeSpan.FromSeconds(8), $"The readiness check took {asked.Elapsed.TotalSeconds:0.0} s ({when}).");
            if (response.StatusCode == expected)
            {
                Assert.Equal(expected == HttpStatusCode.OK ? "Healthy" : "Unhealthy", body);
                return;
            }
            Assert.True(deadline.Elapsed < (retryFor ?? TimeSpan.Zero), $"Ready answered {(int)response.StatusCode} {body} while the database was {when}.");
            await Task.Delay(250);
        }
    }
}
