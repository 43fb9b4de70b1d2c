using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
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

    /// <summary>
    /// Registers <see cref="AppDbContext"/> on the configured database, pooled (ADR 0044): a scope rents a
    /// context, gives it the scope's tenant, and returns it when the scope ends. `Database:PoolSize` bounds
    /// the contexts kept (1024 by default; more are built and dropped when all are rented).
    /// </summary>
    /// <remarks>
    /// `Database:Pooling=false` builds a context per scope instead (same tenant hand-over, same disposal): for
    /// measuring what pooling gains against the same data in one process (docs/benchmarks.md "Pages 2").
    /// </remarks>
    public static void AddAppDbContext(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var poolSize = config.GetValue("Database:PoolSize", 1024);
        services.AddSingleton<TenantChanges>();
        services.AddSingleton<TenantChanges.Interceptor>();
        var pooled = config.GetValue("Database:Pooling", true);
        switch (Provider(config))
        {
            case DatabaseProvider.Postgres:
                var cs = config.GetConnectionString("Postgres") is { Length: > 0 } c ? c
                    : throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is not set.");
                // Callers ask for AppDbContext; the PostgreSQL type carries its own migrations.
                if (pooled) services.AddPooledDbContextFactory<PostgresAppDbContext>((sp, o) => Notify(UsePostgres(o, cs), sp), poolSize);
                else services.AddDbContextFactory<PostgresAppDbContext>((sp, o) => Notify(UsePostgres(o, cs), sp));
                services.AddScoped<AppDbContext>(Rent<PostgresAppDbContext>);
                break;
            default:
                var tuning = new SqliteTuning(config.GetValue("Database:SqliteMmapBytes", 0L)); // none unless asked: ADR 0064
                if (pooled) services.AddPooledDbContextFactory<AppDbContext>((sp, o) => Notify(o.UseSqlite(ServiceSetup.SqliteConnectionString(config, env)), sp).AddInterceptors(tuning), poolSize);
                else services.AddDbContextFactory<AppDbContext>((sp, o) => Notify(o.UseSqlite(ServiceSetup.SqliteConnectionString(config, env)), sp).AddInterceptors(tuning));
                services.AddScoped(Rent<AppDbContext>);
                break;
        }
    }

    /// <summary>Every commit tells this node's <see cref="TenantChanges"/> (ADR 0049): kept views check it instead of the database.</summary>
    private static DbContextOptionsBuilder Notify(DbContextOptionsBuilder o, IServiceProvider sp) =>
        o.AddInterceptors(sp.GetRequiredService<TenantChanges.Interceptor>());

    /// <summary>
    /// The one way a scope gets its context: rented from the pool and tied to the scope's tenant (read at each
    /// query, as before pooling). The scope disposes it, which clears the tenant and returns it to the pool.
    /// </summary>
    private static AppDbContext Rent<T>(IServiceProvider scope) where T : AppDbContext =>
        scope.GetRequiredService<IDbContextFactory<T>>().CreateDbContext().ForTenantOf(scope.GetRequiredService<ITenantContext>());

    /// <summary>
    /// The keys that protect sign-in cookies, antiforgery and Identity tokens live in the database,
    /// so every node reads and writes one key ring: a cookie made by one node opens on another.
    /// </summary>
    public static void AddAppDataProtection(this IServiceCollection services) =>
        services.AddDataProtection().SetApplicationName("SupervisionHub").PersistKeysToDbContext<AppDbContext>();

    public static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder o, string connectionString) => o.UseNpgsql(PostgresConnectionString(connectionString));

    /// <summary>
    /// The operator's connection string with two Npgsql settings the service is built for, unless the string names
    /// them itself (ADR 0065): statements run five times on a connection are prepared there (`Max Auto Prepare`), so
    /// PostgreSQL stops parsing and planning the same few queries for every page; and a connection going back to the
    /// pool is not reset (`No Reset On Close`), since the service leaves nothing in a session to reset (no SET, LISTEN,
    /// temporary table or session lock on a pooled connection; the start-up lock has a connection of its own).
    /// </summary>
    public static string PostgresConnectionString(string given)
    {
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = given }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var b = new NpgsqlConnectionStringBuilder(given);
        if (!named.Contains("MaxAutoPrepare")) b.MaxAutoPrepare = PreparedPerConnection;
        if (!named.Contains("NoResetOnClose")) b.NoResetOnClose = true;
        return b.ConnectionString;
    }

    /// <summary>Enough for the statements of a page, a sweep and a dispatch round on one connection; the rarest are replaced first.</summary>
    public const int PreparedPerConnection = 50;

    /// <summary>An arbitrary constant: the PostgreSQL advisory lock every node of one database takes for its start-up work.</summary>
    private const long StartupLockKey = 0x5348_5542_5354_5254; // "SHUBSTRT"

    /// <summary>
    /// Holds the database's start-up lock until disposed: migrations and first-start work (importing
    /// tenants, publishing forms and rules, demo data) are done by one node at a time, so nodes started
    /// together take turns and the later ones find nothing left to do (ADR 0024). On PostgreSQL the
    /// database is created first if missing, another node having made it meanwhile counting as made,
    /// and the lock is a session advisory lock on a connection of its own; on SQLite it is a file
    /// lock beside the database file. Either is released by the operating system or the server if
    /// the node dies holding it.
    /// </summary>
    public static async Task<IAsyncDisposable> StartupLockAsync(AppDbContext db, ILogger log, CancellationToken ct)
    {
        var cs = db.Database.GetConnectionString() ?? throw new InvalidOperationException("The database has no connection string.");
        if (db.Database.IsNpgsql())
        {
            await EnsurePostgresDatabaseAsync(db, log, ct);
            // Not pooled: closing it ends the session, and with it the lock, whatever happened in between.
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
            try
            {
                await connection.OpenAsync(ct);
                if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key)", ct))
                {
                    log.LogInformation("Another node is migrating or preparing the database; waiting for it");
                    await ScalarAsync<object>(connection, "SELECT pg_advisory_lock(@key)", ct);
                }
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        if (SqliteFile(cs) is not { } file) return NoLock.Instance;
        var lockFile = file + ".startup-lock";
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        for (var waited = false; ; waited = true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux and a sharing lock on Windows: one holder at a time, across processes.
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!ct.IsCancellationRequested)
            {
                if (!waited) log.LogInformation("Another process is migrating or preparing the database; waiting for it");
                await Task.Delay(200, ct);
            }
        }
    }

    /// <summary>The full path of a SQLite database's file; null for an in-memory one.</summary>
    public static string? SqliteFile(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString) is { DataSource: { Length: > 0 } source, Mode: not SqliteOpenMode.Memory } && source != ":memory:"
            ? Path.GetFullPath(source) : null;

    /// <summary>
    /// Creates the PostgreSQL database when it is missing and the user may. Two nodes starting on an
    /// empty server both find it missing; the one whose CREATE DATABASE loses (42P04, or the catalog's
    /// unique index) goes on as if it had made it.
    /// </summary>
    private static async Task EnsurePostgresDatabaseAsync(AppDbContext db, ILogger log, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        for (var attempt = 1; ; attempt++)
        {
            if (await creator.ExistsAsync(ct)) return;
            try
            {
                await creator.CreateAsync(ct);
                log.LogInformation("Created the database");
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                return; // another node created it first
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(250, ct); // another CREATE DATABASE is copying the template right now
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 }; // waiting for another node's start-up has no deadline of its own
        command.Parameters.AddWithValue("key", StartupLockKey);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// The same model as <see cref="AppDbContext"/> on PostgreSQL, a type of its own only so that its
/// migrations (Data/Migrations/Postgres) are found for it and the SQLite ones for the base type.
/// DateTimeOffset stays the native timestamptz here, written in UTC (<see cref="UtcTimes"/>).
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);

/// <summary>How a SQLite file keeps its log (ADR 0030).</summary>
public static class SqliteJournal
{
    /// <summary>
    /// Write-ahead logging: readers no longer wait for a writer (a record page's read behind the
    /// worker's commit), and a commit is one synced append to the log instead of a journal written,
    /// synced and deleted. It is a property of the file, kept across restarts; synchronous stays FULL,
    /// so a committed save survives a power cut as before. Set under the start-up lock, once no other
    /// connection of this node is open; a node that cannot switch (another process holds the file)
    /// goes on in the mode the file has.
    /// </summary>
    public static async Task UseWriteAheadLogAsync(AppDbContext db, ILogger log, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL";
            var mode = (string?)await command.ExecuteScalarAsync(ct);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                log.LogWarning("The SQLite database stays in journal mode {Mode}: another process has it open", mode);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 5) // SQLITE_BUSY: another process is reading or writing
        {
            log.LogWarning("The SQLite database could not switch to write-ahead logging now: another process has it open");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

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

    /// <summary>
    /// At start-up: statistics only where there are none yet (a new database). SQLite keeps them in
    /// the file (sqlite_stat1), so a restart plans with the last ones, and the hourly sweep refreshes
    /// them a minute after start; ANALYZE on a 2 GB file held the first request 2.8 s.
    /// </summary>
    public static async Task EnsureAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return;
        var has = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").SingleAsync(ct) > 0
                  && await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_stat1").SingleAsync(ct) > 0;
        if (!has) await RefreshAsync(db, ct);
    }
}
