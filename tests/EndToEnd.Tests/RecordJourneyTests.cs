using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>Ascent's supervision record, written from the session by the supervisor and signed by both, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RecordJourneyTests(BrowserFixture fx)
{
    private static async Task FillDateAsync(IPage page, string id, int day, int month, int year)
    {
        await page.Locator($"#{id}").FillAsync(day.ToString());
        await page.Locator($"#{id}-month").FillAsync(month.ToString());
        await page.Locator($"#{id}-year").FillAsync(year.ToString());
    }

    [Fact]
    public async Task A_supervisor_records_a_session_with_two_actions_and_both_sign()
    {
        // The record of a session, so it belongs to their supervision: the supervisee may read and sign
        // it because they are its supervisee, not because a question names them (ADR 0021).
        var session = await JourneySteps.BookAsync(fx, "ascent", "08:30");
        var page = await JourneySteps.AttendAndOpenRecordAsync(fx, "ascent", session);
        var recordUrl = page.Url;

        await page.GetByLabel("Supervisor", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Paul Hendry, Designated Safeguarding Lead" });
        await page.GetByLabel("Supervisee", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Aleksandra Nowak, Family Liaison Officer (Deputy DSL)" });
        await FillDateAsync(page, "a_date", 20, 11, 2026);
        await page.Locator("#a_duration").FillAsync("60");
        await page.Locator("#a_caseload-workload").FillAsync("Caseload is manageable; two new referrals this half term.");
        await page.Locator("#a_health-wellbeing").FillAsync("Feeling supported.");

        // Two action rows, added without relying on JavaScript (each click saves and redraws).
        await page.GetByRole(AriaRole.Button, new() { Name = "Add action to Actions Arising:" }).ClickAsync();
        await page.Locator("#a_actions-arising_0__action").FillAsync("Update the chronology for case reference AS-2291");
        await page.Locator("#a_actions-arising_0__by-whom").FillAsync("Aleksandra");
        await FillDateAsync(page, "a_actions-arising_0__by-when", 4, 12, 2026);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add action to Actions Arising:" }).ClickAsync();
        await page.Locator("#a_actions-arising_1__action").FillAsync("Book the Level 3 refresher");
        await page.Locator("#a_actions-arising_1__by-whom").FillAsync("Paul");
        await FillDateAsync(page, "a_actions-arising_1__by-when", 18, 12, 2026);
        await page.Locator("#a_next-supervision-location").FillAsync("Ash Trees, meeting room 2");

        // The date of the next supervision is left empty: the summary names it and nothing typed is lost.
        // One next step for the person writing it: submitting is signing.
        await Assertions.Expect(page.Locator("#next-step")).ToContainTextAsync("fill in the record, then submit and sign it");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit and sign" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("Enter date of next Supervision");
        await Assertions.Expect(page.Locator("#a_caseload-workload")).ToHaveValueAsync("Caseload is manageable; two new referrals this half term.");
        await Assertions.Expect(page.Locator("#a_actions-arising_1__action")).ToHaveValueAsync("Book the Level 3 refresher");
        await Assertions.Expect(page.Locator("#a_actions-arising_0__by-when")).ToHaveValueAsync("4");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("record-ascent-errors");
        await summary.GetByRole(AriaRole.Link, new() { Name = "Enter date of next Supervision" }).ClickAsync();
        await Assertions.Expect(page.Locator("#a_next-supervision-date")).ToBeFocusedAsync();

        await FillDateAsync(page, "a_next-supervision-date", 15, 1, 2027);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit and sign" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("The record has been submitted and you have signed it");
        await Assertions.Expect(page.Locator("#next-step")).ToHaveCountAsync(0); // nothing more for the supervisor to do
        await Assertions.Expect(page.Locator("#signatures-outstanding")).ToContainTextAsync("signed off: Aleksandra Nowak"); // the session's supervisee, by name
        await page.ScreenshotAsync("record-ascent-supervisor-signed");

        // The supervisee opens the same record and signs.
        var supervisee = await fx.NewPageAsync();
        await supervisee.SignInAsync("ascent", "supervisee@ascent.example");
        await supervisee.GotoAsync(recordUrl);
        await Assertions.Expect(supervisee.GetByText("Update the chronology for case reference AS-2291")).ToBeVisibleAsync();
        await Assertions.Expect(supervisee.Locator("#next-step")).ToContainTextAsync("read the record, then sign it");
        await supervisee.AssertAccessibleAsync();
        await supervisee.GetByRole(AriaRole.Button, new() { Name = "Sign as supervisee" }).ClickAsync();
        await Assertions.Expect(supervisee.Locator(".app-signature .govuk-tag--green")).ToHaveCountAsync(2);
        await Assertions.Expect(supervisee.Locator("#status")).ToHaveTextAsync("Signed");
        await supervisee.AssertAccessibleAsync();
        await supervisee.ScreenshotAsync("record-ascent-both-signed");

        await supervisee.GotoAsync(recordUrl + "/print");
        await supervisee.AssertAccessibleAsync();
        await supervisee.ScreenshotAsync("record-ascent-print");
    }

    [Fact]
    public async Task Questions_with_a_show_when_condition_appear_as_the_answer_is_given()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("ascent", "lead@ascent.example");
        await page.GotoAsync("/ascent/forms");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Ascent Academies' Trust staff trained in supervision") }).ClickAsync();
        var trainingDate = page.Locator("[data-field='supervision-training-date']");
        var nextTraining = page.Locator("[data-field='next-formal-training']");
        await Assertions.Expect(trainingDate).ToBeHiddenAsync();
        await Assertions.Expect(nextTraining).ToBeHiddenAsync();
        await page.Locator("#a_trained-in-supervision").CheckAsync(); // "Yes"
        await Assertions.Expect(trainingDate).ToBeVisibleAsync();
        await page.GetByLabel("DSL Deputy", new() { Exact = true }).CheckAsync();
        await Assertions.Expect(nextTraining).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task A_draft_saves_itself_as_the_person_types()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("ralph-thoresby", "supervisee@ralph-thoresby.example");
        await page.GotoAsync("/ralph-thoresby/forms");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Self-care plan", RegexOptions.IgnoreCase) }).ClickAsync();
        var first = page.Locator("#record-form textarea").First;
        await first.FillAsync("Walk at lunchtime; protect Friday afternoons.");
        await Assertions.Expect(page.Locator("#autosave-status")).ToContainTextAsync("Draft saved");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#record-form textarea").First).ToHaveValueAsync("Walk at lunchtime; protect Friday afternoons.");
    }

    [Fact]
    public async Task The_mse_icb_evaluation_matrix_and_guidance_beside_the_record_are_accessible()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("mse-icb", "supervisee@mse-icb.example");

        await page.GotoAsync("/mse-icb/forms");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Evaluation of Safeguarding Supervision") }).ClickAsync();
        await Assertions.Expect(page.Locator(".app-matrix")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("evaluation-mse-icb");

        await page.GotoAsync("/mse-icb/forms");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^1:1 Safeguarding Supervision Record") }).ClickAsync();
        await Assertions.Expect(page.Locator("aside.app-guidance")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("record-mse-icb-with-guidance");
    }
}
