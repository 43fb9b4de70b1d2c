using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

/// <summary>The app's own SQLite connections read through a memory map (ADR 0053) and wait for a lock in SQLite's busy handler (ADR 0054).</summary>
public sealed class SqliteTuningTests(AppFactory app) : IClassFixture<AppFactory>
{
    [SqliteFact]
    public async Task Every_connection_of_the_app_reads_through_a_memory_map_and_waits_for_locks_in_sqlite()
    {
        // Several scopes at once, so the pool holds more than one connection, each asked on its own.
        var sizes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA mmap_size";
                var mmap = (long)(await command.ExecuteScalarAsync())!;
                command.CommandText = "PRAGMA busy_timeout";
                return (Mmap: mmap, Busy: (long)(await command.ExecuteScalarAsync())!);
            }
            finally { await db.Database.CloseConnectionAsync(); }
        })));
        Assert.All(sizes, s => Assert.Equal(SqliteTuning.MaxMmapBytes, s.Mmap));
        // A writer behind another's lock goes on within milliseconds of its release, not after a 150 ms sleep.
        Assert.All(sizes, s => Assert.Equal(SqliteTuning.BusyTimeoutMs, s.Busy));
    }
}
