using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// The test tenant (tests/tenants/new-trust) on Kestrel beside the founding tenants, with its own
/// Chromium: its folder is copied into a tenants root of this fixture's own, so the shared browser
/// collection's tenants are untouched.
/// </summary>
public sealed class NewTrustBrowserFixture : IAsyncLifetime
{
    private readonly string _tenants = Path.Combine(Path.GetTempPath(), "shub-e2e-tenants", Guid.NewGuid().ToString("N"));
    private IPlaywright _playwright = null!;

    public NewTrustApp App { get; }
    public IBrowser Browser { get; private set; } = null!;

    public NewTrustBrowserFixture() => App = new NewTrustApp(_tenants);

    public sealed class NewTrustApp(string tenants) : AppFactory
    {
        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var s = base.Settings;
                s["Tenants:Root"] = tenants;
                return s;
            }
        }
    }

    public async Task InitializeAsync()
    {
        foreach (var folder in Directory.GetDirectories(AppFactory.RepoPath("tenants"))) NewTrust.CopyInto(folder, _tenants);
        NewTrust.CopyInto(NewTrust.Folder, _tenants);
        App.UseKestrel(0);
        App.StartServer();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(BrowserFixture.ScreenshotDir);
    }

    public async Task<IPage> NewPageAsync()
    {
        var baseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = "en-GB" });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        await App.DisposeAsync();
        try { Directory.Delete(_tenants, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}

/// <summary>A case discussion's "escalated?" asked only in the rows whose risk is high, in a real browser with JavaScript.</summary>
public sealed class NewTrustFormJourneyTests(NewTrustBrowserFixture fx) : IClassFixture<NewTrustBrowserFixture>
{
    [Fact]
    public async Task A_column_shows_and_hides_row_by_row_and_an_error_names_its_row_and_links_to_it()
    {
        await fx.App.InTenant(NewTrust.Slug, async sp =>
        {
            var me = new StaffMember();
            me.Apply(new StaffDetails("Fay Filler", "fay@new-trust.example", "Deputy DSL", "Beacon Primary", null, StaffRoles.Supervisor | StaffRoles.Supervisee, null, null),
                sp.GetRequiredService<ILookupNormalizer>());
            var created = await sp.GetRequiredService<UserManager<StaffMember>>().CreateAsync(me, AppFactory.DemoPassword);
            Assert.True(created.Succeeded);
        });
        var page = await fx.NewPageAsync();
        await page.SignInAsync(NewTrust.Slug, "fay@new-trust.example");
        await page.GotoAsync($"/{NewTrust.Slug}/forms");
        await page.GetByRole(AriaRole.Button, new() { Name = "Supervision record (start)", Exact = true }).ClickAsync();
        await page.WaitForPageAsync(new Regex($"/{NewTrust.Slug}/records/[0-9a-f-]{{36}}$"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Add a case discussion to Case discussions" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a case discussion to Case discussions" }).ClickAsync();
        var firstEscalated = page.Locator("#a_cases_0__escalated");
        var secondEscalated = page.Locator("#a_cases_1__escalated");

        // Each row's question follows that row's own risk.
        await page.Locator("#a_cases_0__case-ref").FillAsync("AB1234");
        await page.Locator("label[for='a_cases_0__risk']").ClickAsync(); // low
        await page.Locator("#a_cases_1__case-ref").FillAsync("CD5678");
        await page.Locator("label[for='a_cases_1__risk-2']").ClickAsync(); // high
        await Assertions.Expect(firstEscalated).ToBeHiddenAsync();
        await Assertions.Expect(secondEscalated).ToBeVisibleAsync();
        await page.Locator("label[for='a_cases_0__risk-2']").ClickAsync(); // the first becomes high too
        await Assertions.Expect(firstEscalated).ToBeVisibleAsync();
        await page.Locator("label[for='a_cases_0__risk']").ClickAsync();
        await Assertions.Expect(firstEscalated).ToBeHiddenAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("new-trust-case-discussions");

        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("Enter Early Help cases");
        await Assertions.Expect(summary).ToContainTextAsync("Case discussion 2: Answer the question: Escalated to the DSL?");
        await Assertions.Expect(summary).Not.ToContainTextAsync("Case discussion 1:");
        await Assertions.Expect(page.Locator("#a_cases_0__escalated")).ToBeHiddenAsync(); // the redrawn page hides it again
        await page.AssertAccessibleAsync();
        await summary.GetByRole(AriaRole.Link, new() { Name = "Case discussion 2: Answer the question: Escalated to the DSL?" }).ClickAsync();
        await Assertions.Expect(page.Locator("#a_cases_1__escalated")).ToBeFocusedAsync();
    }
}
