using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The app's own SQLite connections wait for a lock in SQLite's busy handler (ADR 0054) and read through a memory map
/// only when `Database:SqliteMmapBytes` asks for one (ADR 0053, 0064).
/// </summary>
public sealed class SqliteTuningTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static async Task<(long Mmap, long Busy)> PragmasAsync(System.Data.Common.DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA mmap_size";
        var mmap = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA busy_timeout";
        return (mmap, (long)(await command.ExecuteScalarAsync())!);
    }

    [SqliteFact]
    public async Task Every_connection_of_the_app_waits_for_locks_in_sqlite_and_maps_nothing_by_default()
    {
        // Several scopes at once, so the pool holds more than one connection, each asked on its own.
        var sizes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            try { return await PragmasAsync(db.Database.GetDbConnection()); }
            finally { await db.Database.CloseConnectionAsync(); }
        })));
        Assert.All(sizes, s => Assert.Equal(0, s.Mmap));
        // A writer behind another's lock goes on within milliseconds of its release, not after a 150 ms sleep.
        Assert.All(sizes, s => Assert.Equal(SqliteTuning.BusyTimeoutMs, s.Busy));
    }

    [Fact]
    public async Task A_connection_asked_for_a_memory_map_reads_through_one_of_that_size()
    {
        var file = Path.Combine(Path.GetTempPath(), $"shub-tuning-{Guid.NewGuid():N}.db");
        try
        {
            await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            await connection.OpenAsync();
            await new SqliteTuning(1 << 20).ConnectionOpenedAsync(connection, null!); // as EF Core calls it on each open
            var (mmap, busy) = await PragmasAsync(connection);
            Assert.Equal(1 << 20, mmap);
            Assert.Equal(SqliteTuning.BusyTimeoutMs, busy);
        }
        finally { File.Delete(file); } // unpooled: closed when disposed above (clearing every pool would reach other tests' connections)
    }
}
