using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// Which database the service uses, chosen by `Database:Provider` (Sqlite, the default, or
/// Postgres), and the one place each provider's differences live (docs/adr/0011-postgresql.md).
/// </summary>
public static class Databases
{
    public static DatabaseProvider Provider(IConfiguration config) => config["Database:Provider"] switch
    {
        null or "" => DatabaseProvider.Sqlite,
        var p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Sqlite,
        var p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || p.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Postgres,
        var p => throw new InvalidOperationException($"Database:Provider is \"{p}\"; use Sqlite or Postgres."),
    };

    /// <summary>Registers <see cref="AppDbContext"/> on the configured database.</summary>
    public static void AddAppDbContext(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        switch (Provider(config))
        {
            case DatabaseProvider.Postgres:
                var cs = config.GetConnectionString("Postgres") is { Length: > 0 } c ? c
                    : throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is not set.");
                // Callers ask for AppDbContext; the PostgreSQL type carries its own migrations.
                services.AddDbContext<AppDbContext, PostgresAppDbContext>(o => UsePostgres(o, cs));
                break;
            default:
                services.AddDbContext<AppDbContext>(o => o.UseSqlite(ServiceSetup.SqliteConnectionString(config, env)));
                break;
        }
    }

    /// <summary>
    /// The keys that protect sign-in cookies, antiforgery and Identity tokens live in the database,
    /// so every node reads and writes one key ring: a cookie made by one node opens on another.
    /// </summary>
    public static void AddAppDataProtection(this IServiceCollection services) =>
        services.AddDataProtection().SetApplicationName("SupervisionHub").PersistKeysToDbContext<AppDbContext>();

    public static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder o, string connectionString) => o.UseNpgsql(connectionString);
}

/// <summary>
/// The same model as <see cref="AppDbContext"/> on PostgreSQL, a type of its own only so that its
/// migrations (Data/Migrations/Postgres) are found for it and the SQLite ones for the base type.
/// DateTimeOffset stays the native timestamptz here, written in UTC (<see cref="UtcTimes"/>).
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options, ITenantContext tenantContext)
    : AppDbContext(options, tenantContext);

/// <summary>What keeps a database's query plans good as it grows.</summary>
public static class DatabaseStatistics
{
    /// <summary>
    /// SQLite plans without statistics unless ANALYZE has run: it then treats every index as
    /// selective and often walks a whole tenant through the one-column TenantId index. Sampled
    /// (analysis_limit), so it takes milliseconds even on gigabytes; run at start-up and after each
    /// hourly sweep. PostgreSQL's autovacuum keeps its own statistics.
    /// </summary>
    public static async Task RefreshAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return;
        await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit=1000; ANALYZE;", ct);
    }
}
