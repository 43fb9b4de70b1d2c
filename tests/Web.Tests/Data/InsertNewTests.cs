using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Data;

/// <summary>
/// AppDbContext.InsertNewAsync (the sweep's set-based insert) against the real database of the run
/// (SQLite or PostgreSQL): rows read back through EF exactly as an ordinary save writes them, times
/// as UTC whatever offset they came with, a duplicate key skipped rather than failing, the current
/// tenant stamped and another tenant's row refused.
/// </summary>
public sealed class InsertNewTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ascent";

    [Fact]
    public async Task Rows_read_back_as_an_ordinary_save_writes_them_and_existing_keys_are_skipped()
    {
        var run = Guid.NewGuid().ToString("N");
        var summer = new DateTimeOffset(2027, 7, 1, 9, 30, 0, TimeSpan.FromHours(1)); // British Summer Time, as a tenant's zone computes it
        var relationship = Guid.NewGuid();
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            // One saved the ordinary way first: its key must be skipped, not duplicated or refused.
            db.Events.Add(new DomainEvent(EventTypes.ActionOverdue, summer, relationship, dedupeKey: $"test:{run}:0"));
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();

            var rows = Enumerable.Range(0, 250).Select(i => new DomainEvent(EventTypes.ActionOverdue, summer.AddMinutes(i), relationship,
                staffId: i % 2 == 0 ? $"person-{i}" : null, recordId: i % 3 == 0 ? Guid.NewGuid() : null, dedupeKey: $"test:{run}:{i}", detail: i == 7 ? "by-supervisor" : null)).ToList();
            Assert.Equal(249, await db.InsertNewAsync(rows, CancellationToken.None)); // more rows than one statement holds
            Assert.Equal(0, await db.InsertNewAsync(rows, CancellationToken.None)); // again: every key exists

            var back = await db.Events.AsNoTracking().Where(e => e.DedupeKey!.StartsWith($"test:{run}:")).ToListAsync();
            Assert.Equal(250, back.Count);
            var tenantId = sp.GetRequiredService<ITenantContext>().Tenant.Id;
            foreach (var row in rows.Skip(1))
            {
                var read = Assert.Single(back, e => e.Id == row.Id); // found by its key through EF: the id was written as EF writes it
                Assert.Equal(tenantId, read.TenantId);
                Assert.Equal(row.OccurredAt.UtcDateTime, read.OccurredAt.UtcDateTime);
                Assert.Equal(TimeSpan.Zero, read.OccurredAt.Offset);
                Assert.Equal((row.Type, row.RelationshipId, row.StaffId, row.RecordId, row.Detail, row.DispatchedAt), (read.Type, read.RelationshipId, read.StaffId, read.RecordId, read.Detail, read.DispatchedAt));
            }
            // Compared in a query with the current time as UTC, as the dispatcher does: the summer time's true instant.
            Assert.Equal(250, await db.Events.CountAsync(e => e.RelationshipId == relationship && e.OccurredAt >= summer.ToUniversalTime() && e.DispatchedAt == null));
        });
    }

    [Fact]
    public async Task A_row_of_another_tenant_is_refused_and_nothing_is_written()
    {
        var other = await app.InTenant("river-tees", sp => Task.FromResult(sp.GetRequiredService<ITenantContext>().Tenant.Id));
        var key = $"test:{Guid.NewGuid():N}";
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var foreign = new DomainEvent(EventTypes.ActionOverdue, DateTimeOffset.UtcNow, dedupeKey: key + ":foreign");
            typeof(DomainEvent).GetProperty(nameof(DomainEvent.TenantId))!.SetValue(foreign, other);
            var mine = new DomainEvent(EventTypes.ActionOverdue, DateTimeOffset.UtcNow, dedupeKey: key + ":mine");
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.InsertNewAsync([mine, foreign], CancellationToken.None));
        });
        foreach (var tenant in new[] { T, "river-tees" })
            Assert.Equal(0, await app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Events.IgnoreQueryFilters().CountAsync(e => e.DedupeKey!.StartsWith(key))));
    }
}
