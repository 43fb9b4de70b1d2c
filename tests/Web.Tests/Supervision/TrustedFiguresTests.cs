using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// Figures and words people act on, through real HTTP: a line manager's count is the people listed,
/// a lead is not told to wait for a lead, the previous record is the previous session's and dated
/// by it, and pairing an untrained supervisor is warned about before anything is saved.
/// </summary>
public sealed partial class TrustedFiguresTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";
    private const string Password = "Figures-test-password-1";

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    private static string Text(string html) => WebUtility.HtmlDecode(Regex.Replace(Tags().Replace(html, " "), @"\s+", " "));

    /// <summary>The inner HTML of the element with this id, up to the end of its tag name's matching close (good enough for these panels).</summary>
    private static string Element(string html, string id, string tag = "div")
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No #{id} on the page");
        start = html.LastIndexOf('<', start);
        int depth = 0, at = start;
        do
        {
            var open = html.IndexOf($"<{tag}", at + 1, StringComparison.Ordinal);
            var close = html.IndexOf($"</{tag}>", at + 1, StringComparison.Ordinal);
            if (open >= 0 && open < close) { depth++; at = open; }
            else { depth--; at = close; }
        }
        while (depth >= 0);
        return html[start..at];
    }

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = app.Browser();
        var password = email.StartsWith("figures.", StringComparison.Ordinal) ? Password : AppFactory.DemoPassword; // the test's own people, or the demo's
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, email, password)).StatusCode);
        return client;
    }

    [Fact]
    public async Task A_line_managers_count_is_the_people_they_see_listed_and_those_without_a_supervisor_are_named()
    {
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            var manager = await sp.NewPersonAsync("Figures Manager", "figures.manager@ralph-thoresby.example", StaffRoles.LineManager, password: Password);
            var supervisor = await db.StaffIdAsync("supervisor@ralph-thoresby.example");
            var paired = await sp.NewPersonAsync("Pat Paired", "figures.paired@ralph-thoresby.example", StaffRoles.Supervisee, manager.Id);
            await sp.NewPersonAsync("Una Unpaired", "figures.unpaired@ralph-thoresby.example", StaffRoles.Supervisee, manager.Id);
            // Left last week with the supervision never ended: no longer on the team, so neither counted nor listed.
            var leaver = await sp.NewPersonAsync("Lee Leaver", "figures.leaver@ralph-thoresby.example", StaffRoles.Supervisee, manager.Id, leftOn: today.AddDays(-7));
            await sp.StartAsync("one-to-one", supervisor, paired.Id, today.AddMonths(-2));
            await sp.StartAsync("one-to-one", supervisor, leaver.Id, today.AddMonths(-2));
        });

        var html = await (await SignedInAsync("figures.manager@ralph-thoresby.example")).GetStringAsync($"/{T}");
        var panel = Element(html, "panel-line-manager");
        Assert.Contains("2 people report to you: 1 in supervision, 1 not yet paired with a supervisor.", Text(panel));
        Assert.Contains("Pat Paired", Element(panel, "status-table", "table"));
        Assert.Contains("Una Unpaired", Element(panel, "team-not-in-supervision", "ul"));
        Assert.DoesNotContain("Lee Leaver", panel);
        // Every person counted is listed once, in one list or the other.
        var listed = Regex.Matches(Element(panel, "status-table", "table"), "data-staff=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().Count()
                     + Regex.Count(Element(panel, "team-not-in-supervision", "ul"), "<li>");
        Assert.Equal(2, listed);
    }

    [Fact]
    public async Task A_lead_with_nobody_to_supervise_is_told_to_pair_people_and_a_supervisor_to_wait_for_the_lead()
    {
        await app.InTenant(T, sp => sp.NewPersonAsync("Figures Supervisor", "figures.supervisor@ralph-thoresby.example", StaffRoles.Supervisor, password: Password));

        var lead = Text(Element(await (await SignedInAsync($"lead@{T}.example")).GetStringAsync($"/{T}"), "panel-supervisor"));
        Assert.Contains("You have no supervisees yet. Pair yourself with a supervisee", lead);
        Assert.DoesNotContain("When your safeguarding lead pairs you", lead);

        var supervisor = Text(Element(await (await SignedInAsync("figures.supervisor@ralph-thoresby.example")).GetStringAsync($"/{T}"), "panel-supervisor"));
        Assert.Contains("When your safeguarding lead pairs you with someone", supervisor);
    }

    [Fact]
    public async Task The_previous_record_is_the_earlier_sessions_and_is_dated_by_that_session_not_by_when_it_was_written()
    {
        var (laterRecord, latestRecord, earlyDay, laterDay) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var records = sp.GetRequiredService<SessionRecords>();
            var type = sp.GetRequiredService<Allocation>().Type("one-to-one");
            var today = sp.Today();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var supervisor = await db.StaffIdAsync("supervisor@ralph-thoresby.example");
            var supervisee = await db.StaffIdAsync("abigail.firth@ralph-thoresby.example");
            var r = await sp.StartAsync("one-to-one", supervisor, supervisee, today.AddDays(-60));
            var early = Session.RecordAdHoc(r, today.AddDays(-40), new TimeOnly(10, 0), 60, null, supervisor, now, today);
            var later = Session.RecordAdHoc(r, today.AddDays(-20), new TimeOnly(10, 0), 60, null, supervisor, now, today);
            var latest = Session.RecordAdHoc(r, today.AddDays(-2), new TimeOnly(10, 0), 60, null, supervisor, now, today);
            db.Sessions.AddRange(early, later, latest);
            await db.SaveChangesAsync();
            // Written out of order: the later session's record first, the early one's afterwards (caught up late).
            var laterRecord = await records.StartRecordAsync(later, type, supervisor, CancellationToken.None);
            await db.SaveChangesAsync();
            await Task.Delay(20);
            await records.StartRecordAsync(early, type, supervisor, CancellationToken.None);
            await db.SaveChangesAsync();
            await Task.Delay(20);
            var latestRecord = await records.StartRecordAsync(latest, type, supervisor, CancellationToken.None);
            await db.SaveChangesAsync();
            return (laterRecord.Id, latestRecord.Id, early.Date, later.Date);
        });

        var client = await SignedInAsync($"supervisor@{T}.example");
        // The latest session's previous record is the later session's, though the early one's was written after it.
        var latest = Text(Element(await client.GetStringAsync($"/{T}/records/{latestRecord}"), "previous-record", "details"));
        Assert.Contains($"The previous record, of the session on {laterDay:d MMMM yyyy}", latest);
        // And the later session's previous record is the early session's, written after it.
        var later = Text(Element(await client.GetStringAsync($"/{T}/records/{laterRecord}"), "previous-record", "details"));
        Assert.Contains($"The previous record, of the session on {earlyDay:d MMMM yyyy}", later);
    }

    [Fact]
    public async Task Pairing_an_untrained_supervisor_warns_in_the_form_and_saves_nothing_until_the_person_pairs_anyway()
    {
        var (untrained, supervisee, already) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var untrained = await sp.NewPersonAsync("Figures Untrained", "figures.untrained@ralph-thoresby.example", StaffRoles.Supervisor);
            var supervisee = await sp.NewPersonAsync("Figures Supervisee", "figures.supervisee@ralph-thoresby.example", StaffRoles.Supervisee);
            var already = await sp.NewPersonAsync("Figures Already", "figures.already@ralph-thoresby.example", StaffRoles.Supervisee);
            await sp.StartAsync("one-to-one", await db.StaffIdAsync("supervisor@ralph-thoresby.example"), already.Id, sp.Today().AddMonths(-1));
            return (untrained.Id, supervisee.Id, already.Id);
        });
        var lead = await SignedInAsync($"lead@{T}.example");
        var url = $"/{T}/supervision/new";

        // Before anyone is chosen, the list says who is untrained and who already has supervision.
        var form = WebUtility.HtmlDecode(await lead.GetStringAsync(url));
        Assert.Contains($"<option value=\"{untrained}\">Figures Untrained (no in-date supervision training)</option>", form);
        Assert.Matches($"value=\"{already}\"[^>]*aria-describedby=\"(supervisee-\\d+-hint)\"", form);
        Assert.Contains("Already has one to one supervision with Owen Lockwood", form);

        var today = await app.InTenant(T, sp => Task.FromResult(sp.Today()));
        var fields = new Dictionary<string, string>
        {
            ["Input.TypeId"] = "one-to-one", ["Input.SupervisorId"] = untrained, ["Input.SuperviseeIds"] = supervisee,
            ["Input.StartOn.Day"] = today.Day.ToString(), ["Input.StartOn.Month"] = today.Month.ToString(), ["Input.StartOn.Year"] = today.Year.ToString(),
        };
        var warned = await lead.PostForm(url, fields);
        Assert.Equal(HttpStatusCode.OK, warned.StatusCode);
        var page = await warned.Content.ReadAsStringAsync();
        Assert.Contains("Nothing is set up yet. Figures Untrained has no in-date supervision training recorded.", Text(Element(page, "training-warning")));
        Assert.Contains(">Pair anyway</button>", page);
        Assert.Contains($"name=\"Input.PairAnyway\" value=\"{untrained}\"", page);
        Assert.Equal(0, await Relationships(supervisee));

        fields["Input.PairAnyway"] = untrained;
        var paired = await lead.PostForm(url, fields);
        Assert.Equal(HttpStatusCode.Redirect, paired.StatusCode);
        Assert.Equal(1, await Relationships(supervisee));
        // The success message is a success: the warning was given, and heeded, before.
        var done = await lead.GetStringAsync(paired.Headers.Location!.OriginalString);
        Assert.Contains("Supervision has been set up. Next, start the agreement.", done);
        Assert.DoesNotContain("no in-date supervision training", done);
    }

    [Fact]
    public async Task A_leads_organisation_figures_count_each_supervisors_training_as_it_stands_today()
    {
        var expected = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            async Task Supervisor(string who, DateOnly? leftOn, params DateOnly?[] expiries)
            {
                var p = await sp.NewPersonAsync($"Trained {who}", $"figures.trained.{who}@ralph-thoresby.example", StaffRoles.Supervisor, leftOn: leftOn);
                var tracked = await db.Staff.Include(s => s.Training).SingleAsync(s => s.Id == p.Id);
                foreach (var e in expiries) tracked.AddTraining("Safeguarding supervision", today.AddYears(-1), e);
                await db.SaveChangesAsync();
            }
            await Supervisor("none", null);
            await Supervisor("expired", null, today.AddDays(-1));
            await Supervisor("expiring", null, today.AddDays(30));
            await Supervisor("day60", null, today.AddDays(60));
            await Supervisor("today", null, today);
            await Supervisor("renewed", null, today.AddDays(30), today.AddDays(200)); // expiring, but a later course is in date beyond
            await Supervisor("beyond", null, today.AddDays(200));
            await Supervisor("forever", null, (DateOnly?)null);
            await Supervisor("leaver", today.AddDays(-3)); // left: counted nowhere

            // The figures worked out the plain way, person by person in memory.
            var soon = today.AddDays(60);
            var staff = await db.Staff.AsNoTracking().Include(s => s.Training).Where(s => s.LeftOn == null || s.LeftOn >= today).ToListAsync();
            var supervisors = staff.Where(s => s.Has(StaffRoles.Supervisor)).ToList();
            return (Active: staff.Count, Supervisors: supervisors.Count,
                Without: supervisors.Count(s => !s.Training.Any(t => t.ExpiresOn is null || t.ExpiresOn >= today)),
                Expiring: supervisors.Count(s => s.Training.Any(t => t.ExpiresOn >= today && t.ExpiresOn <= soon) && !s.Training.Any(t => t.ExpiresOn is null || t.ExpiresOn > soon)));
        });
        Assert.True(expected.Without >= 2 && expected.Expiring >= 3, "the test's own supervisors are among the figures");

        var panel = Text(Element(await (await SignedInAsync("lead@ralph-thoresby.example")).GetStringAsync($"/{T}"), "panel-directory"));
        Assert.Contains($"Active staff {expected.Active} ", panel);
        Assert.Contains($"Supervisors {expected.Supervisors} ", panel);
        Assert.Contains($"Supervisors without in-date training {expected.Without} ", panel);
        Assert.Contains($"Supervisors whose training expires within 60 days {expected.Expiring} ", panel);
    }

    private Task<int> Relationships(string superviseeId) => app.InTenant(T, sp =>
        sp.GetRequiredService<AppDbContext>().RelationshipMembers.CountAsync(m => m.StaffId == superviseeId));
}
