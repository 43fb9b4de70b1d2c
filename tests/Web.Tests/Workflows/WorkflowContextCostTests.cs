using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>The demo tenants with every query's commands and rows counted, and no background round to muddy the count.</summary>
public sealed class ContextCostFactory : AppFactory
{
    public RowCounter Counter { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureAppDbContext(o => o.AddInterceptors(Counter));
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionSweepService)));
            services.Remove(services.Single(d => d.ImplementationType == typeof(WorkflowWorker)));
        });
    }
}

/// <summary>
/// An event's context reads the people the event names, not the organisation: at 20,000 staff it
/// took 0.66 s an event because it read everyone to find a supervisor and a line manager, and the
/// sweep raises tens of thousands of events in such a tenant.
/// </summary>
public sealed class WorkflowContextCostTests(ContextCostFactory app) : IClassFixture<ContextCostFactory>
{
    private const string T = "ralph-thoresby";

    private Task AddStaffAsync(int from, int count) => app.InTenant(T, async sp =>
    {
        for (var i = from; i < from + count; i++)
            await sp.NewPersonAsync($"Costed Person {i:D3}", $"costed{i:D3}@ralph-thoresby.example", StaffRoles.Supervisee | StaffRoles.SafeguardingLead);
    });

    /// <summary>
    /// Builds the context twice (the first warms what is cached per process) and counts the second;
    /// then, in the same scope (what a run reads on demand needs its database), looks at it.
    /// </summary>
    private Task<(int Commands, int Rows)> CountAsync(Func<WorkflowContextBuilder, Task<WorkflowContext>> build, Action<WorkflowContext> look) => app.InTenant(T, async sp =>
    {
        var builder = sp.GetRequiredService<WorkflowContextBuilder>();
        await build(builder);
        app.Counter.Reset();
        app.Counter.On = true;
        WorkflowContext context;
        (int, int) read;
        try
        {
            context = await build(builder);
            read = app.Counter.Read;
        }
        finally
        {
            app.Counter.On = false;
        }
        look(context);
        return read;
    });

    private sealed record Cast(DomainEvent Event, StaffMember Manager, StaffMember Supervisor, StaffMember Supervisee);

    private Task<Cast> CastAsync(string prefix) => app.InTenant(T, async sp =>
    {
        var manager = await sp.NewPersonAsync($"{prefix} Manager", $"{prefix}-manager@ralph-thoresby.example", StaffRoles.LineManager);
        var supervisor = await sp.NewPersonAsync($"{prefix} Supervisor", $"{prefix}-supervisor@ralph-thoresby.example", StaffRoles.Supervisor, manager.Id);
        var supervisee = await sp.NewPersonAsync($"{prefix} Supervisee", $"{prefix}-supervisee@ralph-thoresby.example", StaffRoles.Supervisee, manager.Id);
        var relationship = await sp.StartAsync("one-to-one", supervisor.Id, supervisee.Id, sp.Today());
        // Never saved: the worker is off, and the builder reads only the event it is given.
        var e = new DomainEvent(EventTypes.SessionMissed, sp.GetRequiredService<TimeProvider>().GetUtcNow(), relationship.Id, staffId: supervisee.Id);
        return new Cast(e, manager, supervisor, supervisee);
    });

    [Fact]
    public async Task Building_an_events_context_reads_the_same_rows_for_5_more_staff_as_for_55_more_and_still_names_its_people()
    {
        var cast = await CastAsync("cost");
        var lead = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().StaffIdAsync("lead@ralph-thoresby.example"));
        await AddStaffAsync(0, 5);
        var few = await CountAsync(b => b.ForEventAsync(cast.Event, CancellationToken.None), _ => { });
        await AddStaffAsync(5, 50);
        var many = await CountAsync(b => b.ForEventAsync(cast.Event, CancellationToken.None), context => NamesItsPeople(context, cast, lead));

        Assert.Equal(few.Commands, many.Commands);
        Assert.Equal(few.Rows, many.Rows);
    }

    private static void NamesItsPeople(WorkflowContext context, Cast cast, string lead)
    {
        var people = context.People;
        Assert.Equal(cast.Supervisor.Id, people.Supervisor?.StaffId);
        Assert.Equal(cast.Supervisee.Id, Assert.Single(people.Supervisees).StaffId);
        Assert.Equal(cast.Manager.Id, Assert.Single(people.LineManagersOfSupervisees).StaffId);
        Assert.Equal(cast.Manager.Email, people.LineManagerOfSupervisor?.Email);
        Assert.Equal(cast.Supervisee.FullName, people.Person?.Name);
        Assert.Equal(cast.Manager.Id, people.LineManagerOfPerson?.StaffId);
        // A tenant role held by a member of staff names them; one held by an outside address names the role.
        Assert.Equal(lead, Assert.Single(people.Resolve("role:designated-safeguarding-lead", null)).StaffId);
        Assert.Equal(new Recipient(null, "Education Safeguarding Team (Leeds)", "est@leeds-education.example"),
            Assert.Single(people.Resolve("role:education-safeguarding-team", null)));
        // Staff roles and cohorts are read when a run asks for them, and then name everyone who holds them.
        Assert.Contains(people.Resolve("staff-role:safeguarding-lead", null), r => r.StaffId == lead);
        Assert.Contains(people.Resolve("staff-role:safeguarding-lead", null), r => r.Name == "Costed Person 054");
        Assert.Contains(context.Cohorts("supervisees"), m => m.Name == "Costed Person 054");
    }

    [Fact]
    public async Task A_scheduled_runs_context_reads_the_same_rows_for_more_staff_and_its_cohort_once()
    {
        await AddStaffAsync(200, 5);
        var few = await CountAsync(b => b.ForScheduleAsync(Seasons.UtcNow, CancellationToken.None), _ => { });
        await AddStaffAsync(205, 50);
        var many = await CountAsync(b => b.ForScheduleAsync(Seasons.UtcNow, CancellationToken.None), context =>
        {
            // A for-each over everyone is large by nature; it is read once for the run, however
            // many steps and members use it.
            app.Counter.Reset();
            app.Counter.On = true;
            try
            {
                Assert.Contains(context.Cohorts("staff"), m => m.Name == "Costed Person 254");
                var once = app.Counter.Read;
                Assert.True(once.Commands > 0);
                Assert.Contains(context.Cohorts("supervisees"), m => m.Name == "Costed Person 254");
                Assert.NotEmpty(context.Cohorts("role:designated-safeguarding-lead"));
                Assert.Equal(once, app.Counter.Read);
            }
            finally
            {
                app.Counter.On = false;
            }
        });
        Assert.Equal(few.Commands, many.Commands);
        Assert.Equal(few.Rows, many.Rows);
    }
}
