using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace SupervisionHub.Web.Data;

public partial class AppDbContext
{
    /// <summary>
    /// PostgreSQL: rows of a kind from which a COPY takes them (ADR 0059). A COPY is two round trips (its start, its end);
    /// fewer rows go in one multi-row INSERT, one round trip, well under PostgreSQL's limit on parameters.
    /// </summary>
    internal const int CopyFrom = 200;

    /// <summary>The kinds the save in progress appends in bulk, and their rows taken from the tracker (null: an ordinary save).</summary>
    private HashSet<IEntityType>? _appendKinds;
    private Dictionary<IEntityType, List<object?[]>>? _appends;

    /// <summary>The save in progress appends rows the tracker no longer holds (its commit changes the tenant: <see cref="TenantChanges"/>).</summary>
    internal bool AppendsRows => _appends is { Count: > 0 };

    /// <summary>
    /// Saves the tracker's changes and, in the same transaction, its added rows of the
    /// <paramref name="appendOnly"/> kinds written the quickest way the database has (SQLite: a prepared INSERT
    /// stepped per row; PostgreSQL: a binary COPY from <see cref="CopyFrom"/> rows of a kind, else one multi-row
    /// INSERT; ADR 0059) rather than by EF Core's one command a row, built, sent and read back (ADR 0058). Those rows leave the
    /// tracker once the save has collected its events and status changes and stamped and checked their
    /// tenant: the caller reads none of them back from this context after the save (a key the database
    /// numbers is not read back). If the save fails, nothing of it is written, and the appended rows are
    /// no longer tracked (the caller redoes its work).
    /// </summary>
    public async Task SaveAppendingAsync(IReadOnlyCollection<Type> appendOnly, CancellationToken ct)
    {
        _appendKinds = [.. appendOnly.Select(t => Model.FindEntityType(t) ?? throw new InvalidOperationException($"{t.Name} is not in the model."))];
        // Written as they stand, undetected: a kind must not own rows (a collection, a dependent) that detection would find.
        if (_appendKinds.FirstOrDefault(k => k.GetNavigations().Any(n => n.IsCollection || !n.IsOnDependent) || k.GetSkipNavigations().Any()) is { } owner)
        {
            _appendKinds = null;
            throw new InvalidOperationException($"{owner.ClrType.Name} has rows of its own; it cannot be appended in bulk.");
        }
        _appends = [];
        try
        {
            var own = Database.CurrentTransaction is null;
            await using var transaction = own ? await Database.BeginTransactionAsync(ct) : null;
            await SaveChangesAsync(ct);
            foreach (var (kind, values) in _appends)
            {
                if (Database.IsSqlite()) await InsertEachAsync(kind, values, ct);
                else if (values.Count >= CopyFrom) await CopyAsync((Npgsql.NpgsqlConnection)Database.GetDbConnection(), kind, values, ct);
                else await InsertAsync(kind, values, ct);
            }
            if (transaction is not null) await transaction.CommitAsync(ct);
        }
        finally
        {
            _appendKinds = null;
            _appends = null;
        }
    }

