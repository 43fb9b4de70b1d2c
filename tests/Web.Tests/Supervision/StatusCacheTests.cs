using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>Two app instances (two nodes) on one database with one settable clock; the tests read through node A.</summary>
public sealed class TwoNodeStatusFixture : IDisposable
{
    public SharedFolders Folders { get; } = new();
    // Starts at the real time: the sign-in cookie's lifetime is checked against it. Moved only forward.
    public SettableClock Clock { get; } = new(Seasons.RunStart);
    public WorkflowAppFactory A { get; }
    public WorkflowAppFactory B { get; }

    public TwoNodeStatusFixture()
    {
        A = new WorkflowAppFactory(Folders.Data, Folders.Tenants, Clock);
        _ = A.Services; // A migrates and seeds; B then starts on the same database, as a second node would
        B = new WorkflowAppFactory(Folders.Data, Folders.Tenants, Clock);
        _ = B.Services;
    }

    public void Dispose()
    {
        B.Dispose();
        A.Dispose();
        Folders.Dispose();
    }
}

/// <summary>
/// Everyone's status comes from each node's StatusCache (issue 9): it must show every change on the
/// next request, whichever node wrote it, start again on a new day, stay equal to
/// ComplianceService.StatusesAsync(null), and keep each tenant to itself.
/// </summary>
public sealed partial class StatusCacheTests(TwoNodeStatusFixture f) : IClassFixture<TwoNodeStatusFixture>
{
    private const string T = "ralph-thoresby";
    private const string Other = "ascent";

    private static Task<IReadOnlyList<SuperviseeStatus>> Cached(WorkflowAppFactory node, string tenant = T) =>
        node.InTenant(tenant, sp => sp.GetRequiredService<ComplianceService>().EveryoneAsync(CancellationToken.None));

    private static Task<IReadOnlyList<SuperviseeStatus>> Computed(WorkflowAppFactory node, string tenant = T) =>
        node.InTenant(tenant, sp => sp.GetRequiredService<ComplianceService>().StatusesAsync(null, CancellationToken.None));

    private static StatusCache Cache(WorkflowAppFactory node) => node.Services.GetRequiredService<StatusCache>();

