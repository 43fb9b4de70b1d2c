using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace SupervisionHub.Web.Data;

public partial class AppDbContext
{
    /// <summary>Rows a multi-row INSERT carries at most: well under either database's limit on parameters (SQLite 32,766).</summary>
    private const int RowsPerInsert = 100;

    /// <summary>
    /// Saves the tracker's changes and, in the same transaction, its added rows of the append-only
    /// <paramref name="appendOnly"/> kinds written by multi-row INSERTs rather than one command a row
    /// (ADR 0058: EF Core on SQLite sends each row alone, and a dispatch group's journal lines and
    /// emails were most of its commands). Those rows leave the tracker first: nothing reads them back
    /// in the unit that saves them, and a store-generated key stays unread. They are stamped with the
    /// current tenant as any save stamps them, and a row of another tenant is refused. If the save
    /// fails, nothing of it is written and the appended rows are no longer tracked (the caller redoes its work).
    /// </summary>
    public async Task SaveAppendingAsync(IReadOnlyCollection<Type> appendOnly, CancellationToken ct)
    {
        var kinds = appendOnly.Select(t => Model.FindEntityType(t) ?? throw new InvalidOperationException($"{t.Name} is not in the model.")).ToHashSet();
        var rows = new Dictionary<IEntityType, List<object?[]>>();
        var auto = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false; // added rows need no detection, and the save detects the rest once
        try
        {
            foreach (var entry in ChangeTracker.Entries().ToList())
            {
                if (entry.State != EntityState.Added || !kinds.Contains(entry.Metadata)) continue;
                if (entry.Entity is ITenantOwned)
                {
                    var tenant = entry.Property(nameof(ITenantOwned.TenantId));
                    if ((Guid)tenant.CurrentValue! == Guid.Empty) tenant.CurrentValue = CurrentTenantId;
                    else if ((Guid)tenant.CurrentValue! != CurrentTenantId)
                        throw new CrossTenantWriteException(entry.Metadata.ClrType.Name, (Guid)tenant.CurrentValue!, CurrentTenantId);
                }
                if (!rows.TryGetValue(entry.Metadata, out var list)) rows[entry.Metadata] = list = [];
                list.Add([.. Inserted(entry.Metadata).Select(p => entry.CurrentValues[p])]);
                entry.State = EntityState.Detached;
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
        var own = Database.CurrentTransaction is null;
        await using var transaction = own ? await Database.BeginTransactionAsync(ct) : null;
        await SaveChangesAsync(ct);
        foreach (var (kind, values) in rows)
            for (var i = 0; i < values.Count; i += RowsPerInsert)
                await InsertAsync(kind, values.GetRange(i, Math.Min(RowsPerInsert, values.Count - i)), ct);
        if (transaction is not null) await transaction.CommitAsync(ct);
    }

    /// <summary>The columns an append writes: all but a key the database numbers itself.</summary>
    private static List<IProperty> Inserted(IEntityType kind) =>
        [.. kind.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && (p.ClrType == typeof(long) || p.ClrType == typeof(int))))];

    private async Task InsertAsync(IEntityType kind, List<object?[]> values, CancellationToken ct)
    {
        var sql = this.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(kind.GetTableName()!, kind.GetSchema());
        var columns = Inserted(kind);
        await using var command = Database.GetDbConnection().CreateCommand();
        command.Transaction = Database.CurrentTransaction!.GetDbTransaction();
        if (Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!))).Append(") VALUES ");
        var n = 0;
        for (var row = 0; row < values.Count; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = "p" + n++;
                // The column's own mapping writes the value as EF Core would: UTC times, Guids as text on SQLite.
                command.Parameters.Add(columns[c].GetRelationalTypeMapping().CreateParameter(command, sql.GenerateParameterName(name), values[row][c], columns[c].IsNullable));
                text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
            }
            text.Append(')');
        }
        command.CommandText = text.ToString();
        await command.ExecuteNonQueryAsync(ct);
    }
}
