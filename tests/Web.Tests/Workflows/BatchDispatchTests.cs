using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// Counts the statements that claim events, and makes the save of one chosen event's run fail, as a
/// full disk or a broken row would (issue 21: events are claimed in batches, ADR 0030).
/// </summary>
public sealed class DispatchProbe : DbCommandInterceptor
{
    private int _claims;
    public int Claims => Volatile.Read(ref _claims);
    public Guid? FailFor { get; set; }
    public void Reset() => Interlocked.Exchange(ref _claims, 0);

    /// <summary>Every statement's text, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Statements { get; } = new();

    /// <summary>Every statement with its parameters, in order: to ask the database how it would run one.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Sql, (string Name, object? Value)[] Parameters)> Commands { get; } = new();

    private void Look(DbCommand command)
    {
        var sql = command.CommandText;
        Statements.Enqueue(sql);
        Commands.Enqueue((sql, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]));
        // The claim: the conditional update that takes events nobody holds (the release and the marks have no "DispatchedAt" IS NULL).
        if (sql.Contains("UPDATE \"Events\"", StringComparison.Ordinal) && sql.Contains("\"DispatchedAt\" IS NULL", StringComparison.Ordinal))
            Interlocked.Increment(ref _claims);
        // The commit that marks this event dispatched fails: its group's one statement, or its own save when done alone.
        if (FailFor is { } id && IsMark(sql) && command.Parameters.Cast<DbParameter>().Any(p => Mentions(p.Value, id)))
            throw new InvalidOperationException("The test refused this event's commit.");
    }

    /// <summary>A statement that marks events dispatched: a group's (ExecuteUpdate) or one event's save (not the claim, which only reads the column).</summary>
    public static bool IsMark(string sql) => sql.Contains("UPDATE \"Events\"", StringComparison.Ordinal) && sql.Contains("\"DispatchedAt\" = ", StringComparison.Ordinal);

    /// <summary>A parameter naming the id: alone, in a list (PostgreSQL's array), or in SQLite's JSON text of a list.</summary>
    private static bool Mentions(object? value, Guid id) => value switch
    {
        Guid g => g == id,
        string s => s.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase),
        System.Collections.IEnumerable many => many.Cast<object?>().Any(v => Mentions(v, id)),
        _ => false,
    };

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Look(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Look(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Look(command);
        return ValueTask.FromResult(result);
    }
}

public sealed class BatchDispatchTests
{
    private const string T = "river-tees";

    private const string EmailOnAttended = """
        id: test-batch-email
        title: Test - tell the supervisor a session took place
        trigger: { event: session.attended }
        steps:
          - id: tell
            send-email: { to: [supervisor], template: missed-sessions }
        """;

