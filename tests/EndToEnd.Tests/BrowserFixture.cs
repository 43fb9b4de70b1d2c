using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SupervisionHub.Web.Tests;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// The real service on Kestrel (a real port) and Debian's headless Chromium, shared by a test
/// collection because starting Chromium is most of a browser test's time.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public AppFactory App { get; } = new BrowserAppFactory();

    /// <summary>A real SMTP server the app sends to; journeys read their emails from it.</summary>
    public SupervisionHub.Web.Tests.Email.Maildev Mail { get; private set; } = null!;

    /// <summary>The app as people meet it, with the background workers polling briskly so journeys see their work, sending to maildev.</summary>
    private sealed class BrowserAppFactory : AppFactory
    {
        public int SmtpPort { get; set; }

        /// <summary>Chosen before start, so App:BaseUrl (the address in emails) is the server's own.</summary>
        public int Port { get; } = FreePort();

        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var s = base.Settings;
                s["Workflows:PollSeconds"] = "2";
                s["Smtp:Host"] = "127.0.0.1";
                s["Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
                s["Smtp:UseTls"] = "none";
                s["Smtp:From"] = "noreply@supervisionhub.example";
                s["Smtp:PollSeconds"] = "1";
                s["App:BaseUrl"] = $"http://127.0.0.1:{Port}";
                return s;
            }
        }
    }
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    private IPlaywright _playwright = null!;

    public static string ScreenshotDir { get; } = AppFactory.RepoPath(Path.Combine("TestResults", "screenshots"));

    public async Task InitializeAsync()
    {
        Mail = await SupervisionHub.Web.Tests.Email.Maildev.StartNewAsync();
        ((BrowserAppFactory)App).SmtpPort = Mail.SmtpPort;
        App.UseKestrel(((BrowserAppFactory)App).Port);
        App.StartServer();
        BaseUrl = $"http://127.0.0.1:{((BrowserAppFactory)App).Port}";
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // As root the sandbox must be off; the rest stop Chromium reaching for the closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = "en-GB" });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        await App.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

public static class PageChecks
{
    /// <summary>axe-core's WCAG 2.2 A/AA rules over the whole page; fails listing each violation and where.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        });
        var problems = result.Violations.SelectMany(v => v.Nodes.Select(n => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" ", n.Target)}")).ToList();
        Assert.True(problems.Count == 0, $"Accessibility problems on {page.Url}:\n{string.Join("\n", problems)}");
    }

    /// <summary>Signs in through the sign-in page as a person would, with the demo password.</summary>
    public static async Task SignInAsync(this IPage page, string tenant, string email)
    {
        await page.GotoAsync($"/{tenant}/account/sign-in");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync($"**/{tenant}");
    }

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png"), FullPage = true });
}
