using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// Counts the saves that commit dispatches, and can play another node taking over one event's claim
/// while this node holds the event's run in memory (between its run and its group's commit).
/// </summary>
public sealed class GroupProbe : DbCommandInterceptor
{
    private int _saves;
    private int _taskReads;
    /// <summary>Statements that marked events dispatched, one a commit (a group's, or one event's own save), counted as sent.</summary>
    public int Saves => Volatile.Read(ref _saves);
    public void Reset() => Interlocked.Exchange(ref _saves, 0);

    /// <summary>Run once, when the given number of open-task reads (one an event) have been made: another node's takeover.</summary>
    public (int AtTaskRead, Func<Task> TakeOver)? Armed { get; set; }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (DispatchProbe.IsMark(command.CommandText)) Interlocked.Increment(ref _saves);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (DispatchProbe.IsMark(command.CommandText)) Interlocked.Increment(ref _saves); // one event's own save reads its rows back
        return ReadAsync(command, result);
    }

    private async ValueTask<InterceptionResult<DbDataReader>> ReadAsync(DbCommand command, InterceptionResult<DbDataReader> result)
    {
        // A run's read of its session's open tasks (WorkflowHost.ApplyAsync, before an email): one an event of these tests.
        if (Armed is { } armed && command.CommandText.Contains("FROM \"WorkTasks\"", StringComparison.Ordinal)
            && Interlocked.Increment(ref _taskReads) == armed.AtTaskRead)
        {
            Armed = null;
            await armed.TakeOver(); // another scope, another connection: no transaction of this node is open now
        }
        return result;
    }
}

/// <summary>
/// Issue 21, ADR 0039: a dispatch round runs a group of events in memory and commits their effects in
/// one short transaction, the events' marks fenced by the batch's token (ADR 0058: in one statement); a group whose commit fails is done
/// again one event at a time, and an event that could read what the group has not saved starts a new group.
/// </summary>
public sealed class GroupCommitTests
{
    private const string T = "river-tees";

    private const string EmailOnAttended = """
        id: test-group-email
        title: Test - tell the supervisor a session took place
        trigger: { event: session.attended }
        steps:
          - id: tell
            send-email: { to: [supervisor], template: missed-sessions }
        """;

    private const string WaitForAttendance = """
        id: test-group-wait
        title: Test - a booking waits to hear that its session took place
        trigger: { event: session.booked }
        steps:
          - id: wait-attended
            wait:
              for: session.attended
              match: session
              timeout: { days: 10 }
              onTimeout:
                - id: late
                  send-email: { to: [supervisor], template: missed-sessions }
          - id: heard
            send-email: { to: [supervisor], template: missed-sessions }
        """;

    private const string AskForAudit = """
        id: test-group-ask
        title: Test - ask whoever attended for the audit
        trigger: { event: session.attended }
        steps:
          - id: ask
            request-form: { to: [supervisees], form: audit-tool, template: annual-audit, expiresInDays: 14 }
        """;

    private const string RemindWhoHasTheAuditOpen = """
        id: test-group-remind
        title: Test - remind every supervisee who has the audit to do
        trigger: { event: session.attended }
        steps:
          - id: remind
            for-each:
              cohort: supervisees
              where: item.openForms.indexOf('audit-tool') >= 0
              steps:
                - id: tell
                  send-email: { to: [item], template: test-group-reminder }
        """;

