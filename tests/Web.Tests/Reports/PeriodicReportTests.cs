using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>
/// The founding tenants with their demo year seeded in 2029, then every demo supervision ended on
/// 31 December 2030, so each test's period (2031 onwards) holds only the rows the test makes.
/// Tests in the class run one after another, each in a period of its own, moving the clock.
/// </summary>
public sealed class PeriodicReportFactory : IDisposable
{
    public SharedFolders Folders { get; } = new();
    public SettableClock Clock { get; } = new(new DateTimeOffset(2030, 1, 10, 9, 0, 0, TimeSpan.Zero));
    public WorkflowAppFactory App { get; }
    private readonly Lazy<Task> _ready;
    private static readonly string[] Founding = ["mse-icb", "river-tees", "devon-torbay", "ascent", "ralph-thoresby"];

    public PeriodicReportFactory()
    {
        App = new WorkflowAppFactory(Folders.Data, Folders.Tenants, Clock);
        _ready = new(async () =>
        {
            _ = App.Services; // starts the app: migrate, import tenants, seed the demo as of the clock
            Clock.Now = new DateTimeOffset(2031, 1, 1, 9, 0, 0, TimeSpan.Zero);
            foreach (var tenant in Founding)
                await App.InTenant(tenant, async sp =>
                {
                    var db = sp.GetRequiredService<AppDbContext>();
                    foreach (var r in await db.Relationships.Include(r => r.Members).Where(r => r.EndedOn == null).ToListAsync())
                        r.End(new DateOnly(2030, 12, 31), "Demo year over");
                    await db.SaveChangesAsync();
                });
        });
    }

    public Task Ready => _ready.Value;

    public void Dispose()
    {
        App.Dispose();
        Folders.Dispose();
    }
}

public sealed class PeriodicReportTests(PeriodicReportFactory f) : IClassFixture<PeriodicReportFactory>
{
    private static readonly DateOnly Q2From = new(2031, 4, 1);

    // ---------- helpers: rows made through the domain, at the day the test says ----------

    private void At(DateOnly day) => f.Clock.Now = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

