using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// mse-icb's tenant admin opens Periodic reports from the menu, then the quarterly attendance report for
/// the Quality Assurance Committee over the demo year's last complete quarter, chooses another
/// quarter by keyboard, and finds the CSV link. The page passes axe and is photographed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PeriodicReportPageTests(BrowserFixture fx)
{
    private const string Tenant = "mse-icb";

    [Fact]
    public async Task The_admin_opens_the_quarterly_attendance_report_and_picks_a_quarter()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(Tenant, $"admin@{Tenant}.example");
        await page.GetByRole(AriaRole.Link, new() { Name = "Reports", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Reports");
        await Assertions.Expect(page.Locator("#compliance-link")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#reports")).ToContainTextAsync("Quality Assurance Committee");
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Quarterly attendance report" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Quarterly attendance report");
        await Assertions.Expect(page.Locator("#headlines")).ToContainTextAsync("Sessions held");
        await Assertions.Expect(page.Locator("#table-attendance")).ToContainTextAsync("One to one safeguarding supervision");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("periodic-report-attendance");

        var options = page.Locator("#Period option");
        var second = await options.Nth(2).GetAttributeAsync("value");
        await page.Locator("#Period").SelectOptionAsync(second!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show this period" }).PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("Period=" + second));
        await Assertions.Expect(page.Locator("#csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("handler=Csv&Period=" + second));

        await page.GotoAsync($"/{Tenant}/reports/periodic/evaluation-audit");
        await Assertions.Expect(page.Locator("#table-supervisors")).ToContainTextAsync("at least 5 responses");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("periodic-report-evaluation");
        await page.Context.CloseAsync();
    }
}
