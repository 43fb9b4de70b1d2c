using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// Plays another node's work once, at the moment this node is about to commit a run it started: as its
/// save's transaction begins (before it, on SQLite, holds the database's write lock).
/// </summary>
public sealed class BeforeRunCommits : DbTransactionInterceptor
{
    public Func<Task>? Armed { get; set; }

    public override async ValueTask<InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(System.Data.Common.DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<System.Data.Common.DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (Armed is { } other && eventData.Context!.ChangeTracker.Entries<WorkflowInstance>().Any(i => i.State == EntityState.Added))
        {
            Armed = null;
            await other();
        }
        return result;
    }
}

/// <summary>
/// ADR 0045: a dispatch round reads the waits its events could resume as it begins, so two nodes
/// dispatching one tenant at once could lose an event: node A's booking starts a run waiting for the
/// session's attendance, and node B, which read the waits before A committed that run, marks the
/// attendance dispatched with nobody to hear it. One node dispatches a tenant at a time.
/// </summary>
public sealed class DispatchLeaseTests
{
    private const string T = "river-tees";

    private const string WaitForAttendance = """
        id: test-lease-wait
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
                  note: not heard
          - id: heard
            note: heard
        """;

    private static async Task<Relationship> RelationshipAsync(IServiceProvider sp, string email)
    {
        var person = await sp.NewPersonAsync("Lease Person", email, Staff.StaffRoles.Supervisee);
        var supervisor = await sp.GetRequiredService<AppDbContext>().StaffIdAsync($"supervisor@{T}.example");
        return await sp.StartAsync("safeguarding-one-to-one", supervisor, person.Id, sp.Today().AddMonths(-1));
    }

    [Fact]
    public async Task An_event_another_node_would_dispatch_while_a_run_waiting_for_it_is_being_committed_is_still_heard()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-lease-wait", WaitForAttendance);
        var clock = new SettableClock(Seasons.UtcNow);
        var probe = new BeforeRunCommits();
        await using var a = new WorkflowAppFactory(folders.Data, folders.Tenants, clock, s => s.ConfigureAppDbContext(o => o.AddInterceptors(probe)));
        await using var b = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        Task<int> DispatchAsync(WorkflowAppFactory app, string node) =>
            app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None, node));
        await DispatchAsync(a, "node-a"); // what start-up and the demo raised, out of the way

        var session = await a.InTenant(T, async sp =>
        {
            return (await sp.BookAsync(await RelationshipAsync(sp, "lease.person@river-tees.example"), sp.Today())).Id;
        });
        var othersRound = -1;
        // As node A is about to commit the run its booking started, the session is recorded as attended
        // and node B dispatches: the attendance is not in A's batch, and B's round begins before A's run is saved.
        probe.Armed = async () =>
        {
            await b.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var s = await db.Sessions.Include(x => x.Attendance).SingleAsync(x => x.Id == session);
                var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == s.RelationshipId);
                s.MarkAttended(r.CurrentMembers.ToDictionary(m => m.StaffId, _ => MemberAttendance.Present), r.SupervisorId, clock.GetUtcNow(), sp.Today());
                await db.SaveChangesAsync();
            });
            othersRound = await DispatchAsync(b, "node-b");
        };
        await DispatchAsync(a, "node-a");
        Assert.Null(probe.Armed); // B's turn came while A held its run in memory

        await DispatchAsync(b, "node-b"); // A has finished: B's next round dispatches the attendance
        var run = await a.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking().SingleAsync(i => i.WorkflowId == "test-lease-wait"));
        Assert.Equal(InstanceStatus.Completed, run.Status); // it heard the attendance (without the lease: waiting still, the attendance dispatched unheard)
        Assert.Equal(0, othersRound); // because B left the tenant to A
        var lease = await a.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Set<DispatchLease>().AsNoTracking().SingleAsync());
        Assert.Null(lease.Until); // given back at the end of each round
    }

    [Fact]
    public async Task A_lease_left_by_a_node_that_died_lapses_after_its_claims_and_another_node_takes_over()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.UtcNow);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var claimFor = await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<WorkflowHost>().ClaimFor));
        await app.InTenant(T, async sp =>
        {
            // A node that took the lease and died: never given back.
            Assert.NotNull(await new DispatchLeases(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<Tenancy.ITenantContext>(), clock).TryTakeAsync("dead-node", clock.GetUtcNow() + claimFor + TimeSpan.FromSeconds(30), CancellationToken.None));
            await sp.BookAsync(await RelationshipAsync(sp, "lease.dead@river-tees.example"), sp.Today());
        });
        Task<int> DispatchAsync() => app.InTenant(T, sp => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None, "node-b"));

        Assert.Equal(0, await DispatchAsync());
        clock.Now += claimFor; // its claims would have lapsed now, the lease not yet
        Assert.Equal(0, await DispatchAsync());
        clock.Now += TimeSpan.FromSeconds(31);
        Assert.True(await DispatchAsync() > 0);
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DispatchedAt == null)));
    }
}
