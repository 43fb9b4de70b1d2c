using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace SupervisionHub.Web.Data;

/// <summary>
/// SQLite settings for speed (ADR 0053), applied where SQLite allows: process-wide before its first
/// connection, and on each connection the first time it opens.
/// </summary>
public static class SqliteTuning
{
    /// <summary>
    /// Memory statistics off for the process (`Database:SqliteMemoryStatistics`, false by default). The bundled
    /// e_sqlite3 keeps them (SQLITE_DEFAULT_MEMSTATUS=1), which takes one global mutex on every allocation and
    /// free of every connection, so readers on different threads meet there; the service never reads the figures.
    /// sqlite3_config is refused once SQLite has initialised (a connection has opened in this process): then
    /// this returns false and the process keeps the statistics.
    /// </summary>
    public static bool Apply(IConfiguration config)
    {
        if (config.GetValue("Database:SqliteMemoryStatistics", false)) return false;
        return Applied.Value;
    }

    private static readonly Lazy<bool> Applied = new(() =>
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    });

    /// <summary>Whether SQLite counts its memory in this process: with the statistics off the figure stays 0.</summary>
    public static bool MemoryStatisticsOn()
    {
        Batteries_V2.Init();
        return raw.sqlite3_memory_used() > 0;
    }

    /// <summary>
    /// Reads through a memory map (`Database:SqliteMmapBytes`, <see cref="MaxMmapBytes"/> by default; 0 for none): SQLite then reads a
    /// page of the file where the operating system's cache holds it instead of copying it into its own
    /// (a read system call and a 4 kB copy for every page its 2 MB cache misses, each of a tenant's reads).
    /// Writes still go through the write-ahead log. Set once per physical connection: Microsoft.Data.Sqlite keeps
    /// connections open in its pool, and the pragma lasts as long as the connection.
    /// </summary>
    /// <summary>The bundled e_sqlite3's limit (SQLITE_MAX_MMAP_SIZE, about 2 GB): SQLite maps at most the file's first this many bytes.</summary>
    public const long MaxMmapBytes = 0x7fff0000;

    public sealed class Interceptor(long mmapBytes) : DbConnectionInterceptor
    {
        private readonly ConditionalWeakTable<sqlite3, object> tuned = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (Needs(connection) is { } c) Pragma(c).ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Needs(connection) is { } c) await Pragma(c).ExecuteNonQueryAsync(cancellationToken);
        }

        private SqliteConnection? Needs(DbConnection connection) =>
            mmapBytes > 0 && connection is SqliteConnection { Handle: { } handle } c && tuned.TryAdd(handle, this) ? c : null;

        private SqliteCommand Pragma(SqliteConnection c)
        {
            var command = c.CreateCommand();
            command.CommandText = $"PRAGMA mmap_size={mmapBytes}";
            return command;
        }
    }
}
