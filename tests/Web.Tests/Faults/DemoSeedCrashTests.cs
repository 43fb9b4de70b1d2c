using System.Data.Common;
using System.Diagnostics;
using SupervisionHub.Web.Tests.Operations;
using SupervisionHub.Web.Tests.Workflows;
using Xunit.Abstractions;

namespace SupervisionHub.Web.Tests.Faults;

/// <summary>
/// Issue 16, item 6: a first start killed half-way through the demo data. The seeder skipped a
/// tenant once any of its staff existed, so a kill between its staff and its supervisions left it
/// without supervisions for good. Each tenant is now seeded in one transaction: killed at the moment
/// the first tenant's people appear, every tenant is whole or untouched, and the next start seeds the rest.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class DemoSeedCrashTests(ITestOutputHelper output)
{
    private const string PerTenant = """
        SELECT t."Identifier",
               (SELECT COUNT(*) FROM "AspNetUsers" s WHERE s."TenantId" = t."Id"),
               (SELECT COUNT(*) FROM "Relationships" r WHERE r."TenantId" = t."Id")
        FROM "Tenants" t
        """;

    [Fact]
    public async Task A_first_start_killed_half_way_through_the_demo_data_is_finished_by_the_next_start()
    {
        using var folders = new SharedFolders();
        var file = SharedFolders.DatabaseFile(folders.Data);
        var settings = Nodes.Settings(file, folders.Tenants);
        settings["Demo:PauseAfterEachTenantMs"] = "2000"; // seeding is quick: room to be killed between two tenants
        var demoTenants = Directory.GetDirectories(folders.Tenants).Where(d => File.Exists(Path.Combine(d, "demo", "staff.csv"))).Select(Path.GetFileName).ToHashSet();

        var node = new AppProcess(settings);
        try
        {
            // Kill the moment the first tenant's people can be seen.
            var deadline = Stopwatch.StartNew();
            while (await StaffAsync(file) == 0)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), $"No demo staff appeared.\n{node.Output}");
                Assert.False(node.HasExited, node.Output);
                await Task.Delay(10);
            }
            await node.KillAsync();

            var atKill = await TenantsAsync(file);
            foreach (var (tenant, staff, relationships) in atKill) output.WriteLine($"At the kill: {tenant} {staff} people, {relationships} supervisions.");
            Assert.Contains(atKill, t => demoTenants.Contains(t.Tenant) && t.Staff == 0); // killed half-way: some tenant not seeded yet
            Assert.DoesNotContain(atKill, t => demoTenants.Contains(t.Tenant) && t.Staff > 0 && t.Relationships == 0); // and none half-seeded

            await node.DisposeAsync();
            node = new AppProcess(settings);
            await node.WaitReadyAsync();
            var after = await TenantsAsync(file);
            Assert.All(after.Where(t => demoTenants.Contains(t.Tenant)), t =>
            {
                Assert.True(t.Staff > 0, $"{t.Tenant} has no demo staff.");
                Assert.True(t.Relationships > 0, $"{t.Tenant} has its staff but no supervisions.");
            });
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>People in the database so far; 0 while it or its tables do not exist yet.</summary>
    private static async Task<long> StaffAsync(string file)
    {
        if (!TestDatabase.IsPostgres && !File.Exists(file)) return 0; // opening it would create it
        try
        {
            await using var sql = await TestDatabase.OpenAsync(file);
            return Convert.ToInt64(await sql.ScalarAsync("SELECT COUNT(*) FROM \"AspNetUsers\""));
        }
        catch (DbException)
        {
            return 0; // not migrated yet, or locked for a moment
        }
    }

    private static async Task<List<(string Tenant, long Staff, long Relationships)>> TenantsAsync(string file)
    {
        await using var sql = await TestDatabase.OpenAsync(file);
        await using var command = sql.CreateCommand();
        command.CommandText = PerTenant;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, long)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return rows;
    }
}
