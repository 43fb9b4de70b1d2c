using Microsoft.Playwright;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>Every other page built so far, visited as a person would, each checked with axe.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountAndAdminPagesTests(BrowserFixture fx)
{
    [Fact]
    public async Task Forgotten_password_through_the_mailbox_to_a_new_password()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/devon-torbay/account/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have forgotten my password" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Enter your email address");
        await page.AssertAccessibleAsync();

        await page.GetByLabel("Email address").FillAsync("supervisor@devon-torbay.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check your email");
        await page.AssertAccessibleAsync();

        await page.GotoAsync("/devon-torbay/dev/mailbox");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("dev-mailbox");
        await page.Locator("a[href*='reset-password']").First.ClickAsync();
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("short");
        await page.GetByLabel("Confirm new password").FillAsync("different");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("The passwords do not match");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("reset-password-error");

        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("Devon-new-password-7");
        await page.GetByLabel("Confirm new password").FillAsync("Devon-new-password-7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Your password has been changed");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Account_security_and_the_staff_record_pages()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("ascent", "admin@ascent.example");
        await page.GotoAsync("/ascent/account/security");
        await Assertions.Expect(page.Locator("#shared-key")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("account-security");

        await page.GotoAsync("/ascent/staff");
        await page.GetByRole(AriaRole.Link, new() { Name = "Paul Hendry" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Supervision training" })).ToBeVisibleAsync();
        // Record training with an impossible date: the error names the field and keeps the course.
        await page.GetByLabel("Course").FillAsync("Skills of Safeguarding Supervision");
        await page.Locator("#Training_CompletedOn").FillAsync("31");
        await page.Locator("#Training_CompletedOn_Month").FillAsync("2");
        await page.Locator("#Training_CompletedOn_Year").FillAsync("2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record training" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Date completed must be a real date");
        await Assertions.Expect(page.GetByLabel("Course")).ToHaveValueAsync("Skills of Safeguarding Supervision");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("staff-edit-training-error");
    }

    [Fact]
    public async Task A_supervisee_asking_for_the_directory_sees_a_clear_403()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync("mse-icb", "supervisee@mse-icb.example");
        var response = await page.GotoAsync("/mse-icb/staff");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You do not have access to this page");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_operator_adds_an_organisation()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/platform");
        await page.WaitForPageAsync("**/platform/sign-in**");
        await page.AssertAccessibleAsync();
        await page.GetByLabel("Email address").FillAsync("operator@supervisionhub.example");
        await page.GetByLabel("Password").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The operator always gives an authenticator code too; the first time, the page sets the app up
        // (another test in this browser's app may have been first).
        await page.WaitForPageAsync("**/platform/sign-in/code");
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Assertions.Expect(heading).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Set up your authenticator app|Enter your security code"));
        if ((await heading.InnerTextAsync()).Contains("Set up", StringComparison.Ordinal))
            await Assertions.Expect(page.Locator("#shared-key")).ToBeVisibleAsync();
        else
            await Assertions.Expect(page.Locator("#shared-key")).ToHaveCountAsync(0);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("platform-authenticator");
        await page.Locator("#Code").FillAsync(await OperatorSignIn.NextCodeAsync(fx.App)); // labelled "Code from the app" when setting up, "Enter your security code" after
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tenants")).ToContainTextAsync("Ralph Thoresby");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("platform");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add an organisation" }).ClickAsync();
        await page.GetByLabel("Organisation name").FillAsync("Moorside Primary School");
        await page.GetByLabel("Web address").FillAsync("ascent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("already taken");
        await Assertions.Expect(summary).ToContainTextAsync("first administrator's name");
        await Assertions.Expect(page.GetByLabel("Organisation name")).ToHaveValueAsync("Moorside Primary School");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("platform-new-tenant-error");

        await page.GetByLabel("Web address").FillAsync("moorside");
        await page.GetByLabel("Full name").FillAsync("Mo Admin");
        await page.GetByLabel("Email address").FillAsync("mo.admin@moorside.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tenants")).ToContainTextAsync("Moorside Primary School");
    }
}
