using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Writes the sweep's new events (ADR 0040): every candidate goes to the database, whose unique
/// (tenant, dedupe key) index skips a fact already raised, by an earlier sweep or by another node at
/// the same moment (<c>ON CONFLICT DO NOTHING</c>), so a clash costs only its own row (PostgreSQL reads
/// the known keys first all the same: ADR 0043). One transaction per call, outside the change tracker: SQLite runs one prepared
/// statement per row (parsed once, rebound), PostgreSQL a binary COPY of many rows (ADR 0069) or
/// else one statement over arrays (unnest).
/// Values go through each column's own mapping and converter, so the rows read back exactly like
/// ones saved the ordinary way. Sweep events carry no audit entry, raise nothing and change no
/// status, which is all AppDbContext's save would add; the tenant is stamped here instead, from the
/// tenant each candidate was raised in (a call may carry several tenants' events: ADR 0047).
/// </summary>
internal static class SweepInsert
{
    /// <summary>Where a COPY that met a key raised meanwhile is undone to (PostgreSQL).</summary>
    private const string CopySavepoint = "sweep_copy";

    /// <summary>One tenant's candidate events, to be stamped with that tenant.</summary>
    public sealed record TenantEvents(Guid TenantId, IReadOnlyList<DomainEvent> Events);

    /// <summary>A nullable column's array holds nulls, not zeros (a converter's provider type may be a bare value type).</summary>
    private static Type ElementType(IProperty column)
    {
        var type = column.GetTypeMapping().Converter?.ProviderClrType ?? column.ClrType;
        return column.IsNullable && type.IsValueType && Nullable.GetUnderlyingType(type) is null ? typeof(Nullable<>).MakeGenericType(type) : type;
    }

    /// <summary>How long each part took, for the suite's profile.</summary>
    public sealed record Timing(TimeSpan Write, TimeSpan Commit);

    /// <returns>How many events were new.</returns>
    public static Task<(int Inserted, Timing Timing)> InsertNewAsync(AppDbContext db, Guid tenantId, IReadOnlyList<DomainEvent> candidates, CancellationToken ct) =>
        InsertNewAsync(db, [new TenantEvents(tenantId, candidates)], ct);

    /// <summary>
    /// Several tenants' new events in one transaction (ADR 0047: one synced commit on SQLite for many
    /// small tenants). Each row is stamped with the tenant it was raised in, and its key is unique only
    /// within that tenant, so no tenant's row depends on another's. All or nothing: a caller that keeps
    /// one tenant's failure its own redoes a failed group tenant by tenant (<see cref="SweepRound"/>).
    /// </summary>
    /// <returns>How many events were new.</returns>
    public static async Task<(int Inserted, Timing Timing)> InsertNewAsync(AppDbContext db, IReadOnlyList<TenantEvents> tenants, CancellationToken ct)
    {
        // In (tenant, key) order: PostgreSQL's conflict waits are then taken in one order on every node,
        // whichever tenants each node's group holds (no deadlock between two sweeps), and both databases
        // walk the unique index forwards.
        var rows = tenants.SelectMany(t => t.Events.DistinctBy(c => c.DedupeKey, StringComparer.Ordinal).Select(e => (t.TenantId, Event: e)))
            .OrderBy(r => r.TenantId).ThenBy(r => r.Event.DedupeKey, StringComparer.Ordinal).ToList();
        var entity = db.Model.FindEntityType(typeof(DomainEvent))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => p.GetColumnName(table) is not null).ToList();
        var names = string.Join(", ", columns.Select(c => $"\"{c.GetColumnName(table)}\""));
        var tenantColumn = columns.FindIndex(c => c.Name == nameof(DomainEvent.TenantId));
        string Column(string property) => entity.FindProperty(property)!.GetColumnName(table)!;

