using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>
/// A small known organisation in mse-icb (one to one and group supervision every 3 months; due soon
/// within 21 days), today 15 June 2026. Nothing else is in the tenant: no demo data.
///
///   who  site               supervisor  type        from        sessions attended       today (15 Jun 2026)
///   P1   Mid Essex          Sam         one-to-one  2026-01-01  10 Jan, 20 Apr 2026      next due 20 Jul: on track     (in date)
///   P2   Mid Essex          Sam         one-to-one  2025-06-01  1 Sep 2025, 1 Feb 2026   due 1 May: overdue, 45 days
///   P3   Thurrock           Tara        one-to-one  2026-03-01  none                     due 1 Jun: overdue, 14 days
///   P4   Thurrock           Tara        one-to-one  2026-04-01  none                     due 1 Jul: due soon (16 days) (in date)
///   P5   Thurrock           Sam         group       2025-12-01  10 Mar 2026              due 10 Jun: overdue, 5 days
///   P6   Mid Essex          Tara        open door   2026-02-01  3 Feb 2026               no set frequency: not counted
///
/// Agreements (reviewed after 12 months): P1's signed 5 Jan 2026 (in force); P2's signed 2 Jun 2025 (due for
/// review since 2 Jun 2026); P4's written but not yet signed by everyone; P3 and P5 have none.
/// </summary>
public sealed class ReportFixture : ReportAppFactory
{
    public const string A = "mse-icb", B = "devon-torbay";
    public const string MidEssex = "Mid Essex Alliance", Thurrock = "Thurrock Alliance";
    public const string LeadA = "report.lead@mse-icb.example", LeadB = "report.lead@devon-torbay.example";

