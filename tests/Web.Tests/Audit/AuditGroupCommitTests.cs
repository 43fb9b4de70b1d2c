using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Audit;

/// <summary>
/// Watches the database for the group commit's tests: which transactions inserted audit entries, a
/// save held inside its INSERT until released (so saves queue behind it), and a commit made to fail.
/// </summary>
public sealed class AuditGroupProbe : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentDictionary<DbTransaction, byte> _auditTransactions = new(ReferenceEqualityComparer.Instance);
    private ManualResetEventSlim? _hold;
    private TaskCompletionSource? _holding;
    private DbContext? _held;

    /// <summary>Transactions that inserted audit entries since the last <see cref="Reset"/>.</summary>
    public int AuditTransactions => _auditTransactions.Count;

    public void Reset() => _auditTransactions.Clear();

    /// <summary>The next audit INSERT of <paramref name="context"/> waits for <paramref name="release"/>; <paramref name="holding"/> is set once it waits.</summary>
    public void Hold(DbContext context, ManualResetEventSlim release, TaskCompletionSource holding) => (_held, _hold, _holding) = (context, release, holding);

    /// <summary>The next commit of a transaction that inserted audit entries, made by any context but <see cref="Hold"/>'s, fails.</summary>
    public bool FailNextAuditCommit { get; set; }

    private void Saw(DbCommand command, CommandEventData data)
    {
        if (!command.CommandText.Contains("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal)) return;
        if (command.Transaction is { } t) _auditTransactions.TryAdd(t, 0);
        if (_hold is { } hold && ReferenceEquals(data.Context, _held))
        {
            _hold = null;
            _holding?.TrySetResult();
            hold.Wait(TimeSpan.FromSeconds(30));
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Saw(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Saw(command, eventData);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (FailNextAuditCommit && !ReferenceEquals(eventData.Context, _held) && _auditTransactions.ContainsKey(transaction))
        {
            FailNextAuditCommit = false;
            throw new InvalidOperationException("Commit refused by the test (a full disk, a lost connection).");
        }
        return ValueTask.FromResult(result);
    }
}

public sealed class AuditGroupFactory : AppFactory
{
    public AuditGroupProbe Probe { get; } = new();
    private readonly Lazy<Task<Guid>> _record;

    public AuditGroupFactory() => _record = new(() => InTenant("ralph-thoresby", async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var supervisor = await db.StaffIdAsync("supervisor@ralph-thoresby.example");
        var relationship = await sp.StartAsync("one-to-one", supervisor, await db.StaffIdAsync("supervisee@ralph-thoresby.example"), sp.Today().AddDays(-30));
        var session = await sp.AttendedTodayAsync(relationship);
        var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(session, sp.GetRequiredService<Allocation>().Type("one-to-one"), supervisor, CancellationToken.None);
        record.Submit(record.Answers, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        await db.SaveChangesAsync();
        return record.Id;
    }));

    public Task<Guid> Record => _record.Value;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureAppDbContext(o => o.AddInterceptors(Probe)));
    }
}

/// <summary>
/// Views of a record join one commit of the audit chain (ADR 0036): each still returns only after its
/// own entry is committed, the chain stays unbroken, and a failed group commit fails every save in it.
/// </summary>
public sealed class AuditGroupCommitTests(AuditGroupFactory app) : IClassFixture<AuditGroupFactory>
{
    private const string T = "ralph-thoresby";
    private int _n;

    private AuditEntry NewEntry(string action) =>
        new($"group-actor-{Interlocked.Increment(ref _n)}", action, "record", Guid.NewGuid().ToString(), false, "127.0.0.1", Seasons.UtcNow);

    private Task<AuditChainReport> VerifyAsync() => app.InTenant(T, sp => sp.GetRequiredService<AuditChain>().VerifyAsync());

    [Fact]
    public async Task Fifty_parallel_views_of_a_record_are_each_logged_once_in_fewer_commits_and_the_chain_verifies()
    {
        var record = (await app.Record).ToString();
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"supervisor@{T}.example", AppFactory.DemoPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/{T}/records/{record}")).StatusCode); // warm
        int Reads(AppDbContext db) => db.AuditEntries.Count(a => a.EntityId == record && a.Action == "read");
        var before = await app.InTenant(T, sp => Task.FromResult(Reads(sp.GetRequiredService<AppDbContext>())));
        app.Probe.Reset();

        const int views = 50;
        var answers = await Task.WhenAll(Enumerable.Range(0, views).Select(_ => Task.Run(() => client.GetAsync($"/{T}/records/{record}"))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

        var after = await app.InTenant(T, sp => Task.FromResult(Reads(sp.GetRequiredService<AppDbContext>())));
        Assert.Equal(before + views, after); // each view logged once: none lost, none twice
        Assert.InRange(app.Probe.AuditTransactions, 1, views - 1); // views shared commits (one each before ADR 0036)
        var report = await VerifyAsync();
        Assert.True(report.Intact, report.Break?.Problem);
    }

    /// <summary>
    /// An ordinary save (the synchronous path, which is never grouped) holds the chain while
    /// <paramref name="savers"/> views queue behind it; returns the views' tasks once all have queued.
    /// </summary>
    private async Task<(Task Holder, ManualResetEventSlim Release, List<Task<AuditEntry>> Views)> QueueBehindAHeldSaveAsync(int savers)
    {
        var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource();
        var holder = Task.Run(() => app.InTenant(T, sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            app.Probe.Hold(db, release, holding);
            db.AuditEntries.Add(NewEntry("holder"));
            db.SaveChanges();
            return Task.CompletedTask;
        }));
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the held save is inside its INSERT: it holds the chain
        var group = await app.InTenant(T, sp => Task.FromResult(AuditGroupCommit.For(
            sp.GetRequiredService<AppDbContext>().Database.GetConnectionString(), sp.GetRequiredService<Tenancy.ITenantContext>().Tenant.Id)));
        var views = Enumerable.Range(0, savers).Select(_ => Task.Run(() => app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var entry = NewEntry("read");
            db.AuditEntries.Add(entry);
            Assert.Equal(1, await db.SaveChangesAsync());
            Assert.Equal(EntityState.Unchanged, db.Entry(entry).State); // tracked again, as saved
            return entry;
        }))).ToList();
        for (var i = 0; i < 600 && group.Queued < savers; i++) await Task.Delay(50);
        Assert.True(savers == group.Queued, $"{group.Queued} queued; holder {holder.Status} {holder.Exception?.GetBaseException().Message}; views "
            + string.Join(", ", views.GroupBy(v => v.Status).Select(g => $"{g.Key} {g.Count()}")) + " " + views.FirstOrDefault(v => v.IsFaulted)?.Exception?.GetBaseException());
        return (holder, release, views);
    }

    [Fact]
    public async Task Saves_queued_behind_the_chain_are_committed_together_each_after_the_one_before()
    {
        var (holder, release, views) = await QueueBehindAHeldSaveAsync(20);
        app.Probe.Reset();
        release.Set();
        await holder;
        var saved = await Task.WhenAll(views);

        Assert.Equal(1, app.Probe.AuditTransactions); // one for all twenty (the held save's was counted before the reset)
        var stored = await app.InTenant(T, sp =>
        {
            var ids = saved.Select(e => e.Id).ToList();
            return sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().Where(a => ids.Contains(a.Id)).OrderBy(a => a.Sequence).ToListAsync();
        });
        Assert.Equal(20, stored.Count);
        for (var i = 1; i < stored.Count; i++)
        {
            Assert.Equal(stored[i - 1].Sequence + 1, stored[i].Sequence);
            Assert.Equal(stored[i - 1].Hash, stored[i].PreviousHash);
        }
        var report = await VerifyAsync();
        Assert.True(report.Intact, report.Break?.Problem);
    }

    [Fact]
    public async Task A_failing_group_commit_fails_every_save_in_it_and_writes_none_of_them()
    {
        var head = (await VerifyAsync()).HeadSequence ?? 0;
        var (holder, release, views) = await QueueBehindAHeldSaveAsync(10);
        app.Probe.FailNextAuditCommit = true;
        release.Set();
        await holder; // the held save is not in the group and commits

        foreach (var view in views) await Assert.ThrowsAnyAsync<Exception>(() => view);
        Assert.False(app.Probe.FailNextAuditCommit); // the refusal was used
        var report = await VerifyAsync();
        Assert.True(report.Intact, report.Break?.Problem);
        Assert.Equal(head + 1, report.HeadSequence); // only the held save's entry: nothing of the group
        var none = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Sequence > head + 1));
        Assert.Equal(0, none);

        // The chain carries on after the failure.
        var next = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var entry = NewEntry("read");
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync();
            return entry;
        });
        Assert.Equal(head + 2, next.Sequence);
        Assert.True((await VerifyAsync()).Intact);
    }
}
