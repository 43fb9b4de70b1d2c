using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace SupervisionHub.Web.Data;

/// <summary>
/// SQLite reads through a memory map (ADR 0053): a page its own 2 MB cache misses is then read where the
/// operating system's cache holds it, instead of a read system call copying 4 kB into SQLite's cache. Each of a
/// tenant's reads misses most pages (the sweep reads every tenant once, the pages a tenant's index ranges), and
/// those copies were a tenth of the sweep's processor samples. Writes still go through the write-ahead log.
/// `Database:SqliteMmapBytes`, <see cref="MaxMmapBytes"/> by default; 0 for none.
/// </summary>
/// <remarks>
/// Set once per physical connection, the first time it opens: Microsoft.Data.Sqlite keeps connections open in
/// its pool and the pragma lasts as long as the connection, so a pooled open runs no statement for it.
/// </remarks>
public sealed class SqliteTuning(long mmapBytes) : DbConnectionInterceptor
{
    /// <summary>The bundled e_sqlite3's limit (SQLITE_MAX_MMAP_SIZE, about 2 GB): SQLite maps at most the file's first this many bytes.</summary>
    public const long MaxMmapBytes = 0x7fff0000;

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
