using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SupervisionHub.Web.Supervision;

public sealed partial class ComplianceService
{
    /// <summary>
    /// The sweep's big reads on SQLite (every person, membership, attended session, latest session and agreement of a
    /// batch of tenants: 100,000 to a million rows at full size) read from the statement itself rather than through EF Core
    /// (ADR 0071). SQLite keeps GUIDs and dates as text: through EF Core each one is a string parsed and dropped, and a
    /// fresh process runs that code unoptimised at first. Here a tenant's id and the dates are parsed from the row's UTF-8
    /// bytes, and a person's id in a membership or a session is the person read's own string. Each statement is the one EF
    /// Core writes for <see cref="EveryoneInAsync"/>'s LINQ beside it (rows of the listed tenants only, joined only within
    /// a tenant); a test reads tenants both ways and compares.
    /// </summary>
    private static class SqliteReads
    {
        public static Dictionary<Guid, Dictionary<string, Person>> People(SqliteConnection connection, List<Guid> tenants, CancellationToken ct)
        {
            var people = tenants.ToDictionary(t => t, _ => new Dictionary<string, Person>(StringComparer.Ordinal));
            var sites = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            using var rows = new Rows(connection,
                $"""SELECT "TenantId", "Id", "FullName", "Site", "LineManagerId", "StartDate", "LeftOn" FROM "AspNetUsers" WHERE "TenantId" IN ({Parameters(tenants)})""", tenants);
            var tenant = new TenantOfRow<Dictionary<string, Person>>(people);
            while (rows.Next(ct))
            {
                var theirs = tenant.Of(rows.Bytes(0));
                var id = rows.Text(1)!;
                theirs[id] = new Person(id, rows.Text(2)!, rows.Shared(3, sites), rows.Text(4), rows.Date(5), rows.Date(6));
            }
            return people;
        }

        /// <summary>Each tenant's memberships with their supervision (every tenant asked for, maybe none); a person or supervisor named as in <paramref name="people"/> when they are there.</summary>
        public static Dictionary<Guid, List<JoinedRow>> Memberships(SqliteConnection connection, List<Guid> tenants,
            Dictionary<Guid, Dictionary<string, Person>> people, CancellationToken ct)
        {
            var joined = tenants.ToDictionary(t => t, _ => new List<JoinedRow>());
            var types = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            var list = Parameters(tenants);
            using var rows = new Rows(connection,
                $"""
                 SELECT "m"."TenantId", "m"."Id", "m"."StaffId", "m"."JoinedOn", "m"."LeftOn", "r0"."Id", "r0"."TypeId", "r0"."SupervisorId", "r0"."EndedOn"
                 FROM "RelationshipMembers" AS "m"
                 INNER JOIN (SELECT "r"."Id", "r"."TenantId", "r"."TypeId", "r"."SupervisorId", "r"."EndedOn" FROM "Relationships" AS "r" WHERE "r"."TenantId" IN ({list})) AS "r0"
                     ON "m"."TenantId" = "r0"."TenantId" AND "m"."RelationshipId" = "r0"."Id"
                 WHERE "m"."TenantId" IN ({list})
                 """, tenants);
            var tenant = Lookups(people);
            var lists = new TenantOfRow<List<JoinedRow>>(joined);
            while (rows.Next(ct))
            {
                var id = rows.Bytes(0);
                var names = tenant.Of(id);
                lists.Of(id).Add(new JoinedRow(rows.Int(1), rows.Named(2, names), rows.Date(3)!.Value, rows.Date(4), rows.Guid(5),
                    rows.Shared(6, types)!, rows.Named(7, names), rows.Date(8)));
            }
            return joined;
        }

        /// <summary>Attended sessions since <paramref name="since"/> (period rules), added to each tenant's inputs.</summary>
        public static void Period(SqliteConnection connection, List<Guid> tenants, DateOnly since, Dictionary<Guid, Dictionary<string, Person>> people,
            Dictionary<Guid, StatusInputs> inputs, CancellationToken ct)
        {
            var types = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            using var rows = new Rows(connection,
                $"""
                 SELECT "TenantId", "StaffId", "TypeId", "Date", "Minutes" FROM "SessionAttendance"
                 WHERE "Attendance" = {(int)MemberAttendance.Present} AND "TenantId" IN ({Parameters(tenants)}) AND "Date" >= ?{tenants.Count + 1}
                 """, tenants, Text(since));
            var names = Lookups(people);
            var into = new TenantOfRow<StatusInputs>(inputs);
            while (rows.Next(ct))
            {
                var id = rows.Bytes(0);
                into.Of(id).Period.Add(new Attended(rows.Named(1, names.Of(id)), rows.Shared(2, types)!, rows.Date(3)!.Value, rows.Int(4)));
            }
        }

