using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// Every time in the database is UTC, whatever offset the code that wrote it passed
/// (docs/adr/0023-utc-times.md): each DateTimeOffset property of the model, found by reflection so
/// a new one is covered without a new test, saved with +01:00 as London summer time has it.
/// </summary>
public sealed class UtcTimesTests
{
    private const string T = "river-tees";
    private static readonly TimeSpan Bst = TimeSpan.FromHours(1);

    /// <summary>Every time property of an entity, as the model has it.</summary>
    private static IEnumerable<(IEntityType Entity, IProperty Property)> TimeProperties(AppDbContext db) =>
        db.Model.GetEntityTypes().SelectMany(e => e.GetDeclaredProperties().Select(p => (e, p)))
            .Where(x => (Nullable.GetUnderlyingType(x.p.ClrType) ?? x.p.ClrType) is var t && (t == typeof(DateTimeOffset) || t == typeof(DateTime)));

    [Fact]
    public void Every_time_in_both_databases_models_is_a_DateTimeOffset_written_through_the_UTC_converter()
    {
        using var sqlite = new DesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        foreach (var (db, converter) in new (AppDbContext, Type)[] { (sqlite, typeof(UtcDateTimeOffsetToBinaryConverter)), (postgres, typeof(UtcDateTimeOffsetConverter)) })
        {
            var found = TimeProperties(db).ToList();
            Assert.True(found.Count >= 30, $"only {found.Count} time properties found: is the reflection right?");
            Assert.All(found, x =>
            {
                var name = $"{x.Entity.ClrType.Name}.{x.Property.Name}";
                // A DateTime has no offset to normalise and Npgsql refuses a local one: times are DateTimeOffset.
                Assert.True(x.Property.ClrType != typeof(DateTime) && x.Property.ClrType != typeof(DateTime?), $"{name} is a DateTime: use DateTimeOffset");
                Assert.True(x.Property.GetTypeMapping().Converter?.GetType() == converter, $"{name} is not written through {converter.Name}");
                var london = new DateTimeOffset(2027, 7, 1, 10, 0, 0, Bst);
                var stored = x.Property.GetTypeMapping().Converter!.ConvertToProvider(london);
                Assert.Equal(x.Property.GetTypeMapping().Converter!.ConvertToProvider(london.ToUniversalTime()), stored);
                var read = (DateTimeOffset)x.Property.GetTypeMapping().Converter!.ConvertFromProvider(stored)!;
                Assert.Equal((london, TimeSpan.Zero), (read, read.Offset));
            });
        }
    }

