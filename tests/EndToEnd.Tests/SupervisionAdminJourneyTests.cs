using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// The safeguarding lead's side at mse-icb: a group session with each member's attendance,
/// reallocation that refuses a missing handover note without losing the choice made, and a series
/// of three-monthly sessions with diary invitations. Keyboard and axe on each page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SupervisionAdminJourneyTests(BrowserFixture fx)
{
    private const string T = "mse-icb";

    [Fact]
    public async Task A_lead_takes_group_attendance_reallocates_and_plans_a_series()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(T, $"lead@{T}.example");

        // A group of three, set up by keyboard alone.
        await page.GotoAsync($"/{T}/supervision/new");
        await page.GetByLabel("Group safeguarding supervision").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await page.GetByLabel("Supervisor", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Folasade Ogunbiyi, Designated Lead Nurse for Safeguarding Children" });
        var boxes = page.Locator("#Input_SuperviseeIds input[type=checkbox]");
        for (var i = 10; i < 13; i++)
        {
            await boxes.Nth(i).FocusAsync();
            await page.Keyboard.PressAsync("Space");
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up supervision" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync(new Regex($"/{T}/supervision/[0-9a-f-]{{36}}$"));
        var groupUrl = page.Url;

        // The administration team books group sessions; today's, then each member's attendance.
        await page.GetByRole(AriaRole.Button, new() { Name = "Book a session" }).ClickAsync();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Seasons.UtcNow, Seasons.London).DateTime);
        await page.Locator("#Input_Date").FillAsync(today.Day.ToString());
        await page.Locator("#Input_Date_Month").FillAsync(today.Month.ToString());
        await page.Locator("#Input_Date_Year").FillAsync(today.Year.ToString());
        await page.Locator("#Input_Time").FillAsync("00:05");
        await JourneySteps.BookTheSessionAsync(page); // today may be a Saturday or in the holidays: warned, and meant

        // Saying it took place without each member's attendance is refused, with the choice kept.
        await page.GetByLabel("It took place").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save attendance" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Say for each member");
        await Assertions.Expect(page.GetByLabel("It took place")).ToBeCheckedAsync();
        await page.AssertAccessibleAsync();
        var members = page.Locator("#Members fieldset");
        await members.Nth(0).GetByLabel("Present").CheckAsync();
        await members.Nth(1).GetByLabel("Apologies").CheckAsync();
        await members.Nth(2).GetByLabel("Absent").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save attendance" }).ClickAsync();
        await Assertions.Expect(page.Locator("#session-status")).ToHaveTextAsync("Attended");
        await Assertions.Expect(page.GetByText(": Apologies")).ToHaveCountAsync(1);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("session-group-attendance");

        // Reallocation needs a handover note; the chosen supervisor stays chosen.
        await page.GotoAsync(groupUrl);
        await Assertions.Expect(page.Locator("#session-table")).ToContainTextAsync("1 present, 1 apologies, 1 absent");
        await page.GetByLabel("New supervisor").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        var chosen = await page.GetByLabel("New supervisor").InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reallocate" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Write a handover note");
        await Assertions.Expect(page.GetByLabel("New supervisor")).ToHaveValueAsync(chosen);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("supervision-reallocate-error");

        // A series of three-monthly sessions for it, with diary invitations.
        await page.GotoAsync($"/{T}/supervision/series");
        await page.AssertAccessibleAsync();
        await page.Locator("#Input_RelationshipIds input").First.CheckAsync();
        var first = today.AddDays(7);
        await page.Locator("#Input_First").FillAsync(first.Day.ToString());
        await page.Locator("#Input_First_Month").FillAsync(first.Month.ToString());
        await page.Locator("#Input_First_Year").FillAsync(first.Year.ToString());
        await page.Locator("#Input_Count").FillAsync("4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan the sessions" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("4 sessions are planned");
        await page.AssertAccessibleAsync();

        await page.GotoAsync($"/{T}/dev/mailbox");
        await Assertions.Expect(page.GetByText("Invitation: safeguarding supervision").First).ToBeVisibleAsync();

        // The attended group session started mse-icb's R4 rule in the background worker: each
        // member present is asked for an evaluation. The rules page shows the run and its journal.
        await page.GotoAsync($"/{T}/workflows");
        await page.AssertAccessibleAsync();
        var runs = page.Locator("#runs");
        for (var tries = 0; tries < 30 && !(await runs.CountAsync() > 0 && (await runs.InnerTextAsync()).Contains("evaluation-after-session", StringComparison.Ordinal)); tries++)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
        }
        await Assertions.Expect(runs).ToContainTextAsync("evaluation-after-session");
        await page.ScreenshotAsync("rules-page");
        await runs.GetByRole(AriaRole.Link, new() { Name = "evaluation-after-session" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#journal")).ToContainTextAsync("ask");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("rules-run-journal");
    }
}