    private static async Task<string> Person(IServiceProvider sp, string name, string? site = null)
    {
        var member = new StaffMember();
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid():N}@reports.example";
        member.Apply(new StaffDetails(name, email, null, site, null, StaffRoles.Supervisee | StaffRoles.Supervisor, null, null), sp.GetRequiredService<ILookupNormalizer>());
        var db = sp.GetRequiredService<AppDbContext>();
        db.Staff.Add(member);
        await db.SaveChangesAsync();
        return member.Id;
    }

    /// <summary>Pairs them through the domain (not Allocation, whose training check would refuse a supervisor whose demo training lapsed in 2030).</summary>
    private static async Task<Relationship> Pair(IServiceProvider sp, string type, string supervisor, string[] supervisees, DateOnly on)
    {
        var settings = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Type(type)!;
        var r = Relationship.Start(settings, supervisor, supervisees, on);
        var db = sp.GetRequiredService<AppDbContext>();
        db.Relationships.Add(r);
        await db.SaveChangesAsync();
        return r;
    }

    private static async Task EndEverything(IServiceProvider sp, DateOnly on)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        foreach (var r in await db.Relationships.Include(r => r.Members).Where(r => r.EndedOn == null).ToListAsync())
            r.End(on, "Earlier test over");
        await db.SaveChangesAsync();
    }

    private enum Outcome { Attended, Missed, CancelledBySupervisee, CancelledBySupervisor, NotRecorded }

    private async Task Session(IServiceProvider sp, Relationship r, DateOnly day, Outcome outcome, Dictionary<string, MemberAttendance>? members = null)
    {
        At(day);
        var db = sp.GetRequiredService<AppDbContext>();
        var now = f.Clock.Now;
        var s = Web.Supervision.Session.Book(r, day, new TimeOnly(10, 0), 60, null, r.SupervisorId, now, day);
        db.Sessions.Add(s);
        await db.SaveChangesAsync();
        var ids = r.Members.Select(m => m.StaffId).ToList();
        switch (outcome)
        {
            case Outcome.Attended: s.MarkAttended(members ?? ids.ToDictionary(id => id, _ => MemberAttendance.Present), r.SupervisorId, now, day); break;
            case Outcome.Missed: s.MarkDidNotAttend(ids, null, r.SupervisorId, now, day); break;
            case Outcome.CancelledBySupervisee: s.Cancel(false, "Unwell", ids[0], now); break;
            case Outcome.CancelledBySupervisor: s.Cancel(true, "Called to a meeting", r.SupervisorId, now); break;
        }
        await db.SaveChangesAsync();
    }

    private async Task<Submission> Submit(IServiceProvider sp, string formId, string? by, DateOnly day, JsonObject answers, Guid? relationship = null)
    {
        At(day);
        var version = await sp.GetRequiredService<FormCatalog>().LatestVersionAsync(formId, CancellationToken.None);
        var s = new Submission(version!, by, f.Clock.Now);
        if (relationship is { } rid) s.LinkTo(rid, null);
        s.Submit(answers, f.Clock.Now);
        var db = sp.GetRequiredService<AppDbContext>();
        db.Submissions.Add(s);
        await db.SaveChangesAsync();
        return s;
    }

    private static Task<T> Run<T>(IServiceProvider sp, Func<IServiceProvider, Task<T>> run) => run(sp);

    private static ReportSettings Configured(IServiceProvider sp, string id) => sp.GetRequiredService<PeriodicReports>().Find(id)!;

    private async Task<HttpClient> SignedIn(string tenant, string who)
    {
        var client = f.App.Browser();
        var response = await client.SignIn(tenant, $"{who}@{tenant}.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    // ---------- mse-icb: quarterly attendance report (by type), and the quarterly audit of evaluation forms ----------

    /// <summary>
    /// Q2 2031 (1 April to 30 June). One-to-one: A attended, missed, attended; B cancelled by
    /// herself, cancelled by the supervisor, attended; C's booked session was never recorded.
    /// Group of D, E, F: one session with D present, E apologies, F absent; one cancelled by the
    /// supervisor. Outside the quarter: A on 25 March and 2 July; I's supervision ended 31 March;
    /// H's started 1 July.
    /// </summary>
    private async Task<(string Supervisor, Relationship A, Relationship B, Relationship C, Relationship Group)> MseQuarterAsync(IServiceProvider sp)
    {
        var sup = await Person(sp, "Sam Supervisor");
        string a = await Person(sp, "Ann A", "Mid Essex Alliance"), b = await Person(sp, "Bea B", "Thurrock Alliance"), c = await Person(sp, "Cal C");
        string d = await Person(sp, "Dee D", "ICB Safeguarding Team"), e = await Person(sp, "Eve E", "ICB Safeguarding Team"), g = await Person(sp, "Fay F", "ICB Safeguarding Team");
        string h = await Person(sp, "Hal H"), i = await Person(sp, "Ivy I");
        var start = new DateOnly(2031, 3, 1);
        At(start);
        var ra = await Pair(sp, "one-to-one", sup, [a], start);
        var rb = await Pair(sp, "one-to-one", sup, [b], start);
        var rc = await Pair(sp, "one-to-one", sup, [c], start);
        var rg = await Pair(sp, "group", sup, [d, e, g], start);
        var ri = await Pair(sp, "one-to-one", sup, [i], start);
        await Session(sp, ra, new(2031, 3, 25), Outcome.Attended);
        ri.End(new DateOnly(2031, 3, 31), "Moved team");
        await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
        await Session(sp, ra, new(2031, 4, 10), Outcome.Attended);
        await Session(sp, rg, new(2031, 4, 15), Outcome.Attended, new() { [d] = MemberAttendance.Present, [e] = MemberAttendance.Apologies, [g] = MemberAttendance.Absent });
        await Session(sp, rb, new(2031, 4, 20), Outcome.CancelledBySupervisee);
        await Session(sp, rc, new(2031, 5, 5), Outcome.NotRecorded);
        await Session(sp, ra, new(2031, 5, 15), Outcome.Missed);
        await Session(sp, rb, new(2031, 5, 20), Outcome.CancelledBySupervisor);
        await Session(sp, ra, new(2031, 6, 12), Outcome.Attended);
        await Session(sp, rg, new(2031, 6, 15), Outcome.CancelledBySupervisor);
        await Session(sp, rb, new(2031, 6, 20), Outcome.Attended);
        At(new(2031, 7, 1));
        await Pair(sp, "one-to-one", sup, [h], new(2031, 7, 1));
        await Session(sp, ra, new(2031, 7, 2), Outcome.Attended);
        At(new(2031, 7, 5));
        return (sup, ra, rb, rc, rg);
    }

    private static (int Supervisees, int Supervised, int Present, int Dna, int Apologies, int BySupervisee, int BySupervisor, int NotRecorded) Figures(AttendanceRow r) =>
        (r.Supervisees, r.Supervised, r.Present, r.DidNotAttend, r.Apologies, r.CancelledBySupervisee, r.CancelledBySupervisor, r.NotRecorded);

    [Fact]
    public async Task MseIcb_quarterly_attendance_report_equals_the_hand_count_and_exports_as_csv()
    {
        await f.Ready;
        var result = await f.App.InTenant("mse-icb", async sp =>
        {
            await MseQuarterAsync(sp);
            var report = Configured(sp, "quarterly-attendance");
            Assert.Equal("attendance", report.Kind);
            return await sp.GetRequiredService<AttendanceReport>().RunAsync(report, ReportPeriod.Containing(PeriodKind.Quarter, Q2From), CancellationToken.None);
        });

        Assert.Equal(["one-to-one", "group", "open-door"], result.Rows.Select(r => r.Key));
        Assert.Equal((3, 2, 3, 1, 0, 1, 1, 1), Figures(result.Rows[0]));
        Assert.Equal((3, 1, 1, 1, 1, 0, 3, 0), Figures(result.Rows[1]));
        Assert.Equal((0, 0, 0, 0, 0, 0, 0, 0), Figures(result.Rows[2]));
        Assert.Equal((6, 3, 4, 2, 1, 1, 4, 1), Figures(result.Total));
        Assert.Equal((4, 1, 1, 2, 1), (result.SessionsHeld, result.SessionsMissed, result.SessionsCancelledBySupervisee, result.SessionsCancelledBySupervisor, result.SessionsNotRecorded));

        // The committee's copy: the same figures on the page and in the CSV, for the tenant's admin and its auditor.
        var admin = await SignedIn("mse-icb", "admin");
        var csv = await admin.GetAsync("/mse-icb/reports/periodic/quarterly-attendance?handler=Csv&Period=2031-04-01");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("Quarterly attendance report\r\n", text);
        Assert.Contains("For,Quality Assurance Committee", text);
        Assert.Contains("Period,April to June 2031,1 April 2031 to 30 June 2031", text);
        Assert.Contains("One to one safeguarding supervision,3,2,1,3,1,0,1,1,1,75.0%", text);
        Assert.Contains("Group safeguarding supervision,3,1,2,1,1,1,0,3,0,50.0%", text);
        Assert.Contains("Total,6,3,3,4,2,1,1,4,1,66.7%", text);

        var page = await admin.GetStringAsync("/mse-icb/reports/periodic/quarterly-attendance?Period=2031-05-17");
        Assert.Contains("April to June 2031", page);
        Assert.Contains("66.7%", page);
        var index = await admin.GetStringAsync("/mse-icb/reports");
        Assert.Contains("Quarterly attendance report", index);
        Assert.Contains("Quarterly audit of evaluation forms", index);
        Assert.Contains("Quality Assurance Committee", index);

        var auditor = await SignedIn("mse-icb", "auditor");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/mse-icb/reports/periodic/quarterly-attendance")).StatusCode);
        foreach (var who in new[] { "supervisee", "linemanager", "supervisor" })
        {
            var client = await SignedIn("mse-icb", who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/mse-icb/reports/periodic/quarterly-attendance")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/mse-icb/reports/periodic/quarterly-attendance?handler=Csv")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/mse-icb/reports/periodic/no-such-report")).StatusCode);
        // river-tees' report is not one of mse-icb's.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/mse-icb/reports/periodic/satisfaction-audit")).StatusCode);
    }

    private static JsonObject Evaluation(string supervisor, int[] ratings, string? strengths = null) => new()
    {
        ["supervisor"] = supervisor,
        ["supervision-ratings"] = new JsonObject
        {
            ["protected-time"] = ratings[0], ["understand-purpose"] = ratings[1], ["supported-and-safe"] = ratings[2],
            ["reflect-and-challenge"] = ratings[3], ["time-sufficient"] = ratings[4],
        },
        ["strengths"] = strengths,
    };

    [Fact]
    public async Task MseIcb_evaluation_audit_averages_distribution_trend_and_only_supervisors_with_five_responses()
    {
        await f.Ready;
        var (result, samName, patName) = await f.App.InTenant("mse-icb", async sp =>
        {
            var sam = await Person(sp, "Sam Fivefold");
            var pat = await Person(sp, "Pat Twice");
            var people = new List<string>();
            for (var n = 0; n < 7; n++) people.Add(await Person(sp, $"Evaluator {n}"));
            At(new(2032, 1, 1));
            var rels = new List<Relationship>();
            for (var n = 0; n < 7; n++) rels.Add(await Pair(sp, "one-to-one", n < 5 ? sam : pat, [people[n]], new(2032, 1, 1)));
            // Q1 2032 (the trend's previous quarter): one evaluation of Sam's, all 2s.
            await Submit(sp, "evaluation", people[0], new(2032, 2, 10), Evaluation(sam, [2, 2, 2, 2, 2]), rels[0].Id);
            // Q2 2032: five of Sam's and two of Pat's.
            int[][] sams = [[5, 5, 4, 4, 3], [4, 5, 4, 3, 3], [5, 4, 5, 4, 2], [3, 5, 4, 4, 3], [4, 4, 5, 5, 4]];
            string?[] strengths = ["Zebra-like clarity", "apples and time", "=1+1", null, null];
            for (var n = 0; n < 5; n++)
                await Submit(sp, "evaluation", people[n], new DateOnly(2032, 4, 3).AddDays(n * 10), Evaluation(sam, sams[n], strengths[n]), rels[n].Id);
            await Submit(sp, "evaluation", people[5], new(2032, 5, 2), Evaluation(pat, [2, 3, 3, 2, 1]), rels[5].Id);
            await Submit(sp, "evaluation", people[6], new(2032, 6, 30), Evaluation(pat, [1, 4, 3, 3, 2]), rels[6].Id);
            // A draft is not an evaluation yet; Q3 is another quarter.
            At(new(2032, 6, 1));
            var version = await sp.GetRequiredService<FormCatalog>().LatestVersionAsync("evaluation", CancellationToken.None);
            var draft = new Submission(version!, people[1], f.Clock.Now);
            draft.SaveDraft(Evaluation(sam, [1, 1, 1, 1, 1]), f.Clock.Now);
            sp.GetRequiredService<AppDbContext>().Submissions.Add(draft);
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            await Submit(sp, "evaluation", people[1], new(2032, 7, 1), Evaluation(sam, [1, 1, 1, 1, 1]), rels[1].Id);
            At(new(2032, 7, 2));
            var report = Configured(sp, "evaluation-audit");
            var r = await sp.GetRequiredService<EvaluationReport>().RunAsync(report, ReportPeriod.Containing(PeriodKind.Quarter, new(2032, 4, 1)), CancellationToken.None);
            return (r!, "Sam Fivefold", "Pat Twice");
        });

        Assert.Equal(7, result.Responses);
        Assert.Equal(["protected-time", "understand-purpose", "supported-and-safe", "reflect-and-challenge", "time-sufficient"], result.Items.Select(i => i.Item.StatementId));
        Assert.Equal(["3.43", "4.29", "4.00", "3.57", "2.57"], result.Items.Select(i => i.Mean!.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([1, 1, 1, 2, 2], result.Items[0].Distribution);
        Assert.Equal([0, 0, 1, 3, 3], result.Items[1].Distribution);
        Assert.Equal([0, 0, 2, 3, 2], result.Items[2].Distribution);
        Assert.Equal([0, 1, 2, 3, 1], result.Items[3].Distribution);
        Assert.Equal([1, 2, 3, 1, 0], result.Items[4].Distribution);

        // Trend: the four quarters to Q2 2032, oldest first; only Q1 (one response, all 2s) and Q2 have any.
        Assert.Equal([0, 0, 1, 7], result.Trend.Select(t => t.Responses));
        Assert.Equal(2.0, result.Trend[2].Means[0]);
        Assert.Null(result.Trend[0].Means[0]);

        // Sam has five responses, so is shown; Pat has two, so is not, and is only counted.
        var sam = Assert.Single(result.Supervisors);
        Assert.Equal((samName, 5), (sam.Name, sam.Responses));
        Assert.Equal([4.2, 4.6, 4.4, 4.0, 3.0], sam.Means.Select(m => Math.Round(m!.Value, 2)));
        Assert.Equal((1, 2), (result.SupervisorsWithheld, result.ResponsesWithheld));

        // Comments in alphabetical order, not the order they were written.
        Assert.Equal(["=1+1", "apples and time", "Zebra-like clarity"], result.Comments.Single(c => c.Question.StartsWith("What do you feel were", StringComparison.Ordinal)).Answers);

        var lead = await SignedIn("mse-icb", "lead");
        var page = await lead.GetStringAsync("/mse-icb/reports/periodic/evaluation-audit?Period=2032-04-01");
        Assert.Contains(samName, page);
        Assert.DoesNotContain(patName, page);
        Assert.Contains("Not shown: 1 supervisor with fewer (2 responses", page);
        var csv = await lead.GetStringAsync("/mse-icb/reports/periodic/evaluation-audit?handler=Csv&Period=2032-04-01");
        Assert.Contains("My supervision took place within protected time.,7,3.43,1,1,1,2,2", csv);
        Assert.Contains($"{samName},5,4.20,4.60,4.40,4.00,3.00", csv);
        Assert.DoesNotContain(patName, csv);
        Assert.Contains("'=1+1", csv); // a comment that would run as a formula in a spreadsheet
        Assert.DoesNotContain("\n=1+1", csv);
    }

    // ---------- river-tees: annual satisfaction audit (anonymous questionnaire), sample of action plans ----------

    private static JsonObject Audit(int sessions, int families, string[] yesNo, string? lengthComment, string? positive, string? barrier, string? name) => new()
    {
        ["sessions-past-year"] = sessions,
        ["families-discussed"] = families,
        ["length-met-needs"] = yesNo[0], ["length-met-needs.comments"] = lengthComment,
        ["extra-sessions"] = yesNo[1], ["all-families-discussed"] = yesNo[2], ["general-issues-discussed"] = yesNo[3],
        ["training-needs-discussed"] = yesNo[4], ["reflective-thinking"] = yesNo[5], ["open-and-honest"] = yesNo[6],
        ["positive-aspects"] = positive, ["barriers"] = barrier, ["name"] = name, ["date"] = "2031-10-01",
    };

    [Fact]
    public async Task RiverTees_satisfaction_audit_counts_the_campaign_and_aggregates_anonymous_answers_without_identifying_anyone()
    {
        await f.Ready;
        var result = await f.App.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            // The campaign: six practitioners asked by email link on 2 September 2031; four answered.
            At(new(2031, 9, 2));
            var tasks = new List<Web.Workflows.WorkTask>();
            for (var n = 0; n < 6; n++)
            {
                var t = new Web.Workflows.WorkTask(await Person(sp, $"Practitioner {n}"), "Complete the audit", null, false, "audit-tool", null, null, f.Clock.Now);
                tasks.Add(t);
                db.WorkTasks.Add(t);
            }
            await db.SaveChangesAsync();
            // Answers as the anonymous questionnaire stores them: no author, the day only.
            await Submit(sp, "audit-tool", null, new(2031, 9, 20), Audit(4, 10, ["yes", "no", "yes", "yes", "no", "yes", "yes"], "Enough time", "Protected time", null, "Jo Bloggs"));
            await Submit(sp, "audit-tool", null, new(2031, 10, 3), Audit(6, 3, ["no", "yes", "yes", "no", "no", "yes", "yes"], "-2 too short", "being listened to", "Cover for my class", null));
            await Submit(sp, "audit-tool", null, new(2031, 11, 4), Audit(2, 0, ["yes", "no", "no", "yes", "yes", "no", "yes"], null, null, "time", null));
            await Submit(sp, "audit-tool", null, new(2032, 6, 9), Audit(8, 8, ["yes", "no", "yes", "yes", "no", "yes", "no"], null, "Agreed actions", null, "Kim Named"));
            // Last academic year's answer is not this year's.
            await Submit(sp, "audit-tool", null, new(2031, 6, 10), Audit(50, 50, ["no", "no", "no", "no", "no", "no", "no"], null, "Last year", null, null));
            foreach (var t in tasks.Take(4)) t.Complete(f.Clock.Now);
            await db.SaveChangesAsync();
            At(new(2032, 9, 3));
            return await sp.GetRequiredService<QuestionnaireReport>().RunAsync(Configured(sp, "satisfaction-audit"), ReportPeriod.Containing(PeriodKind.AcademicYear, new(2031, 9, 1)), CancellationToken.None);
        });

        Assert.NotNull(result);
        Assert.True(result.Anonymous);
        Assert.Equal((4, 6, 4, 2), (result.Responses, result.Requested, result.RequestsDone, result.RequestsOpen));
        Assert.Equal([(3, 1), (1, 3), (3, 1), (3, 1), (1, 3), (3, 1), (3, 1)], result.YesNo.Select(y => (y.Yes, y.No)));
        var sessions = result.Numbers[0];
        Assert.Equal((4, 5m, 5m, 2m, 8m, 20m), (sessions.Answered, sessions.Mean!.Value, sessions.Median!.Value, sessions.Lowest!.Value, sessions.Highest!.Value, sessions.Sum));
        var families = result.Numbers[1];
        Assert.Equal((4, 5.25m, 5.5m, 0m, 10m, 21m), (families.Answered, families.Mean!.Value, families.Median!.Value, families.Lowest!.Value, families.Highest!.Value, families.Sum));
        Assert.Equal(["Agreed actions", "being listened to", "Protected time"], result.Comments.Single(c => c.Question.StartsWith("10.", StringComparison.Ordinal)).Answers);
        Assert.Equal(["Cover for my class", "time"], result.Comments.Single(c => c.Question.StartsWith("11.", StringComparison.Ordinal)).Answers);
        Assert.Equal(["-2 too short", "Enough time"], result.Comments.Single(c => c.Question.StartsWith("3.", StringComparison.Ordinal)).Answers);
        Assert.Contains("Name (optional)", result.NotShown);

        var lead = await SignedIn("river-tees", "lead");
        var page = await lead.GetStringAsync("/river-tees/reports/periodic/satisfaction-audit?Period=2031-09-01");
        var csv = await lead.GetStringAsync("/river-tees/reports/periodic/satisfaction-audit?handler=Csv&Period=2031-09-01");
        foreach (var text in new[] { page, csv })
        {
            Assert.DoesNotContain("Jo Bloggs", text);
            Assert.DoesNotContain("Kim Named", text);
            Assert.DoesNotContain("2031-09-20", text); // no response's date
            Assert.DoesNotContain("20 September 2031", text);
        }
        Assert.Contains("Strategic Safeguarding Group", page);
        Assert.Contains("Asked by email link in the period,6", csv);
        Assert.Contains("Response rate,66.7%", csv);
        Assert.Contains("3. Did the length of time offered at each session meet your needs?,4,3,1,75.0%", csv);
        Assert.Contains("1. How many supervision sessions have you had in the past year?,4,5,5,2,8,20", csv);
        Assert.Contains("'-2 too short", csv);
    }

    [Fact]
    public async Task RiverTees_action_plan_sample_is_the_same_each_time_and_drawn_from_the_quarter_only()
    {
        await f.Ready;
        var period = ReportPeriod.Containing(PeriodKind.Quarter, new(2031, 10, 1));
        var (first, again, made, counted) = await f.App.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var sup = await Person(sp, "Sue Sampler");
            var who = await Person(sp, "Ray Recorded");
            At(new(2031, 9, 1));
            var r = await Pair(sp, "safeguarding-one-to-one", sup, [who], new(2031, 9, 1));
            var withActions = new List<Guid>();
            for (var n = 0; n < 7; n++)
            {
                var s = await Submit(sp, "supervision-record", sup, new DateOnly(2031, 10, 2).AddDays(n * 7), new JsonObject { ["general-issues"] = "Discussed" }, r.Id);
                withActions.Add(s.Id);
                db.Actions.Add(new ActionItem(r.Id, s.Id, 0, "Refer to early help", null, new DateOnly(2031, 11, 1)));
                if (n == 0)
                {
                    var done = new ActionItem(r.Id, s.Id, 1, "Update the chronology", null, null);
                    done.Close(ActionStatus.Done, sup, new(2031, 10, 20), null);
                    var dropped = new ActionItem(r.Id, s.Id, 2, "Call the school", null, null);
                    dropped.Close(ActionStatus.Dropped, sup, new(2031, 10, 21), null);
                    db.Actions.AddRange(done, dropped);
                }
            }
            // No actions, another quarter: not in the population.
            await Submit(sp, "supervision-record", sup, new(2031, 10, 5), new JsonObject { ["general-issues"] = "No actions" }, r.Id);
            var september = await Submit(sp, "supervision-record", sup, new(2031, 9, 29), new JsonObject { ["general-issues"] = "Before" }, r.Id);
            db.Actions.Add(new ActionItem(r.Id, september.Id, 0, "Earlier action", null, null));
            await db.SaveChangesAsync();
            At(new(2032, 1, 6));
            var report = Configured(sp, "action-plan-sample");
            var one = await sp.GetRequiredService<ActionSampleReport>().RunAsync(report, period, CancellationToken.None);
            var two = await sp.GetRequiredService<ActionSampleReport>().RunAsync(report, period, CancellationToken.None);
            return (one, two, withActions, report.SampleSize);
        });

        Assert.Equal(5, counted);
        Assert.Equal(7, first.Population);
        Assert.Equal(5, first.Sample.Count);
        Assert.Equal(first.Sample.Select(s => s.RecordId), again.Sample.Select(s => s.RecordId));
        // The draw, by its definition: the five records with the lowest SHA-256 of tenant|report|period|record.
        var tenantId = Guid.Parse("fcaff25f-612e-4a64-929d-880bfaa9a7fa");
        string Hash(Guid id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId:N}|action-plan-sample|2031-10-01|{id:N}")));
        var expected = made.OrderBy(Hash, StringComparer.Ordinal).Take(5).ToHashSet();
        Assert.True(expected.SetEquals(first.Sample.Select(s => s.RecordId)));
        if (first.Sample.FirstOrDefault(s => s.RecordId == made[0]) is { } firstRecord)
            Assert.Equal((3, 1, 1, 1, 1), (firstRecord.Actions, firstRecord.Open, firstRecord.Done, firstRecord.Dropped, firstRecord.Overdue));
        Assert.All(first.Sample, s => Assert.Equal("Sue Sampler", s.Supervisor));

        var auditor = await SignedIn("river-tees", "auditor");
        var csv = await auditor.GetStringAsync("/river-tees/reports/periodic/action-plan-sample?handler=Csv&Period=2031-10-01");
        Assert.Contains("Records with actions in the period,7", csv);
        foreach (var s in first.Sample) Assert.Contains(s.RecordId.ToString()[..8], csv);
        var page = await auditor.GetStringAsync("/river-tees/reports/periodic/action-plan-sample?Period=2031-10-01");
        foreach (var s in first.Sample) Assert.Contains($"/river-tees/records/{s.RecordId}", page);
    }

    // ---------- devon-torbay: aggregate monitoring across member agencies; isolation ----------

    [Fact]
    public async Task DevonTorbay_monitoring_by_member_agency_equals_the_hand_count()
    {
        await f.Ready;
        var result = await f.App.InTenant("devon-torbay", async sp =>
        {
            var sup = await Person(sp, "Dana Supervisor", "Safeguarding Children Boards");
            string p1 = await Person(sp, "Health One", "Health (NHS Trust)"), p2 = await Person(sp, "Health Two", "Health (NHS Trust)");
            string p3 = await Person(sp, "Police Three", "Police (Public Protection)"), p4 = await Person(sp, "No Site Four");
            At(new(2031, 7, 1));
            var r1 = await Pair(sp, "one-to-one", sup, [p1], new(2031, 7, 1));
            var r2 = await Pair(sp, "one-to-one", sup, [p2], new(2031, 7, 1));
            var r3 = await Pair(sp, "one-to-one", sup, [p3], new(2031, 7, 1));
            var r4 = await Pair(sp, "one-to-one", sup, [p4], new(2031, 7, 1));
            await Session(sp, r1, new(2031, 7, 10), Outcome.Attended);
            await Session(sp, r2, new(2031, 7, 15), Outcome.Missed);
            await Session(sp, r4, new(2031, 8, 1), Outcome.Attended);
            await Session(sp, r1, new(2031, 8, 20), Outcome.Attended);
            await Session(sp, r3, new(2031, 9, 1), Outcome.CancelledBySupervisee);
            await Session(sp, r3, new(2031, 9, 10), Outcome.Attended);
            At(new(2031, 10, 2));
            var report = Configured(sp, "agency-monitoring");
            Assert.Equal("site", report.By);
            return await sp.GetRequiredService<AttendanceReport>().RunAsync(report, ReportPeriod.Containing(PeriodKind.Quarter, new(2031, 7, 1)), CancellationToken.None);
        });

        AttendanceRow Row(string site) => result.Rows.Single(r => r.Key == site);
        Assert.Equal((2, 1, 2, 1, 0, 0, 0, 0), Figures(Row("Health (NHS Trust)")));
        Assert.Equal((1, 1, 1, 0, 0, 1, 0, 0), Figures(Row("Police (Public Protection)")));
        Assert.Equal((0, 0, 0, 0, 0, 0, 0, 0), Figures(Row("Education")));
        Assert.Equal((1, 1, 1, 0, 0, 0, 0, 0), Figures(Row("(no site recorded)")));
        Assert.Equal((4, 3, 4, 1, 0, 1, 0, 0), Figures(result.Total));

        var admin = await SignedIn("devon-torbay", "admin");
        var csv = await admin.GetStringAsync("/devon-torbay/reports/periodic/agency-monitoring?handler=Csv&Period=2031-07-01");
        Assert.Contains("Health (NHS Trust),2,1,1,2,1,0,0,0,0,66.7%", csv);
        Assert.Contains("Education,0,0,0,0,0,0,0,0,0,–", csv);
        Assert.Contains("Total,4,3,1,4,1,0,1,0,0,80.0%", csv);
        Assert.Contains("For,Devon and Torbay Safeguarding Children Boards (LSCB)", csv);
    }

    [Fact]
    public async Task No_report_of_one_tenant_counts_anything_of_another_and_its_users_cannot_open_them()
    {
        await f.Ready;
        // Q1 2033: mse-icb has one attended session; devon-torbay and river-tees, rows of every kind.
        var quarter = ReportPeriod.Containing(PeriodKind.Quarter, new(2033, 1, 1));
        await f.App.InTenant("mse-icb", async sp =>
        {
            await EndEverything(sp, new(2032, 12, 31)); // earlier tests' supervisions
            var sup = await Person(sp, "Iso Supervisor");
            var one = await Person(sp, "Iso One");
            At(new(2033, 1, 2));
            var r = await Pair(sp, "one-to-one", sup, [one], new(2033, 1, 2));
            await Session(sp, r, new(2033, 1, 20), Outcome.Attended);
            await Submit(sp, "evaluation", one, new(2033, 1, 21), Evaluation(sup, [5, 5, 5, 5, 5]), r.Id);
        });
        async Task<(int People, int Present, int Evaluations)> MseFigures() => await f.App.InTenant("mse-icb", async sp =>
        {
            At(new(2033, 4, 2));
            var attendance = await sp.GetRequiredService<AttendanceReport>().RunAsync(Configured(sp, "quarterly-attendance"), quarter, CancellationToken.None);
            var evaluation = await sp.GetRequiredService<EvaluationReport>().RunAsync(Configured(sp, "evaluation-audit"), quarter, CancellationToken.None);
            return (attendance.Total.Supervisees, attendance.Total.Present, evaluation!.Responses);
        });
        Assert.Equal((1, 1, 1), await MseFigures());

        foreach (var other in new[] { "devon-torbay", "river-tees" })
            await f.App.InTenant(other, async sp =>
            {
                var sup = await Person(sp, "Other Supervisor");
                var a = await Person(sp, "Other A");
                var b = await Person(sp, "Other B");
                At(new(2033, 1, 2));
                var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types[0].Id;
                var r = await Pair(sp, type, sup, [a], new(2033, 1, 2));
                await Pair(sp, type, sup, [b], new(2033, 1, 2));
                await Session(sp, r, new(2033, 1, 20), Outcome.Attended);
                await Session(sp, r, new(2033, 2, 20), Outcome.Missed);
                // A submitted record in the quarter, with answers shaped like mse-icb's evaluations.
                var forms = await sp.GetRequiredService<FormCatalog>().LatestVersionsAsync(CancellationToken.None);
                await Submit(sp, forms[0].FormId, a, new(2033, 1, 22), Evaluation(sup, [1, 1, 1, 1, 1]), r.Id);
            });
        Assert.Equal((1, 1, 1), await MseFigures());

        // And at the door: a river-tees admin's cookie does not open mse-icb's reports; a guessed report id is not there.
        var riverTees = await SignedIn("river-tees", "admin");
        foreach (var url in new[] { "/mse-icb/reports", "/mse-icb/reports/periodic/quarterly-attendance", "/mse-icb/reports/periodic/quarterly-attendance?handler=Csv" })
        {
            var response = await riverTees.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/mse-icb/account/sign-in", response.Headers.Location!.OriginalString);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await riverTees.GetAsync("/river-tees/reports/periodic/quarterly-attendance")).StatusCode);
        // Tenants without reports say so.
        var ascent = await SignedIn("ascent", "admin");
        Assert.Contains("No periodic reports are set up", await ascent.GetStringAsync("/ascent/reports"));
    }

    // ---------- configuration ----------

    [Fact]
    public void A_bad_reports_section_is_refused_with_each_problem_named()
    {
        var own = File.ReadAllText(AppFactory.RepoPath("tenants/mse-icb/tenant.yaml"));
        var yaml = own[..own.IndexOf("\nreports:", StringComparison.Ordinal)] + """

            reports:
              - id: Bad Id
                kind: pie-chart
                period: fortnight
                audience: nobody
              - id: evals
                title: Evaluations
                kind: evaluation
                minimumResponses: 2
              - id: evals
                title: Again
                kind: attendance
                by: colour
            """;
        var result = TenantConfigLoader.Load(yaml, "mse-icb/tenant.yaml");
        var messages = result.Errors.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith("reports: id 'Bad Id'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains(".kind: 'pie-chart' must be", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains(".period: 'fortnight' must be", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains(".audience: there is no tenant role 'nobody'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains(".title: a title is required", StringComparison.Ordinal));
        Assert.Contains("reports: the id 'evals' is used more than once.", messages);
        Assert.Contains("reports.evals.form: name the form whose answers this report counts.", messages);
        Assert.Contains(messages, m => m.StartsWith("reports.evals.minimumResponses", StringComparison.Ordinal));
        Assert.Contains("reports.evals.by: 'colour' must be type or site.", messages);
    }

    [Fact]
    public void Periods_are_calendar_quarters_financial_and_academic_years()
    {
        var day = new DateOnly(2031, 2, 14);
        Assert.Equal((new DateOnly(2031, 1, 1), new DateOnly(2031, 3, 31)), (ReportPeriod.Containing(PeriodKind.Quarter, day).From, ReportPeriod.Containing(PeriodKind.Quarter, day).To));
        Assert.Equal(new DateOnly(2030, 4, 1), ReportPeriod.Containing(PeriodKind.FinancialYear, day).From);
        Assert.Equal(new DateOnly(2031, 3, 31), ReportPeriod.Containing(PeriodKind.FinancialYear, day).To);
        Assert.Equal(new DateOnly(2030, 9, 1), ReportPeriod.Containing(PeriodKind.AcademicYear, day).From);
        Assert.Equal(new DateOnly(2030, 10, 1), ReportPeriod.Containing(PeriodKind.Quarter, day).Previous.From);
        Assert.Equal("Financial year 2030-31", ReportPeriod.Containing(PeriodKind.FinancialYear, day).Label);
        Assert.Equal(12, ReportPeriod.Recent(PeriodKind.Month, day, 12).Count);
    }
}
