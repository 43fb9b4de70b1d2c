using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// An ascent admin changes the case proforma in the browser, by keyboard only: adds a required
/// question with the question list, sees it in the preview, tries a mistake in the code editor and
/// sees it marked at its line, publishes, and reads what changed. A record started afterwards asks
/// the new question; one started before keeps the version it was made with.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FormEditorJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "ascent";
    private const string Form = "case-proforma";
    private const string Question = "Has the DSL been told about this case?";

    private static async Task<string> StartRecordAsync(IPage page)
    {
        await page.GotoAsync($"/{Tenant}/forms");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record of Supervision: Individual Case Proforma (start)" }).ClickAsync();
        await page.WaitForPageAsync(new Regex($"/{Tenant}/records/[0-9a-f-]+$"));
        return new Uri(page.Url).AbsolutePath;
    }

    private static async Task PressAsync(ILocator target)
    {
        await target.FocusAsync();
        await target.Page.Keyboard.PressAsync("Enter");
    }

    [Fact]
    public async Task Admin_adds_a_required_question_previews_publishes_and_only_new_records_ask_it()
    {
        var page = await fx.NewPageAsync();
        var cspProblems = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) cspProblems.Add(m.Text); };
        // A supervisor starts a record under today's version.
        var supervisor = await fx.NewPageAsync();
        await supervisor.SignInAsync(Tenant, $"supervisor@{Tenant}.example");
        var older = await StartRecordAsync(supervisor);
        await Assertions.Expect(supervisor.Locator("main")).ToContainTextAsync("Child to be discussed (case reference)");
        await Assertions.Expect(supervisor.Locator("main")).Not.ToContainTextAsync(Question);

        await page.SignInAsync(Tenant, $"admin@{Tenant}.example");

        // The editor, reached from the menu.
        await page.GotoAsync($"/{Tenant}");
        await PressAsync(page.GetByRole(AriaRole.Link, new() { Name = "Administration" }));
        await PressAsync(page.GetByRole(AriaRole.Link, new() { Name = "Edit forms" }));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Edit forms");
        await page.AssertAccessibleAsync();
        await PressAsync(page.GetByRole(AriaRole.Link, new() { Name = "Edit Record of Supervision: Individual Case Proforma" }));
        await Assertions.Expect(page.Locator("#yaml-editor")).ToBeVisibleAsync(); // CodeMirror took over the text box
        await Assertions.Expect(page.Locator("#no-problems")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("form-editor-edit");

        // Add a required question by keyboard: type, tab through the choices, press the button.
        await page.Locator("#Add_Label").FocusAsync();
        await page.Keyboard.TypeAsync(Question);
        await page.Keyboard.PressAsync("Tab"); // Answer
        await page.Keyboard.PressAsync("Tab"); // Section
        await Assertions.Expect(page.Locator("#Add_Section")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#Add_Section")).ToHaveValueAsync("case");
        await Assertions.Expect(page.Locator("#Add_Required")).ToBeCheckedAsync();
        await PressAsync(page.Locator("#add-question-button"));
        await Assertions.Expect(page.Locator("#edit-done")).ToContainTextAsync("Added 'has-the-dsl-been-told-about-this-case' at line");
        await Assertions.Expect(page.Locator("#yaml-editor")).ToContainTextAsync($"label: {Question}"); // scrolled to it
        await page.ScreenshotAsync("form-editor-question-added");
        // The text box CodeMirror keeps in step (the editor draws only the lines in view).
        await Assertions.Expect(page.Locator("#yaml")).ToHaveValueAsync(new Regex(Regex.Escape($"label: {Question}")));
        var preview = page.Locator("#check-preview");
        await Assertions.Expect(preview.GetByText(Question, new() { Exact = true })).ToBeVisibleAsync(); // no "(optional)": required
        await Assertions.Expect(page.Locator("#questions-case")).ToContainTextAsync("has-the-dsl-been-told-about-this-case");

        // A mistake typed in the code editor is marked at its line, and the preview waits.
        var editor = page.Locator("#yaml-editor .cm-content");
        await editor.FocusAsync();
        await page.Keyboard.PressAsync("Control+Home");
        await page.Keyboard.TypeAsync("colour: blue\n");
        await Assertions.Expect(page.Locator("#check-problems")).ToContainTextAsync("Line 1, column 1");
        await Assertions.Expect(page.Locator("#check-problems")).ToContainTextAsync("'colour' is not a setting of a form");
        await Assertions.Expect(page.Locator("#yaml-editor .cm-lint-marker-error")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#check-status")).ToHaveTextAsync("1 problem in the definition.");
        await page.ScreenshotAsync("form-editor-problem-at-its-line");

        // Publishing with the mistake is refused, naming the line; the text stays as typed.
        await PressAsync(page.Locator("#publish"));
        await Assertions.Expect(page.Locator("#publish-refused")).ToContainTextAsync("Line 1: 'colour' is not a setting of a form");
        await Assertions.Expect(page.Locator("#yaml-editor")).ToContainTextAsync("colour: blue");
        await Assertions.Expect(page.Locator("#yaml")).ToHaveValueAsync(new Regex(Regex.Escape($"label: {Question}")));
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("form-editor-publish-refused");

        // Take the mistake out again, then publish.
        await editor.FocusAsync();
        await page.Keyboard.PressAsync("Control+Home");
        await page.Keyboard.PressAsync("Shift+ArrowDown");
        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(page.Locator("#no-problems")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#check-status")).ToHaveTextAsync("No problems. Preview updated.");
        await PressAsync(page.Locator("#publish"));
        await page.WaitForPageAsync(new Regex($"/{Tenant}/admin/forms/{Form}/versions"));
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("is published");
        await Assertions.Expect(page.Locator("#diff-summary")).ToContainTextAsync("lines added, 0 lines removed");
        await Assertions.Expect(page.Locator("#diff .app-diff__row--added").First).ToContainTextAsync("Added");
        await Assertions.Expect(page.Locator("#diff")).ToContainTextAsync(Question);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("form-editor-versions-diff");

        // The next record asks the new question; the older record keeps its version.
        await StartRecordAsync(supervisor);
        await Assertions.Expect(supervisor.Locator("main")).ToContainTextAsync(Question);
        await Assertions.Expect(supervisor.GetByLabel(Question, new() { Exact = true })).ToBeVisibleAsync(); // required: no "(optional)"
        await supervisor.ScreenshotAsync("form-editor-new-record-asks-the-question");
        await supervisor.GotoAsync(older);
        await Assertions.Expect(supervisor.Locator("main")).ToContainTextAsync("Child to be discussed (case reference)");
        await Assertions.Expect(supervisor.Locator("main")).Not.ToContainTextAsync(Question);

        // The audit log names the publish.
        await page.GotoAsync($"/{Tenant}/audit?action=publish&entity=form");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"Form {Form} v");
        Assert.Empty(cspProblems);
    }
}
