using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>Counts the commands one DbContext sends; other contexts (background services) are not counted.</summary>
public sealed class QueryCounter : DbCommandInterceptor
{
    private int _count;
    public DbContext? Watching { get; set; }

    /// <summary>
    /// Counts every context's commands sent for a request, when set. A background service's (the outbox's poll)
    /// run outside any request and are not counted: a poll landing inside a counted request made it look busier.
    /// </summary>
    public bool Everything { get; set; }

    // Reads the request's context from the async flow, as the app's own accessor does.
    private static readonly Microsoft.AspNetCore.Http.HttpContextAccessor Request = new();
    public int Count => _count;

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    private void Hit(CommandEventData e)
    {
        if (Everything && Request.HttpContext is not null || Watching is not null && ReferenceEquals(e.Context, Watching)) Interlocked.Increment(ref _count);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Hit(eventData); return result; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Hit(eventData); return ValueTask.FromResult(result); }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    { Hit(eventData); return result; }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Hit(eventData); return ValueTask.FromResult(result); }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    { Hit(eventData); return result; }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Hit(eventData); return ValueTask.FromResult(result); }
}

public sealed class QueryCountFactory : AppFactory
{
    public QueryCounter Counter { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureAppDbContext(o => o.AddInterceptors(Counter));
            // Counting a whole request counts every context: no background sweep may run meanwhile.
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionSweepService)));
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionHub.Web.Workflows.WorkflowWorker)));
        });
    }
}

public sealed class QueryCountTests(QueryCountFactory app) : IClassFixture<QueryCountFactory>
{
    private const string T = "ralph-thoresby";

    /// <summary>New supervisees, each in a one-to-one started two months ago with an attended session, a booking and an agreement.</summary>
    private Task CreateSupervisionsAsync(int from, int count) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var allocation = sp.GetRequiredService<Allocation>();
        var records = sp.GetRequiredService<SessionRecords>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = sp.Today();
        var supervisor = await db.StaffIdAsync("supervisor@ralph-thoresby.example");
        var manager = await db.StaffIdAsync("linemanager@ralph-thoresby.example");
        var normalizer = sp.GetRequiredService<Microsoft.AspNetCore.Identity.ILookupNormalizer>();

        var people = Enumerable.Range(from, count).Select(i =>
        {
            var p = new StaffMember();
            p.Apply(new StaffDetails($"Person {i:D3}", $"person{i:D3}@ralph-thoresby.example", null, null, manager, StaffRoles.Supervisee, null, null), normalizer);
            return p;
        }).ToList();
        db.Staff.AddRange(people);
        await db.SaveChangesAsync();

        var relationships = new List<Relationship>();
        foreach (var p in people)
            relationships.Add((await allocation.StartAsync("one-to-one", supervisor, [p.Id], today.AddMonths(-2), CancellationToken.None)).Relationship);
        await db.SaveChangesAsync();

