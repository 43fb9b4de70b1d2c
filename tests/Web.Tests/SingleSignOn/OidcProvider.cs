using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SupervisionHub.Web.Tests.SingleSignOn;

/// <summary>A client the test provider knows; <see cref="Tamper"/> replaces id_token claims (tools/oidc/server.js).</summary>
public sealed record OidcClient(string ClientId, string Secret, IReadOnlyList<string> RedirectUris, IReadOnlyList<string>? PostLogoutRedirectUris = null,
    IReadOnlyDictionary<string, object?>? Tamper = null);

/// <summary>An account at the test provider: its sub is the login name typed on the provider's page.</summary>
public sealed record OidcAccount(string Sub, string Email, bool EmailVerified = true, string? Name = null, IReadOnlyDictionary<string, object>? Extra = null);

/// <summary>
/// A real OpenID Connect provider on localhost for one test class: oidc-provider (pinned in tools/oidc,
/// installed by test.sh) on a free port, as a child process, like <see cref="Email.Maildev"/>.
/// </summary>
public sealed partial class OidcProvider : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _fixtureFile;

    public int Port { get; }

    /// <summary>The address the provider listens on (what a tenant's authority names).</summary>
    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>The issuer the provider puts in its discovery document and tokens.</summary>
    public string Issuer { get; }

    public static string Script => AppFactory.RepoPath("tools/oidc/server.js");

    private OidcProvider(Process process, string fixtureFile, int port, string issuer)
    {
        _process = process;
        _fixtureFile = fixtureFile;
        Port = port;
        Issuer = issuer;
    }

    /// <param name="issuerHost">A host name for the issuer other than 127.0.0.1 (such as localhost): a provider whose issuer is not the address it is reached at.</param>
    public static async Task<OidcProvider> StartAsync(IEnumerable<OidcClient> clients, IEnumerable<OidcAccount> accounts, string? issuerHost = null)
    {
        if (!File.Exists(AppFactory.RepoPath("tools/oidc/node_modules/oidc-provider/package.json")))
            throw new InvalidOperationException("oidc-provider is not installed: run ./test.sh, or npm ci --prefix tools/oidc.");
        var port = FreePort();
        var issuer = $"http://{issuerHost ?? "127.0.0.1"}:{port}";
        var fixture = new
        {
            clients = clients.Select(c => new Dictionary<string, object?>
            {
                ["client_id"] = c.ClientId,
                ["client_secret"] = c.Secret,
                ["redirect_uris"] = c.RedirectUris,
                ["post_logout_redirect_uris"] = c.PostLogoutRedirectUris ?? [],
                ["tamper"] = c.Tamper,
            }),
            accounts = accounts.Select(a =>
            {
                var claims = new Dictionary<string, object> { ["sub"] = a.Sub, ["email"] = a.Email, ["email_verified"] = a.EmailVerified, ["name"] = a.Name ?? a.Sub };
                foreach (var (k, v) in a.Extra ?? new Dictionary<string, object>()) claims[k] = v;
                return claims;
            }),
        };
        var file = Path.Combine(Path.GetTempPath(), $"shub-oidc-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(fixture));
        var args = new List<string> { Script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fixture", file };
        if (issuerHost is not null) args.AddRange(["--issuer", issuer]);
        var info = new ProcessStartInfo("node", args)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the script stops when this closes, so a crashed test run leaves no provider behind
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var provider = new OidcProvider(process, file, port, issuer);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The test OpenID provider exited with code {process.ExitCode}: {string.Join('\n', log)}");
            try
            {
                using var response = await http.GetAsync(new Uri($"{provider.Address}/.well-known/openid-configuration"));
                if (response.IsSuccessStatusCode) return provider;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { /* not up yet */ }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The test OpenID provider did not start within 30 s.");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A person's browser at the provider: its own cookies (the provider's session).</summary>
    public static HttpClient NewBrowser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true }) { Timeout = TimeSpan.FromSeconds(30) };

    [GeneratedRegex("action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    /// <summary>
    /// Follows an authorization request through the provider's own sign-in page as <paramref name="login"/>
    /// and returns where the provider sends the browser back (the service's callback, with code and state).
    /// </summary>
    public static async Task<Uri> SignInAsync(HttpClient browser, Uri authorizationRequest, string login)
    {
        var next = authorizationRequest;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(next);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // The provider's login page: type the login name and any password.
                var html = await response.Content.ReadAsStringAsync();
                var action = FormAction().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
                    : throw new InvalidOperationException("The provider showed a page without a form: " + html[..Math.Min(html.Length, 500)]);
                using var posted = await browser.PostAsync(new Uri(next, action), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["prompt"] = "login", ["login"] = login, ["password"] = "any password",
                }));
                next = new Uri(next, posted.Headers.Location ?? throw new InvalidOperationException($"The provider answered the login with {posted.StatusCode}."));
                continue;
            }
            var location = response.Headers.Location ?? throw new InvalidOperationException($"The provider answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var target = new Uri(next, location);
            if (target.Port != next.Port || target.Host != next.Host) return target; // back to the service
            next = target;
        }
        throw new InvalidOperationException("The provider kept redirecting.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(3000)) _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { File.Delete(_fixtureFile); } catch (IOException) { /* a leftover temp file is harmless */ }
    }
}
