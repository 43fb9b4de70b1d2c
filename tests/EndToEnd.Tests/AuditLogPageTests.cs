using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// devon-torbay, whose records are open to inspection: the auditor reads a record, then the tenant
/// admin opens the audit log from the menu, filters to reads by auditors and inspectors, and finds
/// that read tagged. The log and the subject access page pass axe, and are photographed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditLogPageTests(BrowserFixture fx)
{
    private const string Tenant = "devon-torbay";

    [Fact]
    public async Task The_admin_filters_the_log_to_auditor_reads_and_finds_the_inspectors_read_tagged()
    {
        var record = await fx.App.InTenant(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var author = await db.Staff.Where(s => s.Email == $"supervisor@{Tenant}.example").Select(s => s.Id).SingleAsync();
            var version = await db.FormVersions.Where(v => v.FormId == "supervision-concern").OrderByDescending(v => v.Version).FirstAsync();
            var s = new Submission(version, author, Seasons.UtcNow);
            s.Submit(s.Answers, Seasons.UtcNow);
            db.Submissions.Add(s);
            await db.SaveChangesAsync();
            return s.Id;
        });

        var auditor = await fx.NewPageAsync();
        await auditor.SignInAsync(Tenant, $"auditor@{Tenant}.example");
        await auditor.GotoAsync($"/{Tenant}/records/{record}");
        await Assertions.Expect(auditor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await auditor.Context.CloseAsync();

        var page = await fx.NewPageAsync();
        await page.SignInAsync(Tenant, $"admin@{Tenant}.example");
        await page.GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Audit log");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Check that no entry") }).ClickAsync();
        await Assertions.Expect(page.Locator("#chain")).ToContainTextAsync("Intact");

        // By keyboard: tick the box and submit the GET form.
        await page.GetByLabel("Only reads by auditors and inspectors").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("auditorReads=true"));
        var rows = page.Locator("#entries tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("Auditor read");
        await Assertions.Expect(page.Locator("#entries")).ToContainTextAsync($"record {record}");
        Assert.Equal(await rows.CountAsync(), await page.Locator("#entries .app-auditor-tag").CountAsync());
        await Assertions.Expect(page.GetByLabel("Only reads by auditors and inspectors")).ToBeCheckedAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("audit-log-auditor-reads");

        await page.GetByRole(AriaRole.Link, new() { Name = "Export everything held about one person" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Export everything held about a person");
        await page.GetByRole(AriaRole.Button, new() { Name = "Download the bundle (.zip)" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Choose the person");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("subject-access");
        await page.Context.CloseAsync();
    }
}
