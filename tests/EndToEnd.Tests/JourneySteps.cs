using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>Steps several journeys share: booking a session as the supervisee, taking attendance and opening the record as the supervisor.</summary>
internal static class JourneySteps
{
    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Seasons.UtcNow, Seasons.London).DateTime);

    public static async Task FillDateAsync(IPage page, string id, DateOnly date, string monthId = "-month", string yearId = "-year")
    {
        await page.Locator($"#{id}").FillAsync(date.Day.ToString());
        await page.Locator($"#{id}{monthId}").FillAsync(date.Month.ToString());
        await page.Locator($"#{id}{yearId}").FillAsync(date.Year.ToString());
    }

    /// <summary>
    /// Presses "Book the session" and waits for the session's page. Today may be a weekend, a bank
    /// holiday or in the school holidays, or someone busy then: the page warns, and the journey means it.
    /// </summary>
    public static async Task BookTheSessionAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Book the session" }).ClickAsync();
        if (await page.Locator("#booking-warnings").CountAsync() > 0)
        {
            await page.GetByLabel("Book anyway: I have checked, and want this time").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Book the session" }).ClickAsync();
        }
        await page.WaitForPageAsync(new Regex("/sessions/[0-9a-f-]{36}$"));
    }

    /// <summary>The supervisee books a session today at the given time from their home page; returns the session's path.</summary>
    public static async Task<string> BookAsync(BrowserFixture fx, string tenant, string time, Func<IPage, Task>? badInputFirst = null)
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(tenant, $"supervisee@{tenant}.example");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Your supervision with") }).First.ClickAsync();
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Book a session" }).ClickAsync();
        await page.AssertAccessibleAsync();
        if (badInputFirst is not null) await badInputFirst(page);
        await FillDateAsync(page, "Input_Date", Today, "_Month", "_Year");
        await page.Locator("#Input_Time").FillAsync(time);
        await page.Locator("#Input_Location").FillAsync("Pastoral office");
        await BookTheSessionAsync(page);
        await Assertions.Expect(page.Locator("#session-status")).ToHaveTextAsync("Booked");
        await page.AssertAccessibleAsync();
        var ics = await page.Context.APIRequest.GetAsync(page.Url + "?handler=Ics");
        Assert.Contains("BEGIN:VEVENT", await ics.TextAsync());
        await page.Context.CloseAsync();
        return new Uri(page.Url).AbsolutePath;
    }

    /// <summary>The supervisor marks the session attended and opens its record.</summary>
    public static async Task<IPage> AttendAndOpenRecordAsync(BrowserFixture fx, string tenant, string sessionPath)
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(tenant, $"supervisor@{tenant}.example");
        await Assertions.Expect(page.Locator("#to-record")).ToContainTextAsync("Record attendance");
        await page.GotoAsync(sessionPath);
        await page.GetByLabel("It took place and the supervisee attended").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save attendance" }).ClickAsync();
        await Assertions.Expect(page.Locator("#session-status")).ToHaveTextAsync("Attended");
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Write the record" }).ClickAsync();
        await page.WaitForPageAsync(new Regex("/records/[0-9a-f-]{36}$"));
        return page;
    }
}
