using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// A river-tees admin creates a new form from blank in the browser, by keyboard only: a bad id is
/// refused with a message and nothing typed is lost; the form opens in the editor as an unpublished
/// draft; a question is added; publishing makes version 1, which is then listed. Every page passes axe.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CreateFormJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "river-tees";
    private const string Question = "What helps you switch off after work?";

    private static async Task PressAsync(ILocator target)
    {
        await target.FocusAsync();
        await target.Page.Keyboard.PressAsync("Enter");
    }

    [Fact]
    public async Task Admin_creates_a_form_from_blank_adds_a_question_publishes_and_it_is_listed()
    {
        var page = await fx.NewPageAsync();
        var cspProblems = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) cspProblems.Add(m.Text); };
        await page.SignInAsync(Tenant, $"admin@{Tenant}.example");

        await page.GotoAsync($"/{Tenant}/admin/forms");
        await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Create a form" }));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create a form");
        await page.AssertAccessibleAsync();

        // A bad id: the error summary names it, links to the field, and what was typed stays.
        await page.Locator("#Id").FocusAsync();
        await page.Keyboard.TypeAsync("Wellbeing Check");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#Title")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Wellbeing check");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#From")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#From")).ToHaveValueAsync(""); // blank
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#continue")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("no spaces or capitals");
        await Assertions.Expect(page.Locator("#Id")).ToHaveValueAsync("Wellbeing Check");
        await Assertions.Expect(page.Locator("#Title")).ToHaveValueAsync("Wellbeing check");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("create-form-bad-id");

        // Follow the summary's link to the field and put it right.
        await PressAsync(page.Locator(".govuk-error-summary a[href='#Id']"));
        await Assertions.Expect(page.Locator("#Id")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("wellbeing-check");
        await page.Keyboard.PressAsync("Enter");

        // The editor, on a draft that is not yet published.
        await page.WaitForPageAsync(new Regex($"/{Tenant}/admin/forms/wellbeing-check/edit"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create Wellbeing check");
        await Assertions.Expect(page.Locator("#publish")).ToHaveTextAsync("Publish version 1");
        await Assertions.Expect(page.Locator("#yaml-editor")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#no-problems")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("create-form-editor");

        // The code editor checks the unpublished text as it is typed.
        await page.Locator("#yaml-editor .cm-content").FocusAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync("# Asked of every member of staff once a term.");
        await Assertions.Expect(page.Locator("#check-status")).ToHaveTextAsync("No problems. Preview updated.");

        // Add a question by keyboard.
        await page.Locator("#Add_Label").FocusAsync();
        await page.Keyboard.TypeAsync(Question);
        await page.Keyboard.PressAsync("Tab"); // Answer
        await page.Keyboard.PressAsync("Tab"); // Section
        await Assertions.Expect(page.Locator("#Add_Section")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#Add_Section")).ToHaveValueAsync("main");
        await PressAsync(page.Locator("#add-question-button"));
        await Assertions.Expect(page.Locator("#edit-done")).ToContainTextAsync("Added 'what-helps-you-switch-off-after-work' at line");
        await Assertions.Expect(page.Locator("#check-preview").GetByText(Question, new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create Wellbeing check"); // still a draft
        await page.AssertAccessibleAsync();

        // Publish: version 1, then it is in the list of forms.
        await PressAsync(page.Locator("#publish"));
        await page.WaitForPageAsync(new Regex($"/{Tenant}/admin/forms/wellbeing-check/versions"));
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Version 1 of Wellbeing check is published");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("create-form-published");

        await page.GotoAsync($"/{Tenant}/admin/forms");
        var row = page.Locator("#forms tr", new() { HasText = "wellbeing-check" });
        await Assertions.Expect(row).ToContainTextAsync("Wellbeing check");
        await Assertions.Expect(row).ToContainTextAsync("Version 1");
        await page.AssertAccessibleAsync();

        // The editor now edits it: the next publish would be version 2.
        await PressAsync(page.GetByRole(AriaRole.Link, new() { Name = "Edit Wellbeing check" }));
        await Assertions.Expect(page.Locator("#publish")).ToHaveTextAsync("Publish version 2");
        Assert.Empty(cspProblems);
    }

    /// <summary>The other two create pages and their editors in "create" mode pass axe, and a template made here is offered to rules.</summary>
    [Fact]
    public async Task Admin_creates_an_email_template_and_opens_a_new_rule_and_every_page_passes_axe()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(Tenant, $"admin@{Tenant}.example");

        await page.GotoAsync($"/{Tenant}/admin/emails");
        await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Create an email template" }));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create an email template");
        await page.AssertAccessibleAsync();
        await page.Locator("#Id").FocusAsync();
        await page.Keyboard.TypeAsync("gentle-nudge");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("A gentle reminder");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync(new Regex($"/{Tenant}/admin/emails/gentle-nudge"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create the email template gentle-nudge");
        await Assertions.Expect(page.Locator("#preview-subject")).ToHaveTextAsync("A gentle reminder");
        await page.AssertAccessibleAsync();
        await PressAsync(page.Locator("#publish-button"));
        await page.WaitForPageAsync(new Regex($"/{Tenant}/admin/emails$"));
        await Assertions.Expect(page.Locator("#templates")).ToContainTextAsync("gentle-nudge");

        await page.GotoAsync($"/{Tenant}/workflows");
        await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Create a rule" }));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create a rule");
        await page.AssertAccessibleAsync();
        await page.Locator("#Id").FocusAsync();
        await page.Keyboard.TypeAsync("nudge-on-miss");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Nudge after a missed session");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync(new Regex($"/{Tenant}/admin/workflows/nudge-on-miss"));
        await Assertions.Expect(page.Locator(".govuk-caption-l")).ToContainTextAsync("not yet published");
        await Assertions.Expect(page.Locator("#outline-steps")).ToContainTextAsync("Note in the journal");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("create-rule-editor");
    }
}
