using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// Each database has its own migrations (docs/adr/0011-postgresql.md): a model change needs one
/// for each, and forgetting either fails here, whichever database the tests run on.
/// </summary>
public sealed class MigrationsTests
{
    [Fact]
    public void The_sqlite_migrations_match_the_model()
    {
        using var db = new DesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: dotnet ef migrations add <Name> --project src/Web --context AppDbContext --output-dir Data/Migrations");
        Assert.All(db.Database.GetMigrations(), m => Assert.DoesNotContain("Postgres", m, StringComparison.Ordinal));
    }

    [Fact]
    public void The_postgres_migrations_match_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: dotnet ef migrations add <Name> --project src/Web --context PostgresAppDbContext --output-dir Data/Migrations/Postgres");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Each_database_finds_only_its_own_migrations()
    {
        using var sqlite = new DesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        var sqliteTypes = sqlite.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>().Migrations.Values;
        var postgresTypes = postgres.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>().Migrations.Values;
        Assert.All(sqliteTypes, t => Assert.Equal("SupervisionHub.Web.Data.Migrations", t.Namespace));
        Assert.All(postgresTypes, t => Assert.Equal("SupervisionHub.Web.Data.Migrations.Postgres", t.Namespace));
    }

    [Fact]
    public async Task The_service_runs_on_the_database_the_test_run_names()
    {
        using var app = new AppFactory();
        _ = app.Server; // starts it: migrated and seeded
        var (provider, migrated) = await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (db.Database.ProviderName, (await db.Database.GetPendingMigrationsAsync()).Count());
        });
        Assert.Equal(TestDatabase.IsPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", provider);
        Assert.Equal(0, migrated);
        // ... and in the season SHUB_TEST_CLOCK names, if it names one.
        if (Seasons.OfRun is { } season)
            Assert.Equal(season == Season.Summer, Seasons.IsSummerTime(app.Services.GetRequiredService<TimeProvider>().GetUtcNow()));
    }

    /// <summary>
    /// Before the Utc migration SQLite kept a time with its offset (EF Core's
    /// DateTimeOffsetToBinaryConverter: local ticks and the offset), so a summer timeout sorted an
    /// hour late. The migration rewrites such rows as the same instants in UTC.
    /// </summary>
    [Fact]
    public async Task Times_written_with_an_offset_before_the_Utc_migration_read_back_as_the_same_instants_in_UTC()
    {
        var dir = Path.Combine(Path.GetTempPath(), "shub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(dir, "old.db")}").Options;
        try
        {
            await using (var db = new AppDbContext(options))
                await db.GetService<IMigrator>().MigrateAsync("20261201180721_TenantScopedLookupIndexes");

            var summer = new DateTimeOffset(2027, 6, 16, 10, 0, 0, TimeSpan.FromHours(1)); // 09:00 UTC
            var winter = new DateTimeOffset(2027, 1, 13, 10, 0, 0, TimeSpan.Zero);
            var newYork = new DateTimeOffset(2027, 6, 16, 5, 30, 0, TimeSpan.FromHours(-4)); // a negative offset: 09:30 UTC
            var old = new DateTimeOffsetToBinaryConverter();
            long Old(DateTimeOffset t) => (long)old.ConvertToProvider(t)!;
            var tenantId = Guid.NewGuid();
            var instanceId = Guid.NewGuid();
            await using (var db = new AppDbContext(options))
            {
                await db.Database.OpenConnectionAsync();
                var connection = (SqliteConnection)db.Database.GetDbConnection();
                void Insert(string sql, params (string Name, object Value)[] values)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    foreach (var (name, value) in values) command.Parameters.AddWithValue(name, value);
                    command.ExecuteNonQuery();
                }
                // EF Core's SQLite provider keeps a Guid as upper-case text.
                var tenant = tenantId.ToString().ToUpperInvariant();
                Insert("""INSERT INTO "Tenants" ("Id", "Identifier", "Name", "ConfigurationYaml", "CreatedAt", "UpdatedAt") VALUES ($id, 'old-times', 'Old times', '', $created, $updated)""",
                    ("$id", tenant), ("$created", Old(summer)), ("$updated", Old(newYork)));
                Insert("""INSERT INTO "WorkflowVersions" ("Id", "TenantId", "WorkflowId", "Version", "Title", "DefinitionText", "ContentHash", "IsCurrent", "PublishedAt", "LastScheduledAt") VALUES (1, $tenant, 'old', 1, 'Old', '', '', 1, $published, $scheduled)""",
                    ("$tenant", tenant), ("$published", Old(winter)), ("$scheduled", Old(summer)));
                Insert("""INSERT INTO "WorkflowInstances" ("Id", "TenantId", "VersionId", "WorkflowId", "Status", "StateJson", "StartedAt", "UpdatedAt", "DueAt") VALUES ($id, $tenant, 1, 'old', 'Waiting', '{}', $started, $started, $due)""",
                    ("$id", instanceId.ToString().ToUpperInvariant()), ("$tenant", tenant), ("$started", Old(winter)), ("$due", Old(summer)));
            }

            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.CreatedAt, t.UpdatedAt }).SingleAsync();
                var version = await db.WorkflowVersions.IgnoreQueryFilters().Select(v => new { v.PublishedAt, v.LastScheduledAt }).SingleAsync();
                var instance = await db.WorkflowInstances.IgnoreQueryFilters().Select(i => new { i.StartedAt, i.DueAt }).SingleAsync();
                DateTimeOffset[] read = [tenant.CreatedAt, tenant.UpdatedAt, version.PublishedAt, version.LastScheduledAt!.Value, instance.StartedAt, instance.DueAt!.Value];
                Assert.Equal([summer, newYork, winter, summer, winter, summer], read);
                Assert.All(read, t => Assert.Equal(TimeSpan.Zero, t.Offset));

                // In SQL too: the stored value is the UTC one, so it compares with UTC now to the second.
                var due = summer.ToUniversalTime();
                Assert.Equal(1, await db.WorkflowInstances.IgnoreQueryFilters().CountAsync(i => i.DueAt <= due));
                Assert.Equal(0, await db.WorkflowInstances.IgnoreQueryFilters().CountAsync(i => i.DueAt <= due.AddSeconds(-1)));
                Assert.Equal(UtcDateTimeOffsetToBinaryConverter.ToBinary(summer),
                    await db.Database.SqlQuery<long>($"SELECT \"DueAt\" AS \"Value\" FROM \"WorkflowInstances\"").SingleAsync());
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }
}
