using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>
/// The compliance report's filters and tables are rendered once per filter, page and status snapshot and
/// kept with the figures (ADR 0046): what is shown is what a fresh rendering shows, a change shows at once,
/// the layout stays each viewer's own, and kept pages never crowd out the figures.
/// </summary>
public sealed partial class KeptReportPageTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    [GeneratedRegex("""Overdue \((\d+)\)""")]
    private static partial Regex OverdueCount();

    private async Task<HttpClient> SignedInAsync(string who)
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"{who}@{T}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private Task<Guid> TenantIdAsync() => app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<ITenantContext>().Tenant.Id));

    /// <summary>The kept part: from the filter form to the end of the report.</summary>
    private static string Body(string html)
    {
        var start = html.IndexOf("<form method=\"get\" action=\"/" + T + "/reports/compliance\"", StringComparison.Ordinal);
        var end = html.IndexOf("id=\"about-figures\"", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "the report's body is on the page");
        return html[start..end];
    }

    [Fact]
    public async Task A_page_is_rendered_once_and_each_viewer_gets_their_own_layout_around_it()
    {
        var tenantId = await TenantIdAsync();
        var cache = app.Services.GetRequiredService<StatusCache>();
        cache.Forget(tenantId); // what other tests of this class kept goes
        var lead = await SignedInAsync("lead");
        var auditor = await SignedInAsync("auditor");
        var (leadName, auditorName) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            string Name(string who) => db.Staff.Single(s => s.Email == $"{who}@{T}.example").FullName;
            return await Task.FromResult((Name("lead"), Name("auditor")));
        });

        var first = await lead.GetStringAsync($"/{T}/reports/compliance");
        var kept = cache.DerivedCount(tenantId, StatusCache.RenderedPrefix);
        Assert.True(kept >= 1, "the rendered page is kept with the figures");
        var again = await auditor.GetStringAsync($"/{T}/reports/compliance");
        Assert.Equal(kept, cache.DerivedCount(tenantId, StatusCache.RenderedPrefix)); // the same page: nothing new kept
        Assert.Equal(Body(first), Body(again));
        // The layout around it is each viewer's: their name, never the other's.
        Assert.Contains($"Signed in as {leadName}.", first);
        Assert.DoesNotContain($"Signed in as {auditorName}.", first);
        Assert.Contains($"Signed in as {auditorName}.", again);
        Assert.DoesNotContain($"Signed in as {leadName}.", again);

        // Another filter or page is another rendering, kept beside the first.
        var filtered = await lead.GetStringAsync($"/{T}/reports/compliance?Type=one-to-one");
        Assert.Equal(kept + 1, cache.DerivedCount(tenantId, StatusCache.RenderedPrefix));
        Assert.Contains("<option value=\"one-to-one\" selected=\"selected\">", filtered);
        Assert.DoesNotContain("selected=\"selected\"", Body(first));

        // A line manager still may not see it: the check runs before anything kept is shown.
        var manager = await SignedInAsync("linemanager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/{T}/reports/compliance")).StatusCode);
    }

    [Fact]
    public async Task The_kept_body_carries_no_indentation_and_reads_the_same()
    {
        var lead = await SignedInAsync("lead");
        var body = Body(await lead.GetStringAsync($"/{T}/reports/compliance"));
        Assert.DoesNotMatch(@"\n[ \t\r\n]", body); // no indented or blank line: the template's white space is out
        Assert.Contains("All supervisors</option>", body);
        Assert.Matches(OverdueCount(), body);

        // Each run holding a line break becomes one line break, which a browser shows as the single space it showed
        // before; white space within a line is left as it is.
        Assert.Equal("<p>Two\nwords <strong>and  more</strong>\n</p>\n<td>1</td>",
            Pages.Reports.ComplianceModel.Compact("<p>Two\n      words <strong>and  more</strong>   \r\n\n  </p>\n\t<td>1</td>"));
    }

    [Fact]
    public async Task A_change_saved_after_a_page_was_kept_shows_on_the_next_view()
    {
        var lead = await SignedInAsync("lead");
        var before = int.Parse(OverdueCount().Match(await lead.GetStringAsync($"/{T}/reports/compliance")).Groups[1].Value);
        Assert.Equal(before, int.Parse(OverdueCount().Match(await lead.GetStringAsync($"/{T}/reports/compliance")).Groups[1].Value));
        await app.InTenant(T, async sp =>
        {
            // Someone in a one-to-one for 100 days without a session: overdue.
            var db = sp.GetRequiredService<AppDbContext>();
            var person = new StaffMember();
            person.Apply(new StaffDetails("Kept Page Overdue", $"kept.page@{T}.example", null, null, null, StaffRoles.Supervisee, null, null), sp.GetRequiredService<ILookupNormalizer>());
            db.Staff.Add(person);
            db.Relationships.Add(Relationship.Start(sp.GetRequiredService<Allocation>().Type("one-to-one"), await db.StaffIdAsync($"supervisor@{T}.example"), [person.Id], sp.Today().AddDays(-100)));
            await db.SaveChangesAsync();
        });
        var after = await lead.GetStringAsync($"/{T}/reports/compliance");
        Assert.Equal(before + 1, int.Parse(OverdueCount().Match(after).Groups[1].Value));
        Assert.Contains("Kept Page Overdue", after);
    }

    [Fact]
    public async Task Kept_pages_have_a_budget_of_their_own_inside_the_tenants_cap()
    {
        var tenantId = await TenantIdAsync();
        var cache = app.Services.GetRequiredService<StatusCache>();
        await app.InTenant(T, async sp =>
        {
            var compliance = sp.GetRequiredService<ComplianceService>();
            var everyone = await compliance.EveryoneAsync(CancellationToken.None);
            // Paging through a long report: far more pages than the budget.
            for (var i = 0; i < StatusCache.MaxRendered + 20; i++)
                await compliance.DerivedAsync(everyone, $"{StatusCache.RenderedPrefix}page {i}", _ => Task.FromResult($"page {i}"), CancellationToken.None);
            Assert.Equal(StatusCache.MaxRendered, cache.DerivedCount(tenantId, StatusCache.RenderedPrefix));
            // A figure still finds room, and is then kept (computed once).
            var computed = 0;
            for (var i = 0; i < 2; i++)
                await compliance.DerivedAsync(everyone, "a figure", _ => Task.FromResult($"{++computed}"), CancellationToken.None);
            Assert.Equal(1, computed);
            Assert.InRange(cache.DerivedCount(tenantId), StatusCache.MaxRendered + 1, StatusCache.MaxDerived);
        });
    }
}
