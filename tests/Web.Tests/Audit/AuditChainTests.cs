using System.Data.Common;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Audit;

/// <summary>
/// Runs <see cref="Race"/> once, just before the watched context sends its INSERT into
/// AuditEntries: another save can then take the chain's next number in between the watched
/// save reading the head and writing its row.
/// </summary>
public sealed class AuditInsertRace : DbCommandInterceptor
{
    private Func<Task>? _race;
    public DbContext? Watching { get; set; }
    public bool Ran { get; private set; }

    public void Arm(DbContext watching, Func<Task> race) => (Watching, _race, Ran) = (watching, race, false);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        ReaderExecutingAsync(command, eventData, result).AsTask().GetAwaiter().GetResult(); // the sync SaveChanges path, same race

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Watching is not null && ReferenceEquals(eventData.Context, Watching) && command.CommandText.Contains("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal)
            && Interlocked.Exchange(ref _race, null) is { } race)
        {
            // The other save starts here and is given time to take the next number if it can; it is
            // awaited by the test, after the watched save has committed.
            Racer = Task.Run(race, CancellationToken.None);
            await Task.WhenAny(Racer, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken));
            Ran = true;
        }
        return result;
    }

    /// <summary>The other save, started between the watched save's read of the head and its insert.</summary>
    public Task Racer { get; private set; } = Task.CompletedTask;
}

/// <summary>
/// The real service with its demo tenants. Each tenant plays one part so the tests can run in any
/// order: ralph-thoresby is never tampered with; river-tees gets an altered row, ascent a deleted
/// one, mse-icb an inserted one, devon-torbay is the command's.
/// </summary>
public sealed class AuditChainFactory : AppFactory
{
    public AuditInsertRace Race { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureAppDbContext(o => o.AddInterceptors(Race)));
    }

    private int _n;

    /// <summary>Appends <paramref name="count"/> entries to <paramref name="tenant"/>'s log, one save each, and returns them as stored.</summary>
    public async Task<List<AuditEntry>> AppendAsync(string tenant, int count, string action = "read", string? reason = null)
    {
        var made = new List<long>();
        for (var i = 0; i < count; i++) // a fresh unit of work per save, as requests have
            made.Add(await InTenant(tenant, async sp =>
            {
                var entry = NewEntry(action, reason);
                var db = sp.GetRequiredService<AppDbContext>();
                db.AuditEntries.Add(entry);
                await db.SaveChangesAsync();
                return entry.Id;
            }));
        return await InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking()
            .Where(a => made.Contains(a.Id)).OrderBy(a => a.Sequence).ToListAsync());
    }

    public AuditEntry NewEntry(string action = "read", string? reason = null) =>
        new($"actor-{Interlocked.Increment(ref _n)}", action, "record", Guid.NewGuid().ToString(), false, "127.0.0.1", Seasons.UtcNow, reason);

    public Task<AuditChainReport> VerifyAsync(string tenant) => InTenant(tenant, sp => sp.GetRequiredService<AuditChain>().VerifyAsync());

    /// <summary>Tampering by hand, behind the service's back, in either database's SQL (<see cref="Dialect"/>).</summary>
    public Task<int> SqlAsync(string tenant, string sql, params object[] values) =>
        InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(Dialect(sql), values));

    /// <summary>
    /// The tests' SQL as written runs on SQLite; on PostgreSQL the names must be quoted (they are
    /// case-sensitive there) and a time moves by an interval rather than by the stored ticks.
    /// </summary>
    public static string Dialect(string sql)
    {
        sql = System.Text.RegularExpressions.Regex.Replace(sql,
            @"(?<![""\w])(AuditEntries|ActorId|Action|EntityId|Entity|ByAuditor|Sequence|PreviousHash|Hash|TenantId|Reason|At|Id)(?![""\w])", "\"$1\"");
        return TestDatabase.IsPostgres ? sql.Replace("+ 20480000", "+ interval '1 second'", StringComparison.Ordinal) : sql;
    }

    /// <summary>A stored time of zero in the database's own form (ticks on SQLite, a timestamp on PostgreSQL).</summary>
    public static object TimeZero => TestDatabase.IsPostgres ? DateTimeOffset.UnixEpoch : 0L;

    /// <summary>A tenant id as stored: upper-case text on SQLite (EF Core's form there), a uuid on PostgreSQL.</summary>
    public static object StoredTenantId(Guid id) => TestDatabase.IsPostgres ? id : id.ToString().ToUpperInvariant();

    public async Task<(int Code, string Output)> CommandAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await AuditCommand.RunAsync(Services, args, output);
        return (code, output.ToString());
    }
}

