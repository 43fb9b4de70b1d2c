using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// Signing from an email, on a phone: the supervisor submits and signs a record; the request to
/// sign arrives at a real SMTP server (maildev); the supervisee opens the link, which asks for a
/// one-time code from a second email before the record opens; they sign; the record shows both
/// signatures; the link is then used up.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EmailLinkJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "ralph-thoresby";
    private const string Supervisee = $"supervisee@{Tenant}.example";

    [GeneratedRegex(@"/ralph-thoresby/link/[A-Za-z0-9_-]{40,}")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex CodePattern();

    [Fact]
    public async Task The_supervisee_signs_from_the_emailed_link_after_a_code_from_a_second_email()
    {
        var session = await JourneySteps.BookAsync(fx, Tenant, "11:30");
        var page = await JourneySteps.AttendAndOpenRecordAsync(fx, Tenant, session);
        await page.Locator("#a_duration").FillAsync("50");
        await page.Locator("#a_performance-management").FillAsync("Caseload reviewed; two plans updated.");
        await JourneySteps.FillDateAsync(page, "a_next-supervision-date", JourneySteps.Today.AddDays(35));
        var seen = await fx.Mail.SeenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit and sign" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("The record has been submitted and you have signed it");
        await Assertions.Expect(page.Locator("#signatures-outstanding")).ToContainTextAsync("Waiting for 1 signature");
        var recordPath = new Uri(page.Url).AbsolutePath;

        // The request arrives by real SMTP, and says what is asked, not what the record says.
        var request = await fx.Mail.WaitForAsync(Supervisee, "Please read and sign", seen);
        var text = (string)request["text"]!;
        Assert.DoesNotContain("Caseload", text);
        var link = LinkPattern().Match(text).Value;
        Assert.NotEmpty(link);

        // On a phone.
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fx.BaseUrl, Locale = "en-GB", ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
        });
        var phone = await context.NewPageAsync();
        await phone.GotoAsync(link);
        await Assertions.Expect(phone.Locator("h1")).ToHaveTextAsync("Confirm it is you");
        Assert.DoesNotContain("Caseload", await phone.ContentAsync()); // the link alone shows nothing of the record
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("link-confirm-it-is-you-phone");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Send me a code" }).ClickAsync();
        await Assertions.Expect(phone.Locator("h1")).ToHaveTextAsync("Enter the code we sent you");

        var codeEmail = await fx.Mail.WaitForAsync(Supervisee, "Your SupervisionHub code", seen);
        var code = CodePattern().Match((string)codeEmail["text"]!).Value;
        // A wrong code first: a clear message, focus-able from the summary, and the page still works by keyboard.
        await phone.GetByLabel("Code").FillAsync(code == "123456" ? "654321" : "123456");
        await phone.GetByLabel("Code").PressAsync("Enter");
        await Assertions.Expect(phone.Locator(".govuk-error-summary")).ToContainTextAsync("The code is not right");
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("link-wrong-code-phone");
        await phone.GetByLabel("Code").FillAsync(code);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await phone.WaitForPageAsync($"**{recordPath}");
        await Assertions.Expect(phone.Locator("body")).ToContainTextAsync("Caseload reviewed; two plans updated.");
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0); // a link is not a sign-in
        await phone.AssertAccessibleAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Sign as supervisee" }).ClickAsync();
        await Assertions.Expect(phone.Locator("#signed-off")).ToContainTextAsync("Signed off by everyone");
        await Assertions.Expect(phone.Locator(".app-signature .govuk-tag--green")).ToHaveCountAsync(2);
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("link-record-signed-phone");

        // The supervisor sees both signatures too.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#signed-off")).ToContainTextAsync("Signed off by everyone");
        await Assertions.Expect(page.Locator(".app-signature .govuk-tag--green")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();

        // Used up: the same link says so and offers a fresh one.
        await phone.GotoAsync(link);
        await Assertions.Expect(phone.Locator("h1")).ToHaveTextAsync("This link has already been used");
        await phone.AssertAccessibleAsync();
        await context.CloseAsync();
    }
}
