using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>The app with no background sweep or worker: each test's sweeps are the only ones.</summary>
public sealed class QuietSweepFactory : AppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionSweepService)));
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionHub.Web.Workflows.WorkflowWorker)));
        });
    }
}

/// <summary>
/// The sweep's events (ADR 0040): written outside the change tracker, with the database's unique key
/// deciding what is new, they must be exactly the facts a person-by-person reading finds, each once,
/// read back like any saved event, on both databases.
/// </summary>
public sealed class SweepEventsTests(QuietSweepFactory app) : IClassFixture<QuietSweepFactory>
{
    private static readonly string[] SweepTypes = [EventTypes.SupervisionOverdue, EventTypes.ContractReviewDue];

    /// <summary>
    /// Supervisees of every kind the rules tell apart, in three tenants with different rules (rolling
    /// "every 6 weeks" and weekly groups, "one per half term and six a year" with agreements, "every
    /// 8 weeks" with a first session due within days): new, long unsupervised, lately seen, seen only
    /// in sessions too short to count, leavers, with agreements signed long ago and lately.
    /// </summary>
    internal static async Task<int> VariedAsync(IServiceProvider sp, string tenant, int seed)
    {
        var random = new Random(seed);
        var db = sp.GetRequiredService<AppDbContext>();
        var settings = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision;
        var records = sp.GetRequiredService<SessionRecords>();
        var allocation = sp.GetRequiredService<Allocation>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = sp.Today();
        var supervisor = await db.StaffIdAsync($"supervisor@{tenant}.example");
        var oneToOne = settings.Types.First(t => !t.IsGroup);
        var made = 0;
        for (var i = 0; i < 14; i++)
        {
            var kind = i % 7;
            var person = await sp.NewPersonAsync($"Sweep Varied {tenant} {i}", $"{Guid.NewGuid():N}@{tenant}.example", StaffRoles.Supervisee,
                startDate: kind == 5 ? today.AddDays(-random.Next(5, 40)) : null, leftOn: kind == 6 ? today.AddDays(-random.Next(1, 20)) : null);
            var started = today.AddDays(-random.Next(kind == 0 ? 1 : 30, kind == 0 ? 20 : 800));
            var relationship = await sp.StartAsync(oneToOne.Id, supervisor, person.Id, started);
            made++;
            // Sessions in the past, some long enough, some too short to count (kind 3: only short ones).
            var sessions = kind switch { 0 => 0, 1 => 0, 2 => random.Next(3, 12), 3 => random.Next(1, 4), _ => random.Next(0, 6) };
            for (var s = 0; s < sessions; s++)
            {
                var day = today.AddDays(-random.Next(1, Math.Max(2, today.DayNumber - started.DayNumber)));
                if (day < started) day = started;
                var minutes = kind == 3 ? Math.Max(5, oneToOne.MinimumMinutes - 10) : random.Next(3) == 0 ? Math.Max(5, oneToOne.MinimumMinutes - 5) : 60;
                db.Sessions.Add(Session.RecordAdHoc(relationship, day, new TimeOnly(9 + s % 8, 0), minutes, null, supervisor, now, today));
            }
            await db.SaveChangesAsync();
            if (oneToOne.ContractForm is not null && kind is 2 or 4)
            {
                var agreement = await records.StartAgreementAsync(relationship, allocation.Type(oneToOne.Id), supervisor, CancellationToken.None);
                agreement.MarkFullySigned(true, now);
                await db.SaveChangesAsync();
                // Signed long ago (review due or overdue) or lately (not yet).
                var signed = now.AddDays(-random.Next(kind == 2 ? 300 : 10, kind == 2 ? 420 : 100));
                await db.Submissions.Where(x => x.Id == agreement.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.FullySignedAt, signed));
            }
        }
        return made;
    }

    /// <summary>The facts one supervisee's own status gives (the scoped reading, its own queries), as the sweep keys them.</summary>
    private static async Task<HashSet<string>> ExpectedOneByOneAsync(IServiceProvider sp)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var compliance = sp.GetRequiredService<ComplianceService>();
        var horizon = sp.Today().AddDays(SupervisionSweep.WarnDaysAhead);
        var people = await db.RelationshipMembers.Where(m => m.LeftOn == null).Select(m => m.StaffId).Distinct().ToListAsync();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in people)
            foreach (var s in await compliance.StatusesAsync(m => m.StaffId == id, CancellationToken.None))
            {
                if (s.Compliance.State == ComplianceState.Overdue && s.Compliance.NextDue is { } due)
                    keys.Add($"supervision.overdue:{s.RelationshipId:N}:{s.StaffId}:{due:yyyy-MM-dd}");
                if (s.AgreementReviewDue is { } review && review <= horizon)
                    keys.Add($"contract.review-due:{s.RelationshipId:N}:{review:yyyy-MM-dd}");
            }
        return keys;
    }

    /// <summary>The hourly service's path: a round of the sweep, limited to one tenant; how many events were new.</summary>
    private async Task<int> SweepAsync(string tenant) =>
        (await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => t.Identifier == tenant)).Raised;

    [Theory]
    [InlineData("ralph-thoresby")]
    [InlineData("ascent")]
    [InlineData("devon-torbay")]
    public async Task The_sweep_raises_exactly_the_facts_each_persons_own_status_gives_once_each(string tenant)
    {
        var seed = Environment.TickCount;
        await app.InTenant(tenant, sp => VariedAsync(sp, tenant, seed));
        var expected = await app.InTenant(tenant, ExpectedOneByOneAsync);
        Assert.NotEmpty(expected);

        var first = await SweepAsync(tenant);
        var raised = await app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking()
            .Where(e => SweepTypes.Contains(e.Type)).Select(e => e.DedupeKey!).ToListAsync());
        Assert.Equal(raised.Count, raised.Distinct().Count());
        Assert.True(expected.SetEquals(raised), $"seed {seed}: missing {string.Join(", ", expected.Except(raised).Take(5))}; extra {string.Join(", ", raised.Except(expected).Take(5))}");
        Assert.True(first >= expected.Count);
        Assert.Equal(0, await SweepAsync(tenant));
    }

    [Fact]
    public async Task Written_events_read_back_like_saved_ones_and_a_known_key_costs_only_its_own_row()
    {
        const string T = "river-tees";
        var tenantId = await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<ITenantContext>().Tenant.Id));
        var (relationshipId, staffId) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var m = await db.RelationshipMembers.FirstAsync(x => x.LeftOn == null);
            return (m.RelationshipId, m.StaffId);
        });
        // Local time with an offset: stored as UTC like every save.
        var at = new DateTimeOffset(2026, 7, 1, 10, 30, 15, TimeSpan.FromHours(1)).AddTicks(1234);
        var known = $"sweep2.test:known:{Guid.NewGuid():N}";
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Events.Add(new DomainEvent(EventTypes.SupervisionOverdue, at, relationshipId, staffId: staffId, dedupeKey: known));
            await db.SaveChangesAsync();
        });
        var fresh = Enumerable.Range(0, 3).Select(i => $"sweep2.test:new:{i}:{Guid.NewGuid():N}").ToList();
        var candidates = fresh.Select(k => new DomainEvent(EventTypes.SupervisionOverdue, at, relationshipId, staffId: staffId, dedupeKey: k))
            .Append(new DomainEvent(EventTypes.SupervisionOverdue, at, relationshipId, staffId: staffId, dedupeKey: known))
            .Append(new DomainEvent(EventTypes.SupervisionOverdue, at, relationshipId, staffId: staffId, dedupeKey: fresh[0])) // twice in one batch
            .ToList();
        var (inserted, _) = await app.InTenant(T, sp => SweepInsert.InsertNewAsync(sp.GetRequiredService<AppDbContext>(), tenantId, candidates, CancellationToken.None));
        Assert.Equal(3, inserted);

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var rows = await db.Events.AsNoTracking().Where(e => e.DedupeKey!.StartsWith("sweep2.test:")).ToListAsync();
            Assert.Equal(4, rows.Count);
            var saved = Assert.Single(rows, e => e.DedupeKey == known); // through SaveChanges
            foreach (var e in rows.Where(e => e.DedupeKey != known))
            {
                Assert.Equal(tenantId, e.TenantId);
                Assert.Equal(saved.OccurredAt, e.OccurredAt); // the same converter: the same precision
                Assert.True((e.OccurredAt - at).Duration() < TimeSpan.FromMilliseconds(1));
                Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
                Assert.Equal((relationshipId, staffId), (e.RelationshipId, e.StaffId));
                Assert.Null(e.DispatchedAt);
                Assert.Null(e.ClaimedUntil);
                Assert.Null(e.ClaimToken);
                Assert.Null(e.RecordId);
            }
            // Waiting for the dispatcher, found by its query.
            Assert.Equal(4, await db.Events.CountAsync(e => e.DispatchedAt == null && e.DedupeKey!.StartsWith("sweep2.test:")));
        });
        // Another tenant sees none of them.
        Assert.Equal(0, await app.InTenant("ascent", sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DedupeKey!.StartsWith("sweep2.test:"))));
    }

    /// <summary>
    /// A first sweep's many new events (on PostgreSQL, from <see cref="AppDbContext.CopyFrom"/> rows, a binary COPY: ADR 0069)
    /// read back exactly as written, every column, each stamped with its own tenant of the two in the group.
    /// </summary>
    [Fact]
    public async Task Many_new_events_at_once_read_back_as_they_were_raised()
    {
        var at = new DateTimeOffset(2026, 7, 1, 10, 30, 15, TimeSpan.FromHours(1)).AddTicks(1234);
        var run = Guid.NewGuid().ToString("N");
        async Task<SweepInsert.TenantEvents> Candidates(string tenant, int count) => await app.InTenant(tenant, async sp =>
        {
            var m = await sp.GetRequiredService<AppDbContext>().RelationshipMembers.FirstAsync(x => x.LeftOn == null);
            return new SweepInsert.TenantEvents(sp.GetRequiredService<ITenantContext>().Tenant.Id, Enumerable.Range(0, count).Select(i => new DomainEvent(
                i % 2 == 0 ? EventTypes.SupervisionOverdue : EventTypes.ContractReviewDue, at.AddMinutes(i), m.RelationshipId,
                sessionId: i % 3 == 0 ? Guid.NewGuid() : null, staffId: i % 5 == 0 ? null : m.StaffId, recordId: i % 7 == 0 ? Guid.NewGuid() : null,
                dedupeKey: $"sweep4.test:{run}:{i:D4}", detail: i % 4 == 0 ? $"detail {i}" : null, sessionSequence: i % 6 == 0 ? i : null)).ToList());
        });
        var group = new[] { await Candidates("river-tees", AppDbContext.CopyFrom + 50), await Candidates("ascent", AppDbContext.CopyFrom) };
        var (inserted, _) = await app.InTenant("river-tees", sp => SweepInsert.InsertNewAsync(sp.GetRequiredService<AppDbContext>(), group, CancellationToken.None));
        Assert.Equal(2 * AppDbContext.CopyFrom + 50, inserted);

        foreach (var (tenant, raised) in new[] { ("river-tees", group[0]), ("ascent", group[1]) })
        {
            var rows = await app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Events.AsNoTracking()
                .Where(e => e.DedupeKey!.StartsWith($"sweep4.test:{run}:")).ToDictionaryAsync(e => e.DedupeKey!));
            Assert.Equal(raised.Events.Count, rows.Count);
            foreach (var e in raised.Events)
            {
                var row = rows[e.DedupeKey!];
                Assert.Equal((e.Id, raised.TenantId, e.Type, e.RelationshipId, e.SessionId, e.StaffId, e.RecordId, e.Detail, e.SessionSequence),
                    (row.Id, row.TenantId, row.Type, row.RelationshipId, row.SessionId, row.StaffId, row.RecordId, row.Detail, row.SessionSequence));
                Assert.True((row.OccurredAt - e.OccurredAt).Duration() < TimeSpan.FromMilliseconds(1));
                Assert.Equal(TimeSpan.Zero, row.OccurredAt.Offset);
                Assert.Equal((0, (DateTimeOffset?)null, (DateTimeOffset?)null, (Guid?)null), (row.Sequence, row.DispatchedAt, row.ClaimedUntil, row.ClaimToken));
            }
        }
        // Written again, every one is known: nothing new.
        Assert.Equal(0, (await app.InTenant("river-tees", sp => SweepInsert.InsertNewAsync(sp.GetRequiredService<AppDbContext>(), group, CancellationToken.None))).Inserted);
    }

    /// <summary>
    /// PostgreSQL: a key another node raises while this one's COPY runs (after the known keys were read) fails the COPY on
    /// the unique index; it is undone to its savepoint and the rows go in by the INSERT that skips a key already there
    /// (ADR 0069): every other new row written, that one key once.
    /// </summary>
    [PostgresFact]
    public async Task A_key_raised_by_another_node_during_the_copy_is_skipped_and_the_rest_written()
    {
        const string T = "river-tees";
        var run = Guid.NewGuid().ToString("N");
        var clash = $"sweep5.test:{run}:0007";
        var (tenantId, candidates) = await app.InTenant(T, async sp =>
        {
            var m = await sp.GetRequiredService<AppDbContext>().RelationshipMembers.FirstAsync(x => x.LeftOn == null);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            return (sp.GetRequiredService<ITenantContext>().Tenant.Id, Enumerable.Range(0, AppDbContext.CopyFrom + 20)
                .Select(i => new DomainEvent(EventTypes.SupervisionOverdue, now, m.RelationshipId, staffId: m.StaffId, dedupeKey: $"sweep5.test:{run}:{i:D4}")).ToList());
        });
        await app.InTenant(T, async sp =>
        {
            // The other node: its row with the clashing key written but not yet committed.
            var other = sp.GetRequiredService<AppDbContext>();
            await using var tx = await other.Database.BeginTransactionAsync();
            other.Events.Add(new DomainEvent(EventTypes.SupervisionOverdue, candidates[0].OccurredAt, candidates[0].RelationshipId, staffId: candidates[0].StaffId, dedupeKey: clash));
            await other.SaveChangesAsync();
            var sweeping = app.InTenant(T, inner => SweepInsert.InsertNewAsync(inner.GetRequiredService<AppDbContext>(), tenantId, candidates, CancellationToken.None));
            await Task.Delay(1000);
            Assert.False(sweeping.IsCompleted, "the COPY did not wait for the other node's row" + (sweeping.Exception is { } e ? ": " + e : ""));
            await tx.CommitAsync();
            var (inserted, _) = await sweeping;
            Assert.Equal(candidates.Count - 1, inserted);
        });
        var keys = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.Where(e => e.DedupeKey!.StartsWith($"sweep5.test:{run}:")).Select(e => e.DedupeKey!).ToListAsync());
        Assert.Equal(candidates.Select(c => c.DedupeKey!).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    /// <summary>The known keys read first on PostgreSQL (ADR 0043) are the sweeping tenant's own: the same key raised in another tenant does not hide this one's.</summary>
    [Fact]
    public async Task A_key_known_in_another_tenant_is_still_new_here()
    {
        var key = $"sweep3.test:shared:{Guid.NewGuid():N}";
        Task<int> Insert(string tenant) => app.InTenant(tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var m = await db.RelationshipMembers.FirstAsync(x => x.LeftOn == null);
            var candidate = new DomainEvent(EventTypes.SupervisionOverdue, sp.GetRequiredService<TimeProvider>().GetUtcNow(), m.RelationshipId, staffId: m.StaffId, dedupeKey: key);
            return (await SweepInsert.InsertNewAsync(db, sp.GetRequiredService<ITenantContext>().Tenant.Id, [candidate], CancellationToken.None)).Inserted;
        });
        Assert.Equal(1, await Insert("ascent"));
        Assert.Equal(1, await Insert("devon-torbay"));
        Assert.Equal(0, await Insert("devon-torbay"));
        foreach (var tenant in new[] { "ascent", "devon-torbay" })
            Assert.Equal(1, await app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DedupeKey == key)));
    }

    [Fact]
    public async Task Two_sweeps_at_once_raise_each_fact_once()
    {
        const string T = "mse-icb";
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
            var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types.First(t => !t.IsGroup).Id;
            for (var i = 0; i < 5; i++)
            {
                var person = await sp.NewPersonAsync($"Sweep Twice {i}", $"{Guid.NewGuid():N}@{T}.example", StaffRoles.Supervisee);
                await sp.StartAsync(type, supervisor, person.Id, sp.Today().AddMonths(-7 - i)); // never seen: overdue
            }
        });
        Task<int> Sweep() => SweepAsync(T);
        var both = await Task.WhenAll(Sweep(), Sweep());
        var keys = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Events.Where(e => e.DedupeKey != null).Select(e => e.DedupeKey!).ToListAsync());
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.Count, both.Sum()); // every row counted by exactly one of the two
        Assert.True(keys.Count(k => k.StartsWith("supervision.overdue:", StringComparison.Ordinal)) >= 5);
    }

    /// <summary>A scope's tenant with other settings: the rules under test without a tenant folder of their own.</summary>
    private sealed class SettingsOverride(TenantInfo tenant) : ITenantContext
    {
        public bool HasTenant => true;
        public TenantInfo Tenant => tenant;
        public void Set(TenantInfo other) => throw new InvalidOperationException();
    }

    /// <summary>
    /// Everyone's statuses (ADR 0043: the rolling types' latest sessions read together, one statement per
    /// distinct minimum length) against an oracle that reads each person's whole attended history of the
    /// type, unfiltered, and hands it to the calculator. Two rolling types with different minimum lengths,
    /// sessions on both sides of each minimum.
    /// </summary>
    [Fact]
    public async Task Everyones_statuses_equal_the_calculator_over_each_persons_whole_history()
    {
        const string T = "ralph-thoresby";
        var seed = Environment.TickCount;
        await app.InTenant(T, async sp =>
        {
            var random = new Random(seed);
            var db = sp.GetRequiredService<AppDbContext>();
            var settings = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision;
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = sp.Today();
            var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
            var oneToOne = settings.Types.First(t => !t.IsGroup);
            for (var i = 0; i < 12; i++)
            {
                var person = await sp.NewPersonAsync($"Sweep Oracle {i}", $"{Guid.NewGuid():N}@{T}.example", StaffRoles.Supervisee);
                var relationship = await sp.StartAsync(oneToOne.Id, supervisor, person.Id, today.AddDays(-random.Next(130, 400)));
                for (var s = i % 4 + random.Next(0, 2); s > 0; s--)
                    db.Sessions.Add(Session.RecordAdHoc(relationship, today.AddDays(-random.Next(1, 120)), new TimeOnly(9 + s, 0),
                        random.Next(3) switch { 0 => 30, 1 => 45, _ => 50 }, null, supervisor, now, today));
                // Every other person has one session that counts, whatever the draw: the check below is never vacuous
                // (with only the random ones, a seed could leave fewer than six seen).
                if (i % 2 == 1)
                    db.Sessions.Add(Session.RecordAdHoc(relationship, today.AddDays(-random.Next(1, 120)), new TimeOnly(8, 0),
                        50, null, supervisor, now, today));
                await db.SaveChangesAsync();
            }
        });

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var real = sp.GetRequiredService<ITenantContext>().Tenant;
            var types = real.Settings.Supervision.Types.Where(t => t.Frequency.Any(f => f.Every is not null)).ToList();
            Assert.True(types.Count >= 2, "the tenant has two rolling types");
            // The one-to-one type counts from 45 minutes, every other rolling type from 30: two statements.
            var changed = real.Settings.Supervision with
            {
                Types = real.Settings.Supervision.Types.Select(t => t.Frequency.Any(f => f.Every is not null)
                    ? t with { MinimumMinutes = t.IsGroup ? 30 : 45 } : t).ToList(),
            };
            var tenant = real with { Settings = real.Settings with { Supervision = changed } };
            var clock = sp.GetRequiredService<TimeProvider>();
            var service = new ComplianceService(db, new SettingsOverride(tenant), clock, sp.GetRequiredService<StatusCache>());
            var everyone = await service.StatusesAsync(null, CancellationToken.None);
            Assert.Contains(everyone, s => s.Name.StartsWith("Sweep Oracle", StringComparison.Ordinal));

            var today = tenant.Today(clock);
            var calendar = ComplianceService.CalendarFor(tenant);
            var attended = (await db.SessionAttendance.AsNoTracking().Where(a => a.Attendance == MemberAttendance.Present)
                .Select(a => new { a.StaffId, a.TypeId, a.Date, a.Minutes }).ToListAsync())
                .ToLookup(a => (a.StaffId, a.TypeId), a => new AttendedSession(a.Date, a.Minutes));
            var memberships = await db.RelationshipMembers.AsNoTracking()
                .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new { m.StaffId, r.TypeId, m.JoinedOn }).ToListAsync();
            var firstJoined = memberships.GroupBy(m => (m.StaffId, m.TypeId)).ToDictionary(g => g.Key, g => g.Min(m => m.JoinedOn));
            var people = await db.Staff.AsNoTracking().Select(p => new { p.Id, p.StartDate, p.LeftOn }).ToDictionaryAsync(p => p.Id);
            var compared = 0;
            foreach (var s in everyone)
            {
                var type = changed.Type(s.TypeId)!;
                var from = firstJoined[(s.StaffId, s.TypeId)];
                if (people[s.StaffId].StartDate is { } started && started > from) from = started;
                var expected = ComplianceService.Evaluate(type, changed, calendar, from, people[s.StaffId].LeftOn,
                    attended[(s.StaffId, s.TypeId)].Where(a => a.Date <= today).OrderBy(a => a.Date).ToList(), today);
                Assert.True(expected == s.Compliance, $"seed {seed}, {s.Name} ({s.TypeId}): expected {expected}, got {s.Compliance}");
                compared++;
            }
            var oracle = everyone.Where(s => s.Name.StartsWith("Sweep Oracle", StringComparison.Ordinal)).ToList();
            Assert.True(compared > 12 && oracle.Count(s => s.Compliance.LastSession is not null) >= 6,
                $"seed {seed}: {oracle.Count} made, {oracle.Count(s => s.Compliance.LastSession is not null)} seen; {attended.Count} people with sessions");
        });
    }

    /// <summary>
    /// Each person's latest session that counts for a rolling rule is the one read: not a later one too short to count,
    /// one they were absent from or one dated after today, and found across a reallocation (the counting session was
    /// under the ended supervision). Alone and read together with another tenant, the same answer.
    /// </summary>
    [Fact]
    public async Task The_latest_session_that_counts_is_found_past_later_ones_that_do_not_alone_and_together()
    {
        const string T = "ralph-thoresby";
        var (person, counted, tenant) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var real = sp.GetRequiredService<ITenantContext>().Tenant;
            var type = real.Settings.Supervision.Types.First(t => !t.IsGroup && t.Frequency.Any(f => f.Every is not null));
            // 45 minutes to count, whatever the tenant's own files say.
            var changed = real with { Settings = real.Settings with { Supervision = real.Settings.Supervision with {
                Types = real.Settings.Supervision.Types.Select(t => t.Id == type.Id ? t with { MinimumMinutes = 45 } : t).ToList() } } };
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = sp.Today();
            var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
            var person = await sp.NewPersonAsync("Latest Counted", $"{Guid.NewGuid():N}@{T}.example", StaffRoles.Supervisee);
            var first = await sp.StartAsync(type.Id, supervisor, person.Id, today.AddDays(-200));
            var counted = today.AddDays(-100);
            db.Sessions.Add(Session.RecordAdHoc(first, counted, new TimeOnly(10, 0), 50, null, supervisor, now, today));
            await db.SaveChangesAsync();
            var second = await sp.StartAsync(type.Id, supervisor, person.Id, today.AddDays(-60)); // ends the first
            var shortOne = Session.RecordAdHoc(second, today.AddDays(-30), new TimeOnly(10, 0), 44, null, supervisor, now, today);
            var absent = Session.RecordAdHoc(second, today.AddDays(-20), new TimeOnly(10, 0), 60, null, supervisor, now, today);
            var ahead = Session.RecordAdHoc(second, today.AddDays(-10), new TimeOnly(10, 0), 60, null, supervisor, now, today);
            db.Sessions.AddRange(shortOne, absent, ahead);
            await db.SaveChangesAsync();
            await db.SessionAttendance.Where(a => a.SessionId == absent.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Attendance, MemberAttendance.Absent));
            // Dated after today, as a correction or a clock ahead could leave it: not yet held.
            await db.SessionAttendance.Where(a => a.SessionId == ahead.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Date, today.AddDays(3)));
            Assert.Equal(4, await db.SessionAttendance.CountAsync(a => a.StaffId == person.Id));

            var alone = await new ComplianceService(db, new SettingsOverride(changed), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StatusCache>())
                .StatusesAsync(null, CancellationToken.None);
            Assert.Equal(counted, alone.Single(s => s.StaffId == person.Id).Compliance.LastSession);
            return (person.Id, counted, changed);
        });

        await using var scope = app.Services.CreateAsyncScope();
        var registry = app.Services.GetRequiredService<TenantRegistry>();
        await registry.RefreshAsync(CancellationToken.None);
        var today = tenant.Today(app.Services.GetRequiredService<TimeProvider>());
        var other = registry.All.First(t => t.Identifier != T && t.Today(app.Services.GetRequiredService<TimeProvider>()) == today);
        var together = await ComplianceService.EveryoneInAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), [tenant, other], today, CancellationToken.None);
        Assert.Equal(counted, together[tenant.Id]().Single(s => s.StaffId == person).Compliance.LastSession);
    }
}
