using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using TaskStatus = SupervisionHub.Web.Workflows.TaskStatus;

namespace SupervisionHub.Web.Tests.Data;

/// <summary>
/// ADR 0058: a dispatch group's journal lines and emails go in multi-row INSERTs beside the tracker's save.
/// What is read back must be what EF Core would have written (times in UTC, ids, tenant), all or nothing,
/// and never in another tenant.
/// </summary>
public sealed class BulkAppendTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static readonly Type[] Appended = [typeof(JournalEntry), typeof(OutboxMessage)];

    [Fact]
    public async Task Appended_rows_read_back_as_written_with_the_tenant_stamped_and_the_rest_of_the_save_beside_them()
    {
        var instance = Guid.NewGuid();
        // A summer time with its local offset: stored and read back as the same instant in UTC.
        var at = new DateTimeOffset(2027, 7, 1, 9, 30, 15, TimeSpan.FromHours(1)).AddMilliseconds(123);
        var emails = Enumerable.Range(0, 230).Select(i => new OutboxMessage($"bulk{i}@ascent.example", $"Subject {i}", $"Body {i} — “quoted”", at, i % 2 == 0 ? null : "cc@ascent.example")).ToList();
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            for (var i = 0; i < 250; i++) db.JournalEntries.Add(new JournalEntry(instance, at.AddSeconds(i), "step-" + i, "what " + i, i == 3 ? "" : "decided " + i));
            db.Outbox.AddRange(emails);
            // Changed after it was added: written as it stands at the save, though appended rows are not detected.
            emails[7].Attach("invite.ics", "text/calendar; method=REQUEST; charset=utf-8", "BEGIN:VCALENDAR");
            db.Incidents.Add(new Incident(instance, "tracked", "saved by the tracker, not appended", at)); // the tracker's own save, same transaction
            await db.SaveAppendingAsync(Appended, CancellationToken.None);
            Assert.DoesNotContain(db.ChangeTracker.Entries(), e => e.Entity is JournalEntry or OutboxMessage);
        });

        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var tenant = sp.GetRequiredService<ITenantContext>().Tenant.Id;
            var journal = await db.JournalEntries.AsNoTracking().Where(j => j.InstanceId == instance).OrderBy(j => j.Id).ToListAsync();
            Assert.Equal(250, journal.Count);
            Assert.Equal(250, journal.Select(j => j.Id).Distinct().Count()); // numbered by the database
            Assert.All(journal, j => Assert.Equal(tenant, j.TenantId));
            Assert.Equal(at.AddSeconds(5).UtcDateTime, journal[5].At.UtcDateTime);
            Assert.Equal(TimeSpan.Zero, journal[5].At.Offset);
            Assert.Equal(("step-5", "what 5", "decided 5", ""), (journal[5].StepId, journal[5].What, journal[5].Decision, journal[3].Decision));
            var ids = emails.Select(e => e.Id).ToList();
            var sent = await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id);
            Assert.Equal(230, sent.Count);
            Assert.All(emails, e =>
            {
                var s = sent[e.Id];
                Assert.Equal((e.To, e.Subject, e.TextBody, e.Cc, e.CreatedAt, tenant), (s.To, s.Subject, s.TextBody, s.Cc, s.CreatedAt, s.TenantId));
                Assert.Null(s.SentAt);
            });
            Assert.Equal(("invite.ics", "BEGIN:VCALENDAR"), (sent[emails[7].Id].AttachmentName, sent[emails[7].Id].AttachmentText));
            Assert.Equal(1, await db.Incidents.CountAsync(i => i.InstanceId == instance));
        });
        // Another tenant sees none of it.
        await app.InTenant("river-tees", async sp =>
            Assert.Equal(0, await sp.GetRequiredService<AppDbContext>().JournalEntries.CountAsync(j => j.InstanceId == instance)));
    }

    [Fact]
    public async Task A_row_of_another_tenant_is_refused_and_nothing_of_the_save_is_written()
    {
        var riverTees = (await app.Services.GetRequiredService<TenantRegistry>().FindAsync("river-tees"))!;
        var instance = Guid.NewGuid();
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.JournalEntries.Add(new JournalEntry(instance, DateTimeOffset.UtcNow, "mine", "ok", "ok"));
            var smuggled = new JournalEntry(instance, DateTimeOffset.UtcNow, "theirs", "smuggled", "smuggled");
            db.JournalEntries.Add(smuggled);
            db.Entry(smuggled).Property(j => j.TenantId).CurrentValue = riverTees.Id;
            db.Incidents.Add(new Incident(instance, "tracked", "not saved either", DateTimeOffset.UtcNow));
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveAppendingAsync(Appended, CancellationToken.None));
        });
        await app.InTenant("ascent", async sp => Assert.Equal(0, await sp.GetRequiredService<AppDbContext>().Incidents.CountAsync(i => i.InstanceId == instance)));
        await app.InTenant("river-tees", async sp => Assert.Equal(0, await sp.GetRequiredService<AppDbContext>().JournalEntries.CountAsync(j => j.InstanceId == instance)));
    }

    [Fact]
    public async Task When_an_append_fails_the_tracker_save_beside_it_is_rolled_back()
    {
        var instance = Guid.NewGuid();
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Incidents.Add(new Incident(instance, "tracked", "rolled back with the append", DateTimeOffset.UtcNow));
            var first = new OutboxMessage("one@ascent.example", "One", "One", DateTimeOffset.UtcNow);
            db.Outbox.Add(first);
            await db.SaveAppendingAsync(Appended, CancellationToken.None);
            // The same email again: its key is taken, so the INSERT fails after the tracker's rows were written.
            db.Incidents.Add(new Incident(instance, "tracked-again", "rolled back with the append", DateTimeOffset.UtcNow));
            var again = new OutboxMessage("two@ascent.example", "Two", "Two", DateTimeOffset.UtcNow);
            typeof(OutboxMessage).GetProperty(nameof(OutboxMessage.Id))!.SetValue(again, first.Id);
            db.Outbox.Add(again);
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.SaveAppendingAsync(Appended, CancellationToken.None));
        });
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.Equal(["tracked"], await db.Incidents.Where(i => i.InstanceId == instance).Select(i => i.StepId).ToListAsync());
            Assert.False(await db.Outbox.AnyAsync(m => m.To == "two@ascent.example"));
        });
    }

    [Fact]
    public async Task A_kind_with_rows_of_its_own_is_refused_before_anything_is_saved()
    {
        var instance = Guid.NewGuid();
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Incidents.Add(new Incident(instance, "tracked", "not saved", DateTimeOffset.UtcNow));
            // A session owns its attendance: written undetected, a new attendance row would be lost.
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveAppendingAsync([typeof(SupervisionHub.Web.Supervision.Session)], CancellationToken.None));
            Assert.Contains("Session has rows of its own", ex.Message);
        });
        await app.InTenant("ascent", async sp => Assert.Equal(0, await sp.GetRequiredService<AppDbContext>().Incidents.CountAsync(i => i.InstanceId == instance)));
    }

    [Fact]
    public async Task A_save_that_only_appends_rows_is_still_a_change_to_the_tenant_its_kept_views_hear_of()
    {
        var changes = app.Services.GetRequiredService<TenantChanges>();
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var tenant = sp.GetRequiredService<ITenantContext>().Tenant.Id;
            var before = await changes.CurrentAsync(db, tenant, CancellationToken.None);
            db.JournalEntries.Add(new JournalEntry(Guid.NewGuid(), DateTimeOffset.UtcNow, "only", "appended", "appended"));
            await db.SaveAppendingAsync(Appended, CancellationToken.None);
            var after = await changes.CurrentAsync(db, tenant, CancellationToken.None);
            Assert.True(after.Local > before.Local, "the rows left the tracker before the save, and the save told no one of them");
        });
    }

    [Fact]
    public async Task A_column_empty_in_the_first_row_and_set_in_later_ones_is_written_as_EF_Core_writes_it()
    {
        // On SQLite one prepared statement is bound again for each row: a later row's id, date, flag and state must be
        // stored as the first row's would have been (text ids, ISO dates, states by name), so queries find them.
        var relationship = Guid.NewGuid();
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()); // whole seconds: stored exactly on both databases
        var bare = new WorkTask("nobody", "Bare", null, false, null, null, null, now);
        var full = new WorkTask("somebody", "Full", new DateOnly(2027, 3, 31), true, "agreement", Guid.NewGuid(), relationship, now)
            .About(Guid.NewGuid(), Guid.NewGuid()).ForBooking();
        full.Complete(now.AddMinutes(5));
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.WorkTasks.AddRange(bare, full);
            await db.SaveAppendingAsync([typeof(WorkTask)], CancellationToken.None);
        });
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var found = await db.WorkTasks.AsNoTracking().SingleAsync(t => t.RelationshipId == relationship && t.InstanceId == full.InstanceId
                && t.SessionId == full.SessionId && t.DueOn == new DateOnly(2027, 3, 31) && t.Escalation && t.IsBooking && t.Status == TaskStatus.Done);
            Assert.Equal((full.Id, full.SubmissionId, "agreement", full.DoneAt), (found.Id, found.SubmissionId, found.FormId, found.DoneAt));
            var first = await db.WorkTasks.AsNoTracking().SingleAsync(t => t.Id == bare.Id && t.RelationshipId == null && t.DueOn == null && t.Status == TaskStatus.Open);
            Assert.Equal("Bare", first.Title);
        });
    }
}
