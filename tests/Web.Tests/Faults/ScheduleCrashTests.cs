using Cronos;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Operations;
using SupervisionHub.Web.Tests.Workflows;
using Xunit.Abstractions;

namespace SupervisionHub.Web.Tests.Faults;

/// <summary>
/// Issue 16, item 1: kill -9 while a node runs a scheduled occurrence. The claim (LastScheduledAt)
/// used to be committed before the run was saved, so a kill in between lost the occurrence for good
/// (8 of 8 times: an annual audit would silently not go). Now the claim commits with the run, so a
/// kill before the commit leaves the occurrence to run after the restart, and one after it leaves
/// it run: once either way.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ScheduleCrashTests(ITestOutputHelper output)
{
    private const string T = "river-tees";
    private const string Id = "test-monthly-audit";
    private const string Cron = "0 9 1 * *";
    private const int Cycles = 3;

    private const string Workflow = $$"""
        id: {{Id}}
        title: Test - the monthly audit asks every member of staff
        trigger: { schedule: "{{Cron}}" }
        steps:
          - id: ask-everyone
            for-each:
              cohort: staff
              steps:
                - id: ask
                  send-email: { to: [item], template: {{Id}} }
        """;

    private const string Template = """
        subject: Test monthly audit

        Dear {{ recipient.name }},

        Please complete this month's audit.

        [Open SupervisionHub]({{ link }})
        """;

    [Fact]
    public async Task A_node_killed_while_it_runs_a_scheduled_occurrence_runs_it_once_after_the_restart()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, Id, Workflow);
        File.WriteAllText(Path.Combine(folders.Tenants, T, "emails", Id + ".md"), Template);
        var file = SharedFolders.DatabaseFile(folders.Data);
        await using var quiet = new QuietAppFactory(file, folders.Tenants);
        var zone = await quiet.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<ITenantContext>().Tenant.TimeZone));
        // Enough people that the run takes a moment (an email each): the kill lands inside it.
        await quiet.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            for (var i = 0; i < 400; i++)
            {
                var member = new StaffMember();
                member.Apply(new StaffDetails($"Audit Person {i}", $"audit-{i}@river-tees.example", null, null, null, StaffRoles.Supervisee, null, null), normalizer);
                db.Staff.Add(member);
            }
            await db.SaveChangesAsync();
        });
        var now = DateTimeOffset.UtcNow;
        var occurrence = CronExpression.Parse(Cron).GetOccurrences(now.AddDays(-40), now, zone, fromInclusive: true, toInclusive: true).Last();

        var settings = Nodes.Settings(file, folders.Tenants);
        settings["Logging:LogLevel:SupervisionHub.Web.Workflows.WorkflowHost"] = "Information"; // its "Running scheduled workflow" line starts the kill
        var node = new AppProcess(settings);
        try
        {
            await node.WaitReadyAsync();
            var killedBeforeCommit = 0;
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var before = await RunsAsync(quiet);
                var running = node.NextLineAsync($"Running scheduled workflow {Id}");
                // The occurrence falls due now: last run a month before it, as after a year's wait for an annual audit.
                await SetLastScheduledAsync(quiet, occurrence.AddDays(-20));
                await running.WaitAsync(TimeSpan.FromSeconds(60));
                if (cycle > 0) await Task.Delay(Random.Shared.Next(0, 100 * cycle)); // the first as soon as it starts, the others a little further in
                await node.KillAsync();

                var (last, runs) = await StateAsync(quiet);
                var committed = runs == before + 1;
                if (!committed) killedBeforeCommit++;
                output.WriteLine($"Cycle {cycle + 1}: killed {(committed ? "after the run committed" : "before the run committed")}; LastScheduledAt {last:o}, runs {runs - before}.");
                Assert.InRange(runs, before, before + 1);
                // Before the fix: LastScheduledAt had moved to the occurrence and no run was saved.
                if (!committed) Assert.NotEqual(occurrence, last);

                await node.DisposeAsync();
                node = new AppProcess(settings);
                await node.WaitReadyAsync();
                await Nodes.WaitUntilAsync(async () => await StateAsync(quiet) is var (l, r) && l == occurrence && r == before + 1, TimeSpan.FromSeconds(60),
                    async () => await StateAsync(quiet) is var (l, r) ? $"The occurrence at {occurrence:o} was not run after the restart: LastScheduledAt {l:o}, runs {r - before}.\n{node.Output}" : "");
                await Task.Delay(TimeSpan.FromSeconds(2.5)); // two more rounds: it must not run again
                Assert.Equal(before + 1, await RunsAsync(quiet));
            }
            Assert.True(killedBeforeCommit > 0, "Every kill landed after the run had committed: the test proved nothing.");
            output.WriteLine($"{killedBeforeCommit} of {Cycles} kills landed inside the run; every occurrence ran exactly once.");
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    private static Task<int> SetLastScheduledAsync(QuietAppFactory app, DateTimeOffset value) => app.InTenant(T, sp =>
        sp.GetRequiredService<AppDbContext>().WorkflowVersions.Where(v => v.WorkflowId == Id && v.IsCurrent)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.LastScheduledAt, value)));

    private static Task<int> RunsAsync(QuietAppFactory app) => app.InTenant(T, sp =>
        sp.GetRequiredService<AppDbContext>().WorkflowInstances.CountAsync(i => i.WorkflowId == Id));

    private static Task<(DateTimeOffset? Last, int Runs)> StateAsync(QuietAppFactory app) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var last = await db.WorkflowVersions.AsNoTracking().Where(v => v.WorkflowId == Id && v.IsCurrent).Select(v => v.LastScheduledAt).SingleAsync();
        return (last, await db.WorkflowInstances.CountAsync(i => i.WorkflowId == Id));
    });
}
