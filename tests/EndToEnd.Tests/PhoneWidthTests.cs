using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SupervisionHub.Web.Tests;
using Xunit.Sdk;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// Every kind of page, as each person reaches it, at 1280 px and on phones (WCAG 2.2 1.4.10
/// Reflow): no page is wider than a 320 or 390 px screen, axe passes at both, and a screenshot
/// at each width is left in TestResults/screenshots. Problems are gathered over the whole walk
/// and reported together, so one run shows every page that needs fixing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PhoneWidthTests(BrowserFixture fx)
{
    private const string School = "ralph-thoresby";
    private const string Icb = "mse-icb";

    private readonly List<string> _problems = [];

    [GeneratedRegex("/supervision/([0-9a-f-]{36})$")]
    private static partial Regex RelationshipPath();

    /// <summary>Opens the path (or stays, when null), checks it at every width, and photographs it.</summary>
    private async Task VisitAsync(IPage page, string? path, string screenshot)
    {
        if (path is not null)
        {
            var response = await page.GotoAsync(path);
            if (response is { Ok: false } && response.Status != 404 && response.Status != 403)
            {
                _problems.Add($"{path}: answered {response.Status}");
                return;
            }
        }
        try
        {
            await page.AssertAccessibleAsync();
        }
        catch (XunitException ex)
        {
            _problems.Add(ex.Message);
        }
        await page.ScreenshotAsync("page-" + screenshot);
    }

    private void NoProblems() => Assert.True(_problems.Count == 0, string.Join("\n\n", _problems));

    [Fact]
    public async Task Pages_before_sign_in_and_the_operators_fit_a_phone()
    {
        var page = await fx.NewPageAsync();
        await VisitAsync(page, "/", "start");
        await VisitAsync(page, "/no-such-organisation", "unknown-tenant");
        await VisitAsync(page, $"/{School}/account/sign-in", "sign-in");
        await VisitAsync(page, $"/{School}/account/forgot-password", "forgot-password");
        await VisitAsync(page, $"/{School}/link/not-a-real-link-token-but-long-enough-to-look-like-one", "link-not-valid");
        await VisitAsync(page, "/platform/sign-in", "platform-sign-in");
        await page.GetByLabel("Email address").FillAsync("operator@supervisionhub.example");
        await page.GetByLabel("Password").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The operator always gives an authenticator code too (setting the app up the first time).
        await page.WaitForPageAsync("**/platform/sign-in/code");
        await VisitAsync(page, null, "platform-sign-in-code");
        await page.Locator("#Code").FillAsync(await OperatorSignIn.NextCodeAsync(fx.App)); // labelled "Code from the app" when setting up, "Enter your security code" after
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tenants")).ToBeVisibleAsync();
        await VisitAsync(page, null, "platform");
        await VisitAsync(page, "/platform/tenants/new", "platform-new-tenant");
        NoProblems();
    }

    [Fact]
    public async Task Each_persons_home_and_their_pages_fit_a_phone()
    {
        foreach (var who in new[] { "supervisee", "supervisor", "linemanager", "auditor" })
        {
            var page = await fx.NewPageAsync();
            await page.SignInAsync(School, $"{who}@{School}.example");
            await VisitAsync(page, null, $"home-{who}");
            if (who == "supervisee")
            {
                await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Your supervision with") }).First.ClickAsync();
                await VisitAsync(page, null, "relationship-supervisee");
                var relationship = new Uri(page.Url).AbsolutePath;
                await VisitAsync(page, relationship + "/book", "book");
                await VisitAsync(page, $"/{School}/forms", "forms");
                await VisitAsync(page, $"/{School}/account/security", "account-security");
            }
            if (who == "auditor")
            {
                await VisitAsync(page, $"/{School}/supervision", "supervision-auditor");
                await VisitAsync(page, $"/{School}/reports", "reports");
            }
            await page.Context.CloseAsync();
        }
        NoProblems();
    }

    [Fact]
    public async Task A_leads_and_an_admins_pages_fit_a_phone()
    {
        var lead = await fx.NewPageAsync();
        await lead.SignInAsync(School, $"lead@{School}.example");
        await VisitAsync(lead, null, "home-lead");
        await VisitAsync(lead, $"/{School}/supervision", "supervision");
        var relationship = await lead.Locator("#status-table a").First.GetAttributeAsync("href");
        await VisitAsync(lead, relationship, "relationship");
        var session = lead.Locator("a[href*='/sessions/']").First;
        if (await session.CountAsync() > 0) await VisitAsync(lead, await session.GetAttributeAsync("href"), "session");
        await VisitAsync(lead, $"/{School}/supervision/new", "pairing");
        await VisitAsync(lead, $"/{School}/supervision/series", "series");
        await VisitAsync(lead, $"/{School}/reports/compliance", "compliance");
        await VisitAsync(lead, $"/{School}/reports/compliance/print", "compliance-print");
        await VisitAsync(lead, $"/{School}/workflows", "rules");
        await lead.Context.CloseAsync();

        var admin = await fx.NewPageAsync();
        await admin.SignInAsync(Icb, $"admin@{Icb}.example");
        await VisitAsync(admin, null, "home-admin");
        await VisitAsync(admin, $"/{Icb}/staff", "staff");
        await VisitAsync(admin, await admin.Locator("main table a[href*='/staff/']").First.GetAttributeAsync("href"), "staff-edit");
        await VisitAsync(admin, $"/{Icb}/staff/import", "staff-import");
        await VisitAsync(admin, $"/{Icb}/admin", "administration");
        await VisitAsync(admin, $"/{Icb}/admin/settings", "settings");
        await VisitAsync(admin, $"/{Icb}/admin/settings/yaml", "settings-yaml");
        await VisitAsync(admin, $"/{Icb}/admin/forms", "forms-admin");
        var form = await admin.Locator("main a[href$='/edit']").First.GetAttributeAsync("href");
        await VisitAsync(admin, form, "form-editor");
        await VisitAsync(admin, form!.Replace("/edit", "/versions", StringComparison.Ordinal), "form-versions");
        await VisitAsync(admin, $"/{Icb}/workflows", "rules-admin");
        await VisitAsync(admin, await admin.Locator("#rules a[href*='/admin/workflows/']").First.GetAttributeAsync("href"), "rule-editor");
        await VisitAsync(admin, $"/{Icb}/admin/emails", "email-templates");
        await VisitAsync(admin, await admin.Locator("main a[href*='/admin/emails/']:not([href$='/new'])").First.GetAttributeAsync("href"), "email-template-editor");
        await VisitAsync(admin, $"/{Icb}/admin/configuration", "configuration");
        await VisitAsync(admin, $"/{Icb}/reports", "reports-admin");
        var periodic = admin.Locator("main a[href*='/reports/periodic/']").First;
        if (await periodic.CountAsync() > 0) await VisitAsync(admin, await periodic.GetAttributeAsync("href"), "periodic-report");
        await VisitAsync(admin, $"/{Icb}/audit", "audit");
        await VisitAsync(admin, $"/{Icb}/audit/subject-access", "subject-access");
        await VisitAsync(admin, $"/{Icb}/email", "email");
        await VisitAsync(admin, $"/{Icb}/dev/mailbox", "mailbox");
        await admin.Context.CloseAsync();
        NoProblems();
    }

    [Fact]
    public async Task A_record_fits_a_phone_as_a_draft_submitted_and_signed()
    {
        var session = await JourneySteps.BookAsync(fx, School, "13:30");
        var page = await JourneySteps.AttendAndOpenRecordAsync(fx, School, session);
        await VisitAsync(page, null, "record-draft");
        var record = new Uri(page.Url).AbsolutePath;
        await VisitAsync(page, session, "session-attended");
        await page.GotoAsync(record);
        await page.Locator("#a_duration").FillAsync("50");
        await page.Locator("#a_performance-management").FillAsync("Caseload reviewed.");
        await JourneySteps.FillDateAsync(page, "a_next-supervision-date", JourneySteps.Today.AddDays(35));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit and sign" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToBeVisibleAsync();
        await VisitAsync(page, null, "record-submitted-and-signed-by-the-supervisor");
        await page.Context.CloseAsync();

        var supervisee = await fx.NewPageAsync();
        await supervisee.SignInAsync(School, $"supervisee@{School}.example");
        await supervisee.GotoAsync(record);
        await Assertions.Expect(supervisee.Locator("#next-step")).ToContainTextAsync("sign it");
        await VisitAsync(supervisee, null, "record-to-sign");
        await supervisee.GetByRole(AriaRole.Button, new() { Name = "Sign as supervisee" }).ClickAsync();
        await Assertions.Expect(supervisee.Locator("#signed-off")).ToBeVisibleAsync();
        await VisitAsync(supervisee, null, "record-signed");
        await VisitAsync(supervisee, record + "/print", "record-print");
        await supervisee.Context.CloseAsync();
        NoProblems();
    }

    [Fact]
    public async Task On_a_phone_the_menu_is_one_line_that_opens_and_closes_by_keyboard_and_on_a_desktop_it_is_all_shown()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(School, $"lead@{School}.example");
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Main menu" });
        var reports = menu.GetByRole(AriaRole.Link, new() { Name = "Reports" });
        await Assertions.Expect(reports).ToBeVisibleAsync(); // 1280 px: the whole menu, no toggle
        await Assertions.Expect(menu.Locator("summary")).ToBeHiddenAsync();

        await page.SetViewportSizeAsync(PageChecks.PhoneWidth, 844);
        await Assertions.Expect(reports).ToBeHiddenAsync();
        var toggle = menu.Locator("summary");
        Assert.True((await toggle.BoundingBoxAsync())!.Height < 60, "the closed menu takes one line");
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(reports).ToBeVisibleAsync();
        await page.AssertAxeCleanAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, "page-menu-open-390.png") });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(reports).ToBeHiddenAsync();
        await Assertions.Expect(toggle).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }
}