        var sessions = relationships.Select(r => Session.Book(r, today, new TimeOnly(10, 0), 60, null, supervisor, now, today)).ToList();
        db.Sessions.AddRange(sessions);
        db.Sessions.AddRange(relationships.Select(r => Session.Book(r, today.AddDays(14), new TimeOnly(10, 0), 60, null, supervisor, now, today)));
        await db.SaveChangesAsync();
        var superviseeOf = relationships.ToDictionary(r => r.Id, r => r.CurrentMembers.Single().StaffId);
        foreach (var s in sessions)
            s.MarkAttended(new Dictionary<string, MemberAttendance> { [superviseeOf[s.RelationshipId]] = MemberAttendance.Present }, supervisor, now, today);
        foreach (var r in relationships)
            await records.StartAgreementAsync(r, allocation.Type("one-to-one"), supervisor, CancellationToken.None);
        await db.SaveChangesAsync();
    });

    private Task<(int Queries, int Statuses)> MeasureAsync() => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var compliance = sp.GetRequiredService<ComplianceService>();
        app.Counter.Reset();
        app.Counter.Watching = db;
        try
        {
            var statuses = await compliance.StatusesAsync(null, CancellationToken.None);
            return (app.Counter.Count, statuses.Count);
        }
        finally
        {
            app.Counter.Watching = null;
        }
    });

    [Fact]
    public async Task Everyones_compliance_takes_the_same_number_of_queries_for_5_supervisees_as_for_55()
    {
        await CreateSupervisionsAsync(0, 5);
        var few = await MeasureAsync();
        await CreateSupervisionsAsync(5, 50);
        var many = await MeasureAsync();

        Assert.Equal(50, many.Statuses - few.Statuses); // the demo data has supervisees of its own
        Assert.InRange(few.Queries, 1, 6);
        Assert.Equal(few.Queries, many.Queries);
    }

    /// <summary>Everyone's statuses from a warm StatusCache: the queries of one look for changes, however many supervisees.</summary>
    private Task<int> WarmCacheQueriesAsync() => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var compliance = sp.GetRequiredService<ComplianceService>();
        await compliance.EveryoneAsync(CancellationToken.None); // warm: takes in whatever changed
        app.Counter.Reset();
        app.Counter.Watching = db;
        try
        {
            await compliance.EveryoneAsync(CancellationToken.None);
            return app.Counter.Count;
        }
        finally
        {
            app.Counter.Watching = null;
        }
    });

    [Fact]
    public async Task A_warm_status_cache_answers_in_one_query_for_5_supervisees_as_for_55()
    {
        await CreateSupervisionsAsync(200, 5);
        Assert.Equal(1, await WarmCacheQueriesAsync());
        await CreateSupervisionsAsync(205, 50);
        Assert.Equal(1, await WarmCacheQueriesAsync());
    }

    /// <summary>
    /// A whole page request, every query counted: the same for 5 more supervisees as for 55 more. Views kept while
    /// the tenant's stamp holds (ADR 0049) are made afresh first, as after a save on this node, unless
    /// <paramref name="kept"/>; the stamp's own look (once a second a tenant) is not counted.
    /// </summary>
    private async Task<int> PageQueriesAsync(string email, string path, bool kept = false)
    {
        var client = app.Browser();
        await client.SignIn(T, email, AppFactory.DemoPassword);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode); // warm: caches, security stamp
        var changes = app.Services.GetRequiredService<TenantChanges>();
        if (!kept) changes.Saved(await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<SupervisionHub.Web.Tenancy.ITenantContext>().Tenant.Id)));
        var looks = changes.Looks;
        app.Counter.Reset();
        app.Counter.Everything = true;
        try
        {
            var response = await client.GetAsync(path);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            return app.Counter.Count - (changes.Looks - looks);
        }
        finally
        {
            app.Counter.Everything = false;
        }
    }

    [Fact]
    public async Task Every_dashboard_takes_the_same_number_of_queries_whatever_the_number_of_supervisees()
    {
        string[] who = ["supervisor", "linemanager", "lead", "supervisee"];
        await CreateSupervisionsAsync(100, 5);
        var few = new Dictionary<string, (int Home, int Overview)>();
        foreach (var w in who)
            few[w] = (await PageQueriesAsync($"{w}@{T}.example", $"/{T}"), w == "lead" ? await PageQueriesAsync($"{w}@{T}.example", $"/{T}/supervision") : 0);
        await CreateSupervisionsAsync(105, 50);
        foreach (var w in who)
        {
            Assert.Equal(few[w].Home, await PageQueriesAsync($"{w}@{T}.example", $"/{T}"));
            if (w == "lead") Assert.Equal(few[w].Overview, await PageQueriesAsync($"{w}@{T}.example", $"/{T}/supervision"));
        }
        Assert.InRange(few["supervisor"].Home, 1, 40);
    }

    /// <summary>
    /// Issue 21 (ADR 0046): a lead who also supervises had twelve commands a home view (the person's row and
    /// again their facts, their training apart, and each panel its own ids, members and supervisors). Now:
    /// the row with facts and training, tasks, the status cache's look, the person's supervisions with their
    /// members, and the supervisor panel's sessions, records and overdue actions.
    /// </summary>
    [Fact]
    public async Task A_lead_who_supervises_has_a_home_page_in_seven_commands()
    {
        Assert.Equal(7, await PageQueriesAsync($"lead@{T}.example", $"/{T}"));
        // Issue 21 (ADR 0049): and, kept while nothing changed, none.
        Assert.Equal(0, await PageQueriesAsync($"lead@{T}.example", $"/{T}", kept: true));
        Assert.Equal(0, await PageQueriesAsync($"supervisee@{T}.example", $"/{T}", kept: true));
        Assert.Equal(0, await PageQueriesAsync($"lead@{T}.example", $"/{T}/reports/compliance", kept: true));
        Assert.InRange(await PageQueriesAsync($"supervisee@{T}.example", $"/{T}"), 1, 11); // was 15: their statuses are computed for them alone (five reads)
    }
}
