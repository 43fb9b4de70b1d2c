using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace SupervisionHub.Web.Data;

/// <summary>
/// Each SQLite connection of the app, tuned once when it first opens:
/// <list type="bullet">
/// <item>It reads through a memory map only when `Database:SqliteMmapBytes` asks (ADR 0053 made it the default, ADR 0064
/// took it back): a page its own 2 MB cache misses is then read where the operating system's cache holds it, instead
/// of a read system call copying 4 kB. On a virtual machine whose page faults are dear the map cost more than the
/// copies (the sweep's first run 4.2-4.5 s with it, 3.3-4.0 s without; every fetch of a mapped page parsed again),
/// so the default is 0, none; up to <see cref="MaxMmapBytes"/>. Writes go through the write-ahead log either way.</item>
/// <item>A writer that finds another's write lock first waits in SQLite's own busy handler (ADR 0054), which retries
/// after 1, 2, 5, 10 ms and so on, for up to <see cref="BusyTimeoutMs"/>. Without it Microsoft.Data.Sqlite retries by
/// sleeping 150 ms at a time: a second writer waited 151 ms for a lock held 20 ms (34 ms with it), so two of the
/// worker's tenant rounds, or a page's save beside a round, spent most of their time asleep. Past the busy timeout
/// Microsoft.Data.Sqlite's own retries go on as before until the command's timeout, which SQLite's native wait cannot
/// see: kept short, so a command with a short timeout (the readiness check's 2 s) still gives up close to it.</item>
/// </list>
/// </summary>
/// <remarks>
/// Set once per physical connection, the first time it opens: Microsoft.Data.Sqlite keeps connections open in
/// its pool and a pragma lasts as long as the connection, so a pooled open runs no statement for it.
/// </remarks>
public sealed class SqliteTuning(long mmapBytes) : DbConnectionInterceptor
{
    /// <summary>The bundled e_sqlite3's limit (SQLITE_MAX_MMAP_SIZE, about 2 GB): SQLite maps at most the file's first this many bytes.</summary>
    public const long MaxMmapBytes = 0x7fff0000;

    private readonly ConditionalWeakTable<sqlite3, object> tuned = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (Needs(connection) is not { } c) return;
        using var command = Pragmas(c);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Needs(connection) is not { } c) return;
        await using var command = Pragmas(c);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteConnection? Needs(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } c && tuned.TryAdd(handle, this) ? c : null;

    /// <summary>How long SQLite itself waits for another's lock before Microsoft.Data.Sqlite's 150 ms retries take over: most commits hold it for less.</summary>
    public const int BusyTimeoutMs = 250;

    private SqliteCommand Pragmas(SqliteConnection c)
    {
        var command = c.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs};" + (mmapBytes > 0 ? $" PRAGMA mmap_size={mmapBytes};" : "");
        return command;
    }
}
