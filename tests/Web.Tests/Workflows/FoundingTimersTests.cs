using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;
using static SupervisionHub.Web.Tests.Workflows.Scenario;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// The founding rules' scenario tests run in the simulator, in memory, where a time with an offset
/// compares rightly. Here the same timed rules run through the real worker and database, in winter
/// and in summer time: the wait must fall due at the instant the simulator works out from the same
/// start, to the second, and fire then, not an hour late.
/// </summary>
public abstract class FoundingTimersTests(Season season)
{
    private readonly DateTimeOffset Start = Seasons.Start(season);

    [Theory]
    [InlineData("mse-icb", "evaluation-after-session", SessionOutcome.Attended)] // 7 working days
    [InlineData("devon-torbay", "rebook-within-two-weeks", SessionOutcome.CancelledBySupervisee)] // 14 days
    public async Task A_founding_rules_wait_times_out_in_the_real_worker_when_its_scenario_in_the_simulator_does(string tenant, string workflow, SessionOutcome outcome)
    {
        const string TypeId = "one-to-one";
        Assert.Equal(season == Season.Summer, Seasons.IsSummerTime(Start));
        var local = TimeZoneInfo.ConvertTime(Start, London);
        var today = DateOnly.FromDateTime(local.DateTime);
        var script = $$"""
            until: {{today.AddDays(60):yyyy-MM-dd}}
            sessions:
              - { date: {{today:yyyy-MM-dd}}, outcome: {{(outcome == SessionOutcome.Attended ? "attended" : "cancelled-by-supervisee")}} }
            """;
        var simulated = Run(tenant, workflow, Settings(tenant, TypeId) with { SessionTime = TimeOnly.FromDateTime(local.DateTime) }, script);
        var due = Assert.Single(simulated.Journal, j => j.StepId == "remind").At;

        using var folders = new SharedFolders();
        var clock = new SettableClock(Start - TimeSpan.FromHours(1));
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await app.InTenant(tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await sp.NewPersonAsync("Sam Seasons", $"seasons@{tenant}.example", Staff.StaffRoles.Supervisee);
            var r = await sp.StartAsync(TypeId, await db.StaffIdAsync($"supervisor@{tenant}.example"), person.Id, sp.Today().AddMonths(-1));
            if (outcome == SessionOutcome.Attended)
            {
                clock.Now = Start;
                await sp.AttendedTodayAsync(r);
                return;
            }
            // Booked an hour before it is cancelled, so the booking is not taken for the new date the rule waits for.
            var session = Session.Book(r, sp.Today().AddDays(7), new TimeOnly(10, 0), 60, null, r.SupervisorId, clock.GetUtcNow(), sp.Today());
            db.Sessions.Add(session);
            await db.SaveChangesAsync();
            clock.Now = Start;
            session.Cancel(bySupervisor: false, "Unwell", person.Id, clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        await app.RoundAsync(tenant);

        Task<List<WorkflowInstance>> InstancesAsync() => app.InTenant(tenant, sp =>
            sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking().Where(i => i.WorkflowId == workflow).ToListAsync());
        var waiting = Assert.Single(await InstancesAsync());
        Task<int> RemindedAsync() => app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().JournalEntries.CountAsync(j => j.InstanceId == waiting.Id && j.StepId == "remind"));
        Assert.Equal(due, waiting.DueAt);

        clock.Now = due - TimeSpan.FromMinutes(1);
        await app.RoundAsync(tenant);
        Assert.Equal(0, await RemindedAsync());
        clock.Now = due + TimeSpan.FromMinutes(1);
        await app.RoundAsync(tenant);
        Assert.Equal(1, await RemindedAsync());
        Assert.Equal(InstanceStatus.Completed, Assert.Single(await InstancesAsync()).Status);
    }
}

public sealed class FoundingTimersTestsInWinter() : FoundingTimersTests(Season.Winter);

public sealed class FoundingTimersTestsInSummer() : FoundingTimersTests(Season.Summer);
