using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>The hourly sweep raises the time-driven events once each, however often it runs.</summary>
public sealed class SweepTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task An_overdue_action_an_overdue_supervisee_and_expiring_training_are_each_raised_once()
    {
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var records = sp.GetRequiredService<SessionRecords>();
            var allocation = sp.GetRequiredService<Allocation>();
            // The hourly service's path: a round, limited to this tenant.
            async Task<int> Sweep() => (await sp.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => t.Identifier == "ralph-thoresby")).Raised;
            var today = sp.Today();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();

            // An action due yesterday, from a record of today's session.
            var supervisee = await db.StaffIdAsync("joanna.pawlak@ralph-thoresby.example");
            var relationship = await sp.StartAsync("one-to-one", await db.StaffIdAsync("supervisor@ralph-thoresby.example"), supervisee, today.AddMonths(-1));
            var session = await sp.AttendedTodayAsync(relationship);
            var record = await records.StartRecordAsync(session, allocation.Type("one-to-one"), relationship.SupervisorId, CancellationToken.None);
            var answers = record.Answers;
            answers["actions"] = new JsonArray(new JsonObject { ["action"] = "Chase the referral", ["by-whom"] = "Joanna", ["by-when"] = today.AddDays(-1).ToString("yyyy-MM-dd") });
            record.Submit(answers, now);
            await records.SyncActionsAsync(record, FormCatalog.Definition(await db.FormVersions.SingleAsync(v => v.Id == record.FormVersionId)), CancellationToken.None);
            await db.SaveChangesAsync();
            var actionId = (await db.Actions.SingleAsync(a => a.SourceRecordId == record.Id)).Id;

            // A supervisee paired seven months ago with no session at all: overdue under "every 6 weeks".
            var neglected = await db.StaffIdAsync("rhiannon.pryce@ralph-thoresby.example");
            var late = await sp.StartAsync("one-to-one", await db.StaffIdAsync("lead@ralph-thoresby.example"), neglected, today.AddMonths(-7));

            var first = await Sweep();
            Assert.True(first > 0);
            Assert.Equal(1, await db.Events.CountAsync(e => e.Type == EventTypes.ActionOverdue && e.DedupeKey == $"action.overdue:{actionId:N}"));
            Assert.Equal(1, await db.Events.CountAsync(e => e.Type == EventTypes.SupervisionOverdue && e.RelationshipId == late.Id && e.StaffId == neglected));
            Assert.Equal(0, await Sweep()); // nothing new: every fact already raised
        });
    }
}
