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

    /// <summary>Every tenant of the test app: more than the degrees the parallel rounds below use.</summary>
    private static readonly string[] All = ["ascent", "devon-torbay", "mse-icb", "ralph-thoresby", "river-tees"];

    /// <summary>Supervisees never seen since their supervision began months ago (overdue), in each tenant; their ids.</summary>
    private async Task<Dictionary<string, List<string>>> OverdueAsync(string label, int each, string[]? tenants = null)
    {
        var made = new Dictionary<string, List<string>>();
        foreach (var t in tenants ?? Tenants)
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
    /// Each overdue event of these people, across every tenant (the test reads past the filters to see where rows
    /// landed): the tenant it is stamped with, by person.
    /// </summary>
    private async Task<ILookup<string, Guid>> StampedAsync(IEnumerable<string> people)
    {
        var ids = people.ToList();
        await using var scope = app.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Events.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.Type == EventTypes.SupervisionOverdue && ids.Contains(e.StaffId!)).Select(e => new { e.StaffId, e.TenantId }).ToListAsync();
        return rows.ToLookup(r => r.StaffId!, r => r.TenantId);
    }

    private async Task<Dictionary<string, Guid>> TenantIdsAsync()
    {
        var registry = app.Services.GetRequiredService<TenantRegistry>();
        var ids = new Dictionary<string, Guid>();
        foreach (var t in All) ids[t] = (await registry.FindAsync(t))!.Id;
        return ids;
    }

    /// <summary>
    /// ADR 0050: tenants worked out several at a time (more tenants than readers), their events written by one
    /// writer as they come: each person's event once, stamped with that person's tenant, in one commit; the same
    /// facts again raise nothing.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Tenants_worked_out_at_once_each_get_exactly_their_own_events_once(int degree)
    {
        var people = await OverdueAsync($"parallel{degree}", 3, All);
        var tenantIds = await TenantIdsAsync();
        var round = app.Services.GetRequiredService<SweepRound>();
        var (raised, profile) = await round.RunAsync(CancellationToken.None, t => All.Contains(t.Identifier), degree);
        Assert.Equal(degree, profile.Degree);
        Assert.Equal(1, profile.Transactions); // five tenants' candidates gathered by the one writer: one commit
        var stamped = await StampedAsync(people.Values.SelectMany(p => p));
        foreach (var (t, theirs) in people)
            foreach (var person in theirs)
                Assert.Equal([tenantIds[t]], stamped[person]);
        foreach (var t in All)
        {
            Assert.Equal(3, await OverdueEventsAsync(t, people[t]));
            Assert.Equal(0, await OverdueEventsAsync(t, people.Where(p => p.Key != t).SelectMany(p => p.Value).ToList()));
        }
        Assert.True(raised >= 15);
        var again = await round.RunAsync(CancellationToken.None, t => All.Contains(t.Identifier), degree);
        Assert.Equal(0, again.Raised);
    }

    /// <summary>
    /// A tenant whose facts cannot be worked out (a training expiry its database row holds but no date can: out of
    /// .NET's range on PostgreSQL, not a date on SQLite) while others are worked out beside it: only its own events
    /// are missing, and they come with the next round once the row is mended.
    /// </summary>
    [Fact]
    public async Task A_tenant_whose_facts_cannot_be_read_loses_only_its_own_events()
    {
        var people = await OverdueAsync("unreadable", 2, All);
        const string Victim = "river-tees";
        var (postgres, trainingId) = await app.InTenant(Victim, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var holder = await sp.NewPersonAsync("Unreadable Training", $"{Guid.NewGuid():N}@{Victim}.example", StaffRoles.Supervisor);
            holder.AddTraining("Safeguarding supervision", sp.Today().AddYears(-1), sp.Today().AddYears(2));
            await db.SaveChangesAsync();
            return (db.Database.IsNpgsql(), await db.TrainingRecords.Where(t => t.StaffMemberId == holder.Id).Select(t => t.Id).SingleAsync());
        });
        Task Expiry(string value)
        {
            var sql = "UPDATE \"TrainingRecords\" SET \"ExpiresOn\" = " + value + " WHERE \"Id\" = " + trainingId; // a literal the ordinary save cannot write
            return app.InTenant(Victim, sp => sp.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql));
        }
        await Expiry(postgres ? "'10000-01-01'::date" : "'zzzz-unreadable'");
        try
        {
            var (_, profile) = await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => All.Contains(t.Identifier), degree: 4);
            Assert.Equal(1, profile.Transactions);
            foreach (var t in All.Where(t => t != Victim))
                Assert.Equal(2, await OverdueEventsAsync(t, people[t]));
            Assert.Equal(0, await OverdueEventsAsync(Victim, people[Victim]));
        }
        finally
        {
            await Expiry(postgres ? "CURRENT_DATE + 700" : "date('now', '+700 days')");
        }
        await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => All.Contains(t.Identifier), degree: 4);
        var stamped = await StampedAsync(people.Values.SelectMany(p => p));
        foreach (var person in people.Values.SelectMany(p => p))
            Assert.Single(stamped[person]); // the victim's now, the others' not twice
    }

    /// <summary>
    /// A round cancelled at any point ends with the cancellation and leaves nothing running: no event is written
    /// after it has returned (its writer stopped with it). Five small tenants make one group, written once every
    /// tenant is read, all or nothing: a cancelled round wrote none of it, a finished one all of it. The next
    /// round raises the rest, each once.
    /// </summary>
    [Fact]
    public async Task A_cancelled_round_stops_cleanly_and_the_next_raises_the_rest_once()
    {
        var people = await OverdueAsync("cancel", 3, All);
        var everyone = people.Values.SelectMany(p => p).ToList();
        var round = app.Services.GetRequiredService<SweepRound>();
        using (var before = new CancellationTokenSource())
        {
            await before.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round.RunAsync(before.Token, t => All.Contains(t.Identifier), degree: 2));
            Assert.Empty(await StampedAsync(everyone));
        }
        foreach (var after in new[] { 1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200, 300 })
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(after));
            var before = (await StampedAsync(everyone)).Sum(g => g.Count());
            var failed = await Record.ExceptionAsync(() => round.RunAsync(cancel.Token, t => All.Contains(t.Identifier), degree: 2).WaitAsync(TimeSpan.FromMinutes(1)));
            Assert.True(failed is null or OperationCanceledException, $"cancelled after {after} ms: {failed}");
            var written = (await StampedAsync(everyone)).Sum(g => g.Count());
            Assert.Equal(failed is null ? everyone.Count : before, written);
            await Task.Delay(300);
            Assert.Equal(written, (await StampedAsync(everyone)).Sum(g => g.Count())); // nothing of the round ran on
        }
        await round.RunAsync(CancellationToken.None, t => All.Contains(t.Identifier), degree: 2);
        var stamped = await StampedAsync(everyone);
        var tenantIds = await TenantIdsAsync();
        foreach (var (t, theirs) in people)
            foreach (var person in theirs)
                Assert.Equal([tenantIds[t]], stamped[person]);
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
