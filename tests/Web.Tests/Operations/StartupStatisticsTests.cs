using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests.Operations;

/// <summary>
/// SQLite's planner statistics at start-up (DatabaseStatistics.EnsureAsync): a new database gets them
/// before the first request, and a restart keeps the ones in the file instead of analysing again
/// (ANALYZE held the first request 2.8 s on a 2 GB file; the hourly sweep refreshes them).
/// </summary>
public sealed class StartupStatisticsTests
{
    private sealed class SharedFile(string file) : AppFactory
    {
        protected override string DatabaseFile => file;
    }

    [SqliteFact]
    public async Task A_new_database_gets_statistics_and_a_restart_keeps_the_ones_it_has()
    {
        var file = Path.Combine(Path.GetTempPath(), "shub-tests", Guid.NewGuid().ToString("N"), "stats.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using (var first = new SharedFile(file))
        {
            first.Services.GetRequiredService<AppDbContext>(); // started: migrated, seeded, analysed
            _ = first.CreateClient();
        }
        const string Marker = "424242 7";
        await using (var connection = await TestDatabase.OpenAsync(file))
        {
            Assert.True(Convert.ToInt64(await connection.ScalarAsync("SELECT COUNT(*) FROM sqlite_stat1"), System.Globalization.CultureInfo.InvariantCulture) > 0,
                "a new database is analysed at start-up");
            // What ANALYZE would overwrite: a row of the statistics, set by hand.
            await connection.ScalarAsync($"UPDATE sqlite_stat1 SET stat = '{Marker}' WHERE idx = 'IX_Events_TenantId_DedupeKey'");
            Assert.Equal(Marker, await connection.ScalarAsync("SELECT stat FROM sqlite_stat1 WHERE idx = 'IX_Events_TenantId_DedupeKey'"));
        }
        await using (var second = new SharedFile(file))
            _ = second.CreateClient(); // restarted on the same file
        await using (var connection = await TestDatabase.OpenAsync(file))
            Assert.Equal(Marker, await connection.ScalarAsync("SELECT stat FROM sqlite_stat1 WHERE idx = 'IX_Events_TenantId_DedupeKey'"));
    }
}