    /// <summary>
    /// In <see cref="SaveAppendingAsync"/>: every entry detected but the added rows to append, which are written as
    /// they stand (their values are read from the entities themselves) and have no navigations that could bring
    /// new rows. A group's thousands of them were most of the save's detection.
    /// </summary>
    private void DetectChangesExceptAppends()
    {
        var auto = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in ChangeTracker.Entries().ToList())
                if (entry.State != EntityState.Added || !_appendKinds!.Contains(entry.Metadata)) entry.DetectChanges();
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>In <see cref="SaveAppendingAsync"/>, after <see cref="EnforceTenant"/>: the added rows to append, out of the tracker.</summary>
    private void TakeAppends()
    {
        if (_appendKinds is null || _appends is null) return;
        var auto = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false; // detected already by EnforceTenant
        try
        {
            var columns = new Dictionary<IEntityType, List<IProperty>>();
            foreach (var entry in ChangeTracker.Entries().ToList())
            {
                if (entry.State != EntityState.Added || !_appendKinds.Contains(entry.Metadata)) continue;
                if (!_appends.TryGetValue(entry.Metadata, out var list))
                {
                    _appends[entry.Metadata] = list = [];
                    columns[entry.Metadata] = Inserted(entry.Metadata);
                }
                var row = new object?[columns[entry.Metadata].Count];
                for (var i = 0; i < row.Length; i++)
                {
                    var p = columns[entry.Metadata][i];
                    row[i] = p.IsShadowProperty() ? entry.CurrentValues[p] : p.GetGetter().GetClrValueUsingContainingEntity(entry.Entity);
                }
                list.Add(row);
                entry.State = EntityState.Detached;
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>The columns an append writes: all but a key the database numbers itself.</summary>
    private static List<IProperty> Inserted(IEntityType kind) =>
        [.. kind.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && (p.ClrType == typeof(long) || p.ClrType == typeof(int))))];

    /// <summary>PostgreSQL, fewer than <see cref="CopyFrom"/> rows: one INSERT with a VALUES row for each.</summary>
    private async Task InsertAsync(IEntityType kind, List<object?[]> values, CancellationToken ct)
    {
        var (command, text, columns, sql) = Insert(kind);
        await using var _ = command;
        foreach (var row in values) AddRow(command, text, columns, sql, row);
        command.CommandText = text.ToString();
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SQLite: one prepared single-row INSERT executed for each row with its values bound again, the way
    /// Microsoft.Data.Sqlite's documentation gives for bulk inserts. Multi-row statements were slower there than
    /// EF Core's own commands (ADR 0058: each long statement compiled afresh, hundreds of parameters bound by name).
    /// </summary>
    private async Task InsertEachAsync(IEntityType kind, List<object?[]> values, CancellationToken ct)
    {
        var (command, text, columns, sql) = Insert(kind);
        await using var _ = command;
        AddRow(command, text, columns, sql, values[0]);
        command.CommandText = text.ToString();
        command.Prepare();
        var mappings = columns.Select(c => c.GetRelationalTypeMapping()).ToList();
        for (var row = 0; row < values.Count; row++)
        {
            for (var c = 0; row > 0 && c < columns.Count; c++)
            {
                command.Parameters[c].Value = Provider(values[row][c], mappings[c]) ?? DBNull.Value;
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>PostgreSQL: a kind's appended rows, every column but a key the database numbers, by one binary COPY.</summary>
    private Task CopyAsync(Npgsql.NpgsqlConnection connection, IEntityType kind, List<object?[]> values, CancellationToken ct) =>
        CopyAsync(connection, kind, Inserted(kind), values, ct);

    /// <summary>
    /// PostgreSQL: the rows streamed by one binary COPY in the transaction under way (ADR 0059), PostgreSQL's own way to
    /// load rows: no statement to parse and plan for each hundred rows, no parameters. Each value (in
    /// <paramref name="columns"/>' order, as the entity holds it) as its column's mapping writes it (its converter
    /// applied), sent as the column's store type. A row that breaks a constraint fails the whole COPY (the sweep's
    /// caller catches that: ADR 0069).
    /// </summary>
    internal async Task CopyAsync(Npgsql.NpgsqlConnection connection, IEntityType kind, IReadOnlyList<IProperty> columns, IEnumerable<object?[]> values, CancellationToken ct)
    {
        var mappings = columns.Select(c => c.GetRelationalTypeMapping()).ToList();
        // "character varying(500)" is sent as "character varying": the length is the column's to check.
        var types = mappings.Select(m => m.StoreType.Split('(')[0].Trim()).ToList();
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {Into(kind, columns)} FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in values)
        {
            await importer.StartRowAsync(ct);
            for (var c = 0; c < columns.Count; c++)
            {
                if (Provider(row[c], mappings[c]) is not { } value) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(value, types[c], ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>A value as its column's mapping writes it: its converter applied (UTC times as numbers on SQLite, states by name).</summary>
    private static object? Provider(object? value, RelationalTypeMapping mapping) =>
        value is not null && mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;

    /// <summary>The table and its columns as an INSERT or a COPY names them: "Table" ("A", "B").</summary>
    private string Into(IEntityType kind, IReadOnlyList<IProperty> columns)
    {
        var sql = this.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(kind.GetTableName()!, kind.GetSchema());
        return new StringBuilder(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!))).Append(')').ToString();
    }

    /// <summary>A row's values as parameters, and its "(@p0, @p1, ...)" after the INSERT's text so far.</summary>
    private static void AddRow(DbCommand command, StringBuilder text, List<IProperty> columns, ISqlGenerationHelper sql, object?[] row)
    {
        text.Append(command.Parameters.Count == 0 ? "(" : ", (");
        for (var c = 0; c < columns.Count; c++)
        {
            var name = "p" + command.Parameters.Count;
            // The column's own mapping writes the value as EF Core would: UTC times, Guids as text on SQLite.
            command.Parameters.Add(columns[c].GetRelationalTypeMapping().CreateParameter(command, sql.GenerateParameterName(name), row[c], columns[c].IsNullable));
            text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
        }
        text.Append(')');
    }

    /// <summary>A command in the save's transaction and the start of its INSERT: table and columns.</summary>
    private (DbCommand Command, StringBuilder Text, List<IProperty> Columns, ISqlGenerationHelper Sql) Insert(IEntityType kind)
    {
        var columns = Inserted(kind);
        var command = Database.GetDbConnection().CreateCommand();
        command.Transaction = Database.CurrentTransaction!.GetDbTransaction();
        if (Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
        var text = new StringBuilder("INSERT INTO ").Append(Into(kind, columns)).Append(" VALUES ");
        return (command, text, columns, this.GetService<ISqlGenerationHelper>());
    }
}