        /// <summary>Each person's latest session of one of <paramref name="types"/> at least <paramref name="minimum"/> long (ADR 0068), with its tenant.</summary>
        public static List<(Guid TenantId, LatestRow Row)> Latest(SqliteConnection connection, List<Guid> tenants, int minimum, List<string> types,
            Dictionary<Guid, Dictionary<string, Person>> people, CancellationToken ct)
        {
            var shared = types.ToDictionary(t => t, t => t, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            var typeList = string.Join(", ", Enumerable.Range(tenants.Count + 2, types.Count).Select(i => $"?{i}"));
            using var rows = new Rows(connection,
                $"""
                 SELECT "TenantId", "StaffId", "TypeId", "Minutes", "Date" FROM "LatestAttendance"
                 WHERE "TenantId" IN ({Parameters(tenants)}) AND "Minutes" >= ?{tenants.Count + 1} AND "TypeId" IN ({typeList})
                 """, tenants, [minimum, .. types]);
            var names = Lookups(people);
            var result = new List<(Guid, LatestRow)>();
            var tenantOf = new TenantOfRow<Guid>(tenants.ToDictionary(t => t, t => t));
            while (rows.Next(ct))
            {
                var id = rows.Bytes(0);
                result.Add((tenantOf.Of(id), new LatestRow(rows.Named(1, names.Of(id)), rows.Shared(2, shared)!, rows.Int(3), rows.Date(4)!.Value)));
            }
            return result;
        }

        /// <summary>Every agreement (a record of no session), added to each tenant's inputs.</summary>
        public static void Contracts(SqliteConnection connection, List<Guid> tenants, Dictionary<Guid, StatusInputs> inputs, CancellationToken ct)
        {
            var forms = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            using var rows = new Rows(connection,
                $"""SELECT "TenantId", "RelationshipId", "FormId", "FullySignedAt" FROM "Submissions" WHERE "TenantId" IN ({Parameters(tenants)}) AND "SessionId" IS NULL""", tenants);
            var into = new TenantOfRow<StatusInputs>(inputs);
            while (rows.Next(ct))
                into.Of(rows.Bytes(0)).Contracts.Add(new ContractRow(rows.NullableGuid(1), rows.Shared(2, forms)!,
                    rows.NullableInt64(3) is { } signed ? Data.UtcDateTimeOffsetToBinaryConverter.FromBinary(signed) : null));
        }

        /// <summary>
        /// A GUID as Microsoft.Data.Sqlite reads one: text (EF Core writes upper-case `D`; other forms through
        /// <see cref="Guid.Parse(string)"/>) or sixteen bytes.
        /// </summary>
        private static Guid GuidOf(ReadOnlySpan<byte> value)
        {
            if (Utf8Parser.TryParse(value, out Guid guid, out var used) && used == value.Length) return guid;
            return value.Length == 16 ? new Guid(value) : Guid.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture);
        }

        /// <summary>`?1, ?2, ...`: the tenants' ids, bound as EF Core binds a GUID on SQLite (upper-case text).</summary>
        private static string Parameters(List<Guid> tenants) => string.Join(", ", Enumerable.Range(1, tenants.Count).Select(i => $"?{i}"));

        /// <summary>A date as EF Core binds a DateOnly on SQLite.</summary>
        private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private static TenantOfRow<Dictionary<string, Person>.AlternateLookup<ReadOnlySpan<char>>> Lookups(Dictionary<Guid, Dictionary<string, Person>> people) =>
            new(people.ToDictionary(p => p.Key, p => p.Value.GetAlternateLookup<ReadOnlySpan<char>>()));

        /// <summary>A row's tenant from its id's bytes: rows come tenant after tenant along the index, so the last one is kept.</summary>
        private sealed class TenantOfRow<T>(Dictionary<Guid, T> byTenant)
        {
            private readonly byte[] _last = new byte[36];
            private int _lastLength = -1;
            private T _value = default!;

            public T Of(ReadOnlySpan<byte> id)
            {
                if (_lastLength == id.Length && id.SequenceEqual(_last.AsSpan(0, _lastLength))) return _value;
                if (!byTenant.TryGetValue(GuidOf(id), out var value))
                    throw new InvalidDataException("A row of a tenant that was not asked for"); // the statement names the tenants: never
                if (id.Length <= _last.Length)
                {
                    id.CopyTo(_last);
                    _lastLength = id.Length;
                }
                return _value = value;
            }
        }

