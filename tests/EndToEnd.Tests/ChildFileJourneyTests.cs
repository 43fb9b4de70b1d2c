using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SupervisionHub.Web.Tests.ChildFile;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// "For the child's file" as a designated lead takes it, on ascent's case proforma: write the
/// proforma, open the summary from the record, copy the text (with JavaScript and, without it, by
/// selecting the read-only box), download the PDF. Each page is checked with axe and measured at
/// 1280, 390 and 320 px, and photographed at 1280 and 390 px.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChildFileJourneyTests(BrowserFixture fx)
{
    private const string Trust = "ascent";
    private const string CaseRef = "CPOMS-77120";

    [Fact]
    public async Task A_lead_copies_the_case_decisions_and_downloads_the_pdf_at_desktop_and_phone_widths()
    {
        var page = await fx.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fx.BaseUrl });
        await page.SignInAsync(Trust, $"supervisor@{Trust}.example");
        await page.GotoAsync($"/{Trust}/forms");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record of Supervision: Individual Case Proforma (start)" }).ClickAsync();
        await page.WaitForPageAsync(new Regex("/records/[0-9a-f-]{36}$"));
        var record = new Uri(page.Url).AbsolutePath;
        await page.Locator("#a_case-reference").FillAsync(CaseRef);
        await page.Locator("#a_synopsis").FillAsync("Known to early help since Year 4.");
        await page.Locator("#a_since-last").FillAsync("Two late arrivals; seemed withdrawn on Monday.");
        await page.Locator("#a_impact-for-child").FillAsync("Missing the start of lessons.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and come back later" }).ClickAsync();
        await Assertions.Expect(page.Locator("#child-file-link")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("child-file-record");

        await page.Locator("#child-file-link").ClickAsync();
        await page.WaitForPageAsync($"**{record}/child-file");
        Assert.DoesNotContain(CaseRef, page.Url, StringComparison.Ordinal);
        var box = page.GetByLabel("Text for the child's file");
        await Assertions.Expect(box).ToHaveAttributeAsync("readonly", "");
        var text = await box.InputValueAsync();
        Assert.StartsWith($"Case reference: {CaseRef}\n", text, StringComparison.Ordinal);
        Assert.Contains("Brief synopsis of case history:\nKnown to early help since Year 4.", text, StringComparison.Ordinal);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("child-file");

        // With JavaScript: one button copies the text and says so.
        var copy = page.GetByRole(AriaRole.Button, new() { Name = $"Copy the text for case reference {CaseRef}" });
        await copy.ClickAsync();
        await Assertions.Expect(page.Locator("#case-1-status")).ToContainTextAsync("Copied");
        Assert.Equal(text, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-pdf").ClickAsync());
        Assert.Matches("^child-file-[0-9a-f]{32}-\\d{4}-\\d{2}-\\d{2}\\.pdf$", download.SuggestedFilename);
        var pdf = await File.ReadAllBytesAsync(await download.PathAsync());
        var (_, pdfText) = PdfText.Read(pdf);
        Assert.Contains($"Case reference: {CaseRef}", pdfText, StringComparison.Ordinal);
        Assert.Contains("Two late arrivals; seemed withdrawn on Monday.", pdfText, StringComparison.Ordinal);
        await page.Context.CloseAsync();

        // Without JavaScript: no button that would do nothing; the box is there to select and copy.
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fx.BaseUrl, Locale = "en-GB", JavaScriptEnabled = false });
        var plain = await context.NewPageAsync();
        await plain.SignInAsync(Trust, $"supervisor@{Trust}.example");
        await plain.GotoAsync(record + "/child-file");
        await Assertions.Expect(plain.GetByRole(AriaRole.Button, new() { Name = $"Copy the text for case reference {CaseRef}" })).ToBeHiddenAsync();
        await Assertions.Expect(plain.GetByLabel("Text for the child's file")).ToBeVisibleAsync();
        // (axe runs as script, so it checked this page above with JavaScript on; the markup is the same.)
        await context.CloseAsync();
    }
}
