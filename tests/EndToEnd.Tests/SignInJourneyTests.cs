using Microsoft.Playwright;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourneyTests(BrowserFixture fx)
{
    [Fact]
    public async Task A_demo_supervisor_signs_in_at_ascent_and_sees_their_home_page()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/ascent/");
        Assert.EndsWith("/ascent/account/sign-in?returnUrl=%2Fascent%2F", page.Url);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("sign-in-ascent");

        await page.GetByLabel("Email address").FillAsync("supervisor@ascent.example");
        await page.GetByLabel("Password").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.WaitForPageAsync("**/ascent/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Welcome");
        await Assertions.Expect(page.Locator("#panel-supervisor")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".app-header__service-name")).ToHaveTextAsync("Ascent Academies Trust");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("home-ascent-supervisor");
    }

    [Fact]
    public async Task The_same_credentials_fail_at_river_tees_with_an_error_summary_that_keeps_the_email()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/river-tees/account/sign-in");
        await page.GetByLabel("Email address").FillAsync("supervisor@ascent.example");
        await page.GetByLabel("Password").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("Enter a correct email address and password");
        await Assertions.Expect(page.GetByLabel("Email address")).ToHaveValueAsync("supervisor@ascent.example");
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^Error: "));
        Assert.Contains("/river-tees/account/sign-in", page.Url);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("sign-in-river-tees-failed");

        // The summary's link takes keyboard focus to the field.
        await summary.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Email address")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Sign_in_works_by_keyboard_alone()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/mse-icb/account/sign-in");
        await page.Keyboard.PressAsync("Tab"); // skip link first
        await Assertions.Expect(page.Locator(".govuk-skip-link")).ToBeFocusedAsync();
        await page.GetByLabel("Email address").FocusAsync();
        await page.Keyboard.TypeAsync("lead@mse-icb.example");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(AppFactory.DemoPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync("**/mse-icb");
        await Assertions.Expect(page.Locator("#panel-directory")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_sees_the_directory_and_the_import_page()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("river-tees", "admin@river-tees.example");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("home-river-tees-admin");

        await page.GetByRole(AriaRole.Link, new() { Name = "Staff directory" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#staff-table")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("staff-river-tees");

        await page.GotoAsync("/river-tees/staff/import");
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Select a CSV file to import");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("staff-import-error");

        await page.GotoAsync("/river-tees/staff/new");
        await page.GetByLabel("Full name").FillAsync("Nadia Newstarter");
        await page.GetByLabel("Email address").FillAsync("not an email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add person" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Enter an email address in the correct format");
        await Assertions.Expect(page.GetByLabel("Full name")).ToHaveValueAsync("Nadia Newstarter");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("staff-new-error");
    }

    private static readonly string[] FoundingSlugs = ["river-tees", "ascent", "mse-icb", "devon-torbay", "ralph-thoresby"];

    [Fact]
    public async Task The_start_page_and_an_unknown_tenant_page_are_accessible()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/");
        // Every founding tenant is offered; the list holds whatever else tenants/ has (a new trust's folder, say).
        foreach (var slug in FoundingSlugs)
            await Assertions.Expect(page.Locator($"#tenants a[href='/{slug}/account/sign-in']")).ToHaveCountAsync(1);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("start");

        var response = await page.GotoAsync("/no-such-school/");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Organisation not found");
        await page.AssertAccessibleAsync();
    }
}
