using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>No report of tenant A counts anything of tenant B; CSV cells cannot smuggle spreadsheet formulas.</summary>
public sealed class ReportIsolationTests(ReportFixture app) : IClassFixture<ReportFixture>
{
    private const string A = ReportFixture.A, B = ReportFixture.B;

    [Fact]
    public async Task Supervisees_sessions_and_a_site_of_the_same_name_in_tenant_B_change_nothing_in_tenant_As_report()
    {
        var client = await app.SignedInAsync(A, ReportFixture.LeadA);
        var before = (await app.ReportAsync(A, ReportFilter.None), await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=breakdown"),
            await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=trend"), await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=overdue"));

        // Tenant B: a lead, and people with the same names, emails and site as A's, one overdue, one in date, sessions in the trend's months.
        await app.InTenant(B, async sp =>
        {
            await sp.PersonAsync("Lena Lead", ReportFixture.LeadB, null, StaffRoles.SafeguardingLead, canSignIn: true);
            var sam = await sp.PersonAsync("Sam Supervisor", "sam@mse-icb.example", ReportFixture.Thurrock, StaffRoles.Supervisor);
            var p2 = await sp.PersonAsync("Paul Two", "p2@mse-icb.example", ReportFixture.Thurrock, StaffRoles.Supervisee);
            var p7 = await sp.PersonAsync("Pam Seven", "p7@devon-torbay.example", ReportFixture.MidEssex, StaffRoles.Supervisee);
            await sp.SupervisionAsync("one-to-one", sam, p2, new DateOnly(2025, 5, 1));
            await sp.SupervisionAsync("one-to-one", sam, p7, new DateOnly(2025, 9, 1), new DateOnly(2025, 10, 1), new DateOnly(2026, 1, 5), new DateOnly(2026, 5, 20));
        });
        var inB = await app.ReportAsync(B, ReportFilter.None);
        Assert.Equal(2, inB.Total.Supervisees); // B's report sees B's people: the rows are there
        Assert.Equal(["Paul Two"], inB.Overdue.Select(o => o.Name));

        var after = (await app.ReportAsync(A, ReportFilter.None), await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=breakdown"),
            await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=trend"), await client.GetStringAsync($"/{A}/reports/compliance?handler=Csv&part=overdue"));
        Assert.Equal(before.Item2, after.Item2);
        Assert.Equal(before.Item3, after.Item3);
        Assert.Equal(before.Item4, after.Item4);
        Assert.Equal(before.Item1.Total, after.Item1.Total);
        Assert.Equal(before.Item1.Trend.Select(p => p.Tally), after.Item1.Trend.Select(p => p.Tally));
        Assert.Equal(before.Item1.Supervisors, after.Item1.Supervisors);
        Assert.Equal(5, after.Item1.Total.Supervisees);

        // A's lead at B's address: A's sign-in does not open B's report or its CSV (sent to B's sign-in page).
        foreach (var path in new[] { $"/{B}/reports/compliance", $"/{B}/reports/compliance?handler=Csv&part=overdue", $"/{B}/reports/compliance/print" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith($"/{B}/account/sign-in", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task Csv_cells_that_start_like_a_formula_are_prefixed_with_a_quote()
    {
        const string T = "river-tees";
        await app.InTenant(T, async sp =>
        {
            await sp.PersonAsync("River Lead", "report.lead@river-tees.example", null, StaffRoles.SafeguardingLead, canSignIn: true);
            var supervisor = await sp.PersonAsync("@SUM(A1:A9) Supervisor", "sup@river-tees.example", null, StaffRoles.Supervisor);
            var evil = await sp.PersonAsync("=HYPERLINK(\"http://evil.example\",\"x\")", "evil@river-tees.example", "-2+3", StaffRoles.Supervisee);
            var type = sp.GetRequiredService<Web.Tenancy.ITenantContext>().Tenant.Settings.Supervision.Types.First(t => t.Frequency.Count > 0 && !t.IsGroup);
            await sp.SupervisionAsync(type.Id, supervisor, evil, new DateOnly(2025, 1, 6));
        });
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, "report.lead@river-tees.example", AppFactory.DemoPassword)).StatusCode);

        var overdue = await client.GetStringAsync($"/{T}/reports/compliance?handler=Csv&part=overdue");
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'-2+3,", overdue);
        Assert.Contains(",'@SUM(A1:A9) Supervisor,", overdue);
        var breakdown = await client.GetStringAsync($"/{T}/reports/compliance?handler=Csv&part=breakdown");
        Assert.Contains("Site,'-2+3,1,0,1,0,0.0,", breakdown);
        Assert.Contains("Supervisor,'@SUM(A1:A9) Supervisor,1,", breakdown);
    }
}

/// <summary>The report reads everything in a fixed number of queries, whatever the number of supervisees.</summary>
public sealed class ReportQueryCountTests(QueryCountFactory app) : IClassFixture<QueryCountFactory>
{
    private const string T = "ralph-thoresby";

    private Task AddAsync(int from, int count) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var supervisor = await db.Staff.FindAsync(await db.StaffIdAsync("supervisor@ralph-thoresby.example"));
        var today = sp.Today();
        for (var i = from; i < from + count; i++)
        {
            var p = await sp.PersonAsync($"Counted {i:D3}", $"counted{i:D3}@ralph-thoresby.example", "Ralph Thoresby School", StaffRoles.Supervisee);
            await sp.SupervisionAsync("one-to-one", supervisor!, p, today.AddMonths(-14), today.AddMonths(-13), today.AddMonths(-6), today.AddDays(-3));
        }
    });

    /// <summary>The report's queries when nothing is cached (<paramref name="cold"/>), or straight after a first build.</summary>
    private Task<(int Queries, int Counted)> MeasureAsync(bool cold = true) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        if (cold) sp.GetRequiredService<StatusCache>().Forget(sp.GetRequiredService<Web.Tenancy.ITenantContext>().Tenant.Id);
        app.Counter.Reset();
        app.Counter.Watching = db;
        try
        {
            var r = await sp.GetRequiredService<ComplianceReport>().BuildAsync(ReportFilter.None, CancellationToken.None);
            return (app.Counter.Count, r.Total.Supervisees);
        }
        finally
        {
            app.Counter.Watching = null;
        }
    });

    [Fact]
    public async Task The_report_takes_the_same_number_of_queries_for_5_supervisees_as_for_55()
    {
        await AddAsync(0, 5);
        var few = await MeasureAsync();
        await AddAsync(5, 50);
        var many = await MeasureAsync();
        Assert.Equal(50, many.Counted - few.Counted);
        Assert.InRange(few.Queries, 1, 12);
        Assert.Equal(few.Queries, many.Queries);
        // Built again with nothing changed: one look for changes; today's statuses and the trend are kept.
        Assert.Equal((1, many.Counted), await MeasureAsync(cold: false));
    }
}
