using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// The sweep reads the tenants it holds no statuses for together, in a scope of no tenant (ADR 0061). Each tenant's
/// statuses and facts must be exactly what it gets alone, and rows one tenant holds that point into another (a
/// membership of another's supervision, another's supervisor, another's person and type on an attendance) must count
/// for neither, as the filters make sure alone.
/// </summary>
public sealed class SweepTogetherTests(TogetherSweepFactory app) : IClassFixture<TogetherSweepFactory>
{
    private async Task<List<TenantInfo>> TenantsAsync()
    {
        var registry = app.Services.GetRequiredService<TenantRegistry>();
        await registry.RefreshAsync(CancellationToken.None);
        return registry.All.ToList();
    }

    private Task<IReadOnlyList<SuperviseeStatus>> OwnAsync(string tenant) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<ComplianceService>().StatusesAsync(null, CancellationToken.None));

    /// <summary>Every tenant's statuses read together, in one context of no tenant (a batch per today, as the round makes them).</summary>
    private async Task<Dictionary<Guid, IReadOnlyList<SuperviseeStatus>>> TogetherAsync(IEnumerable<TenantInfo> tenants, bool direct = true)
    {
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var result = new Dictionary<Guid, IReadOnlyList<SuperviseeStatus>>();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        foreach (var sameDay in tenants.GroupBy(t => t.Today(clock)))
        {
            var read = await ComplianceService.EveryoneInAsync(db, sameDay.ToList(), sameDay.Key, CancellationToken.None, direct);
            foreach (var t in sameDay) result[t.Id] = read[t.Id]();
        }
        return result;
    }

    /// <summary>Varied supervisees (<see cref="SweepEventsTests.VariedAsync"/>) added to three tenants of different rules; every tenant, and the seed to replay them.</summary>
    private async Task<(int Seed, List<TenantInfo> Tenants)> VariedTenantsAsync()
    {
        var seed = Environment.TickCount;
        foreach (var t in new[] { "ascent", "devon-torbay", "ralph-thoresby" })
            await app.InTenant(t, sp => SweepEventsTests.VariedAsync(sp, t, seed));
        return (seed, await TenantsAsync());
    }

    [Fact]
    public async Task Each_tenants_statuses_read_together_are_exactly_its_own()
    {
        var (seed, tenants) = await VariedTenantsAsync();
        var together = await TogetherAsync(tenants);
        foreach (var t in tenants)
        {
            var own = await OwnAsync(t.Identifier);
            Assert.True(own.SequenceEqual(together[t.Id]), $"{t.Identifier} (seed {seed}): {own.Count} alone, {together[t.Id].Count} together");
        }
        Assert.True(together.Count(t => t.Value.Count > 0) >= 3);
    }

    /// <summary>
    /// On SQLite the big sets are read from the statement, not through EF Core (ADR 0071): every tenant's statuses must be
    /// the same both ways, with varied data (ended memberships, signed and unsigned agreements, sessions of every
    /// attendance, people who left). On PostgreSQL both ways are EF Core's, and the test says so by passing trivially.
    /// </summary>
    [Fact]
    public async Task Statuses_read_from_the_statement_on_sqlite_are_those_ef_core_reads()
    {
        var (seed, tenants) = await VariedTenantsAsync();
        var direct = await TogetherAsync(tenants, direct: true);
        var linq = await TogetherAsync(tenants, direct: false);
        foreach (var t in tenants)
            Assert.True(linq[t.Id].SequenceEqual(direct[t.Id]), $"{t.Identifier} (seed {seed}): {linq[t.Id].Count} through EF Core, {direct[t.Id].Count} from the statement");
        Assert.True(direct.Sum(t => t.Value.Count) >= 20);
    }

    /// <summary>
    /// The attacker's side: rows stamped with one tenant (mse-icb) that name another's (ascent's) relationship,
    /// supervisor, person and type, as a bug or a tampered row could. Alone, the filters keep each tenant to its own
    /// rows; read together, in one statement each, the same must hold: ascent's overdue supervisee stays overdue
    /// whatever mse-icb's rows say, and nothing of ascent's shows in mse-icb's list.
    /// </summary>
    [Fact]
    public async Task Rows_of_one_tenant_that_point_into_another_count_for_neither_when_read_together()
    {
        const string A = "ascent", B = "mse-icb";
        var (victim, victimRelationship, victimSupervisor, victimType) = await app.InTenant(A, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await sp.NewPersonAsync("Together Supervisor A", $"{Guid.NewGuid():N}@{A}.example", StaffRoles.Supervisor);
            var person = await sp.NewPersonAsync("Together Victim A", $"{Guid.NewGuid():N}@{A}.example", StaffRoles.Supervisee);
            var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types.First(x => !x.IsGroup && x.Frequency.Count > 0).Id;
            var r = await sp.StartAsync(type, supervisor.Id, person.Id, sp.Today().AddMonths(-10));
            return (person.Id, r.Id, supervisor.Id, type);
        });
        var (attendee, joiner, supervised) = await app.InTenant(B, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await db.StaffIdAsync($"supervisor@{B}.example");
            var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types.First(x => !x.IsGroup && x.Frequency.Count > 0).Id;
            var ids = new List<string>();
            var relationships = new List<Relationship>();
            for (var i = 0; i < 3; i++)
            {
                var person = await sp.NewPersonAsync($"Together Person B {i}", $"{Guid.NewGuid():N}@{B}.example", StaffRoles.Supervisee);
                relationships.Add(await sp.StartAsync(type, supervisor, person.Id, sp.Today().AddMonths(-3)));
                ids.Add(person.Id);
            }
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            db.Sessions.Add(Session.RecordAdHoc(relationships[0], sp.Today().AddDays(-2), new TimeOnly(10, 0), 90, null, supervisor, now, sp.Today()));
            await db.SaveChangesAsync();
            return (ids[0], ids[1], relationships[2].Id);
        });

        var ascentAlone = await OwnAsync(A);
        var mseAlone = await OwnAsync(B);
        Assert.Equal(ComplianceState.Overdue, ascentAlone.Single(s => s.StaffId == victim).Compliance.State);

        // Past the filters, as only a fault or an attacker could: mse-icb's rows now name ascent's.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Equal(1, await db.SessionAttendance.IgnoreQueryFilters().Where(a => a.StaffId == attendee)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.StaffId, victim).SetProperty(a => a.TypeId, victimType)));
            Assert.Equal(1, await db.RelationshipMembers.IgnoreQueryFilters().Where(m => m.StaffId == joiner)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.RelationshipId, victimRelationship)));
            Assert.Equal(1, await db.Relationships.IgnoreQueryFilters().Where(r => r.Id == supervised)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.SupervisorId, victimSupervisor)));
        }

        var tenants = (await TenantsAsync()).Where(t => t.Identifier is A or B).ToList();
        var together = await TogetherAsync(tenants);
        var ascent = together[tenants.Single(t => t.Identifier == A).Id];
        var mse = together[tenants.Single(t => t.Identifier == B).Id];
        Assert.True((await OwnAsync(A)).SequenceEqual(ascent));
        Assert.True((await OwnAsync(B)).SequenceEqual(mse));
        // The victim is still overdue: mse-icb's attendance under their name and type is not theirs.
        Assert.Equal(ComplianceState.Overdue, ascent.Single(s => s.StaffId == victim).Compliance.State);
        Assert.True(ascentAlone.SequenceEqual(ascent));
        // mse-icb lists neither the member moved into ascent's supervision nor the one under ascent's supervisor,
        // and shows nothing of ascent's.
        Assert.DoesNotContain(mse, s => s.StaffId == joiner || s.RelationshipId == victimRelationship || s.RelationshipId == supervised);
        Assert.DoesNotContain(mse, s => s.SupervisorId == victimSupervisor || s.StaffId == victim);
        Assert.Equal(mseAlone.Count - 2, mse.Count);
        // On SQLite the above read the rows from the statement (ADR 0071); EF Core's reads must keep the tenants apart as well.
        var throughEf = await TogetherAsync(tenants, direct: false);
        Assert.True(throughEf[tenants.Single(t => t.Identifier == A).Id].SequenceEqual(ascent));
        Assert.True(throughEf[tenants.Single(t => t.Identifier == B).Id].SequenceEqual(mse));
    }

    /// <summary>
    /// A dispatch round reads its subjects' attendance once, for their histories, and the statuses count from those
    /// rows rather than read the attended sessions again. For any scope the rows cover, the statuses must be exactly
    /// those the database's own reading gives, with absences, sessions too short to count, sessions dated ahead and
    /// sessions older than the history the rules look at among the rows, and rows of people outside the scope.
    /// </summary>
    [Fact]
    public async Task Statuses_counted_from_attendance_in_hand_are_exactly_those_read()
    {
        var seed = Environment.TickCount;
        var kinds = new HashSet<string>();
        foreach (var t in new[] { "ascent", "devon-torbay", "ralph-thoresby" })
            await app.InTenant(t, async sp =>
            {
                await SweepEventsTests.VariedAsync(sp, t, seed);
                var db = sp.GetRequiredService<AppDbContext>();
                var today = sp.Today();
                var types = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types;
                if (types.Any(x => x.Frequency.Any(f => f.Per is not null))) kinds.Add("period");
                if (types.Any(x => x.Frequency.Any(f => f.Every is not null))) kinds.Add("rolling");
                var rows = await db.SessionAttendance.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
                var absent = rows.Where((_, i) => i % 5 == 1).ToList();
                var ahead = rows.Where((_, i) => i % 7 == 2).ToList();
                var old = rows.Where((_, i) => i % 6 == 3).ToList();
                await db.SessionAttendance.Where(a => absent.Contains(a.Id)).ExecuteUpdateAsync(u => u.SetProperty(a => a.Attendance, MemberAttendance.Absent));
                await db.SessionAttendance.Where(a => ahead.Contains(a.Id)).ExecuteUpdateAsync(u => u.SetProperty(a => a.Date, today.AddDays(9)));
                await db.SessionAttendance.Where(a => old.Contains(a.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(a => a.Date, today.AddYears(-ComplianceService.HistoryYears).AddDays(-40)));

                var compliance = sp.GetRequiredService<ComplianceService>();
                var people = await db.RelationshipMembers.Select(m => m.StaffId).Distinct().OrderBy(id => id).ToListAsync();
                var attendance = await compliance.AttendanceOfAsync(people, CancellationToken.None);
                Assert.Contains(attendance, a => a.Attendance != MemberAttendance.Present);
                var everyone = await compliance.StatusesAsync(m => people.Contains(m.StaffId), CancellationToken.None);
                Assert.True(everyone.SequenceEqual(await compliance.StatusesAsync(m => people.Contains(m.StaffId), CancellationToken.None, attendance)),
                    $"{t} (seed {seed}): everyone");
                Assert.True(everyone.Select(s => s.Compliance.State).Distinct().Count() >= 2, $"{t} (seed {seed}): one state only");
                // Half the people, counted from everyone's rows (a round passes all its subjects' rows to a narrower scope).
                var half = people.Where((_, i) => i % 2 == 0).ToList();
                Assert.True((await compliance.StatusesAsync(m => half.Contains(m.StaffId), CancellationToken.None))
                    .SequenceEqual(await compliance.StatusesAsync(m => half.Contains(m.StaffId), CancellationToken.None, attendance)), $"{t} (seed {seed}): half");
            });
        Assert.Equal(["period", "rolling"], kinds.Order());
    }

    /// <summary>
    /// A round that holds no statuses reads its tenants together and keeps what it worked out; the next round brings
    /// them up to date by a look, alone. Both raise the same facts, and a change saved after the first is in the second.
    /// </summary>
    [Fact]
    public async Task Tenants_swept_together_or_alone_raise_the_same_facts_and_the_kept_statuses_follow_changes()
    {
        string[] these = ["ascent", "devon-torbay", "river-tees"];
        var seed = Environment.TickCount;
        foreach (var t in these) await app.InTenant(t, sp => SweepEventsTests.VariedAsync(sp, t, seed));
        var tenants = (await TenantsAsync()).Where(t => these.Contains(t.Identifier)).ToList();
        var cache = app.Services.GetRequiredService<StatusCache>();
        var clock = app.Services.GetRequiredService<TimeProvider>();
        foreach (var t in tenants) cache.Forget(t.Id);
        var round = app.Services.GetRequiredService<SweepRound>();

        await round.RunAsync(CancellationToken.None, t => these.Contains(t.Identifier), degree: 2);
        Assert.All(tenants, t => Assert.True(cache.Holds(t, t.Today(clock))));
        var together = await KeysAsync(tenants);
        Assert.All(tenants, t => Assert.NotEmpty(together[t.Id]));

        // A supervisee who becomes overdue after the first round: only the look can find them in the kept statuses.
        var late = await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await db.StaffIdAsync("supervisor@ascent.example");
            var person = await sp.NewPersonAsync("Together Late", $"{Guid.NewGuid():N}@ascent.example", StaffRoles.Supervisee);
            var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types.First(x => !x.IsGroup && x.Frequency.Count > 0).Id;
            return (await sp.StartAsync(type, supervisor, person.Id, sp.Today().AddMonths(-9))).Id;
        });
        await DeleteSweepEventsAsync(tenants);
        var fullBefore = cache.FullComputations;
        await round.RunAsync(CancellationToken.None, t => these.Contains(t.Identifier), degree: 2);
        Assert.Equal(fullBefore, cache.FullComputations); // each tenant brought up to date by a look, none worked out again
        var alone = await KeysAsync(tenants);
        foreach (var t in tenants)
        {
            var expected = together[t.Id].ToHashSet();
            if (t.Identifier == "ascent") Assert.Contains(alone[t.Id], k => k.StartsWith($"supervision.overdue:{late:N}:", StringComparison.Ordinal));
            Assert.True(expected.IsSubsetOf(alone[t.Id]), t.Identifier);
            Assert.Equal(t.Identifier == "ascent" ? expected.Count + 1 : expected.Count, alone[t.Id].Count);
            Assert.True((await OwnAsync(t.Identifier)).SequenceEqual(await app.InTenant(t.Identifier, sp => sp.GetRequiredService<ComplianceService>().EveryoneAsync(CancellationToken.None))));
        }
    }

    /// <summary>
    /// The count that sizes the batches fails (a lock, a dropped connection): the round must still sweep every tenant,
    /// each alone, and raise what the batches raise, rather than fail the hour for everyone.
    /// </summary>
    [Fact]
    public async Task A_round_that_cannot_count_its_tenants_sweeps_each_alone_and_raises_the_same_facts()
    {
        string[] these = ["ascent", "devon-torbay"];
        var seed = Environment.TickCount;
        foreach (var t in these) await app.InTenant(t, sp => SweepEventsTests.VariedAsync(sp, t, seed));
        var tenants = (await TenantsAsync()).Where(t => these.Contains(t.Identifier)).ToList();
        var cache = app.Services.GetRequiredService<StatusCache>();
        var round = app.Services.GetRequiredService<SweepRound>();
        Assert.True(round.Together);

        foreach (var t in tenants) cache.Forget(t.Id);
        await round.RunAsync(CancellationToken.None, t => these.Contains(t.Identifier), degree: 2);
        var batched = await KeysAsync(tenants);
        Assert.All(tenants, t => Assert.NotEmpty(batched[t.Id]));

        await DeleteSweepEventsAsync(tenants);
        foreach (var t in tenants) cache.Forget(t.Id);
        app.Counting.Refuse = true;
        try { await round.RunAsync(CancellationToken.None, t => these.Contains(t.Identifier), degree: 2); }
        finally { app.Counting.Refuse = false; }
        Assert.True(app.Counting.Refused > 0);
        var alone = await KeysAsync(tenants);
        Assert.All(tenants, t => Assert.Equal(batched[t.Id].Order(StringComparer.Ordinal), alone[t.Id].Order(StringComparer.Ordinal)));
    }

    /// <summary>
    /// Everyone's next booking is read through the booked sessions' own index (ADR 0062), a partial one: a database
    /// uses it only for a statement that names the same status as written, so both reads (a tenant alone, tenants
    /// together) must say `"Status" = 0` as the index's filter does, not a parameter or another spelling.
    /// </summary>
    [Fact]
    public async Task The_booked_reads_name_the_booked_status_as_the_booked_index_does()
    {
        var tenants = (await TenantsAsync()).Where(t => t.Identifier is "ascent" or "mse-icb").ToList();
        app.Statements.Recording = true;
        try
        {
            await TogetherAsync(tenants);
            await OwnAsync("ascent");
        }
        finally { app.Statements.Recording = false; }
        var booked = app.Statements.Texts.Where(t => t.Contains("FROM \"Sessions\"", StringComparison.Ordinal) && t.Contains("\"Date\" >=", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, booked.Count);
        Assert.All(booked, t => Assert.Matches(@"""Status"" = 0(?!\d)", t));

        await using var scope = app.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<AppDbContext>().Model.FindEntityType(typeof(Session))!.GetIndexes()
            .Single(i => i.GetDatabaseName() == "IX_Sessions_Booked");
        Assert.Equal("\"Status\" = 0", index.GetFilter());
        Assert.Equal(0, (int)SessionStatus.Booked);
    }

    private async Task DeleteSweepEventsAsync(IReadOnlyList<TenantInfo> tenants)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var ids = tenants.Select(t => t.Id).ToList();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Events.IgnoreQueryFilters()
            .Where(e => ids.Contains(e.TenantId) && e.DedupeKey != null).ExecuteDeleteAsync();
    }

    private async Task<Dictionary<Guid, List<string>>> KeysAsync(IReadOnlyList<TenantInfo> tenants)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var ids = tenants.Select(t => t.Id).ToList();
        var rows = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Events.IgnoreQueryFilters().AsNoTracking()
            .Where(e => ids.Contains(e.TenantId) && e.DedupeKey != null).Select(e => new { e.TenantId, e.DedupeKey }).ToListAsync();
        return ids.ToDictionary(id => id, id => rows.Where(r => r.TenantId == id).Select(r => r.DedupeKey!).ToList());
    }
}

/// <summary>
/// The sweep's batches on, as by default (said here so that a changed default does not silently turn these tests into
/// tests of sweeping alone), no background sweep or worker, and a count of supervisees per tenant a test can make fail.
/// </summary>
public sealed class TogetherSweepFactory : AppFactory
{
    public RefusedCount Counting { get; } = new();
    public StatementLog Statements { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Sweep:Together"] = "true" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionSweepService)));
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionHub.Web.Workflows.WorkflowWorker)));
            services.ConfigureAppDbContext(o => o.AddInterceptors(Counting, Statements));
        });
    }
}

/// <summary>While <see cref="Refuse"/> is set, the statement that counts every tenant's memberships fails.</summary>
public sealed class RefusedCount : DbCommandInterceptor
{
    private int _refused;
    public bool Refuse { get; set; }
    public int Refused => Volatile.Read(ref _refused);

    private void Check(DbCommand command)
    {
        if (!Refuse || !command.CommandText.Contains("COUNT(*)", StringComparison.OrdinalIgnoreCase) || !command.CommandText.Contains("\"RelationshipMembers\"", StringComparison.Ordinal)
            || !command.CommandText.Contains("GROUP BY", StringComparison.OrdinalIgnoreCase)) return;
        Interlocked.Increment(ref _refused);
        throw new InvalidOperationException("The count was refused (a test's fault).");
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }
}

/// <summary>While <see cref="Recording"/> is set, the text of every query any context sends.</summary>
public sealed class StatementLog : DbCommandInterceptor
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _texts = new();
    public bool Recording { get; set; }
    public IReadOnlyCollection<string> Texts => _texts;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (Recording) _texts.Enqueue(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Recording) _texts.Enqueue(command.CommandText);
        return ValueTask.FromResult(result);
    }
}