    [Fact]
    public async Task Every_time_property_saved_with_a_summer_offset_reads_back_as_the_same_instant_in_UTC_and_compares_in_SQL_as_that_instant()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.Start(Season.Summer));
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await app.InTenant(T, MakeRowsAsync);

        // Each property gets an instant of its own, given in London summer time.
        var first = new DateTimeOffset(2027, 7, 1, 10, 15, 30, 250, Bst);
        var tried = new List<string>();
        var properties = await app.InTenant(T, sp => Task.FromResult(TimeProperties(sp.GetRequiredService<AppDbContext>())
            .GroupBy(x => x.Entity.ClrType, x => x.Property.Name).ToList()));
        var n = 0;
        foreach (var group in properties)
        {
            var values = group.ToDictionary(p => p, _ => first.AddMinutes(n++));
            var key = await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                object row;
                if (group.Key == typeof(AuditEntry))
                {
                    // Append-only: a new entry, not a changed one.
                    row = new AuditEntry("utc-test", "read", "record", "utc-test", false, null, values[nameof(AuditEntry.At)]);
                    db.Add(row);
                }
                else
                {
                    row = await FirstRowAsync(db, group.Key) ?? throw new InvalidOperationException(
                        $"No {group.Key.Name} row in {T} to try its times on: make one in {nameof(MakeRowsAsync)}.");
                    foreach (var (property, value) in values) db.Entry(row).Property(property).CurrentValue = value;
                }
                await db.SaveChangesAsync();
                var entry = db.Entry(row);
                return entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue).ToArray();
            });

            await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var row = await db.FindAsync(group.Key, key);
                Assert.NotNull(row);
                foreach (var (property, value) in values)
                {
                    var name = $"{group.Key.Name}.{property}";
                    var read = (DateTimeOffset?)db.Entry(row).Property(property).CurrentValue;
                    Assert.True(read == value && read.Value.Offset == TimeSpan.Zero, $"{name}: saved {value:O}, read {read:O}");
                    // As SQL sees it: equal to the instant given either way, so sorting and "due by now" follow time.
                    Assert.True(await CountAtAsync(db, group.Key, property, value) == 1, $"{name} does not compare in SQL as the instant {value:O}");
                    tried.Add(name);
                }
            });
        }
        Assert.Contains("WorkflowInstance.DueAt", tried);
        Assert.Contains("StaffMember.LockoutEnd", tried);
    }

    /// <summary>Claims are ExecuteUpdate statements: their values go through the same converter.</summary>
    [Fact]
    public async Task A_time_set_by_ExecuteUpdate_or_compared_in_a_query_with_an_offset_is_taken_as_its_instant()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Seasons.Start(Season.Summer));
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var london = new DateTimeOffset(2027, 7, 1, 10, 0, 0, Bst);
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var message = new OutboxMessage($"supervisor@{T}.example", "UTC test", "Hello.\n", clock.GetUtcNow());
            db.Outbox.Add(message);
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.Outbox.Where(m => m.Id == message.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedUntil, london)));

            var utc = london.ToUniversalTime();
            var read = await db.Outbox.AsNoTracking().Where(m => m.Id == message.Id).Select(m => m.ClaimedUntil).SingleAsync();
            Assert.Equal((utc, TimeSpan.Zero), (read!.Value, read.Value.Offset));
            Assert.Equal(1, await db.Outbox.CountAsync(m => m.Id == message.Id && m.ClaimedUntil == utc));
            // A bound given in London time: 09:00:01 UTC is after the claim, 08:59:59 UTC before it.
            Assert.Equal(1, await db.Outbox.CountAsync(m => m.Id == message.Id && m.ClaimedUntil < london.AddSeconds(1)));
            Assert.Equal(0, await db.Outbox.CountAsync(m => m.Id == message.Id && m.ClaimedUntil < london.AddSeconds(-1)));
            Assert.Equal(1, await db.Outbox.Where(m => m.Id == message.Id && m.ClaimedUntil <= london).OrderBy(m => m.ClaimedUntil).CountAsync());
        });
    }

    /// <summary>A row of each kind the demo does not make; the test fails by name for any it still lacks.</summary>
    private static async Task MakeRowsAsync(IServiceProvider sp)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var supervisorId = await db.StaffIdAsync($"supervisor@{T}.example");
        var supervisee = await db.Staff.SingleAsync(s => s.Email == $"supervisee@{T}.example");
        var version = await sp.GetRequiredService<FormCatalog>().LatestVersionAsync("supervision-record", CancellationToken.None);
        var record = new Submission(version!, supervisorId, now);
        record.Submit(new JsonObject(), now);
        record.Sign(supervisorId, "supervisor", now);
        db.Submissions.Add(record);
        db.EmailTemplateVersions.Add(new EmailTemplateVersion("utc-test", 1, "---\nsubject: UTC test\n---\nHello.\n", "utc-test", now));
        db.Outbox.Add(new OutboxMessage(supervisee.Email!, "UTC test", "Hello.\n", now));
        if (!await db.HealthProbes.AnyAsync()) db.HealthProbes.Add(new Health.HealthProbe(now)); // the readiness check makes it on its first write
        var workflow = await db.WorkflowVersions.FirstAsync();
        var instance = new WorkflowInstance(workflow, null, null, null, null, now);
        db.WorkflowInstances.Add(instance);
        db.JournalEntries.Add(new JournalEntry(instance.Id, now, "utc-test", "note", "UTC test"));
        db.Incidents.Add(new Incident(instance.Id, "utc-test", "UTC test", now));
        var task = new WorkTask(supervisee.Id, "UTC test", null, false, null, instance.Id, null, now);
        db.WorkTasks.Add(task);
        sp.GetRequiredService<TaskLinks>().Issue(task, supervisee.Id, supervisee.Email!);
        supervisee.Apply(new StaffDetails(supervisee.FullName, supervisee.Email!, null, null, supervisorId, supervisee.Roles, null, null),
            sp.GetRequiredService<ILookupNormalizer>(), now);
        await db.SaveChangesAsync();
        // A tenant's dispatch lease row is made by its first dispatch round.
        await new DispatchLeases(db, sp.GetRequiredService<Tenancy.ITenantContext>(), sp.GetRequiredService<TimeProvider>())
            .TryTakeAsync("utc-test", now.AddMinutes(5), CancellationToken.None);
    }

    private static async Task<object?> FirstRowAsync(AppDbContext db, Type type) =>
        await (Task<object?>)typeof(UtcTimesTests).GetMethod(nameof(FirstRowOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [db])!;

    private static async Task<object?> FirstRowOfAsync<TEntity>(AppDbContext db) where TEntity : class => await db.Set<TEntity>().FirstOrDefaultAsync();

    private static Task<int> CountAtAsync(AppDbContext db, Type type, string property, DateTimeOffset at) =>
        (Task<int>)typeof(UtcTimesTests).GetMethod(nameof(CountAtOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [db, property, at])!;

    /// <summary>Rows whose time is the instant <paramref name="at"/>, asked in UTC and in London time (both are query parameters).</summary>
    private static Task<int> CountAtOfAsync<TEntity>(AppDbContext db, string property, DateTimeOffset at) where TEntity : class
    {
        var utc = at.ToUniversalTime();
        var london = TimeZoneInfo.ConvertTime(at, Seasons.London);
        return db.Set<TEntity>().CountAsync(e => EF.Property<DateTimeOffset?>(e, property) == utc
                                                 && EF.Property<DateTimeOffset?>(e, property) >= london && EF.Property<DateTimeOffset?>(e, property) <= london);
    }
}