        /// <summary>A prepared statement stepped row by row; errors as Microsoft.Data.Sqlite raises them.</summary>
        private sealed class Rows : IDisposable
        {
            private readonly sqlite3 _db;
            private readonly sqlite3_stmt _statement;
            private int _read;

            /// <param name="more">Bound after the tenants, from ?{tenants + 1}: text or whole numbers.</param>
            public Rows(SqliteConnection connection, string sql, List<Guid> tenants, params IReadOnlyList<object> more)
            {
                _db = connection.Handle ?? throw new InvalidOperationException("The sweep's connection is not open");
                Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
                for (var i = 0; i < tenants.Count; i++)
                    Check(raw.sqlite3_bind_text(_statement, i + 1, tenants[i].ToString("D").ToUpperInvariant()));
                for (var i = 0; i < more.Count; i++)
                    Check(more[i] switch
                    {
                        string text => raw.sqlite3_bind_text(_statement, tenants.Count + 1 + i, text),
                        int number => raw.sqlite3_bind_int64(_statement, tenants.Count + 1 + i, number),
                        var other => throw new ArgumentException($"Cannot bind a {other.GetType().Name}", nameof(more)),
                    });
            }

            public bool Next(CancellationToken ct)
            {
                if ((++_read & 4095) == 0) ct.ThrowIfCancellationRequested();
                var started = Environment.TickCount64;
                while (true)
                {
                    var rc = raw.sqlite3_step(_statement);
                    if (rc == raw.SQLITE_ROW) return true;
                    if (rc == raw.SQLITE_DONE) return false;
                    // A reader of a database in WAL mode is rarely kept waiting; before its first row it may wait and try
                    // again, as Microsoft.Data.Sqlite does for a command, for up to its default 30 s.
                    if ((rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED) && _read == 1 && Environment.TickCount64 - started < 30_000)
                    {
                        raw.sqlite3_reset(_statement);
                        ct.ThrowIfCancellationRequested();
                        Thread.Sleep(10);
                        continue;
                    }
                    Check(rc);
                    return false;
                }
            }

            public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(_statement, column);

            private bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

            public int Int(int column) => raw.sqlite3_column_int(_statement, column);

            public long? NullableInt64(int column) => IsNull(column) ? null : raw.sqlite3_column_int64(_statement, column);

            public Guid? NullableGuid(int column) => IsNull(column) ? null : Guid(column);

            public string? Text(int column) => IsNull(column) ? null : Encoding.UTF8.GetString(Bytes(column));

            public Guid Guid(int column) => GuidOf(Bytes(column));

            /// <summary>A value of few distinct ones (a site, a supervision type) as one string however many rows carry it.</summary>
            public string? Shared(int column, Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> seen)
            {
                if (IsNull(column)) return null;
                var bytes = Bytes(column);
                Span<char> chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
                chars = chars[..Encoding.UTF8.GetChars(bytes, chars)];
                if (seen.TryGetValue(chars, out var known)) return known;
                var text = new string(chars);
                seen.Dictionary[text] = text;
                return text;
            }

            /// <summary>A person's id as the tenant's person read holds it (a new string only for one not there, which the join then leaves out).</summary>
            public string Named(int column, Dictionary<string, Person>.AlternateLookup<ReadOnlySpan<char>> people)
            {
                var bytes = Bytes(column);
                Span<char> chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
                chars = chars[..Encoding.UTF8.GetChars(bytes, chars)];
                return people.TryGetValue(chars, out var id, out _) ? id : new string(chars);
            }

            /// <summary>A date as EF Core keeps a DateOnly on SQLite (`yyyy-MM-dd`), read from its bytes; anything else as Microsoft.Data.Sqlite reads it.</summary>
            public DateOnly? Date(int column)
            {
                if (IsNull(column)) return null;
                var b = Bytes(column);
                if (b.Length == 10 && b[4] == '-' && b[7] == '-' && Digits(b[..4], out var year) && Digits(b.Slice(5, 2), out var month) && Digits(b.Slice(8, 2), out var day)
                    && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
                    return new DateOnly(year, month, day);
                return DateOnly.Parse(Text(column)!, CultureInfo.InvariantCulture);
            }

            private static bool Digits(ReadOnlySpan<byte> b, out int value)
            {
                value = 0;
                foreach (var c in b)
                {
                    if (c is < (byte)'0' or > (byte)'9') return false;
                    value = value * 10 + (c - '0');
                }
                return true;
            }

            private void Check(int rc)
            {
                if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
            }

            public void Dispose() => _statement.Dispose();
        }
    }
}
