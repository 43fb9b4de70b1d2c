using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// A dispatch round reads its events' contexts in bulk (ADR 0038); what each event is given must be
/// what it would read alone, histories included as they stood at the event's own time.
/// </summary>
public sealed class BulkContextTests
{
    private const string T = "river-tees";

    [Fact]
    public async Task A_batch_over_several_supervisions_gets_exactly_the_contexts_each_event_would_read_alone()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.MiddayOf(Seasons.UtcNow));
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(1000, CancellationToken.None)); // start-up's and the demo's events out of the way

        var twice = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
            var ids = new List<Guid>();
            async Task<Relationship> PairAsync(string name, string type, params string[] more)
            {
                var person = await sp.NewPersonAsync(name, $"{name.Replace(' ', '.').ToLowerInvariant()}@{T}.example", StaffRoles.Supervisee);
                var started = await sp.GetRequiredService<Allocation>().StartAsync(type, supervisor, [person.Id, .. more], sp.Today().AddMonths(-2), CancellationToken.None);
                await db.SaveChangesAsync();
                return started.Relationship;
            }
            async Task<Session> HeldAsync(Relationship r, int hour, Action<Session, DateTimeOffset> outcome)
            {
                clock.Now += TimeSpan.FromMinutes(1); // each outcome at its own time, as people enter them
                var s = Session.Book(r, sp.Today(), new TimeOnly(hour, 0), 60, null, supervisor, clock.Now, sp.Today());
                db.Sessions.Add(s);
                await db.SaveChangesAsync();
                outcome(s, clock.Now);
                await db.SaveChangesAsync();
                return s;
            }
            void Missed(Session s, DateTimeOffset now, Relationship r) => s.MarkDidNotAttend(r.CurrentMembers.Select(m => m.StaffId), "No show", supervisor, now, sp.Today());

            // Two misses in a row: dispatched in one round, they must read one and two.
            var a = await PairAsync("Bulk Alpha", "safeguarding-one-to-one");
            await HeldAsync(a, 9, (s, now) => Missed(s, now, a));
            await HeldAsync(a, 11, (s, now) => Missed(s, now, a));
            // Attended, then missed, in another supervision.
            var b = await PairAsync("Bulk Bravo", "safeguarding-one-to-one");
            await HeldAsync(b, 9, (s, now) => s.MarkAttended(b.CurrentMembers.ToDictionary(m => m.StaffId, _ => MemberAttendance.Present), supervisor, now, sp.Today()));
            await HeldAsync(b, 11, (s, now) => Missed(s, now, b));
            // A group: one member present and one absent, then a session the supervisor cancelled (about nobody in particular).
            var other = await sp.NewPersonAsync("Bulk Delta", $"bulk.delta@{T}.example", StaffRoles.Supervisee);
            var g = await PairAsync("Bulk Charlie", "safeguarding-group", other.Id);
            var first = g.CurrentMembers.First().StaffId;
            await HeldAsync(g, 9, (s, now) => s.MarkAttended(g.CurrentMembers.ToDictionary(m => m.StaffId, m => m.StaffId == first ? MemberAttendance.Present : MemberAttendance.Absent), supervisor, now, sp.Today()));
            await HeldAsync(g, 13, (s, now) => s.Cancel(bySupervisor: true, "Supervisor unwell", supervisor, now));
            return a.Id;
        });

        var events = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking()
            .Where(e => e.DispatchedAt == null).OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence).ToListAsync());
        Assert.True(events.Select(e => e.RelationshipId).Distinct().Count() >= 3);

        // In bulk, as a round reads them; then each alone, in a scope of its own.
        var together = await app.InTenant(T, async sp =>
        {
            var builder = sp.GetRequiredService<WorkflowContextBuilder>();
            await builder.PrepareAsync(events, CancellationToken.None);
            var contexts = new List<WorkflowContext>();
            foreach (var e in events) contexts.Add(await builder.ForEventAsync(e, CancellationToken.None));
            return contexts;
        });
        var alone = new List<WorkflowContext>();
        foreach (var e in events)
            alone.Add(await app.InTenant(T, sp => sp.GetRequiredService<WorkflowContextBuilder>().ForEventAsync(e, CancellationToken.None)));

        for (var i = 0; i < events.Count; i++)
            Assert.Equal(Shape(alone[i]), Shape(together[i]));
        Assert.Contains(together, c => c.History is null || c.People.Supervisees.Count > 0); // contexts are not empty shells
        var misses = events.Select((e, i) => (e, i)).Where(x => x.e.RelationshipId == twice && x.e.Type == EventTypes.SessionMissed)
            .Select(x => together[x.i].History!.ConsecutiveMisses).ToList();
        Assert.Equal([1, 2], misses);
        // The group's cancellation reads the group's own history; the absent member's miss, their own.
        Assert.Contains(events.Select((e, i) => (e, i)), x => x.e.Type == EventTypes.SessionCancelled && together[x.i].History is not null);
    }

    [Fact]
    public async Task Sessions_of_one_day_count_in_the_order_they_were_held_whatever_the_order_they_were_entered_in()
    {
        // The batch's history read is ordered in memory (ADR 0042), not by the database, whose order for one
        // day's sessions depended on its plan: a miss at 11:00 after an attended 9:00 is one miss in a row,
        // though the 11:00 session was booked first.
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.MiddayOf(Seasons.UtcNow));
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(1000, CancellationToken.None));

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
            var person = await sp.NewPersonAsync("Same Day", $"same.day@{T}.example", StaffRoles.Supervisee);
            var r = await sp.StartAsync("safeguarding-one-to-one", supervisor, person.Id, sp.Today().AddMonths(-1));
            var late = Session.Book(r, sp.Today(), new TimeOnly(11, 0), 60, null, supervisor, clock.Now, sp.Today());
            db.Sessions.Add(late);
            await db.SaveChangesAsync();
            var early = Session.Book(r, sp.Today(), new TimeOnly(9, 0), 60, null, supervisor, clock.Now, sp.Today());
            db.Sessions.Add(early);
            await db.SaveChangesAsync();
            clock.Now += TimeSpan.FromMinutes(1);
            early.MarkAttended(new Dictionary<string, MemberAttendance> { [person.Id] = MemberAttendance.Present }, supervisor, clock.Now, sp.Today());
            await db.SaveChangesAsync();
            clock.Now += TimeSpan.FromMinutes(1);
            late.MarkDidNotAttend([person.Id], "No show", supervisor, clock.Now, sp.Today());
            await db.SaveChangesAsync();
        });

        var missed = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking()
            .SingleAsync(e => e.DispatchedAt == null && e.Type == EventTypes.SessionMissed));
        var history = (await app.InTenant(T, sp => sp.GetRequiredService<WorkflowContextBuilder>().ForEventAsync(missed, CancellationToken.None))).History!;
        Assert.Equal(1, history.ConsecutiveMisses);
        Assert.Equal(1, history.All!.ConsecutiveMisses);
        Assert.Equal([0], history.SessionDaysAgo);
        Assert.Equal([0], history.MissDaysAgo);
    }

    [Fact]
    public async Task A_round_reads_its_events_histories_in_the_same_number_of_queries_for_six_events_as_for_two()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.MiddayOf(Seasons.UtcNow));
        var reads = new HistoryReads();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(reads)));
        await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(1000, CancellationToken.None)); // start-up's and the demo's events out of the way

        async Task<int> RoundOfMissesAsync(int count)
        {
            for (var i = 0; i < count; i++)
                await app.InTenant(T, async sp =>
                {
                    var db = sp.GetRequiredService<AppDbContext>();
                    var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
                    var person = await sp.NewPersonAsync($"Round {count} Person {i}", $"round{count}.{i}@{T}.example", StaffRoles.Supervisee);
                    var r = await sp.StartAsync("safeguarding-one-to-one", supervisor, person.Id, sp.Today().AddMonths(-1));
                    var s = Session.Book(r, sp.Today(), new TimeOnly(9, 0), 60, null, supervisor, clock.Now, sp.Today());
                    db.Sessions.Add(s);
                    await db.SaveChangesAsync();
                    s.MarkDidNotAttend([person.Id], "No show", supervisor, clock.Now, sp.Today());
                    await db.SaveChangesAsync();
                });
            reads.Reset();
            reads.On = true;
            var dispatched = await app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None));
            reads.On = false;
            Assert.True(dispatched >= count);
            return reads.Count;
        }

        var two = await RoundOfMissesAsync(2);
        var six = await RoundOfMissesAsync(6);
        Assert.True(two > 0);
        Assert.Equal(two, six); // one event at a time read them per event: three times as many for six
    }

    /// <summary>Counts the reads of sessions and attendance: what histories and statuses are made of.</summary>
    private sealed class HistoryReads : DbCommandInterceptor
    {
        private int _count;
        public volatile bool On;
        public int Count => Volatile.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);

        private void Look(DbCommand command)
        {
            var sql = command.CommandText;
            if (On && sql.TrimStart().StartsWith("SELECT", StringComparison.Ordinal)
                   && (sql.Contains("FROM \"Sessions\"", StringComparison.Ordinal) || sql.Contains("FROM \"SessionAttendance\"", StringComparison.Ordinal)))
                Interlocked.Increment(ref _count);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Look(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Look(command);
            return result;
        }
    }

    /// <summary>Everything a run reads, as text (the lazily read staff roles and cohorts go through the same scope either way).</summary>
    private static string Shape(WorkflowContext c) => JsonSerializer.Serialize(new
    {
        c.Event, c.Relationship, c.History, Answers = c.Answers?.ToJsonString(), c.Today, c.TenantName,
        c.People.Supervisor, c.People.Supervisees, c.People.LineManagersOfSupervisees, c.People.LineManagerOfSupervisor,
        c.People.Person, c.People.LineManagerOfPerson, c.People.RoleHolders, c.People.SiteRoleHolders,
    });
}
