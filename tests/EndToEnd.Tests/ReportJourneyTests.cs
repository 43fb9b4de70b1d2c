using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// A safeguarding lead at mse-icb opens the compliance report, filters it by site and downloads the
/// CSV, by keyboard alone; the chart is photographed on its own, and the print view as on paper.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "mse-icb";
    // Two of the demo supervisees work there (tenants/mse-icb/demo/staff.csv).
    private const string Site = "Basildon and Brentwood Alliance";

    /// <summary>Presses Tab until the focused element matches, as a keyboard user would; fails if it never comes.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement && document.activeElement.matches(s)", selector)) return;
        }
        Assert.Fail($"Tab never reached {selector} on {page.Url}");
    }

    [Fact]
    public async Task Lead_opens_the_report_filters_by_site_and_downloads_the_csv_by_keyboard()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(Tenant, $"lead@{Tenant}.example");

        await TabToAsync(page, $"a[href='/{Tenant}/reports']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync($"**/{Tenant}/reports");
        await TabToAsync(page, $"a[href='/{Tenant}/reports/compliance']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync($"**/{Tenant}/reports/compliance");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Supervision compliance");
        await Assertions.Expect(page.Locator("#trend-chart circle")).ToHaveCountAsync(12);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("report-compliance");

        // Filter by site: the select changes with the arrow keys, the form submits with Enter.
        await TabToAsync(page, "#Site");
        for (var i = 0; i < 20 && await page.Locator("#Site").InputValueAsync() != Site; i++) await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal(Site, await page.Locator("#Site").InputValueAsync());
        await TabToAsync(page, "button.govuk-button");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync(new Regex("Site=Basildon"));
        await Assertions.Expect(page.Locator("#by-site tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#by-site tbody tr")).ToContainTextAsync(Site);
        // Other journeys may pair more people at this site meanwhile: the headline agrees with the site's row, whatever the count.
        var counted = (await page.Locator("#by-site tbody tr td").First.TextContentAsync())!.Trim();
        Assert.True(int.Parse(counted) >= 2, $"At least the two demo supervisees at {Site}; found {counted}");
        await Assertions.Expect(page.Locator("#count-in-date")).ToContainTextAsync($"of {counted}");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("report-compliance-filtered");
        await page.Locator("#trend-chart").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "report-compliance-chart.png") });

        // The chart's figures as a table, opened from the keyboard.
        await TabToAsync(page, "#trend-details summary");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#trend-table tbody tr")).ToHaveCountAsync(12);

        // The CSV of the same selection.
        await TabToAsync(page, "#csv-breakdown");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        Assert.Matches(@"^compliance-breakdown-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Breakdown,Group,Supervisees,In date,Overdue,Unknown,Share in date (%),As at,Agreement signed,In date with a signed agreement,", lines[0]);
        Assert.StartsWith($"All,All supervisees,{counted},", lines[1]);
        Assert.Single(lines, l => l.StartsWith("Site,", StringComparison.Ordinal));
        Assert.StartsWith($"Site,{Site},{counted},", lines.Single(l => l.StartsWith("Site,", StringComparison.Ordinal)));

        // The print view for a committee pack, as the printer sees it.
        await TabToAsync(page, "#print-view");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync(new Regex("/reports/compliance/print\\?Site="));
        await Assertions.Expect(page.Locator("#selection")).ToHaveTextAsync($"Only site {Site}.");
        await page.AssertAccessibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await page.ScreenshotAsync("report-compliance-print");
        await page.Context.CloseAsync();
    }
}