public sealed class AuditChainTests(AuditChainFactory app) : IClassFixture<AuditChainFactory>
{
    [Fact]
    public async Task Entries_are_numbered_per_tenant_and_each_carries_the_hash_of_the_one_before()
    {
        var entries = await app.AppendAsync("ralph-thoresby", 3);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            Assert.Matches("^[0-9a-f]{64}$", e.Hash);
            Assert.Equal(AuditChain.ComputeHash(e), e.Hash); // as stored, read back
            if (i > 0)
            {
                Assert.Equal(entries[i - 1].Sequence + 1, e.Sequence);
                Assert.Equal(entries[i - 1].Hash, e.PreviousHash);
            }
        }
        var report = await app.VerifyAsync("ralph-thoresby");
        Assert.True(report.Intact, report.Break?.Problem);
        Assert.Equal(entries[^1].Sequence, report.HeadSequence);
        Assert.Equal(entries[^1].Hash, report.HeadHash);
    }

    [Fact]
    public async Task Several_entries_in_one_save_are_chained_in_time_order()
    {
        var ids = await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var later = app.NewEntry("save");
            var earlier = new AuditEntry("actor-x", "read", "record", "r", true, null, later.At.AddSeconds(-1));
            db.AuditEntries.AddRange(later, earlier);
            await db.SaveChangesAsync();
            return (Earlier: earlier.Id, Later: later.Id);
        });
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var earlier = await db.AuditEntries.SingleAsync(a => a.Id == ids.Earlier);
            var later = await db.AuditEntries.SingleAsync(a => a.Id == ids.Later);
            Assert.Equal(earlier.Sequence + 1, later.Sequence);
            Assert.Equal(earlier.Hash, later.PreviousHash);
        });
        Assert.True((await app.VerifyAsync("ralph-thoresby")).Intact);
    }

    [Fact]
    public async Task Each_tenant_has_its_own_chain_and_tampering_with_one_leaves_the_other_intact()
    {
        var a = await app.AppendAsync("ralph-thoresby", 2);
        var b = await app.AppendAsync("river-tees", 2);
        Assert.NotEqual(a[0].TenantId, b[0].TenantId);
        Assert.Equal(a[0].Sequence + 1, a[1].Sequence); // river-tees's saves in between took no numbers here
        Assert.Equal(b[0].Hash, b[1].PreviousHash);

        // Breaking river-tees (see below) is river-tees's problem only.
        await app.SqlAsync("river-tees", "UPDATE AuditEntries SET ActorId = 'someone-else' WHERE Id = {0}", b[0].Id);
        Assert.False((await app.VerifyAsync("river-tees")).Intact);
        Assert.True((await app.VerifyAsync("ralph-thoresby")).Intact);
        await app.SqlAsync("river-tees", "UPDATE AuditEntries SET ActorId = {0} WHERE Id = {1}", b[0].ActorId, b[0].Id);
        Assert.True((await app.VerifyAsync("river-tees")).Intact);
    }

    [Theory]
    [InlineData("ActorId = 'someone-else'")]
    [InlineData("Action = 'print'")]
    [InlineData("EntityId = 'another-record'")]
    [InlineData("ByAuditor = NOT ByAuditor")]
    [InlineData("\"From\" = '10.0.0.1'")]
    [InlineData("\"From\" = NULL")]
    [InlineData("Reason = 'A different reason'")]
    [InlineData("Reason = NULL")]
    [InlineData("At = At + 20480000")] // one second later, in SQLite's stored form ((ticks / 1000) << 11); an interval on PostgreSQL
    public async Task An_altered_row_is_reported_at_that_entry(string change)
    {
        const string T = "river-tees";
        var entries = await app.AppendAsync(T, 3, reason: "Entered against the wrong session");
        var target = entries[1];
        var original = target; // as stored (read back after its save)
        Assert.Equal(1, await app.SqlAsync(T, $"UPDATE AuditEntries SET {change} WHERE Id = {{0}}", target.Id));

        var report = await app.VerifyAsync(T);
        Assert.False(report.Intact);
        Assert.Equal(target.Sequence, report.Break!.Sequence);
        Assert.Equal(target.Id, report.Break.RowId);
        Assert.Contains("altered", report.Break.Problem, StringComparison.Ordinal);
        Assert.Equal(target.Sequence - 1, report.HeadSequence); // intact up to the entry before

        // Put back exactly as it was: intact again (so the other tests on this tenant are unaffected).
        // (A bulk update goes behind SaveChanges, which refuses to change an audit entry, as the SQL above did.)
        await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.Id == target.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.ActorId, original.ActorId).SetProperty(a => a.Action, original.Action)
                .SetProperty(a => a.EntityId, original.EntityId).SetProperty(a => a.ByAuditor, original.ByAuditor)
                .SetProperty(a => a.From, original.From).SetProperty(a => a.At, original.At).SetProperty(a => a.Reason, original.Reason)));
        Assert.True((await app.VerifyAsync(T)).Intact);
    }

    [Fact]
    public async Task An_entry_without_a_reason_hashes_as_every_entry_did_before_reasons_were_kept()
    {
        // The v1 encoding written out here independently: chains stored before reasons existed must still verify.
        var e = (await app.AppendAsync("devon-torbay", 1))[0];
        using var buffer = new MemoryStream();
        void Field(string? value)
        {
            var bytes = value is null ? null : System.Text.Encoding.UTF8.GetBytes(value);
            var length = BitConverter.GetBytes(bytes?.Length ?? -1);
            if (BitConverter.IsLittleEndian) Array.Reverse(length);
            buffer.Write(length);
            if (bytes is not null) buffer.Write(bytes);
        }
        foreach (var f in new[] { "shub.audit.v1", e.PreviousHash, e.TenantId.ToString("D"), e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                     e.ActorId, e.Action, e.Entity, e.EntityId, e.ByAuditor ? "1" : "0", e.From })
            Field(f);
        Assert.Null(e.Reason);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray())), e.Hash);

        var withReason = (await app.AppendAsync("devon-torbay", 1, reason: "  Entered by mistake  "))[0];
        Assert.Equal("Entered by mistake", withReason.Reason);
        Assert.Equal(AuditChain.ComputeHash(withReason), withReason.Hash);
    }

    [Fact]
    public async Task A_row_whose_hash_was_recomputed_after_altering_it_breaks_the_link_to_the_next()
    {
        const string T = "river-tees";
        var entries = await app.AppendAsync(T, 3);
        var target = entries[1];
        var forged = await app.InTenant(T, async sp =>
        {
            await sp.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(AuditChainFactory.Dialect("UPDATE AuditEntries SET Action = 'nothing' WHERE Id = {0}"), target.Id);
            var row = await sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().SingleAsync(a => a.Id == target.Id);
            return AuditChain.ComputeHash(row);
        });
        await app.SqlAsync(T, "UPDATE AuditEntries SET Hash = {0} WHERE Id = {1}", forged, target.Id);

        var report = await app.VerifyAsync(T);
        Assert.Equal(entries[2].Sequence, report.Break?.Sequence);
        Assert.Contains("does not follow", report.Break!.Problem, StringComparison.Ordinal);

        await app.SqlAsync(T, "UPDATE AuditEntries SET Action = {0}, Hash = {1} WHERE Id = {2}", target.Action, target.Hash!, target.Id);
        Assert.True((await app.VerifyAsync(T)).Intact);
    }

    [Fact]
    public async Task A_deleted_row_is_reported_as_a_gap_at_its_number()
    {
        const string T = "ascent";
        var entries = await app.AppendAsync(T, 4);
        var target = entries[2];
        Assert.Equal(1, await app.SqlAsync(T, "DELETE FROM AuditEntries WHERE Id = {0}", target.Id));

        var report = await app.VerifyAsync(T);
        Assert.False(report.Intact);
        Assert.Equal(target.Sequence, report.Break!.Sequence);
        Assert.Null(report.Break.RowId);
        Assert.Contains("missing", report.Break.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_inserted_by_hand_is_reported()
    {
        const string T = "mse-icb";
        var entries = await app.AppendAsync(T, 2);
        var last = entries[^1];
        var tenantId = AuditChainFactory.StoredTenantId(last.TenantId);
        // Slipped in between entry 1 and 2 by renumbering the last one: its hash no longer fits.
        await app.SqlAsync(T, "UPDATE AuditEntries SET Sequence = Sequence + 1 WHERE Id = {0}", last.Id);
        await app.SqlAsync(T, "INSERT INTO AuditEntries (TenantId, At, ActorId, Action, Entity, EntityId, ByAuditor, Sequence, PreviousHash, Hash) " +
                              "VALUES ({0}, {4}, 'intruder', 'read', 'record', 'x', {5}, {1}, {2}, {3})",
            tenantId, last.Sequence, entries[0].Hash!, new string('0', 64), AuditChainFactory.TimeZero, false);
        var report = await app.VerifyAsync(T);
        Assert.Equal(last.Sequence, report.Break?.Sequence);
        Assert.Contains("altered", report.Break!.Problem, StringComparison.Ordinal);

        // Even with a correctly computed hash, the renumbered entry after it no longer follows.
        var intruder = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().SingleAsync(a => a.ActorId == "intruder"));
        await app.SqlAsync(T, "UPDATE AuditEntries SET Hash = {0} WHERE Id = {1}", AuditChain.ComputeHash(intruder), intruder.Id);
        report = await app.VerifyAsync(T);
        Assert.Equal(last.Sequence + 1, report.Break?.Sequence);
        Assert.Equal(last.Id, report.Break!.RowId);
        Assert.Contains("does not follow", report.Break.Problem, StringComparison.Ordinal);

        // Without a number (0, SQLite's column default from before the chain), after the chain began: reported too.
        await app.SqlAsync(T, "DELETE FROM AuditEntries WHERE ActorId = 'intruder'");
        await app.SqlAsync(T, "UPDATE AuditEntries SET Sequence = Sequence - 1 WHERE Id = {0}", last.Id);
        Assert.True((await app.VerifyAsync(T)).Intact);
        await app.SqlAsync(T, "INSERT INTO AuditEntries (TenantId, At, ActorId, Action, Entity, EntityId, ByAuditor, Sequence) VALUES ({0}, {1}, 'intruder', 'read', 'record', 'x', {2}, 0)",
            tenantId, AuditChainFactory.TimeZero, false);
        report = await app.VerifyAsync(T);
        Assert.False(report.Intact);
        Assert.Contains("inserted", report.Break!.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_that_comes_while_another_holds_the_chain_waits_and_chains_after_it(bool synchronous)
    {
        const string T = "ralph-thoresby";
        AuditEntry? other = null;
        var mine = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            // Between this save reading the head and inserting, another request tries to append.
            app.Race.Arm(db, () => app.InTenant(T, async sp2 =>
            {
                var db2 = sp2.GetRequiredService<AppDbContext>();
                other = app.NewEntry("theirs");
                db2.AuditEntries.Add(other);
                await db2.SaveChangesAsync();
            }));
            var entry = app.NewEntry("mine");
            db.AuditEntries.Add(entry);
            if (synchronous) db.SaveChanges();
            else await db.SaveChangesAsync();
            return entry;
        });
        Assert.True(app.Race.Ran);
        await app.Race.Racer;
        var theirs = other!;
        app.Race.Watching = null;
        // No retry after a collision (ADR 0030): the save that read the head first keeps its number,
        // and the other waited for it rather than taking the number from under it.
        Assert.Equal(mine.Sequence + 1, theirs.Sequence);
        Assert.Equal(mine.Hash, theirs.PreviousHash);
        Assert.True((await app.VerifyAsync(T)).Intact);
    }

    [Fact]
    public async Task Many_concurrent_saves_make_one_unbroken_chain()
    {
        var writers = int.TryParse(Environment.GetEnvironmentVariable("AUDIT_CHAIN_WRITERS"), out var w) ? w : 8;
        const string T = "ralph-thoresby";
        var before = (await app.VerifyAsync(T)).Entries;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() => app.AppendAsync(T, 3))));
        var report = await app.VerifyAsync(T);
        Assert.True(report.Intact, report.Break?.Problem);
        Assert.Equal(before + writers * 3, report.Entries);
    }

    [Fact]
    public async Task Audit_entries_cannot_be_changed_or_deleted_through_the_application()
    {
        const string T = "ralph-thoresby";
        var id = (await app.AppendAsync(T, 1))[0].Id;
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync(a => a.Id == id));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        });
        Assert.True((await app.VerifyAsync(T)).Intact);
    }

    [Fact]
    public async Task The_verify_command_exits_zero_when_intact_one_when_broken_and_names_the_entry()
    {
        const string T = "devon-torbay";
        var entries = await app.AppendAsync(T, 3);
        var (code, output) = await app.CommandAsync("audit", "verify", "--tenant", T);
        Assert.Equal(AuditCommand.Intact, code);
        Assert.Contains($"{T}: intact", output, StringComparison.Ordinal);

        await app.SqlAsync(T, "UPDATE AuditEntries SET EntityId = 'changed' WHERE Id = {0}", entries[1].Id);
        (code, output) = await app.CommandAsync("audit", "verify", "--tenant", T);
        Assert.Equal(AuditCommand.Broken, code);
        Assert.Contains($"{T}: BROKEN at entry {entries[1].Sequence} (row {entries[1].Id})", output, StringComparison.Ordinal);

        (code, output) = await app.CommandAsync("audit", "verify");
        Assert.Equal(AuditCommand.Broken, code);
        Assert.Contains($"{T}: BROKEN", output, StringComparison.Ordinal);
        Assert.Contains("ralph-thoresby: intact", output, StringComparison.Ordinal);

        Assert.Equal(AuditCommand.Intact, (await app.CommandAsync("audit", "verify", "--tenant", "ralph-thoresby")).Code);
        Assert.Equal(AuditCommand.Usage, (await app.CommandAsync("audit", "verify", "--tenant", "nowhere")).Code);
        Assert.Equal(AuditCommand.Usage, (await app.CommandAsync("audit", "check")).Code);
    }

    [Fact]
    public void The_command_takes_its_own_arguments_and_leaves_the_rest_to_configuration()
    {
        var (command, rest) = AuditCommand.Split(["audit", "verify", "--tenant", "ascent", "--ConnectionStrings:Sqlite=Data Source=x.db"]);
        Assert.Equal("audit verify --tenant ascent", string.Join(' ', command!));
        Assert.Equal("--ConnectionStrings:Sqlite=Data Source=x.db", Assert.Single(rest));
        Assert.Null(AuditCommand.Split(["--urls", "http://localhost:1"]).Command);
    }

    [Fact]
    public async Task The_built_program_runs_the_command_instead_of_the_server_and_sets_its_exit_code()
    {
        const string T = "ralph-thoresby";
        await app.AppendAsync(T, 1);
        var connection = await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<AppDbContext>().Database.GetConnectionString()!));
        var dll = Path.Combine(AppContext.BaseDirectory, "SupervisionHub.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "audit", "verify", "--tenant", T, $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:{TestDatabase.Provider}={connection}", $"--Tenants:Root={AppFactory.RepoPath("tenants")}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            // No watcher on appsettings: each is an inotify instance, of which a user has 128, shared by every process the tests start.
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Testing", ["DOTNET_ENVIRONMENT"] = "Testing", ["DOTNET_hostBuilder__reloadConfigOnChange"] = "false" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains($"{T}: intact", await stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", await stdout, StringComparison.Ordinal);
    }
}

/// <summary>The real writer: record reads over HTTP land in the chain.</summary>
public sealed class AuditChainRecordTests(RecordAccessFactory app) : IClassFixture<RecordAccessFactory>
{
    [Fact]
    public async Task Reading_a_record_appends_chained_entries_and_the_chain_verifies()
    {
        const string T = "ralph-thoresby";
        var record = await app.Record(T);
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"supervisor@{T}.example", AppFactory.DemoPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/{T}/records/{record}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/{T}/records/{record}/print")).StatusCode);

        await app.InTenant(T, async sp =>
        {
            var entries = await sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.EntityId == record.ToString()).OrderBy(a => a.Sequence).ToListAsync();
            Assert.Contains(entries, e => e.Action == "read");
            Assert.Contains(entries, e => e.Action == "print");
            Assert.All(entries, e => Assert.True(e.Sequence > 0 && e.Hash is not null));
            var report = await sp.GetRequiredService<AuditChain>().VerifyAsync();
            Assert.True(report.Intact, report.Break?.Problem);
            Assert.Equal(entries[^1].Sequence, report.HeadSequence);
        });
    }
}
