using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// The supervision cycle at ralph-thoresby, in a real browser: the supervisee books, the
/// supervisor takes attendance and writes the record with an action, the supervisee signs, and
/// the action comes back at the next session for discussion or closure. Every page is checked
/// with axe and photographed, and each person's dashboard is looked at.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SupervisionJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "ralph-thoresby";

    private static DateOnly Today => JourneySteps.Today;

    private static Task FillDateAsync(IPage page, string id, DateOnly date) => JourneySteps.FillDateAsync(page, id, date);

    /// <summary>The supervisee books; the first time, bad input first: an impossible time is named and the date typed stays.</summary>
    private Task<string> BookAsync(string time) => JourneySteps.BookAsync(fx, Tenant, time, async page =>
    {
        await JourneySteps.FillDateAsync(page, "Input_Date", Today, "_Month", "_Year");
        await page.Locator("#Input_Time").FillAsync("25:99");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book the session" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Enter the start time as hours and minutes");
        await Assertions.Expect(page.Locator("#Input_Date")).ToHaveValueAsync(Today.Day.ToString());
        await page.AssertAccessibleAsync();
    });

    private Task<IPage> AttendAndOpenRecordAsync(string sessionPath) => JourneySteps.AttendAndOpenRecordAsync(fx, Tenant, sessionPath);

    [Fact]
    public async Task Supervisee_books_supervisor_records_with_an_action_supervisee_signs_and_the_action_returns_next_time()
    {
        // 1. The supervisee books.
        var first = await BookAsync("09:00");

        // 2. The supervisor takes attendance and writes the record: who met and when are already filled in.
        var page = await AttendAndOpenRecordAsync(first);
        await Assertions.Expect(page.Locator("#a_date")).ToHaveValueAsync(Today.Day.ToString());
        await Assertions.Expect(page.Locator("#a_supervisee option:checked")).ToContainTextAsync("Chloe Ibbotson");
        await page.Locator("#a_duration").FillAsync("55");
        await page.Locator("#a_performance-management").FillAsync("Workload discussed; caseload steady.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add action to Agreed actions" }).ClickAsync();
        await page.Locator("#a_actions_0__action").FillAsync("Update the chronology for case reference RT-4410");
        await page.Locator("#a_actions_0__by-whom").FillAsync("Chloe");
        await FillDateAsync(page, "a_actions_0__by-when", Today.AddDays(14));
        await FillDateAsync(page, "a_next-supervision-date", Today.AddDays(35));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit and sign" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("The record has been submitted and you have signed it");
        await Assertions.Expect(page.Locator("#signatures-outstanding")).ToContainTextAsync("Waiting for 1 signature before this record is signed off: Chloe Ibbotson");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("supervision-record-supervisor-signed");
        var recordUrl = page.Url;
        await page.GotoAsync($"/{Tenant}");
        await Assertions.Expect(page.Locator("#awaiting-signature")).ToContainTextAsync("Supervision record");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("dashboard-supervisor");
        await page.Context.CloseAsync();

        // 3. The supervisee finds it waiting on their home page and signs.
        var supervisee = await fx.NewPageAsync();
        await supervisee.SignInAsync(Tenant, $"supervisee@{Tenant}.example");
        await Assertions.Expect(supervisee.Locator("#my-actions")).ToContainTextAsync("RT-4410");
        await supervisee.AssertAccessibleAsync();
        await supervisee.ScreenshotAsync("dashboard-supervisee");
        await supervisee.Locator("#to-sign a").First.ClickAsync();
        await supervisee.GetByRole(AriaRole.Button, new() { Name = "Sign as supervisee" }).ClickAsync();
        await Assertions.Expect(supervisee.Locator("#signed-off")).ToContainTextAsync("Signed off by everyone");
        Assert.Equal(recordUrl, supervisee.Url);
        await supervisee.Context.CloseAsync();

        // 4. The next session's record carries the open action, and it can be closed there.
        var second = await BookAsync("15:00");
        var next = await AttendAndOpenRecordAsync(second);
        var carried = next.Locator("#actions-carried");
        await Assertions.Expect(carried).ToContainTextAsync("Update the chronology for case reference RT-4410");
        await Assertions.Expect(next.Locator("#previous-record")).ToContainTextAsync("The previous record");
        await next.AssertAccessibleAsync();
        await next.ScreenshotAsync("supervision-record-carried-action");
        await carried.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Done") }).ClickAsync();
        await Assertions.Expect(next.Locator(".govuk-notification-banner")).ToContainTextAsync("The action is marked as done");
        await Assertions.Expect(next.Locator("#actions-carried")).ToHaveCountAsync(0);
        await next.Context.CloseAsync();

        // 5. The line manager sees attendance and status, and may not open the record.
        var manager = await fx.NewPageAsync();
        await manager.SignInAsync(Tenant, $"linemanager@{Tenant}.example");
        await Assertions.Expect(manager.Locator("#team-attendance")).ToContainTextAsync("Chloe Ibbotson");
        await manager.AssertAccessibleAsync();
        await manager.ScreenshotAsync("dashboard-line-manager");
        var denied = await manager.GotoAsync(recordUrl);
        Assert.Equal(403, denied!.Status);
        await manager.Context.CloseAsync();

        // 6. The safeguarding lead sees everyone, filtered by type.
        var lead = await fx.NewPageAsync();
        await lead.SignInAsync(Tenant, $"lead@{Tenant}.example");
        await lead.GetByRole(AriaRole.Link, new() { Name = "Supervision", Exact = true }).ClickAsync();
        await lead.GetByLabel("Type of supervision").SelectOptionAsync("one-to-one");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(lead.Locator("#status-table")).ToContainTextAsync("Chloe Ibbotson");
        await lead.AssertAccessibleAsync();
        await lead.ScreenshotAsync("dashboard-lead-overview");
    }

    [Fact]
    public async Task A_lead_pairs_people_and_a_group_over_its_limit_is_refused_with_everything_kept()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("mse-icb", "lead@mse-icb.example");
        await page.GotoAsync("/mse-icb/supervision/new");
        await page.AssertAccessibleAsync();
        await page.GetByLabel("Group safeguarding supervision").CheckAsync();
        await page.GetByLabel("Supervisor", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Folasade Ogunbiyi, Designated Lead Nurse for Safeguarding Children" });
        var boxes = page.Locator("#Input_SuperviseeIds input[type=checkbox]");
        for (var i = 0; i < 7; i++) await boxes.Nth(i).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up supervision" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("at most 6 supervisees");
        await Assertions.Expect(page.Locator("#Input_SuperviseeIds input:checked")).ToHaveCountAsync(7);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("pairing-group-too-large");

        await boxes.Nth(6).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up supervision" }).ClickAsync();
        await page.WaitForPageAsync(new Regex("/mse-icb/supervision/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Supervision has been set up");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("supervision-group-page");
    }
}