    private static async Task<List<Guid>> AttendedAsync(WorkflowAppFactory app, int people)
    {
        for (var i = 0; i < people; i++)
            await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var person = await sp.NewPersonAsync($"Group Person {i}", $"group.{i}@river-tees.example", Staff.StaffRoles.Supervisee);
                var r = await sp.StartAsync("safeguarding-one-to-one", await db.StaffIdAsync($"supervisor@{T}.example"), person.Id, sp.Today().AddMonths(-1));
                return await sp.AttendedTodayAsync(r);
            });
        return await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events
            .Where(e => e.Type == "session.attended" && e.DispatchedAt == null).OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence).Select(e => e.Id).ToListAsync());
    }

    private static async Task<Dictionary<Guid, int>> RunsAsync(WorkflowAppFactory app, string workflow) =>
        await app.InTenant(T, async sp => (await sp.GetRequiredService<AppDbContext>().WorkflowInstances
            .Where(i => i.WorkflowId == workflow && i.TriggerEventId != null).Select(i => i.TriggerEventId!.Value).ToListAsync())
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count()));

    /// <summary>The bookings' events marked dispatched: the round that follows is the attendances only.</summary>
    private static Task BookingsOutOfTheWayAsync(WorkflowAppFactory app, SettableClock clock) => app.InTenant(T, async sp =>
    {
        var now = clock.GetUtcNow();
        await sp.GetRequiredService<AppDbContext>().Events.Where(e => e.Type == "session.booked" && e.DispatchedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.DispatchedAt, now));
    });

    private static Task<int> DispatchAsync(WorkflowAppFactory app) =>
        app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None));

    [Fact]
    public async Task Events_about_different_people_commit_together_and_a_failing_one_is_retried_alone_later()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-group-email", EmailOnAttended);
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var failing = new DispatchProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(failing)));
        await DispatchAsync(app); // what start-up and the demo raised, out of the way

        // Six attendances of six people: one group, whose commit fails on the fourth's run.
        var attended = await AttendedAsync(app, 6);
        await BookingsOutOfTheWayAsync(app, clock);
        var poisoned = attended[3];
        failing.FailFor = poisoned;
        await DispatchAsync(app);
        var runs = await RunsAsync(app, "test-group-email");
        Assert.Equal(attended.Where(id => id != poisoned).Order(), runs.Keys.Order());
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        var held = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking().SingleAsync(e => e.Id == poisoned));
        Assert.Null(held.DispatchedAt); // nothing of it was saved; it stays claimed
        Assert.NotNull(held.ClaimedUntil);

        failing.FailFor = null;
        clock.Now += TimeSpan.FromMinutes(6);
        await DispatchAsync(app);
        runs = await RunsAsync(app, "test-group-email");
        Assert.Equal(attended.Order(), runs.Keys.Order());
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DispatchedAt == null)));
    }

    [Fact]
    public async Task A_group_commits_in_one_save_where_each_event_was_its_own_before()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-group-email", EmailOnAttended);
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var probe = new GroupProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await DispatchAsync(app);
        var attended = await AttendedAsync(app, 6);
        await BookingsOutOfTheWayAsync(app, clock);
        probe.Reset();
        await DispatchAsync(app);
        Assert.Equal(attended.Order(), (await RunsAsync(app, "test-group-email")).Keys.Order());
        Assert.Equal(1, probe.Saves); // six sessions of six people: one commit, where one event at a time made six
    }

    [Fact]
    public async Task An_event_whose_claim_was_taken_over_while_its_group_ran_saves_nothing_and_the_others_commit_once()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-group-email", EmailOnAttended);
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var probe = new GroupProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await DispatchAsync(app);
        await AttendedAsync(app, 6);
        await BookingsOutOfTheWayAsync(app, clock);
        var attended = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events
            .Where(e => e.Type == "session.attended" && e.DispatchedAt == null).OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence).Select(e => e.Id).ToListAsync());
        Assert.Equal(6, attended.Count);
        var victim = attended[1];
        var otherToken = Guid.NewGuid();
        // While the third event runs (the first two run and held in memory), another node takes the second.
        probe.Armed = (3, () => app.InTenant(T, async sp =>
        {
            var until = clock.GetUtcNow() + TimeSpan.FromMinutes(5);
            await sp.GetRequiredService<AppDbContext>().Events.Where(e => e.Id == victim)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.ClaimToken, otherToken).SetProperty(e => e.ClaimedBy, "other-node").SetProperty(e => e.ClaimedUntil, until));
        }));
        await DispatchAsync(app);
        Assert.Null(probe.Armed); // the takeover happened mid-round

        var runs = await RunsAsync(app, "test-group-email");
        Assert.Equal(attended.Where(id => id != victim).Order(), runs.Keys.Order()); // the others' effects are there
        Assert.All(runs.Values, n => Assert.Equal(1, n)); // once each, though their group was done again
        var taken = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking().SingleAsync(e => e.Id == victim));
        Assert.Null(taken.DispatchedAt); // the other node's to dispatch: nothing of ours was saved for it
        Assert.Equal(otherToken, taken.ClaimToken);
        Assert.Equal("other-node", taken.ClaimedBy);
        Assert.Equal(5, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => attended.Contains(e.Id) && e.DispatchedAt != null)));
    }

    [Fact]
    public async Task A_run_started_earlier_in_the_batch_still_hears_the_event_it_waits_for()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-group-wait", WaitForAttendance);
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await DispatchAsync(app);
        // Booked then attended, per person: one batch holds each booking (which starts a run waiting for
        // its session's attendance) and the attendance itself, which must not share the booking's group.
        var attended = await AttendedAsync(app, 4);
        await DispatchAsync(app);
        var runs = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking()
            .Where(i => i.WorkflowId == "test-group-wait").Select(i => new { i.SessionId, i.Status }).ToListAsync());
        Assert.Equal(4, runs.Count);
        Assert.All(runs, r => Assert.Equal(InstanceStatus.Completed, r.Status)); // each heard its attendance
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => attended.Contains(e.Id) && e.DispatchedAt == null)));
    }

    [Fact]
    public async Task A_later_event_of_the_group_sees_the_tasks_an_earlier_one_gave_as_if_they_were_saved()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-group-ask", AskForAudit);
        folders.AddWorkflow(T, "test-group-remind", RemindWhoHasTheAuditOpen);
        File.WriteAllText(Path.Combine(folders.Tenants, T, "emails", "test-group-reminder.md"), "subject: Test group reminder\n\nDear {{ recipient.name }}, the audit is still open.\n");
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var probe = new GroupProbe();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await DispatchAsync(app);
        await AttendedAsync(app, 2);
        await BookingsOutOfTheWayAsync(app, clock);
        probe.Reset();
        await DispatchAsync(app);
        Assert.Equal(1, probe.Saves); // the two attendances (of two people) in one group

        // The first attendance asked its supervisee for the audit; the second's reminder, one event later,
        // finds that task open (unsaved when it ran), as it would have had each event been committed alone.
        var reminders = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Outbox.AsNoTracking()
            .Where(m => m.Subject == "Test group reminder").Select(m => m.To).ToListAsync());
        Assert.Equal(["group.0@river-tees.example"], reminders.Where(to => to.StartsWith("group.", StringComparison.Ordinal)));
    }
}
