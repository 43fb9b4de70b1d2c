using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The database the integration tests run on: SQLite files by default, or PostgreSQL when
/// SHUB_TEST_DB=postgres, on the server SHUB_TEST_PG names (a connection string; ./test.sh starts
/// a throwaway server and runs the tests once on each). On PostgreSQL each database "file" becomes
/// a database of its own on that server, named from the file's path, so two app instances given
/// the same folder and name share one database exactly as they share one SQLite file.
/// </summary>
public static class TestDatabase
{
    public static DatabaseProvider Provider { get; } =
        (System.Environment.GetEnvironmentVariable("SHUB_TEST_DB") ?? "sqlite").ToLowerInvariant() switch
        {
            "sqlite" or "" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" => DatabaseProvider.Postgres,
            var other => throw new InvalidOperationException($"SHUB_TEST_DB is \"{other}\"; use sqlite or postgres."),
        };

    public static bool IsPostgres => Provider == DatabaseProvider.Postgres;

    private static string ServerConnectionString =>
        System.Environment.GetEnvironmentVariable("SHUB_TEST_PG") is { Length: > 0 } cs ? cs
            : throw new InvalidOperationException("SHUB_TEST_DB=postgres needs SHUB_TEST_PG, the connection string of a PostgreSQL server the tests may create databases on.");

    /// <summary>The settings that point the app at the database for <paramref name="file"/> (created empty on PostgreSQL if new).</summary>
    /// <param name="create">False to leave a PostgreSQL database to the app to create (as a first deployment on an empty server does).</param>
    public static IDictionary<string, string?> Settings(string file, bool create = true)
    {
        if (!IsPostgres)
            return new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Sqlite"] = ConnectionString(file) };
        if (create) Create(DatabaseName(file));
        return new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = ConnectionString(file) };
    }

    /// <summary>The connection string of the database for <paramref name="file"/>, for a test that works on it from outside the app.</summary>
    public static string ConnectionString(string file) => IsPostgres
        ? new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = DatabaseName(file) }.ConnectionString
        : $"Data Source={file}";

    /// <summary>A connection of the test's own to that database, open (as an operator's tool, or another program, would hold one).</summary>
    public static async Task<System.Data.Common.DbConnection> OpenAsync(string file)
    {
        System.Data.Common.DbConnection connection = IsPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(file)) { Pooling = false }.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString(file)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs SQL on <paramref name="connection"/> (table names quoted "like this" read the same on both databases) and returns the first column of the first row.</summary>
    public static async Task<object?> ScalarAsync(this System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Removes the database for <paramref name="file"/> (the file itself goes with its folder).</summary>
    public static void Drop(string file)
    {
        ReleaseConnections();
        if (!IsPostgres) return;
        lock (Created) Created.Remove(DatabaseName(file));
        Execute($"DROP DATABASE IF EXISTS \"{DatabaseName(file)}\" WITH (FORCE)");
    }

    /// <summary>Closes pooled connections (a SQLite file can then be deleted; a shared database stays).</summary>
    public static void ReleaseConnections()
    {
        if (IsPostgres) NpgsqlConnection.ClearAllPools();
        else Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// Lets a test change how the context is built (interceptors) whichever provider's context type
    /// is registered: options are built for the concrete type.
    /// </summary>
    public static void ConfigureAppDbContext(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
    {
        if (IsPostgres) services.ConfigureDbContext<PostgresAppDbContext>((_, o) => configure(o));
        else services.ConfigureDbContext<AppDbContext>((_, o) => configure(o));
    }

    private static readonly HashSet<string> Created = [];

    private static void Create(string name)
    {
        lock (Created)
        {
            if (!Created.Add(name)) return;
            try { Execute($"CREATE DATABASE \"{name}\""); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { /* another instance made it */ }
        }
    }

    private static string DatabaseName(string file) =>
        "shub_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(file))))[..24];

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
