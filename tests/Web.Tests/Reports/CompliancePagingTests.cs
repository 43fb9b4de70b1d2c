using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>
/// At thousands of supervisees the report's page lists the overdue a hundred at a time (the CSV
/// keeps everyone), and its trend, kept between requests, still follows a change to the past.
/// </summary>
public sealed partial class CompliancePagingTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    [GeneratedRegex("""<tr class="govuk-table__row" data-staff="([^"]+)">""")]
    private static partial Regex OverdueRow();

    private async Task<HttpClient> LeadAsync()
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"lead@{T}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    /// <summary>Overdue people, saved in one go: one-to-ones started 100 days ago with no session.</summary>
    private Task<List<(string Id, Guid Rel)>> OverdueAsync(string prefix, int count) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var normalizer = sp.GetRequiredService<ILookupNormalizer>();
        var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
        var type = sp.GetRequiredService<Allocation>().Type("one-to-one");
        var result = new List<(string, Guid)>();
        for (var i = 0; i < count; i++)
        {
            var p = new StaffMember();
            p.Apply(new StaffDetails($"{prefix} {i:D3}", $"{prefix.ToLowerInvariant()}{i:D3}@{T}.example", null, null, null, StaffRoles.Supervisee, null, null), normalizer);
            db.Staff.Add(p);
            var r = Relationship.Start(type, supervisor, [p.Id], sp.Today().AddDays(-100));
            db.Relationships.Add(r);
            result.Add((p.Id, r.Id));
        }
        await db.SaveChangesAsync();
        return result;
    });

    [Fact]
    public async Task The_overdue_list_is_paged_and_the_csv_has_everyone()
    {
        await OverdueAsync("Paged", 130);
        var lead = await LeadAsync();
        var csv = await lead.GetStringAsync($"/{T}/reports/compliance?handler=Csv&part=overdue");
        var total = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.InRange(total, 131, 1000);

        const int size = SupervisionHub.Web.Pages.Reports.ComplianceModel.PageSize;
        var first = await lead.GetStringAsync($"/{T}/reports/compliance");
        Assert.Equal(size, OverdueRow().Count(first));
        Assert.Contains($"Overdue ({total})", first);
        Assert.Contains("id=\"overdue-pages\"", first);
        var pages = (total + size - 1) / size;
        Assert.True(pages >= 3, $"{total} overdue people fill only {pages} pages");
        var last = await lead.GetStringAsync($"/{T}/reports/compliance?p={pages}");
        Assert.Equal(total - (pages - 1) * size, OverdueRow().Count(last));
        var seen = Enumerable.Range(1, pages).Select(async p => OverdueRow().Matches(await lead.GetStringAsync($"/{T}/reports/compliance?p={p}")).Select(m => m.Groups[1].Value));
        Assert.Equal(total, (await Task.WhenAll(seen)).SelectMany(x => x).Distinct().Count());
        Assert.Equal(size, OverdueRow().Count(await lead.GetStringAsync($"/{T}/reports/compliance?p=0"))); // out of range: the nearest page
    }

    [Fact]
    public async Task The_kept_trend_follows_a_session_recorded_afterwards_for_last_month()
    {
        var (id, rel) = (await OverdueAsync("Trend", 1))[0];
        var lead = await LeadAsync();
        async Task<int> InDateAtLastMonthEnd() =>
            int.Parse((await lead.GetStringAsync($"/{T}/reports/compliance?handler=Csv&part=trend")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[^1].Split(',')[2]);
        var before = await InDateAtLastMonthEnd();
        Assert.Equal(before, await InDateAtLastMonthEnd()); // kept: the same figures

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == rel);
            var lastMonthEnd = Web.Reports.ComplianceReport.MonthEnds(sp.Today())[^1];
            db.Sessions.Add(Session.RecordAdHoc(r, lastMonthEnd.AddDays(-1), new TimeOnly(10, 0), 60, null, r.SupervisorId, sp.GetRequiredService<TimeProvider>().GetUtcNow(), sp.Today()));
            await db.SaveChangesAsync();
        });
        Assert.Equal(before + 1, await InDateAtLastMonthEnd());
    }

    [GeneratedRegex("""<tr class="govuk-table__row" data-key="([^"]+)">""")]
    private static partial Regex BreakdownRow();

    [GeneratedRegex("""id="count-in-date-with-agreement">\(([^)]+)\)""")]
    private static partial Regex Headline();

    private static IEnumerable<string> SupervisorRows(string html)
    {
        var table = html[html.IndexOf("id=\"by-supervisor\"", StringComparison.Ordinal)..];
        return BreakdownRow().Matches(table[..table.IndexOf("</table>", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value);
    }

    /// <summary>
    /// Hundreds of supervisors made the breakdown most of a 600 KB page (ADR 0041): it is paged fifty at
    /// a time, every page keeps the totals for everyone and the other table's page, and the CSV has every row.
    /// </summary>
    [Fact]
    public async Task The_breakdown_by_supervisor_is_paged_and_its_csv_has_every_supervisor()
    {
        var made = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            var type = sp.GetRequiredService<Allocation>().Type("one-to-one");
            for (var i = 0; i < 60; i++)
            {
                var supervisor = new StaffMember();
                supervisor.Apply(new StaffDetails($"Paging Supervisor {i:D3}", $"paging.supervisor{i:D3}@{T}.example", null, null, null, StaffRoles.Supervisor, null, null), normalizer);
                var supervisee = new StaffMember();
                supervisee.Apply(new StaffDetails($"Paging Supervisee {i:D3}", $"paging.supervisee{i:D3}@{T}.example", null, null, null, StaffRoles.Supervisee, null, null), normalizer);
                db.Staff.AddRange(supervisor, supervisee);
                db.Relationships.Add(Relationship.Start(type, supervisor.Id, [supervisee.Id], sp.Today().AddDays(-100)));
            }
            await db.SaveChangesAsync();
            return 60;
        });
        var lead = await LeadAsync();
        var csv = await lead.GetStringAsync($"/{T}/reports/compliance?handler=Csv&part=breakdown");
        var supervisors = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("Supervisor,", StringComparison.Ordinal));
        Assert.InRange(supervisors, made + 1, 1000);

        var pages = (supervisors + 49) / 50;
        var first = await lead.GetStringAsync($"/{T}/reports/compliance");
        Assert.Equal(50, SupervisorRows(first).Count());
        Assert.Contains("id=\"by-supervisor-pages\"", first);
        var headline = Headline().Match(first).Groups[1].Value;
        Assert.NotEmpty(headline);
        var all = new List<string>();
        for (var p = 1; p <= pages; p++)
        {
            var html = await lead.GetStringAsync($"/{T}/reports/compliance?sp={p}&p=1");
            Assert.Equal(headline, Headline().Match(html).Groups[1].Value); // the totals count everyone on every page
            all.AddRange(SupervisorRows(html));
        }
        Assert.Equal(supervisors, all.Distinct().Count());
        Assert.Equal(supervisors - (pages - 1) * 50, SupervisorRows(await lead.GetStringAsync($"/{T}/reports/compliance?sp={pages + 5}")).Count()); // out of range: the last page
        // Not a number: the first page, and no "Error:" in the title for a page that shows no error.
        var nonsense = await lead.GetStringAsync($"/{T}/reports/compliance?sp=abc&p=x");
        Assert.Equal(50, SupervisorRows(nonsense).Count());
        Assert.DoesNotContain("<title>Error:", nonsense);

        // A filter and the overdue list's page are kept by the breakdown's links, and its page by theirs.
        var second = await lead.GetStringAsync($"/{T}/reports/compliance?Type=one-to-one&p=1&sp=2");
        Assert.Contains("?Type=one-to-one&amp;p=1&amp;sp=1#by-supervisor", second);
        Assert.All(SupervisorRows(second), key => Assert.Contains(key, all));
    }

    [Fact]
    public async Task Asking_for_ever_new_filters_does_not_grow_what_the_node_keeps()
    {
        var lead = await LeadAsync();
        var tenantId = await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<Tenancy.ITenantContext>().Tenant.Id));
        var cache = app.Services.GetRequiredService<StatusCache>();
        // Any text can be typed into the address: each new filter was a new entry kept until the next change.
        for (var i = 0; i < StatusCache.MaxDerived + 40; i++)
            Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync($"/{T}/reports/compliance?site=nowhere-{i}")).StatusCode);
        Assert.InRange(cache.DerivedCount(tenantId), 1, StatusCache.MaxDerived);
        // Past the cap a report is still right, computed rather than kept.
        var page = await lead.GetStringAsync($"/{T}/reports/compliance");
        Assert.Contains("<h1 class=\"govuk-heading-xl\">Supervision compliance</h1>", page, StringComparison.Ordinal);
    }
}