        // Each column's getter and converter looked up once, not once a cell.
        var getters = columns.Select(c => c.GetGetter()).ToArray();
        var converters = columns.Select(c => c.GetTypeMapping().Converter).ToArray();
        object? Clr((Guid TenantId, DomainEvent Event) row, int index) => index == tenantColumn ? row.TenantId : getters[index].GetClrValue(row.Event);
        object? Value((Guid TenantId, DomainEvent Event) row, int index) =>
            Clr(row, index) is not { } clr ? null : converters[index] is { } converter ? converter.ConvertToProvider(clr) : clr;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            var inserted = 0;
            if (db.Database.IsNpgsql())
            {
                // The keys already raised are read first and left out (ADR 0043): PostgreSQL's ON CONFLICT
                // checks every unique index before it skips a row, which cost more than this one index
                // range when most candidates are known (the hourly sweep after the first). The insert
                // still skips a key another node raised in between.
                await using (var known = connection.CreateCommand())
                {
                    known.Transaction = command.Transaction;
                    // Tenant and key together, the unique index's own columns: a key raised in another tenant is not this one's.
                    known.CommandText = $"SELECT e.\"{Column(nameof(DomainEvent.TenantId))}\", e.\"{Column(nameof(DomainEvent.DedupeKey))}\" "
                        + $"FROM unnest(@tenants, @keys) AS u(t, k) JOIN \"{table.Name}\" e "
                        + $"ON e.\"{Column(nameof(DomainEvent.TenantId))}\" = u.t AND e.\"{Column(nameof(DomainEvent.DedupeKey))}\" = u.k";
                    var tenantsParameter = known.CreateParameter();
                    tenantsParameter.ParameterName = "tenants";
                    tenantsParameter.Value = rows.Select(r => r.TenantId).ToArray();
                    known.Parameters.Add(tenantsParameter);
                    var keysParameter = known.CreateParameter();
                    keysParameter.ParameterName = "keys";
                    keysParameter.Value = rows.Select(r => r.Event.DedupeKey!).ToArray();
                    known.Parameters.Add(keysParameter);
                    var raised = new HashSet<(Guid, string)>();
                    await using (var reader = await known.ExecuteReaderAsync(ct))
                        while (await reader.ReadAsync(ct)) raised.Add((reader.GetGuid(0), reader.GetString(1)));
                    if (raised.Count > 0) rows = rows.Where(r => !raised.Contains((r.TenantId, r.Event.DedupeKey!))).ToList();
                }
                // Many new rows (a first sweep's thousands) by COPY, about half the server's work of the INSERT below
                // (ADR 0069). A key raised by another node since the read above fails the COPY on the unique index;
                // it is then undone to the savepoint and the rows go in by the INSERT, which skips that key.
                var copied = false;
                if (rows.Count >= AppDbContext.CopyFrom)
                {
                    await transaction.CreateSavepointAsync(CopySavepoint, ct);
                    try
                    {
                        await db.CopyAsync((Npgsql.NpgsqlConnection)connection, entity, columns, rows.Select(r =>
                        {
                            var values = new object?[columns.Count];
                            for (var c = 0; c < values.Length; c++) values[c] = Clr(r, c);
                            return values;
                        }), ct);
                        copied = true;
                    }
                    catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
                    {
                        await transaction.RollbackToSavepointAsync(CopySavepoint, ct);
                    }
                }
                if (copied) inserted = rows.Count;
                else if (rows.Count > 0)
                {
                    // One array a column; unnest turns them back into rows, in order.
                    var arrays = columns.Select(c => Array.CreateInstance(ElementType(c), rows.Count)).ToList();
                    for (var r = 0; r < rows.Count; r++)
                        for (var c = 0; c < columns.Count; c++)
                            arrays[c].SetValue(Value(rows[r], c), r);
                    for (var c = 0; c < columns.Count; c++)
                    {
                        var p = command.CreateParameter();
                        p.ParameterName = $"p{c}";
                        p.Value = arrays[c];
                        command.Parameters.Add(p);
                    }
                    command.CommandText = $"INSERT INTO \"{table.Name}\" ({names}) SELECT {string.Join(", ", columns.Select((_, c) => $"u.c{c}"))} "
                        + $"FROM unnest({string.Join(", ", columns.Select((_, c) => $"@p{c}"))}) WITH ORDINALITY AS u({string.Join(", ", columns.Select((_, c) => $"c{c}"))}, n) "
                        + "ORDER BY u.n ON CONFLICT DO NOTHING";
                    inserted = await command.ExecuteNonQueryAsync(ct);
                }
            }
            else
            {
                var parameters = new DbParameter[columns.Count];
                for (var c = 0; c < columns.Count; c++)
                    command.Parameters.Add(parameters[c] = columns[c].GetRelationalTypeMapping().CreateParameter(command, $"@p{c}", null, columns[c].IsNullable));
                command.CommandText = $"INSERT INTO \"{table.Name}\" ({names}) VALUES ({string.Join(", ", columns.Select((_, c) => $"@p{c}"))}) ON CONFLICT DO NOTHING";
                command.Prepare();
                foreach (var row in rows)
                {
                    for (var c = 0; c < columns.Count; c++) parameters[c].Value = Value(row, c) ?? DBNull.Value;
                    // Microsoft.Data.Sqlite has no truly asynchronous I/O: the synchronous call saves a task a row.
                    inserted += command.ExecuteNonQuery();
                }
            }
            var write = clock.Elapsed;
            await transaction.CommitAsync(ct);
            return (inserted, new Timing(write, clock.Elapsed - write));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
