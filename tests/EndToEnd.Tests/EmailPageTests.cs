using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>The tenant admin's Emails page with one email in each state, checked with axe, and "try again".</summary>
[Collection(BrowserCollection.Name)]
public sealed class EmailPageTests(BrowserFixture fx)
{
    [Fact]
    public async Task The_tenant_admin_sees_each_emails_status_and_tries_a_failed_one_again()
    {
        var now = Seasons.UtcNow;
        await fx.App.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var sent = new OutboxMessage("paul.hendry@ascent.example", "E2E sent email", "Hello.", now.AddMinutes(-30));
            sent.MarkSent(now.AddMinutes(-29));
            var retrying = new OutboxMessage("supervisor@ascent.example", "E2E retrying email", "Hello.", now.AddMinutes(-20));
            // Two failures just now: the next try is minutes away, so the running sender leaves it waiting while we look.
            retrying.RecordFailure("The mail server could not be reached (ConnectionRefused).", now);
            retrying.RecordFailure("The mail server could not be reached (ConnectionRefused).", now);
            var failed = new OutboxMessage("lead@ascent.example", "E2E failed email", "Hello.", now.AddMinutes(-10));
            for (var i = 0; i < OutboxMessage.MaxAttempts; i++) failed.RecordFailure("The mail server refused a recipient (550).", now);
            db.Outbox.AddRange(sent, retrying, failed, new OutboxMessage("admin@ascent.example", "E2E queued email", "Hello.", now));
            await db.SaveChangesAsync();
        });

        var page = await fx.NewPageAsync();
        await page.SignInAsync("ascent", "admin@ascent.example");
        await page.GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Administration");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("administration");
        await page.GetByRole(AriaRole.Link, new() { Name = "Emails", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Emails");
        await Assertions.Expect(page.Locator("#failed")).ToContainTextAsync("E2E failed email");
        await Assertions.Expect(page.Locator("#failed")).ToContainTextAsync("The mail server refused a recipient (550).");
        await Assertions.Expect(page.Locator("#recent")).ToContainTextAsync("Next try");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("emails");

        var tryAgain = page.Locator("#failed").GetByRole(AriaRole.Button, new() { Name = "Try again" });
        await tryAgain.ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("will be sent again");
        await Assertions.Expect(page.Locator("#recent")).ToContainTextAsync("E2E failed email");
        await page.AssertAccessibleAsync();
    }
}