    private readonly Lazy<Task<string>> _made;
    public ReportFixture() => _made = new(() => InTenant(A, async sp =>
    {
        var lead = await sp.PersonAsync("Lena Lead", LeadA, "ICB Safeguarding Team", StaffRoles.SafeguardingLead, canSignIn: true);
        await sp.PersonAsync("Sue Supervisee", "report.supervisee@mse-icb.example", MidEssex, StaffRoles.Supervisee, canSignIn: true);
        await sp.PersonAsync("Ava Auditor", "report.auditor@mse-icb.example", null, StaffRoles.Auditor, canSignIn: true);
        var sam = await sp.PersonAsync("Sam Supervisor", "sam@mse-icb.example", "ICB Safeguarding Team", StaffRoles.Supervisor, canSignIn: true);
        var tara = await sp.PersonAsync("Tara Supervisor", "tara@mse-icb.example", "ICB Safeguarding Team", StaffRoles.Supervisor);
        var p1 = await sp.PersonAsync("Penny One", "p1@mse-icb.example", MidEssex, StaffRoles.Supervisee);
        var p2 = await sp.PersonAsync("Paul Two", "p2@mse-icb.example", MidEssex, StaffRoles.Supervisee);
        var p3 = await sp.PersonAsync("Priya Three", "p3@mse-icb.example", Thurrock, StaffRoles.Supervisee);
        var p4 = await sp.PersonAsync("Pat Four", "p4@mse-icb.example", Thurrock, StaffRoles.Supervisee);
        var p5 = await sp.PersonAsync("Pia Five", "p5@mse-icb.example", Thurrock, StaffRoles.Supervisee);
        var p6 = await sp.PersonAsync("Pete Six", "p6@mse-icb.example", MidEssex, StaffRoles.Supervisee);
        var r1 = await sp.SupervisionAsync("one-to-one", sam, p1, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 10), new DateOnly(2026, 4, 20));
        var r2 = await sp.SupervisionAsync("one-to-one", sam, p2, new DateOnly(2025, 6, 1), new DateOnly(2025, 9, 1), new DateOnly(2026, 2, 1));
        await sp.SupervisionAsync("one-to-one", tara, p3, new DateOnly(2026, 3, 1));
        var r4 = await sp.SupervisionAsync("one-to-one", tara, p4, new DateOnly(2026, 4, 1));
        await sp.AgreementAsync(r1, sam, new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
        await sp.AgreementAsync(r2, sam, new DateTimeOffset(2025, 6, 2, 10, 0, 0, TimeSpan.Zero));
        await sp.AgreementAsync(r4, tara, null);
        await sp.SupervisionAsync("group", sam, p5, new DateOnly(2025, 12, 1), new DateOnly(2026, 3, 10));
        await sp.SupervisionAsync("open-door", tara, p6, new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 3));
        return sam.Id;
    }));

    /// <summary>Made once; returns Sam's staff id.</summary>
    public Task<string> Made => _made.Value;

    public async Task<HttpClient> SignedInAsync(string tenant, string email)
    {
        await Made;
        var client = Browser();
        var response = await client.SignIn(tenant, email, DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public Task<ComplianceReportResult> ReportAsync(string tenant, ReportFilter filter) =>
        InTenant(tenant, sp => sp.GetRequiredService<ComplianceReport>().BuildAsync(filter, CancellationToken.None));
}

public sealed class ComplianceReportTests(ReportFixture app) : IClassFixture<ReportFixture>
{
    private const string A = ReportFixture.A;

    private static (string, int, int, int, int) Row(Tally t) => (t.Label, t.Supervisees, t.InDate, t.Overdue, t.Unknown);

    [Fact]
    public async Task Todays_figures_equal_the_hand_computed_ones()
    {
        await app.Made;
        var r = await app.ReportAsync(A, ReportFilter.None);

        Assert.Equal(new DateOnly(2026, 6, 15), r.Today);
        // Counted: P1-P5 (P6's open door has no set frequency). In date: P1 (on track), P4 (due soon). 2 of 5 = 40%.
        Assert.Equal(("All supervisees", 5, 2, 3, 0), Row(r.Total));
        Assert.Equal("40%", r.Total.Percent);
        // Mid Essex: P1 in, P2 overdue. Thurrock: P3 overdue, P4 in, P5 overdue. In the tenant's order of sites.
        Assert.Equal([(ReportFixture.MidEssex, 2, 1, 1, 0), (ReportFixture.Thurrock, 3, 1, 2, 0)], r.BySite.Select(Row));
        Assert.Equal(["50%", "33%"], r.BySite.Select(t => t.Percent));
        // One to one: P1, P4 in; P2, P3 overdue. Group: P5 overdue.
        Assert.Equal([("One to one safeguarding supervision", 4, 2, 2, 0), ("Group safeguarding supervision", 1, 0, 1, 0)], r.ByType.Select(Row));
        // Sam: P1 in; P2, P5 overdue. Tara: P4 in, P3 overdue (P6 not counted).
        Assert.Equal([("Sam Supervisor", 3, 1, 2, 0), ("Tara Supervisor", 2, 1, 1, 0)], r.BySupervisor.Select(Row));

        // Overdue, longest first: P2 due 1 May (15 June - 1 May = 30 + 15 = 45 days), P3 due 1 June (14), P5 due 10 June (5).
        Assert.Equal(
        [
            ("Paul Two", new DateOnly(2026, 2, 1), new DateOnly(2026, 5, 1), 45),
            ("Priya Three", (DateOnly?)null, new DateOnly(2026, 6, 1), 14),
            ("Pia Five", new DateOnly(2026, 3, 10), new DateOnly(2026, 6, 10), 5),
        ], r.Overdue.Select(o => (o.Name, o.LastSession, o.DueDate, o.DaysOverdue)));
    }

    [Fact]
    public async Task Agreements_stand_beside_sessions_and_in_date_with_a_signed_agreement_needs_both()
    {
        await app.Made;
        var r = await app.ReportAsync(A, ReportFilter.None);

        // Sessions in date: P1, P4 (40%). Agreement signed and in force: P1 only (P2's is due for review,
        // P4's waits for signatures). Both: P1, so 1 of 5.
        Assert.Equal((5, 2, 1, 1), (r.Total.Supervisees, r.Total.InDate, r.Total.AgreementSigned, r.Total.InDateWithAgreement));
        Assert.Equal(("40%", "20%", "20%"), (r.Total.Percent, r.Total.AgreementPercent, r.Total.WithAgreementPercent));
        Assert.Equal([(ReportFixture.MidEssex, 1, 1), (ReportFixture.Thurrock, 0, 0)], r.BySite.Select(t => (t.Label, t.AgreementSigned, t.InDateWithAgreement)));

        // Each month end counts only agreements signed by then and not yet due for review:
        // P2's from 2 Jun 2025 (review 2 Jun 2026, after 31 May), P1's from 5 Jan 2026.
        // (counted, in date, agreement signed, in date with a signed agreement), sessions as in the trend test below.
        Assert.Equal(
        [
            (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1),
            (2, 1, 1, 0), (3, 2, 2, 1), (3, 3, 2, 2), (4, 4, 2, 2), (5, 5, 2, 2), (5, 4, 2, 1),
        ], r.Trend.Select(p => (p.Tally.Supervisees, p.Tally.InDate, p.Tally.AgreementSigned, p.Tally.InDateWithAgreement)));

        // The page leads with the figure that needs both, beside the sessions' and the agreements' own.
        var client = await app.SignedInAsync(A, ReportFixture.LeadA);
        var html = await client.GetStringAsync($"/{A}/reports/compliance");
        Assert.Contains("id=\"share-in-date-with-agreement\">20%<", html);
        Assert.Contains("id=\"share-in-date\">40%<", html);
        Assert.Contains("id=\"share-agreement\">20%<", html);
        Assert.True(html.IndexOf("share-in-date-with-agreement", StringComparison.Ordinal) < html.IndexOf("id=\"share-in-date\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_trend_judges_each_month_end_with_only_the_sessions_held_by_then()
    {
        await app.Made;
        var r = await app.ReportAsync(A, ReportFilter.None);

        // (month end, counted, in date), worked by hand with "every 3 months", due soon within 21 days:
        // - P2 (from 1 Jun 2025) alone until November: first due 1 Sep 2025, met on 1 Sep; next due 1 Dec 2025.
        // - 31 Dec: P2 overdue (1 Dec passed), P5 joined 1 Dec (due 1 Mar): 1 of 2.
        // - 31 Jan: P2 still overdue: the session of 1 Feb 2026 is after that day and does not count; P1 in, P5 in: 2 of 3.
        // - 28 Feb: P2 met on 1 Feb (next due 1 May), P1 in, P5 due 1 Mar (due soon, in date): 3 of 3.
        // - 31 Mar: P3 joined (due 1 Jun); P5 met 10 Mar: 4 of 4. 30 Apr: P4 joined; P2 due soon on 1 May: 5 of 5.
        // - 31 May: P2 overdue since 1 May; P3 (due 1 Jun) and P5 (10 Jun) due soon, in date: 4 of 5.
        Assert.Equal(
        [
            (new DateOnly(2025, 6, 30), 1, 1), (new DateOnly(2025, 7, 31), 1, 1), (new DateOnly(2025, 8, 31), 1, 1),
            (new DateOnly(2025, 9, 30), 1, 1), (new DateOnly(2025, 10, 31), 1, 1), (new DateOnly(2025, 11, 30), 1, 1),
            (new DateOnly(2025, 12, 31), 2, 1), (new DateOnly(2026, 1, 31), 3, 2), (new DateOnly(2026, 2, 28), 3, 3),
            (new DateOnly(2026, 3, 31), 4, 4), (new DateOnly(2026, 4, 30), 5, 5), (new DateOnly(2026, 5, 31), 5, 4),
        ], r.Trend.Select(p => (p.Day, p.Tally.Supervisees, p.Tally.InDate)));
        Assert.Equal(["100%", "100%", "100%", "100%", "100%", "100%", "50%", "67%", "100%", "100%", "100%", "80%"], r.Trend.Select(p => p.Tally.Percent));
    }

    [Fact]
    public async Task Filters_by_site_type_and_supervisor_narrow_every_figure_and_the_trend()
    {
        var sam = await app.Made;

        var midEssex = await app.ReportAsync(A, new ReportFilter(ReportFixture.MidEssex, null, null));
        Assert.Equal(("All supervisees", 2, 1, 1, 0), Row(midEssex.Total)); // P1, P2
        Assert.Equal([ReportFixture.MidEssex], midEssex.BySite.Select(t => t.Label));
        Assert.Equal(["Paul Two"], midEssex.Overdue.Select(o => o.Name));
        // P2 alone until January, then P1 too: 31 Jan P2 overdue, P1 in (1 of 2); 31 May P2 overdue (1 of 2).
        Assert.Equal([1, 1, 1, 1, 1, 1, 0, 1, 2, 2, 2, 1], midEssex.Trend.Select(p => p.Tally.InDate));

        var group = await app.ReportAsync(A, new ReportFilter(null, "group", null));
        Assert.Equal(("All supervisees", 1, 0, 1, 0), Row(group.Total));
        Assert.Equal("0%", group.Total.Percent);
        Assert.Equal(["–", "–", "–", "–", "–", "–", "100%", "100%", "100%", "100%", "100%", "100%"], group.Trend.Select(p => p.Tally.Percent));

        var samOnly = await app.ReportAsync(A, new ReportFilter(null, null, sam));
        Assert.Equal(("All supervisees", 3, 1, 2, 0), Row(samOnly.Total)); // P1, P2, P5
        Assert.Equal(["Sam Supervisor", "Tara Supervisor"], samOnly.Supervisors.Select(s => s.Name));
    }

    [Fact]
    public async Task The_page_shows_the_figures_and_an_svg_chart_with_its_table_and_no_inline_styles()
    {
        var client = await app.SignedInAsync(A, ReportFixture.LeadA);
        var response = await client.GetAsync($"/{A}/reports/compliance?Site={Uri.EscapeDataString(ReportFixture.Thurrock)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"share-in-date\">33%<", html);
        Assert.Contains("<svg class=\"app-chart\"", html);
        Assert.Contains("role=\"img\"", html);
        Assert.Contains("id=\"trend-table\"", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("Priya Three", html);
        Assert.DoesNotContain("Paul Two", html); // Mid Essex
        Assert.Contains($"href=\"/{A}/reports/compliance/print?Site=Thurrock%20Alliance\"", html);
        Assert.Contains($"href=\"/{A}/reports/compliance?Site=Thurrock%20Alliance&amp;handler=Csv&amp;part=breakdown\"", html);
        Assert.Contains($"href=\"/{A}/reports\">Reports<", (await (await client.GetAsync($"/{A}")).Content.ReadAsStringAsync()));
        Assert.Contains($"href=\"/{A}/reports/compliance\"", await client.GetStringAsync($"/{A}/reports"));

        var print = await client.GetAsync($"/{A}/reports/compliance/print?Site={Uri.EscapeDataString(ReportFixture.Thurrock)}");
        Assert.Equal(HttpStatusCode.OK, print.StatusCode);
        var printed = await print.Content.ReadAsStringAsync();
        Assert.Contains($"Only site {ReportFixture.Thurrock}.", printed);
        Assert.DoesNotContain("<form method=\"get\"", printed);
        Assert.DoesNotContain("govuk-details", printed); // the trend table is shown in full on paper
    }

    [Fact]
    public async Task The_breakdown_csv_has_the_same_figures_with_the_filters_applied()
    {
        var client = await app.SignedInAsync(A, ReportFixture.LeadA);
        var all = await client.GetAsync($"/{A}/reports/compliance?handler=Csv&part=breakdown");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("text/csv", all.Content.Headers.ContentType!.MediaType);
        Assert.Equal("compliance-breakdown-2026-06-15.csv", all.Content.Headers.ContentDisposition!.FileNameStar ?? all.Content.Headers.ContentDisposition.FileName);
        var lines = (await all.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "Breakdown,Group,Supervisees,In date,Overdue,Unknown,Share in date (%),As at,Agreement signed,In date with a signed agreement,Share with agreement signed (%),Share in date with a signed agreement (%)",
            "All,All supervisees,5,2,3,0,40.0,2026-06-15,1,1,20.0,20.0",
            "Site,Mid Essex Alliance,2,1,1,0,50.0,2026-06-15,1,1,50.0,50.0",
            "Site,Thurrock Alliance,3,1,2,0,33.3,2026-06-15,0,0,0.0,0.0",
            "Type,One to one safeguarding supervision,4,2,2,0,50.0,2026-06-15,1,1,25.0,25.0",
            "Type,Group safeguarding supervision,1,0,1,0,0.0,2026-06-15,0,0,0.0,0.0",
            "Supervisor,Sam Supervisor,3,1,2,0,33.3,2026-06-15,1,1,33.3,33.3",
            "Supervisor,Tara Supervisor,2,1,1,0,50.0,2026-06-15,0,0,0.0,0.0",
        ], lines);

        var filtered = (await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=overdue&Site={Uri.EscapeDataString(ReportFixture.Thurrock)}"))
            .TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Supervisee,Site,Type,Supervisor,Last session,Due date,Days overdue,Reason", filtered[0]);
        Assert.StartsWith("Priya Three,Thurrock Alliance,One to one safeguarding supervision,Tara Supervisor,,2026-06-01,14,", filtered[1]);
        Assert.StartsWith("Pia Five,Thurrock Alliance,Group safeguarding supervision,Sam Supervisor,2026-03-10,2026-06-10,5,", filtered[2]);
        Assert.Equal(3, filtered.Length);

        var trend = (await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=trend")).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("2026-05-31,5,4,1,0,80.0,2,1,40.0,20.0", trend[^1]);
    }

    [Fact]
    public async Task Supervisees_and_supervisors_are_refused_auditors_read_and_nobody_signed_out_gets_in()
    {
        var supervisee = await app.SignedInAsync(A, "report.supervisee@mse-icb.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisee.GetAsync($"/{A}/reports/compliance")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisee.GetAsync($"/{A}/reports/compliance?handler=Csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisee.GetAsync($"/{A}/reports/compliance/print")).StatusCode);
        Assert.DoesNotContain("/reports", await (await supervisee.GetAsync($"/{A}")).Content.ReadAsStringAsync());

        var supervisor = await app.SignedInAsync(A, "sam@mse-icb.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync($"/{A}/reports/compliance")).StatusCode);

        var auditor = await app.SignedInAsync(A, "report.auditor@mse-icb.example");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/{A}/reports/compliance")).StatusCode);

        var stranger = app.Browser();
        var response = await stranger.GetAsync($"/{A}/reports/compliance?handler=Csv");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"/{A}/account/sign-in", response.Headers.Location!.OriginalString);
    }
}