    /// <summary>A new supervisee of the demo supervisor in a one-to-one started <paramref name="daysAgo"/> days ago, with no session yet.</summary>
    private static Task<(string StaffId, Guid RelationshipId)> NewSuperviseeAsync(WorkflowAppFactory node, string name, int daysAgo, string tenant = T) =>
        node.InTenant(tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var supervisor = await db.StaffIdAsync($"supervisor@{tenant}.example");
            var person = await sp.NewPersonAsync(name, $"{Guid.NewGuid():N}@{tenant}.example", StaffRoles.Supervisee);
            var type = sp.GetRequiredService<SupervisionHub.Web.Tenancy.ITenantContext>().Tenant.Settings.Supervision.Types.First(t => !t.IsGroup).Id;
            var r = await sp.StartAsync(type, supervisor, person.Id, sp.Today().AddDays(-daysAgo));
            return (person.Id, r.Id);
        });

    private static Task Attend(WorkflowAppFactory node, Guid relationshipId, string tenant = T) => node.InTenant(tenant, async sp =>
    {
        var r = await sp.GetRequiredService<AppDbContext>().Relationships.Include(x => x.Members).SingleAsync(x => x.Id == relationshipId);
        await sp.AttendedTodayAsync(r);
    });

    private async Task<HttpClient> LeadAsync(string tenant = T, string who = "lead")
    {
        var client = f.A.Browser();
        var signedIn = await client.SignIn(tenant, $"{who}@{tenant}.example", AppFactory.DemoPassword);
        Assert.True(signedIn.StatusCode == System.Net.HttpStatusCode.Redirect && signedIn.Headers.Location?.ToString() == $"/{tenant}", $"{who}@{tenant}: {signedIn.StatusCode} {signedIn.Headers.Location}");
        return client;
    }

    [GeneratedRegex("""(\d+) supervisees? in supervision: <strong id="org-overdue">(\d+) overdue</strong>, (\d+) due soon, (\d+) without""")]
    private static partial Regex OrganisationCounts();

    /// <summary>
    /// The home is kept while the tenant's change stamp holds (ADR 0049): another node's save reaches it at the
    /// stamp's next look, at most <see cref="TenantChanges.LookEvery"/> later, where the /supervision list shows it at once.
    /// </summary>
    private static Task AfterTheStampsLook() => Task.Delay(TenantChanges.LookEvery + TimeSpan.FromMilliseconds(100));

    private static async Task<(int Total, int Overdue, int NoAgreement)> HomeCountsAsync(HttpClient lead, string tenant = T)
    {
        await AfterTheStampsLook();
        var html = await lead.GetStringAsync($"/{tenant}");
        var m = OrganisationCounts().Match(html);
        Assert.True(m.Success, "The home page has no organisation panel");
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[4].Value));
    }

    /// <summary>The /supervision page, filtered to one state or not at all: does it list this person?</summary>
    private static async Task<bool> ListedAsync(HttpClient lead, string staffId, string state, string tenant = T)
    {
        var response = await lead.GetAsync(state.Length == 0 ? $"/{tenant}/supervision" : $"/{tenant}/supervision?State={state}");
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{response.StatusCode} {response.Headers.Location}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("govuk-pagination", html); // the demo tenants fit on one page: not listed means not there
        return html.Contains($"data-staff=\"{staffId}\"", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recording_attendance_on_this_node_shows_on_the_leads_next_request()
    {
        var (id, rel) = await NewSuperviseeAsync(f.A, "Cache Attends-Here", daysAgo: 70);
        var lead = await LeadAsync();
        var before = await HomeCountsAsync(lead);
        Assert.True(await ListedAsync(lead, id, "Overdue"));

        await Attend(f.A, rel);

        var after = await HomeCountsAsync(lead);
        Assert.Equal(before.Overdue - 1, after.Overdue);
        Assert.Equal(before.Total, after.Total);
        Assert.False(await ListedAsync(lead, id, "Overdue"));
        Assert.True(await ListedAsync(lead, id, "OnTrack"));
    }

    [GeneratedRegex("""<dt class="govuk-summary-list__key">([^<]+)</dt><dd class="govuk-summary-list__value">(\d+)</dd>""")]
    private static partial Regex DirectoryFigure();

    private static async Task<SupervisionHub.Web.Pages.Home.IndexModel.DirectoryCounts> DirectoryAsync(HttpClient lead)
    {
        await AfterTheStampsLook();
        var html = await lead.GetStringAsync($"/{T}");
        var panel = html[html.IndexOf("id=\"panel-directory\"", StringComparison.Ordinal)..];
        var figures = DirectoryFigure().Matches(panel).Take(4).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        return new(figures["Active staff"], figures["Supervisors"], figures["Supervisors without in-date training"], figures["Supervisors whose training expires within 60 days"]);
    }

    private static Task<SupervisionHub.Web.Pages.Home.IndexModel.DirectoryCounts> DirectoryComputedAsync(WorkflowAppFactory node) =>
        node.InTenant(T, sp => SupervisionHub.Web.Pages.Home.IndexModel.DirectoryCountsAsync(sp.GetRequiredService<AppDbContext>(), sp.Today(), CancellationToken.None));

    /// <summary>
    /// The lead's directory figures are kept with the status list (ADR 0041): each change another node
    /// saves to what they count (a person added, a training record, a role, a leaving date) shows on
    /// this node's next view, equal to the figures computed afresh.
    /// </summary>
    [Fact]
    public async Task The_leads_directory_figures_follow_each_change_another_node_saves()
    {
        var lead = await LeadAsync();
        var start = await DirectoryAsync(lead);
        Assert.Equal(await DirectoryComputedAsync(f.A), start);
        Assert.Equal(start, await DirectoryAsync(lead)); // from the cache: the same

        var person = await f.B.InTenant(T, sp => sp.NewPersonAsync("Directory Newcomer", $"{Guid.NewGuid():N}@{T}.example", StaffRoles.Supervisor));
        var added = await DirectoryAsync(lead);
        Assert.Equal(start with { Active = start.Active + 1, Supervisors = start.Supervisors + 1, WithoutTraining = start.WithoutTraining + 1 }, added);

        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var p = await db.Staff.Include(s => s.Training).SingleAsync(s => s.Id == person.Id);
            p.AddTraining("Safeguarding supervision", sp.Today().AddYears(-1), sp.Today().AddDays(20));
            await db.SaveChangesAsync();
        });
        Assert.Equal(added with { WithoutTraining = added.WithoutTraining - 1, TrainingExpiringSoon = added.TrainingExpiringSoon + 1 }, await DirectoryAsync(lead));

        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var p = await db.Staff.SingleAsync(s => s.Id == person.Id);
            db.Entry(p).Property(s => s.Roles).CurrentValue = StaffRoles.Supervisee;
            await db.SaveChangesAsync();
        });
        Assert.Equal(start with { Active = start.Active + 1 }, await DirectoryAsync(lead));

        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var p = await db.Staff.SingleAsync(s => s.Id == person.Id);
            db.Entry(p).Property(s => s.LeftOn).CurrentValue = sp.Today().AddDays(-1);
            await db.SaveChangesAsync();
        });
        Assert.Equal(start, await DirectoryAsync(lead));
        Assert.Equal(await DirectoryComputedAsync(f.A), await DirectoryAsync(lead));
    }

    [Fact]
    public async Task Changes_written_by_another_node_are_seen_on_the_next_request()
    {
        var (id, rel) = await NewSuperviseeAsync(f.A, "Cache Other-Node", daysAgo: 70);
        var lead = await LeadAsync();
        var start = await HomeCountsAsync(lead);
        Assert.True(await ListedAsync(lead, id, "Overdue"));

        await Attend(f.B, rel); // node B's own cache and database writes; node A has only the StatusChanges row to go on
        Assert.True(await ListedAsync(lead, id, "OnTrack"));
        Assert.Equal(start.Overdue - 1, (await HomeCountsAsync(lead)).Overdue);

        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == rel);
            r.End(sp.Today(), "Moved school");
            await db.SaveChangesAsync();
        });
        Assert.False(await ListedAsync(lead, id, "OnTrack"));
        Assert.Equal(start.Total - 1, (await HomeCountsAsync(lead)).Total);
        Assert.Equal(await Computed(f.A), await Cached(f.A));
    }

    [Fact]
    public async Task Signing_an_agreement_cancelling_and_leaving_each_show_at_once()
    {
        var (id, rel) = await NewSuperviseeAsync(f.A, "Cache Signs-Cancels-Leaves", daysAgo: 20);
        var lead = await LeadAsync();
        var start = await HomeCountsAsync(lead);
        SuperviseeStatus Mine(IReadOnlyList<SuperviseeStatus> all) => all.Single(s => s.StaffId == id && s.RelationshipId == rel);
        Assert.Equal(AgreementState.None, Mine(await Cached(f.A)).Agreement);

        // The agreement: started (awaiting signatures), then signed by everyone, on node B.
        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == rel);
            var agreement = await sp.GetRequiredService<SessionRecords>().StartAgreementAsync(r, sp.GetRequiredService<Allocation>().Type("one-to-one"), r.SupervisorId, CancellationToken.None);
            await db.SaveChangesAsync();
            Assert.Equal(AgreementState.AwaitingSignatures, Mine(await sp.GetRequiredService<ComplianceService>().EveryoneAsync(CancellationToken.None)).Agreement);
            agreement.MarkFullySigned(isAgreement: true, sp.GetRequiredService<TimeProvider>().GetUtcNow());
            await db.SaveChangesAsync();
        });
        Assert.Equal(AgreementState.Signed, Mine(await Cached(f.A)).Agreement);
        Assert.Equal(start.NoAgreement - 1, (await HomeCountsAsync(lead)).NoAgreement);

        // A booking shows as the next booked date; cancelling it takes it away.
        var sessionId = await f.A.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var r = await db.Relationships.SingleAsync(x => x.Id == rel);
            var s = Session.Book(r, sp.Today().AddDays(3), new TimeOnly(9, 0), 60, null, r.SupervisorId, sp.GetRequiredService<TimeProvider>().GetUtcNow(), sp.Today());
            db.Sessions.Add(s);
            await db.SaveChangesAsync();
            return s.Id;
        });
        Assert.NotNull(Mine(await Cached(f.A)).NextBooked);
        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            (await db.Sessions.SingleAsync(s => s.Id == sessionId)).Cancel(bySupervisor: true, "Training day", "x", sp.GetRequiredService<TimeProvider>().GetUtcNow());
            await db.SaveChangesAsync();
        });
        Assert.Null(Mine(await Cached(f.A)).NextBooked);

        // Leaving the organisation: no longer required (a leaver's supervision is not expected).
        await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await db.Staff.SingleAsync(s => s.Id == id);
            person.Apply(new StaffDetails(person.FullName, person.Email!, person.JobTitle, person.Site, person.LineManagerId, person.Roles, person.StartDate, sp.Today().AddDays(-1)),
                sp.GetRequiredService<ILookupNormalizer>());
            await db.SaveChangesAsync();
        });
        var left = Mine(await Cached(f.A));
        Assert.Equal(ComplianceState.NotRequired, left.Compliance.State);
        Assert.Equal(await Computed(f.A), await Cached(f.A));
    }

    [Fact]
    public async Task A_supervisors_new_name_reaches_every_row_they_supervise()
    {
        var (id, _) = await NewSuperviseeAsync(f.A, "Cache Renamed-Supervisor", daysAgo: 10);
        Assert.DoesNotContain(await Cached(f.A), s => s.SupervisorName == "Renamed Supervisor");
        var supervisorId = await f.B.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var s = await db.Staff.SingleAsync(x => x.Email == $"supervisor@{T}.example");
            s.Apply(new StaffDetails("Renamed Supervisor", s.Email!, s.JobTitle, s.Site, s.LineManagerId, s.Roles, s.StartDate, s.LeftOn), sp.GetRequiredService<ILookupNormalizer>());
            await db.SaveChangesAsync();
            return s.Id;
        });
        var all = await Cached(f.A);
        Assert.Equal("Renamed Supervisor", all.Single(s => s.StaffId == id).SupervisorName);
        Assert.All(all.Where(s => s.SupervisorId == supervisorId), s => Assert.Equal("Renamed Supervisor", s.SupervisorName));
        Assert.Equal(await Computed(f.A), all);
    }

    /// <summary>
    /// A random mix of edits, written by either node, each followed by a read through node A: the
    /// cached list equals a fresh StatusesAsync(null), row for row and in order, and was brought up
    /// to date by partial recomputations, not by computing everyone again.
    /// </summary>
    [Fact]
    public async Task After_a_random_mix_of_changes_the_cache_equals_a_fresh_computation()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var people = new List<(string Id, Guid Rel)>();
        for (var i = 0; i < 6; i++) people.Add(await NewSuperviseeAsync(f.A, $"Cache Random {i}", daysAgo: random.Next(1, 120)));
        Assert.Equal(await Computed(f.A), await Cached(f.A));
        var fullBefore = Cache(f.A).FullComputations;
        var partialBefore = Cache(f.A).PartialComputations;

        for (var step = 0; step < 16; step++)
        {
            var node = random.Next(2) == 0 ? f.A : f.B;
            var (id, rel) = people[random.Next(people.Count)];
            var action = random.Next(7);
            await node.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
                var today = sp.Today();
                var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == rel);
                var person = await db.Staff.SingleAsync(s => s.Id == id);
                var normalizer = sp.GetRequiredService<ILookupNormalizer>();
                switch (action)
                {
                    case 0 when r.EndedOn is null:
                        var day = today.AddDays(-random.Next(0, 60));
                        db.Sessions.Add(Session.RecordAdHoc(r, day < r.StartedOn ? r.StartedOn : day, new TimeOnly(11, 0), 60, null, r.SupervisorId, now, today));
                        break;
                    case 1 when r.EndedOn is null:
                        db.Sessions.Add(Session.Book(r, today.AddDays(random.Next(0, 30)), new TimeOnly(9, 0), 60, null, r.SupervisorId, now, today));
                        break;
                    case 2:
                        var booked = await db.Sessions.Where(s => s.RelationshipId == rel && s.Status == SessionStatus.Booked).FirstOrDefaultAsync();
                        booked?.Cancel(random.Next(2) == 0, "Illness", r.SupervisorId, now);
                        break;
                    case 3 when r.EndedOn is null:
                        var agreement = await sp.GetRequiredService<SessionRecords>().StartAgreementAsync(r, sp.GetRequiredService<Allocation>().Type("one-to-one"), r.SupervisorId, CancellationToken.None);
                        if (random.Next(2) == 0) agreement.MarkFullySigned(true, now);
                        break;
                    case 4:
                        person.Apply(new StaffDetails(person.FullName, person.Email!, person.JobTitle, random.Next(2) == 0 ? "Main site" : "Sixth form",
                            person.LineManagerId, person.Roles, person.StartDate, person.LeftOn), normalizer);
                        break;
                    case 5:
                        person.Apply(new StaffDetails($"Cache Random {random.Next(100)}", person.Email!, person.JobTitle, person.Site, person.LineManagerId, person.Roles,
                            today.AddDays(-random.Next(0, 90)), random.Next(4) == 0 ? today.AddDays(-1) : null), normalizer);
                        break;
                    case 6 when r.EndedOn is null && random.Next(3) == 0:
                        r.End(today, "Random end");
                        break;
                }
                await db.SaveChangesAsync();
            });
            Assert.True((await Computed(f.A)).SequenceEqual(await Cached(f.A)), $"Differs after step {step} (action {action}, seed {seed})");
        }
        Assert.Equal(fullBefore, Cache(f.A).FullComputations);
        Assert.True(Cache(f.A).PartialComputations > partialBefore);
    }

    /// <summary>
    /// On PostgreSQL ids are handed out before commit, so a change can become visible after one with
    /// a higher id that the cache has already read. There it is played for real (a transaction left
    /// open while another commits); SQLite has one writer at a time, so there the change rows are
    /// renumbered below an id the cache has already read.
    /// </summary>
    [Fact]
    public async Task A_change_committed_late_with_a_lower_id_is_still_seen()
    {
        var (id, rel) = await NewSuperviseeAsync(f.A, "Cache Late-Commit", daysAgo: 70);
        var (other, _) = await NewSuperviseeAsync(f.A, "Cache Early-Commit", daysAgo: 70);
        await Cached(f.A);
        if (TestDatabase.IsPostgres) await LateCommitOnPostgresAsync(id, rel, other);
        else await LateCommitRenumberedAsync(id, rel, other);

        Assert.Equal(ComplianceState.OnTrack, (await Cached(f.A)).Single(s => s.StaffId == id).Compliance.State);
        Assert.Equal(await Computed(f.A), await Cached(f.A));
    }

    private async Task LateCommitOnPostgresAsync(string id, Guid rel, string other) => await f.B.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        await using var slow = await db.Database.BeginTransactionAsync();
        var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == rel);
        await sp.AttendedTodayAsync(r); // its change rows take ids now, and stay invisible until the commit
        await f.B.InTenant(T, async sp2 =>
        {
            // Another save commits a higher id meanwhile.
            var db2 = sp2.GetRequiredService<AppDbContext>();
            var person = await db2.Staff.SingleAsync(s => s.Id == other);
            person.Apply(new StaffDetails(person.FullName, person.Email!, person.JobTitle, "Sixth form", person.LineManagerId, person.Roles, person.StartDate, person.LeftOn),
                sp2.GetRequiredService<ILookupNormalizer>());
            await db2.SaveChangesAsync();
        });
        Assert.Equal("Sixth form", (await Cached(f.A)).Single(s => s.StaffId == other).Site); // the cache has read past the open transaction's ids
        Assert.Equal(ComplianceState.Overdue, (await Cached(f.A)).Single(s => s.StaffId == id).Compliance.State);
        await slow.CommitAsync();
    });

    private async Task LateCommitRenumberedAsync(string id, Guid rel, string other)
    {
        var early = await f.B.InTenant(T, async sp =>
        {
            // A higher id committed first (another person's change), leaving room below it.
            var db = sp.GetRequiredService<AppDbContext>();
            var row = new StatusChange(DateTimeOffset.UtcNow, staffId: other);
            db.Entry(row).Property(c => c.Id).CurrentValue = await db.StatusChanges.MaxAsync(c => c.Id) + 10;
            db.StatusChanges.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        var stamped = DateTimeOffset.UtcNow; // when the slow transaction below wrote its rows, before the cache's look
        Assert.Equal(ComplianceState.Overdue, (await Cached(f.A)).Single(s => s.StaffId == id).Compliance.State); // the cache has read up to that id

        await Attend(f.B, rel);
        await f.B.InTenant(T, async sp =>
        {
            // The attendance's change rows, as if their transactions had taken ids below it and committed only now.
            var db = sp.GetRequiredService<AppDbContext>();
            var rows = await db.StatusChanges.AsNoTracking().Where(c => c.Id > early).OrderBy(c => c.Id).ToListAsync();
            Assert.InRange(rows.Count, 1, 9);
            await db.StatusChanges.Where(c => c.Id > early).ExecuteDeleteAsync();
            var next = early - 9;
            foreach (var row in rows)
            {
                var late = new StatusChange(stamped, row.StaffId, row.RelationshipId, row.SupervisorId);
                db.Entry(late).Property(c => c.Id).CurrentValue = next++;
                db.StatusChanges.Add(late);
            }
            await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task A_new_day_computes_everyone_again()
    {
        // Started 30 days ago with no session: due within the six weeks, overdue the day after.
        var (id, rel) = await NewSuperviseeAsync(f.A, "Cache Day-Rollover", daysAgo: 30);
        var mine = (await Cached(f.A)).Single(s => s.RelationshipId == rel && s.StaffId == id);
        Assert.NotEqual(ComplianceState.Overdue, mine.Compliance.State);
        var today = await f.A.InTenant(T, sp => Task.FromResult(sp.Today()));
        var full = Cache(f.A).FullComputations;

        var started = f.Clock.Now;
        f.Clock.Now += TimeSpan.FromDays(mine.Compliance.NextDue!.Value.DayNumber - today.DayNumber + 1);
        try
        {
            var after = await Cached(f.A);
            Assert.Equal(ComplianceState.Overdue, after.Single(s => s.RelationshipId == rel && s.StaffId == id).Compliance.State);
            Assert.Equal(full + 1, Cache(f.A).FullComputations);
            Assert.Equal(await Computed(f.A), after);
        }
        finally
        {
            f.Clock.Now = started; // the other tests in this class work on today
        }
    }

    [Fact]
    public async Task One_tenants_cache_never_shows_nor_is_disturbed_by_another_tenant()
    {
        var (theirs, theirRel) = await NewSuperviseeAsync(f.A, "Cache Ascent-Only", daysAgo: 70, tenant: Other);
        var (ours, _) = await NewSuperviseeAsync(f.A, "Cache Thoresby-Only", daysAgo: 70);

        var mine = await Cached(f.A);
        var other = await Cached(f.A, Other);
        Assert.Contains(mine, s => s.StaffId == ours);
        Assert.DoesNotContain(mine, s => s.StaffId == theirs);
        Assert.Contains(other, s => s.StaffId == theirs);
        Assert.DoesNotContain(other, s => s.StaffId == ours);
        var otherPeople = other.Select(s => s.StaffId).ToHashSet();
        Assert.DoesNotContain(mine, s => otherPeople.Contains(s.StaffId));

        // From the attacker's side: tenant A's lead, through the page, never sees B's person.
        var lead = await LeadAsync();
        Assert.False(await ListedAsync(lead, theirs, ""));
        Assert.True(await ListedAsync(await LeadAsync(Other, "admin"), theirs, "", Other));

        // A change in B: A's next read finds nothing to do and hands back the very same list.
        var partial = Cache(f.A).PartialComputations;
        var full = Cache(f.A).FullComputations;
        var mineBefore = await Cached(f.A);
        await Attend(f.B, theirRel, Other);
        Assert.Same(mineBefore, await Cached(f.A));
        Assert.Equal(partial, Cache(f.A).PartialComputations);
        Assert.Equal(full, Cache(f.A).FullComputations);
        var today = await f.A.InTenant(Other, sp => Task.FromResult(sp.Today()));
        Assert.Equal(today, (await Cached(f.A, Other)).Single(s => s.StaffId == theirs).Compliance.LastSession);
    }

    [Fact]
    public async Task Concurrent_first_requests_compute_everyone_once()
    {
        // A tenant nothing in this class has read yet on node B.
        const string tenant = "mse-icb";
        var full = Cache(f.B).FullComputations;
        var lists = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Cached(f.B, tenant))));
        Assert.Equal(full + 1, Cache(f.B).FullComputations);
        Assert.All(lists, l => Assert.Same(lists[0], l));
    }
}
