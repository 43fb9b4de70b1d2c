using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.TenantText;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Limits;

/// <summary>
/// Issue 15 item 2 in the real worker: a tenant's misbehaving rule or template becomes that tenant's
/// incident, and while it misbehaves the other tenants' pages and rules go on at their usual speed.
/// </summary>
public sealed class WorkerLimitsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);

    private static string Rule(string id, string condition, string step) => $"""
        id: {id}
        title: A test rule for the limits
        trigger:
          event: training.expiring
        condition: "{condition}"
        steps:
          - id: act
            {step}
        """ + "\n";

    /// <summary>Events a rule listens for, about the tenant's demo supervisor.</summary>
    private static Task EventsAsync(WorkflowAppFactory app, string tenant, int count) => app.InTenant(tenant, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var staff = await db.StaffIdAsync($"supervisor@{tenant}.example");
        for (var i = 0; i < count; i++) db.Events.Add(new DomainEvent(EventTypes.TrainingExpiring, Start.AddMinutes(i), staffId: staff));
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task A_condition_that_allocates_and_a_template_that_loops_for_real_people_become_incidents_and_send_nothing()
    {
        using var folders = new SharedFolders();
        const string T = "river-tees";
        folders.AddWorkflow(T, "limits-memory", Rule("limits-memory", "'x'.repeat(268435456).length > 0", "note: \"never\""));
        folders.AddWorkflow(T, "limits-email", Rule("limits-email", "true", "send-email: { to: [address:someone@example.org], template: limits-loop }"));
        // The preview's sample recipient gets a short email, so the template publishes; a real one would loop.
        File.WriteAllText(Path.Combine(folders.Tenants, T, "emails", "limits-loop.md"),
            "subject: Hello {{ recipient.name }}\n\n{% if recipient.name == \"Robin Recipient\" %}Hello{% else %}{% for i in (1..100000000) %}{% endfor %}{% endif %}\n");
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, new SettableClock(Start));
        await EventsAsync(app, T, 1);

        var before = GC.GetTotalAllocatedBytes();
        await app.RoundAsync(T); // the round itself must not fail
        Assert.True(GC.GetTotalAllocatedBytes() - before < 400L * 1024 * 1024, $"allocated {(GC.GetTotalAllocatedBytes() - before) / 1024 / 1024} MB");

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.True(await db.Events.AllAsync(e => e.DispatchedAt != null));
            var runs = await db.WorkflowInstances.Where(i => i.WorkflowId.StartsWith("limits-")).ToListAsync();
            Assert.Equal(2, runs.Count);
            Assert.All(runs, r => Assert.Equal(InstanceStatus.Faulted, r.Status));
            var incidents = await db.Incidents.Where(i => runs.Select(r => r.Id).Contains(i.InstanceId)).Select(i => i.Message).ToListAsync();
            Assert.Contains(incidents, m => m.Contains("A string of 268,435,456 characters would be made", StringComparison.Ordinal));
            Assert.Contains(incidents, m => m.Contains("limits-loop.md", StringComparison.Ordinal)
                && m.Contains($"collection size of {TenantTextLimits.LiquidMaxCollectionItems} items", StringComparison.Ordinal)
                && m.Contains("Nothing from this run was sent", StringComparison.Ordinal));
            Assert.False(await db.Outbox.AnyAsync(o => o.To == "someone@example.org"));
        });
    }

    [Fact]
    public async Task A_template_that_fails_takes_back_its_own_runs_earlier_emails_and_leaves_the_other_runs_of_the_event()
    {
        // What a failed run added is heard as the tracker takes it (ADR 0042), not found by scanning the
        // tracker before and after: its first email goes with it, another rule's email of the same event stays.
        using var folders = new SharedFolders();
        const string T = "river-tees";
        File.WriteAllText(Path.Combine(folders.Tenants, T, "emails", "limits-fine.md"), "subject: Fine\n\nHello {{ recipient.name }}\n");
        File.WriteAllText(Path.Combine(folders.Tenants, T, "emails", "limits-loop.md"),
            "subject: Hello {{ recipient.name }}\n\n{% if recipient.name == \"Robin Recipient\" %}Hello{% else %}{% for i in (1..100000000) %}{% endfor %}{% endif %}\n");
        folders.AddWorkflow(T, "limits-kept", Rule("limits-kept", "true", "send-email: { to: [address:kept@example.org], template: limits-fine }"));
        folders.AddWorkflow(T, "limits-taken", Rule("limits-taken", "true", "send-email: { to: [address:first@example.org], template: limits-fine }")
            + "  - id: then\n    send-email: { to: [address:someone@example.org], template: limits-loop }\n");
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, new SettableClock(Start));
        await EventsAsync(app, T, 1);

        await app.RoundAsync(T);

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.True(await db.Events.AllAsync(e => e.DispatchedAt != null));
            var taken = await db.WorkflowInstances.SingleAsync(i => i.WorkflowId == "limits-taken");
            Assert.Equal(InstanceStatus.Faulted, taken.Status);
            Assert.Equal(InstanceStatus.Completed, (await db.WorkflowInstances.SingleAsync(i => i.WorkflowId == "limits-kept")).Status);
            Assert.Equal(1, await db.Outbox.CountAsync(o => o.To == "kept@example.org"));
            Assert.False(await db.Outbox.AnyAsync(o => o.To == "first@example.org" || o.To == "someone@example.org"));
        });
    }

    [Fact]
    public async Task While_one_tenants_rule_backtracks_on_every_event_another_tenants_pages_answer_as_usual_and_its_rule_runs_in_the_same_round()
    {
        using var folders = new SharedFolders();
        const string Slow = "ascent", Other = "river-tees"; // the worker takes tenants by name: the slow one goes first
        folders.AddWorkflow(Slow, "limits-slow", Rule("limits-slow", "/^(a+)+$/.test('a'.repeat(40) + '!')", "note: \"never\""));
        folders.AddWorkflow(Other, "limits-quick", Rule("limits-quick", "true", "note: \"ran\""));
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, new SettableClock(Start));
        // 200 events, each a regular expression stopped at its 100 ms limit: 20 s of one tenant's work in one round without the round budget.
        await EventsAsync(app, Slow, 200);
        await EventsAsync(app, Other, 1);

        var admin = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignIn(Other, $"admin@{Other}.example", AppFactory.DemoPassword)).StatusCode);
        async Task<TimeSpan> PageAsync()
        {
            var clock = Stopwatch.StartNew();
            var response = await admin.GetAsync($"/{Other}/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return clock.Elapsed;
        }
        await PageAsync(); // warm
        var usual = new List<TimeSpan>();
        for (var i = 0; i < 7; i++) usual.Add(await PageAsync());

        var round = Stopwatch.StartNew();
        var worker = Task.Run(() => app.Services.GetRequiredService<PerTenantRunner>().RunForEachAsync("workflows", WorkflowWorker.RunOnceAsync, CancellationToken.None));
        var during = new List<TimeSpan>();
        while (!worker.IsCompleted || during.Count < 3) during.Add(await PageAsync());
        await worker;
        round.Stop();

        // The other tenant's rule ran in this same round, after the slow tenant had used its share.
        var ran = await app.InTenant(Other, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.WorkflowId == "limits-quick"));
        Assert.Equal(InstanceStatus.Completed, ran.Status);
        var slowLeft = await app.InTenant(Slow, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DispatchedAt == null));
        Assert.InRange(slowLeft, 1, 199); // it did some, and left the rest for its next rounds
        var share = TimeSpan.FromMilliseconds(TenantTextLimits.WorkerRoundBudgetMs) + SupervisionHub.Workflows.Engine.WorkflowRunner.RunBudget;
        Assert.True(round.Elapsed < share + TimeSpan.FromSeconds(10), $"the round took {round.Elapsed}");

        // Pages: the median while the slow rule runs stays near the usual one (generous: the machine is shared).
        static TimeSpan Median(List<TimeSpan> xs) => xs.Order().ElementAt(xs.Count / 2);
        Assert.True(Median(during) < Median(usual) * 3 + TimeSpan.FromMilliseconds(300), $"usual {Median(usual)}, during {Median(during)} over {during.Count} pages");
    }
}
