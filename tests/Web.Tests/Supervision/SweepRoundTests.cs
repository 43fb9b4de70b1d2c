using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// The sweep over every tenant writes several tenants' new events in one transaction (ADR 0047). Each
/// row keeps its own tenant, and one tenant's failure is its own: the others' events still commit.
/// </summary>
public sealed class SweepRoundTests(QuietSweepFactory app) : IClassFixture<QuietSweepFactory>
{
    private static readonly string[] Tenants = ["ascent", "devon-torbay", "mse-icb"];

    /// <summary>Supervisees never seen since their supervision began months ago (overdue), in each tenant; their ids.</summary>
    private async Task<Dictionary<string, List<string>>> OverdueAsync(string label, int each)
    {
        var made = new Dictionary<string, List<string>>();
        foreach (var t in Tenants)
            made[t] = await app.InTenant(t, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var supervisor = await db.StaffIdAsync($"supervisor@{t}.example");
                var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types.First(x => !x.IsGroup && x.Frequency.Count > 0).Id;
                var ids = new List<string>();
                for (var i = 0; i < each; i++)
                {
                    var person = await sp.NewPersonAsync($"Round {label} {i}", $"{Guid.NewGuid():N}@{t}.example", StaffRoles.Supervisee);
                    await sp.StartAsync(type, supervisor, person.Id, sp.Today().AddMonths(-8 - i));
                    ids.Add(person.Id);
                }
                return ids;
            });
        return made;
    }

    private Task<int> OverdueEventsAsync(string tenant, IReadOnlyCollection<string> people) => app.InTenant(tenant, sp =>
        sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.Type == EventTypes.SupervisionOverdue && people.Contains(e.StaffId!)));

    private Task<(int Raised, SweepProfile Profile)> RoundAsync() =>
        app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => Tenants.Contains(t.Identifier));

    [Fact]
    public async Task Several_tenants_new_events_commit_together_each_in_its_own_tenant()
    {
        var people = await OverdueAsync("together", 3);
        var (raised, profile) = await RoundAsync();
        Assert.Equal(1, profile.Transactions); // three tenants, one commit
        foreach (var t in Tenants)
            Assert.Equal(3, await OverdueEventsAsync(t, people[t]));
        // Each tenant's rows are its own: no tenant sees another's people's events.
        foreach (var t in Tenants)
            Assert.Equal(0, await OverdueEventsAsync(t, people.Where(p => p.Key != t).SelectMany(p => p.Value).ToList()));
        Assert.True(raised >= 9);
        // The same facts again: nothing new.
        Assert.Equal(0, (await RoundAsync()).Raised);
    }

    /// <summary>
    /// A real failure of one tenant's insert (a trigger that refuses its rows) inside a grouped transaction:
    /// the group is rolled back and written tenant by tenant, so the other two commit; the failed tenant's
    /// facts are raised by the next round once the fault is gone.
    /// </summary>
    [Fact]
    public async Task One_tenants_failed_insert_loses_and_blocks_no_other_tenants_events()
    {
        var people = await OverdueAsync("fault", 2);
        var victim = people["devon-torbay"][0];
        var postgres = await app.InTenant("ascent", sp => Task.FromResult(sp.GetRequiredService<AppDbContext>().Database.IsNpgsql()));
        string[] create = postgres
            ?
            [
                $"CREATE FUNCTION sweep4_refuse() RETURNS trigger AS $$ BEGIN IF NEW.\"StaffId\" = '{victim}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER sweep4_refuse BEFORE INSERT ON \"Events\" FOR EACH ROW EXECUTE FUNCTION sweep4_refuse()",
            ]
            : [$"CREATE TRIGGER sweep4_refuse BEFORE INSERT ON \"Events\" WHEN NEW.\"StaffId\" = '{victim}' BEGIN SELECT RAISE(ABORT, 'refused'); END"];
        string[] drop = postgres ? ["DROP TRIGGER sweep4_refuse ON \"Events\"", "DROP FUNCTION sweep4_refuse()"] : ["DROP TRIGGER sweep4_refuse"];
        Task Sql(string[] statements) => app.InTenant("ascent", async sp =>
        {
            foreach (var sql in statements) await sp.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql);
        });

        await Sql(create);
        try
        {
            var (_, profile) = await RoundAsync();
            Assert.Equal(2, profile.Transactions); // the group failed; ascent and mse-icb each committed alone
            Assert.Equal(2, await OverdueEventsAsync("ascent", people["ascent"]));
            Assert.Equal(2, await OverdueEventsAsync("mse-icb", people["mse-icb"]));
            Assert.Equal(0, await OverdueEventsAsync("devon-torbay", people["devon-torbay"])); // all or nothing within the tenant
            // A group of that tenant alone fails alone: the round carries on and reports nothing raised.
            var (alone, _) = await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => t.Identifier == "devon-torbay");
            Assert.Equal(0, alone);
        }
        finally
        {
            await Sql(drop);
        }
        var (raised, _) = await RoundAsync();
        Assert.Equal(2, await OverdueEventsAsync("devon-torbay", people["devon-torbay"]));
        Assert.True(raised >= 2);
        Assert.Equal(2, await OverdueEventsAsync("ascent", people["ascent"])); // not raised twice
    }

    /// <summary>The round prunes every tenant's status changes older than <see cref="StatusChange.KeepFor"/> in one statement, and only those.</summary>
    [Fact]
    public async Task Old_status_changes_are_pruned_in_every_tenant_and_recent_ones_kept()
    {
        var marker = $"sweep4-prune-{Guid.NewGuid():N}";
        foreach (var t in new[] { "ascent", "river-tees" })
            await app.InTenant(t, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                db.StatusChanges.Add(new StatusChange(DateTimeOffset.UtcNow - StatusChange.KeepFor - TimeSpan.FromHours(1), staffId: marker + "-old"));
                db.StatusChanges.Add(new StatusChange(DateTimeOffset.UtcNow - StatusChange.KeepFor + TimeSpan.FromHours(1), staffId: marker + "-recent"));
                await db.SaveChangesAsync();
            });
        await RoundAsync(); // river-tees is not among the round's tenants: the prune is by age, for every tenant
        foreach (var t in new[] { "ascent", "river-tees" })
        {
            var left = await app.InTenant(t, sp => sp.GetRequiredService<AppDbContext>().StatusChanges.AsNoTracking()
                .Where(c => c.StaffId!.StartsWith(marker)).Select(c => c.StaffId!).ToListAsync());
            Assert.Equal([marker + "-recent"], left);
        }
    }

    /// <summary>
    /// One group, the same key in two tenants, already raised in one: the other's is still new, stamped with
    /// its own tenant (PostgreSQL's known-keys read is by tenant and key together).
    /// </summary>
    [Fact]
    public async Task In_one_group_a_key_known_in_one_tenant_is_still_new_in_another()
    {
        var key = $"sweep4.test:shared:{Guid.NewGuid():N}";
        async Task<SweepInsert.TenantEvents> Candidate(string tenant) => await app.InTenant(tenant, async sp =>
        {
            var m = await sp.GetRequiredService<AppDbContext>().RelationshipMembers.FirstAsync(x => x.LeftOn == null);
            return new SweepInsert.TenantEvents(sp.GetRequiredService<ITenantContext>().Tenant.Id,
                [new DomainEvent(EventTypes.SupervisionOverdue, sp.GetRequiredService<TimeProvider>().GetUtcNow(), m.RelationshipId, staffId: m.StaffId, dedupeKey: key)]);
        });
        var ascent = await Candidate("ascent");
        var devon = await Candidate("devon-torbay");
        async Task<int> Insert(params SweepInsert.TenantEvents[] group)
        {
            await using var scope = app.Services.CreateAsyncScope(); // as SweepRound: no tenant; the rows carry theirs
            return (await SweepInsert.InsertNewAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), group, CancellationToken.None)).Inserted;
        }
        Assert.Equal(1, await Insert(ascent));
        Assert.Equal(1, await Insert(ascent, devon));
        Assert.Equal(0, await Insert(devon, ascent));
        foreach (var (tenant, expected) in new[] { ("ascent", ascent), ("devon-torbay", devon) })
        {
            var row = await app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking().SingleAsync(e => e.DedupeKey == key));
            Assert.Equal(expected.TenantId, row.TenantId);
            Assert.Equal(expected.Events[0].StaffId, row.StaffId);
        }
    }
}