    [Fact]
    public async Task A_round_claims_its_events_in_one_statement_and_one_failing_event_leaves_the_rest_dispatched_once()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-batch-email", EmailOnAttended);
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var probe = new DispatchProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(1000, CancellationToken.None)); // what start-up and the demo raised, out of the way

        const int People = 6;
        for (var i = 0; i < People; i++)
            await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var person = await sp.NewPersonAsync($"Batch Person {i}", $"batch.{i}@river-tees.example", Staff.StaffRoles.Supervisee);
                var r = await sp.StartAsync("safeguarding-one-to-one", await db.StaffIdAsync($"supervisor@{T}.example"), person.Id, sp.Today().AddMonths(-1));
                return await sp.AttendedTodayAsync(r);
            });
        var attended = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events
            .Where(e => e.Type == "session.attended" && e.DispatchedAt == null).OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence).Select(e => e.Id).ToListAsync());
        Assert.Equal(People, attended.Count);
        var poisoned = attended[2];

        // Dispatch as a round does, without the round's time budget (a loaded machine must not decide what this test sees).
        Task DispatchAsync() => app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None));
        probe.Reset();
        probe.FailFor = poisoned;
        await DispatchAsync();
        Assert.Equal(1, probe.Claims); // one statement claimed the round's events, not one each

        async Task<Dictionary<Guid, int>> RunsAsync() => await app.InTenant(T, async sp => (await sp.GetRequiredService<AppDbContext>().WorkflowInstances
            .Where(i => i.WorkflowId == "test-batch-email" && i.TriggerEventId != null).Select(i => i.TriggerEventId!.Value).ToListAsync())
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count()));
        var runs = await RunsAsync();
        Assert.Equal(attended.Where(id => id != poisoned).Order(), runs.Keys.Order()); // the events after the failing one went on
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        var held = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking().SingleAsync(e => e.Id == poisoned));
        Assert.Null(held.DispatchedAt); // nothing of it was saved; it stays claimed, so it is not retried in a loop
        Assert.NotNull(held.ClaimedUntil);

        // Another round before the claim lapses leaves it alone; after, it is dispatched, and nothing runs twice.
        probe.FailFor = null;
        await DispatchAsync();
        Assert.DoesNotContain(poisoned, (await RunsAsync()).Keys);
        clock.Now += TimeSpan.FromMinutes(6);
        await DispatchAsync();
        runs = await RunsAsync();
        Assert.Equal(attended.Order(), runs.Keys.Order());
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DispatchedAt == null)));
    }

    [Fact]
    public async Task A_rounds_claim_is_the_same_statement_whatever_the_number_of_events()
    {
        // The round's id lists go as one parameter each (ADR 0048): with one parameter per id (EF Core 10's
        // default), every new length of a list was a new statement to generate and prepare, and a round of
        // 1,000 events allocated 14 times a round of 200 in its reads.
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.UtcNow);
        var probe = new DispatchProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(1000, CancellationToken.None)); // start-up's and the demo's events out of the way

        async Task<string> ClaimOfARoundOfAsync(int count)
        {
            await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                for (var i = 0; i < count; i++) db.Events.Add(new DomainEvent("test.nobody-listens", clock.Now.AddSeconds(-i)));
                await db.SaveChangesAsync();
            });
            probe.Statements.Clear();
            probe.Reset();
            Assert.Equal(count, await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None)));
            Assert.Equal(1, probe.Claims);
            return probe.Statements.Single(sql => sql.Contains("UPDATE \"Events\"", StringComparison.Ordinal) && sql.Contains("\"DispatchedAt\" IS NULL", StringComparison.Ordinal));
        }

        Assert.Equal(await ClaimOfARoundOfAsync(3), await ClaimOfARoundOfAsync(150));
    }
    [Fact]
    public async Task A_round_looks_for_and_reads_its_events_through_the_pending_events_index()
    {
        // Asked "is anything waiting" as EXISTS, PostgreSQL scanned the table from its start for a first match, 28 ms
        // a round at 500 tenants (ADR 0066). On PostgreSQL both reads, the look and the claim's choice, must go through
        // the waiting events' own index.
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.UtcNow);
        var probe = new DispatchProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(1000, CancellationToken.None)); // start-up's and the demo's events out of the way
        // As in the first sweep's dispatch: many tenants' events waiting, each tenant's written together, the one
        // dispatched after another's. The statistics then say a pending row of this tenant is a few rows away in the
        // table, when a scan must pass the whole of the other's first.
        var other = app.Services.GetRequiredService<SupervisionHub.Web.Tenancy.TenantRegistry>().All.First(t => t.Identifier != T).Identifier;
        foreach (var tenant in new[] { other, T })
            await app.InTenant(tenant, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                for (var i = 0; i < 3000; i++) db.Events.Add(new DomainEvent("test.nobody-listens", clock.Now.AddMinutes(-10).AddMilliseconds(i)));
                await db.SaveChangesAsync();
                await db.Database.ExecuteSqlRawAsync(TestDatabase.IsPostgres ? "ANALYZE \"Events\"" : "ANALYZE");
            });
        probe.Commands.Clear();
        Assert.Equal(200, await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None)));

        var reads = probe.Commands.Where(c => c.Sql.StartsWith("SELECT", StringComparison.Ordinal) && c.Sql.Contains("FROM \"Events\"", StringComparison.Ordinal)
            && c.Sql.Contains("\"DispatchedAt\" IS NULL", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reads.Count);
        foreach (var read in reads)
        {
            var plan = await app.InTenant(T, sp => PlanAsync(sp.GetRequiredService<AppDbContext>(), read.Sql, read.Parameters));
            // SQLite, with its statistics, may as well take the tenant's index and sort its few thousand rows; what it
            // must not do is scan the table.
            Assert.True(TestDatabase.IsPostgres ? plan.Contains("IX_Events_Pending", StringComparison.Ordinal) : !Regex.IsMatch(plan, @"\bSCAN e\b"), $"{read.Sql}\n{plan}");
        }
    }

    /// <summary>
    /// How the database would run a statement (SQLite's query plan, PostgreSQL's EXPLAIN), with the parameters it was sent with.
    /// </summary>
    private static async Task<string> PlanAsync(AppDbContext db, string sql, (string Name, object? Value)[] parameters)
    {
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(transaction);
        command.CommandText = (TestDatabase.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        var plan = new System.Text.StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.AppendLine(reader.GetValue(reader.FieldCount - 1)?.ToString());
        return plan.ToString();
    }
}
