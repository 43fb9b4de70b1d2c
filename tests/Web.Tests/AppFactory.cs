using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The real service on a real SQLite file of its own (or a PostgreSQL database of its own, see
/// <see cref="TestDatabase"/>), with the repository's tenants/ folder and demo data, as a newcomer's
/// `dotnet run` has it. One per test class (xunit class fixture).
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Test-demo-password-1";

    /// <summary>
    /// A test run holds hundreds of apps, in this process and in the processes tests start (they inherit
    /// the environment). Each app's watchers (appsettings, and every asp-append-version file) would be an
    /// inotify instance, of which a user has 128 on Debian: the apps poll instead and never reload settings.
    /// </summary>
    static AppFactory()
    {
        System.Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
        System.Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shub-tests", Guid.NewGuid().ToString("N"));

    protected virtual string Environment => "Testing";

    /// <summary>The database "file" (a SQLite file, or the PostgreSQL database named after it); override to share one.</summary>
    protected virtual string DatabaseFile => Path.Combine(_dir, "test.db");

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>(TestDatabase.Settings(DatabaseFile))
    {
        ["Tenants:Root"] = RepoPath("tenants"),
        ["Demo:Seed"] = "true",
        ["Demo:Password"] = DemoPassword,
        ["Demo:PlatformAdminEmail"] = "operator@supervisionhub.example",
        ["RateLimits:SignInPerMinute"] = "1000",
        ["RateLimits:SignInPerAddressPerMinute"] = "1000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dir);
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        // SHUB_TEST_CLOCK=summer|winter: the app lives in that season (a test's own clock, registered after, wins).
        if (Seasons.RunShift != TimeSpan.Zero)
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new ShiftedClock(Seasons.RunShift)));
    }

    public static string RepoPath(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SupervisionHub.sln"))) return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("Repository root not found.");
    }

    public HttpClient Browser()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.Timeout = TimeSpan.FromSeconds(30); // a hang fails the test with a stack, not the whole run
        return client;
    }

    /// <summary>Runs <paramref name="work"/> in a scope whose tenant is <paramref name="identifier"/>, as background jobs do.</summary>
    public async Task InTenant(string identifier, Func<IServiceProvider, Task> work)
    {
        var registry = Services.GetRequiredService<TenantRegistry>();
        var tenant = await registry.FindAsync(identifier) ?? throw new InvalidOperationException($"No tenant {identifier}");
        await Services.GetRequiredService<PerTenantRunner>().RunForAsync(tenant, (sp, _) => work(sp), CancellationToken.None);
    }

    public async Task<T> InTenant<T>(string identifier, Func<IServiceProvider, Task<T>> work)
    {
        T result = default!;
        Func<IServiceProvider, Task> run = async sp => result = await work(sp);
        await InTenant(identifier, run);
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (DatabaseFile.StartsWith(_dir, StringComparison.Ordinal)) TestDatabase.Drop(DatabaseFile); // a shared one is its owner's to drop
            else TestDatabase.ReleaseConnections();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }
}

public static partial class HttpExtensions
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static async Task<string> AntiforgeryToken(this HttpClient client, string url)
    {
        var html = await client.GetStringAsync(url);
        return TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {url}");
    }

    /// <summary>Posts a form the way a browser would: fetches the page for its antiforgery token first.</summary>
    public static async Task<HttpResponseMessage> PostForm(this HttpClient client, string url, IDictionary<string, string> fields, string? pageUrl = null)
    {
        var token = await client.AntiforgeryToken(pageUrl ?? url);
        var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        return await client.PostAsync(url, content);
    }

    public static Task<HttpResponseMessage> SignIn(this HttpClient client, string tenant, string email, string password) =>
        client.PostForm($"/{tenant}/account/sign-in", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
}
