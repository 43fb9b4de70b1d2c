using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// A devon-torbay admin, by keyboard, renames the organisation, tries a colour white text cannot be
/// read on and is told why, picks a darker one, and uploads a logo through the file chooser; the header
/// shows all three. The settings are put back afterwards, as other journeys read the name.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SettingsJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "devon-torbay";

    // A 2x2 PNG.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR4nGOQ9dX+D8IMMAYAM9oGUSZoRZAAAAAASUVORK5CYII=");

    private static async Task PressAsync(ILocator target)
    {
        await target.FocusAsync();
        await target.Page.Keyboard.PressAsync("Enter");
    }

    private static async Task ReplaceTextAsync(ILocator box, string text)
    {
        await box.FocusAsync();
        await box.Page.Keyboard.PressAsync("Control+A");
        await box.Page.Keyboard.TypeAsync(text);
    }

    [Fact]
    public async Task Admin_changes_name_and_colour_and_uploads_a_logo_by_keyboard_and_sees_them_in_the_header()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(Tenant, $"admin@{Tenant}.example");
        await page.GotoAsync($"/{Tenant}/admin/settings"); // the menu's shape is another page's business
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Organisation settings");
        await page.AssertAccessibleAsync();
        var originalName = await page.Locator("#Name").InputValueAsync();
        var originalColour = await page.Locator("#Colour").InputValueAsync();

        try
        {
            // A colour too light for white text: refused, with the reason, linked from the summary, typed text kept.
            await ReplaceTextAsync(page.Locator("#Name"), "Devon and Torbay Safeguarding Partnership");
            await page.Keyboard.PressAsync("Tab");
            await ReplaceTextAsync(page.Locator("#Colour"), "#f0c808");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("4.5:1");
            await Assertions.Expect(page.Locator("#Name")).ToHaveValueAsync("Devon and Torbay Safeguarding Partnership");
            await page.AssertAccessibleAsync();
            await page.ScreenshotAsync("settings-colour-refused");
            await PressAsync(page.Locator(".govuk-error-summary a[href='#Colour']"));
            await Assertions.Expect(page.Locator("#Colour")).ToBeFocusedAsync();

            await ReplaceTextAsync(page.Locator("#Colour"), "#1d4d2b");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("saved and in force");
            await Assertions.Expect(page.Locator(".app-header__service-name")).ToContainTextAsync("Devon and Torbay Safeguarding Partnership");
            var background = await page.Locator(".app-header").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
            Assert.Equal("rgb(29, 77, 43)", background);

            // The logo: the file box is reached by keyboard, the file given as the system's file dialog would
            // (a key press opening that dialog proved unreliable under load in headless Chromium), then Tab, Enter.
            await page.Locator("#Logo").FocusAsync();
            await page.Locator("#Logo").SetInputFilesAsync(new FilePayload { Name = "crest.png", MimeType = "image/png", Buffer = Png });
            await page.Keyboard.PressAsync("Tab");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Upload logo" })).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("new logo is in force");
            var logo = page.Locator("img.app-header__logo");
            await Assertions.Expect(logo).ToHaveAttributeAsync("src", new Regex($"^/{Tenant}/logo\\?v=[0-9a-f]{{16}}$"));
            Assert.True(await logo.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 2"), "the header's logo loaded");
            await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Devon and Torbay Safeguarding Partnership logo" })).ToBeVisibleAsync();
            await page.AssertAccessibleAsync();
            await page.ScreenshotAsync("settings-name-colour-logo");

            // The sign-in page (signed out) shows the logo too: it is public.
            var visitor = await fx.NewPageAsync();
            await visitor.GotoAsync($"/{Tenant}/account/sign-in");
            Assert.True(await visitor.Locator("img.app-header__logo").EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 2"));
        }
        finally
        {
            await page.GotoAsync($"/{Tenant}/admin/settings");
            if (await page.GetByRole(AriaRole.Button, new() { Name = "Remove the uploaded logo" }).CountAsync() > 0)
                await page.GetByRole(AriaRole.Button, new() { Name = "Remove the uploaded logo" }).ClickAsync();
            await page.Locator("#Name").FillAsync(originalName);
            await page.Locator("#Colour").FillAsync(originalColour);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save name and colour" }).ClickAsync();
            await Assertions.Expect(page.Locator(".app-header__service-name")).ToContainTextAsync(originalName);
        }
    }
}
