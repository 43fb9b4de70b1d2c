using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>
/// The compliance report's figures by hand for the two schools, today 15 June 2026 (Monday):
///
/// ralph-thoresby: one to one at least every 6 weeks (42 days), group weekly; due soon within 10 days.
///   R1 one-to-one from 1 Apr, met 20 May            next due 1 Jul (16 days): on track     in date
///   R2 one-to-one from 5 Jan, met 2 Mar             due 13 Apr: overdue 17 + 31 + 15 = 63 days
///   R3 one-to-one from 11 May, not met              due 22 Jun (7 days): due soon          in date
///   R4 group from 1 Jun, met 1 Jun                  due 8 Jun: overdue 7 days
///   2 of 4 in date = 50%.
///
/// ascent peer support: at least once a term. Terms are contiguous periods (ADR 0004): spring runs
/// 20 Dec 2025 to 27 Mar 2026, summer 28 Mar to 17 Jul; only whole periods are required, so for
/// people paired on 1 Dec the first required term is spring.
///   A1 from 1 Dec, met 10 Feb and 5 May             spring and summer met                  in date
///   A2 from 1 Dec, met 10 Feb                       summer still open until 17 Jul         in date
///   A3 from 1 Dec, never met                        spring missed: overdue since 27 Mar, 4 + 30 + 31 + 15 = 80 days
///   (paired on 5 January, A3 would be on track: spring would not be a whole period for them.)
///   2 of 3 in date = 67%.
/// </summary>
public sealed class SchoolReportFixture : ReportAppFactory
{
    private readonly Lazy<Task> _made;

    public SchoolReportFixture() => _made = new(async () =>
    {
        await InTenant("ralph-thoresby", async sp =>
        {
            var sam = await sp.PersonAsync("Sam Supervisor", "sam@ralph-thoresby.example", null, StaffRoles.Supervisor);
            var r1 = await sp.PersonAsync("Rae One", "r1@ralph-thoresby.example", null, StaffRoles.Supervisee);
            var r2 = await sp.PersonAsync("Rob Two", "r2@ralph-thoresby.example", null, StaffRoles.Supervisee);
            var r3 = await sp.PersonAsync("Ria Three", "r3@ralph-thoresby.example", null, StaffRoles.Supervisee);
            var r4 = await sp.PersonAsync("Roy Four", "r4@ralph-thoresby.example", null, StaffRoles.Supervisee);
            await sp.SupervisionAsync("one-to-one", sam, r1, new DateOnly(2026, 4, 1), new DateOnly(2026, 5, 20));
            await sp.SupervisionAsync("one-to-one", sam, r2, new DateOnly(2026, 1, 5), new DateOnly(2026, 3, 2));
            await sp.SupervisionAsync("one-to-one", sam, r3, new DateOnly(2026, 5, 11));
            await sp.SupervisionAsync("group", sam, r4, new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 1));
        });
        await InTenant("ascent", async sp =>
        {
            var sue = await sp.PersonAsync("Sue Supervisor", "sue@ascent.example", null, StaffRoles.Supervisor);
            var a1 = await sp.PersonAsync("Abi One", "a1@ascent.example", null, StaffRoles.Supervisee);
            var a2 = await sp.PersonAsync("Alf Two", "a2@ascent.example", null, StaffRoles.Supervisee);
            var a3 = await sp.PersonAsync("Ana Three", "a3@ascent.example", null, StaffRoles.Supervisee);
            await sp.SupervisionAsync("peer-support", sue, a1, new DateOnly(2025, 12, 1), new DateOnly(2026, 2, 10), new DateOnly(2026, 5, 5));
            await sp.SupervisionAsync("peer-support", sue, a2, new DateOnly(2025, 12, 1), new DateOnly(2026, 2, 10));
            await sp.SupervisionAsync("peer-support", sue, a3, new DateOnly(2025, 12, 1));
        });
    });

    public async Task<ComplianceReportResult> ReportAsync(string tenant)
    {
        await _made.Value;
        return await InTenant(tenant, sp => sp.GetRequiredService<ComplianceReport>().BuildAsync(ReportFilter.None, CancellationToken.None));
    }
}

public sealed class SchoolReportTests(SchoolReportFixture app) : IClassFixture<SchoolReportFixture>
{
    private static (string, int, int, int, int) Row(Tally t) => (t.Label, t.Supervisees, t.InDate, t.Overdue, t.Unknown);

    [Fact]
    public async Task Ralph_thoresby_figures_equal_the_hand_computed_ones()
    {
        var r = await app.ReportAsync("ralph-thoresby");
        Assert.Equal(("All supervisees", 4, 2, 2, 0), Row(r.Total));
        Assert.Equal("50%", r.Total.Percent);
        Assert.Equal([("One to one supervision", 3, 2, 1, 0), ("Group supervision (weekly team meeting)", 1, 0, 1, 0)], r.ByType.Select(Row));
        Assert.Equal([("Rob Two", new DateOnly(2026, 4, 13), 63), ("Roy Four", new DateOnly(2026, 6, 8), 7)],
            r.Overdue.Select(o => (o.Name, o.DueDate, o.DaysOverdue)));
    }

    [Fact]
    public async Task Ascent_figures_equal_the_hand_computed_ones()
    {
        var r = await app.ReportAsync("ascent");
        Assert.Equal(("All supervisees", 3, 2, 1, 0), Row(r.Total));
        Assert.Equal("67%", r.Total.Percent);
        var overdue = Assert.Single(r.Overdue);
        Assert.Equal(("Ana Three", new DateOnly(2026, 3, 27), 80), (overdue.Name, overdue.DueDate, overdue.DaysOverdue));
    }
}
