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
    /// <summary>The widths every page must fit without sideways scrolling (WCAG 2.2 1.4.10 Reflow): the smallest phone and a common one.</summary>
    public static readonly int[] PhoneWidths = [320, 390];

    /// <summary>Desktop and phone widths the screenshots are taken at.</summary>
    public const int DesktopWidth = 1280, PhoneWidth = 390;

    /// <summary>
    /// The check every browser test makes on every page it reaches: axe-core's WCAG 2.2 A/AA rules
    /// at the width the test uses, then the page at 320 and 390 CSS px (no sideways scrolling, and
    /// axe again with the menu collapsed), then the width the test had, so the journey goes on as it was.
    /// </summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        await page.AssertAxeCleanAsync();
        await page.AssertFitsPhonesAsync();
    }

    /// <summary>
    /// axe-core's WCAG 2.2 A/AA rules over the whole page, and its "region" rule (all content inside a
    /// landmark: a back link outside one was the one rule a tester's 71 scans found); fails listing each
    /// violation and where.
    /// </summary>
    public static async Task AssertAxeCleanAsync(this IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
            Rules = new Dictionary<string, RuleOptions> { ["region"] = new() { Enabled = true } },
        });
        var problems = result.Violations.SelectMany(v => v.Nodes.Select(n => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" ", n.Target)}")).ToList();
        Assert.True(problems.Count == 0, $"Accessibility problems on {page.Url} at {page.ViewportSize?.Width} px:\n{string.Join("\n", problems)}");
    }

    /// <summary>
    /// The page at each of <see cref="PhoneWidths"/>: the document is no wider than the screen
    /// (a failure names the outermost elements that stick out), and axe passes at 390 px.
    /// </summary>
    public static async Task AssertFitsPhonesAsync(this IPage page)
    {
        var original = page.ViewportSize ?? new PageViewportSizeResult { Width = DesktopWidth, Height = 720 };
        try
        {
            foreach (var width in PhoneWidths)
            {
                await page.SetViewportSizeAsync(width, 800);
                var measured = await MeasureAsync(page);
                Assert.True(measured.ScrollWidth <= width,
                    $"{page.Url} is {measured.ScrollWidth} px wide at {width} px (WCAG 1.4.10 Reflow); too wide:\n{string.Join("\n", measured.Culprits)}");
                if (width == PhoneWidth) await page.AssertAxeCleanAsync();
            }
        }
        finally
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
        }
    }

    public sealed record Measurement(int ScrollWidth, string[] Culprits);

    /// <summary>
    /// The document's scroll width, and the outermost elements reaching past the screen's right edge
    /// (not those inside a region that scrolls on its own and itself fits).
    /// </summary>
    public static async Task<Measurement> MeasureAsync(IPage page)
    {
        var json = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
        () => {
          const w = document.documentElement.clientWidth;
          const scrolls = el => { const o = getComputedStyle(el).overflowX; return o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip'; };
          const sticksOut = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > w + 0.5; };
          const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
          const culprits = [];
          for (const el of document.body.querySelectorAll('*')) {
            if (!sticksOut(el)) continue;
            let parent = el.parentElement, hidden = false, outer = true;
            for (let a = parent; a && a !== document.body; a = a.parentElement) {
              if (scrolls(a) && !sticksOut(a)) { hidden = true; break; }
            }
            if (hidden || (parent && parent !== document.body && sticksOut(parent))) continue;
            const r = el.getBoundingClientRect();
            const path = [];
            for (let a = el; a && a !== document.body && path.length < 4; a = a.parentElement) path.unshift(name(a));
            culprits.push(`${path.join(' > ')}: right edge at ${Math.round(r.right)} px, ${Math.round(r.width)} px wide`);
            if (culprits.length >= 12) break;
          }
          return { scrollWidth: document.documentElement.scrollWidth, culprits };
        }
        """);
        return new(json.GetProperty("scrollWidth").GetInt32(), json.GetProperty("culprits").EnumerateArray().Select(c => c.GetString()!).ToArray());
    }

    /// <summary>
    /// Waits until the page is at a URL matching <paramref name="glob"/> (Playwright's globs: <c>**</c> any text,
    /// <c>*</c> any text without a slash) and that document has loaded.
    /// </summary>
    /// <remarks>
    /// Not Playwright's WaitForURLAsync: when the URL already matches, it waits for the load event on the test's side
    /// (whatever WaitUntil says), looking whether the event has come and, if not, listening for it, while the
    /// connection's thread may deliver it in between; three times in CI a page shown and idle timed out that way. Nor
    /// WaitForFunctionAsync: it evaluates its text again on each animation frame, which the pages' Content Security
    /// Policy (no 'unsafe-eval') refuses once the first, synchronous try found the page still loading (CI saw that
    /// EvalError). Here the page's URL and its document's readyState are polled by single evaluations, which are allowed;
    /// one that meets the document being replaced is tried again.
    /// </remarks>
    public static Task WaitForPageAsync(this IPage page, string glob) => LoadedAsync(page, GlobRegex(glob).IsMatch, glob);

    /// <inheritdoc cref="WaitForPageAsync(IPage, string)"/>
    public static Task WaitForPageAsync(this IPage page, System.Text.RegularExpressions.Regex url) => LoadedAsync(page, url.IsMatch, url.ToString());

    private static System.Text.RegularExpressions.Regex GlobRegex(string glob) => new(
        "^" + string.Join(".*", glob.Split("**").Select(part => string.Join("[^/]*", part.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)))) + "$");

    private static async Task LoadedAsync(IPage page, Func<string, bool> at, string wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (at(page.Url))
            {
                try
                {
                    if (await page.EvaluateAsync<string>("document.readyState") == "complete" && at(page.Url)) return;
                }
                catch (PlaywrightException) when (DateTime.UtcNow < deadline)
                {
                    // The execution context went with a navigation; the next document is asked next time round.
                }
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"No loaded page at {wanted} in 30 s; the page is at {page.Url}.");
            await Task.Delay(25);
        }
    }

    /// <summary>Signs in through the sign-in page as a person would, with the demo password.</summary>
    public static async Task SignInAsync(this IPage page, string tenant, string email)
    {
        await page.GotoAsync($"/{tenant}/account/sign-in");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForPageAsync($"**/{tenant}");
    }

    /// <summary>The whole page at desktop width (name.png) and at phone width (name-390.png), then the width the test had.</summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        var original = page.ViewportSize ?? new PageViewportSizeResult { Width = DesktopWidth, Height = 720 };
        try
        {
            foreach (var (width, file) in new[] { (DesktopWidth, name), (PhoneWidth, $"{name}-{PhoneWidth}") })
            {
                await page.SetViewportSizeAsync(width, width == DesktopWidth ? 720 : 844);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, file + ".png"), FullPage = true });
            }
        }
        finally
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
        }
    }
}
