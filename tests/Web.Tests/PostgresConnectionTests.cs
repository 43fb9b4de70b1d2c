using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The service's PostgreSQL connections prepare the statements they run again and are not reset on their way back to
/// the pool (ADR 0065), unless the operator's connection string says otherwise.
/// </summary>
public sealed class PostgresConnectionTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public void The_service_asks_for_prepared_statements_and_no_reset_when_the_operator_has_not_named_them()
    {
        var b = new NpgsqlConnectionStringBuilder(Databases.PostgresConnectionString("Host=db;Database=shub;Username=shub;Password=x"));
        Assert.Equal(Databases.PreparedPerConnection, b.MaxAutoPrepare);
        Assert.True(b.NoResetOnClose);
        Assert.Equal("db", b.Host);
        Assert.Equal("x", b.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false", 0, false)]
    [InlineData("Host=db;maxautoprepare=7;NORESETONCLOSE=false", 7, false)]
    [InlineData("Host=db;Max Auto Prepare=0", 0, true)]
    public void What_the_operator_names_stands(string given, int prepared, bool noReset)
    {
        var b = new NpgsqlConnectionStringBuilder(Databases.PostgresConnectionString(given));
        Assert.Equal(prepared, b.MaxAutoPrepare);
        Assert.Equal(noReset, b.NoResetOnClose);
    }

    [PostgresFact]
    public async Task A_query_run_again_on_the_apps_connection_is_prepared_there_and_still_answers_per_tenant()
    {
        static Task<List<Guid>> TenantsSeen(AppDbContext db) => db.Staff.Select(s => s.TenantId).Distinct().ToListAsync();
        var (seen, prepared) = await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            try
            {
                var seen = new List<Guid>();
                for (var i = 0; i < 7; i++) seen.AddRange(await TenantsSeen(db));
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT DISTINCT%\"TenantId\"%FROM \"AspNetUsers\"%'";
                return (seen, (long)(await command.ExecuteScalarAsync())!);
            }
            finally { await db.Database.CloseConnectionAsync(); }
        });
        Assert.True(prepared >= 1, "the query run seven times on one connection was not prepared there");
        Assert.Equal(7, seen.Count);
        Assert.Single(seen.Distinct());
        // The prepared statement takes the tenant as a parameter: the same query for another tenant answers for that tenant only.
        var other = await app.InTenant("ralph-thoresby", sp => TenantsSeen(sp.GetRequiredService<AppDbContext>()));
        Assert.NotEqual(seen[0], Assert.Single(other));
    }
}
