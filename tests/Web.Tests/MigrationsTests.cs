using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

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
    }
}
