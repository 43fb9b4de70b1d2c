using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// A lead whose organisation has more supervisors than one page of the report's breakdown shows (ADR 0041)
/// pages through it: the pagination passes axe and fits phones, at 1280 and 390 px.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportPagingJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "devon-torbay";

    [Fact]
    public async Task Lead_pages_through_the_breakdown_by_supervisor()
    {
        await fx.App.InTenant(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<SupervisionHub.Web.Data.AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            var type = sp.GetRequiredService<Allocation>().Type("one-to-one");
            var today = sp.GetRequiredService<SupervisionHub.Web.Tenancy.ITenantContext>().Tenant.Today(sp.GetRequiredService<TimeProvider>());
            for (var i = 0; i < SupervisionHub.Web.Pages.Reports.ComplianceModel.SupervisorPageSize + 5; i++)
            {
                var supervisor = new StaffMember();
                supervisor.Apply(new StaffDetails($"Pager Supervisor {i:D3}", $"pager.supervisor{i:D3}@{Tenant}.example", null, null, null, StaffRoles.Supervisor, null, null), normalizer);
                var supervisee = new StaffMember();
                supervisee.Apply(new StaffDetails($"Pager Supervisee {i:D3}", $"pager.supervisee{i:D3}@{Tenant}.example", null, null, null, StaffRoles.Supervisee, null, null), normalizer);
                db.Staff.AddRange(supervisor, supervisee);
                db.Relationships.Add(Relationship.Start(type, supervisor.Id, [supervisee.Id], today.AddDays(-20)));
            }
            await db.SaveChangesAsync();
        });

        var page = await fx.NewPageAsync();
        await page.SignInAsync(Tenant, $"lead@{Tenant}.example");
        await page.GotoAsync($"/{Tenant}/reports/compliance");
        await Assertions.Expect(page.Locator("#by-supervisor tbody tr")).ToHaveCountAsync(SupervisionHub.Web.Pages.Reports.ComplianceModel.SupervisorPageSize);
        var pages = page.Locator("#by-supervisor-pages");
        await Assertions.Expect(pages).ToContainTextAsync("Page 1 of");
        var headline = await page.Locator("#count-in-date-with-agreement").TextContentAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("report-compliance-supervisors-paged");

        await pages.GetByRole(AriaRole.Link, new() { Name = "Next page of supervisors" }).ClickAsync();
        await page.WaitForPageAsync(new System.Text.RegularExpressions.Regex("sp=2"));
        await Assertions.Expect(pages).ToContainTextAsync("Page 2 of");
        await Assertions.Expect(page.Locator("#count-in-date-with-agreement")).ToHaveTextAsync(headline!); // the totals count everyone on every page
        await Assertions.Expect(pages.GetByRole(AriaRole.Link, new() { Name = "Previous page of supervisors" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("report-compliance-supervisors-page-2");
        await page.Context.CloseAsync();
    }
}
