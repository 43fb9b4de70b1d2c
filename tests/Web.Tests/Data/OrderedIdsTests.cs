using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Data;

/// <summary>
/// ADR 0060: events and emails are appended with time-ordered ids, so a new row's key goes at the end of its index.
/// What matters is the database's own order (SQLite compares the ids as text, PostgreSQL as uuid), not .NET's.
/// </summary>
public sealed class OrderedIdsTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Events_and_emails_made_later_sort_later_by_id_in_the_database()
    {
        // A few milliseconds apart: within one millisecond a version 7 id orders at random, across them by time.
        var events = new List<DomainEvent>();
        var emails = new List<OutboxMessage>();
        for (var i = 0; i < 6; i++)
        {
            events.Add(new DomainEvent(EventTypes.ActionOverdue, DateTimeOffset.UtcNow, dedupeKey: $"ordered-ids:{Guid.NewGuid():N}"));
            emails.Add(new OutboxMessage($"ordered{i}@ascent.example", "Ordered", "Body", DateTimeOffset.UtcNow));
            await Task.Delay(3);
        }
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            // Saved in reverse: the order read back is the ids', not the order the rows went in.
            db.Events.AddRange(Enumerable.Reverse(events));
            db.Outbox.AddRange(Enumerable.Reverse(emails));
            await db.SaveChangesAsync();
        });
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var eventIds = events.Select(e => e.Id).ToList();
            var emailIds = emails.Select(e => e.Id).ToList();
            Assert.Equal(eventIds, await db.Events.Where(e => eventIds.Contains(e.Id)).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
            Assert.Equal(emailIds, await db.Outbox.Where(e => emailIds.Contains(e.Id)).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
        });
    }
}
