using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

/// <summary>SQLite reads through a memory map on the app's own connections (ADR 0053).</summary>
public sealed class SqliteTuningTests(AppFactory app) : IClassFixture<AppFactory>
{
    [SqliteFact]
    public async Task Every_connection_of_the_app_reads_through_a_memory_map()
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
                return (long)(await command.ExecuteScalarAsync())!;
            }
            finally { await db.Database.CloseConnectionAsync(); }
        })));
        Assert.All(sizes, s => Assert.Equal(SqliteTuning.MaxMmapBytes, s));
    }
}
