using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

public sealed class ProductionFactory : AppFactory
{
    protected override string Environment => "Production";

    /// <summary>Production needs its address (links in emails, the Host check); the test client's is http://localhost.</summary>
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["App:BaseUrl"] = "http://localhost";
            return s;
        }
    }
}

public sealed class ProductionTests(ProductionFactory app) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task Production_never_creates_demo_accounts_even_when_asked()
    {
        _ = app.CreateClient(); // starts the service with Demo:Seed=true
        Assert.Equal(0, await app.InTenant("ascent", sp => sp.GetRequiredService<AppDbContext>().Staff.CountAsync()));
        Assert.False(await app.Services.CreateScope().ServiceProvider.GetRequiredService<AppDbContext>().PlatformAdmins.AnyAsync());
    }

    /// <summary>Issue 15 item 8: the development mailbox shows codes and reset links to anyone, so in Production it has no route at all.</summary>
    [Fact]
    public async Task The_development_mailbox_does_not_exist_in_production()
    {
        var mailbox = await app.CreateClient().GetAsync("/ascent/dev/mailbox");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, mailbox.StatusCode);
        Assert.DoesNotContain("Development mailbox", await mailbox.Content.ReadAsStringAsync());
        var routes = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? "").ToList();
        Assert.Contains(routes, r => r.EndsWith("account/sign-in", StringComparison.Ordinal)); // the list is the real one
        Assert.DoesNotContain(routes, r => r.Contains("dev/", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// Production, with a tenant made as a folder (the test tenant, beside the founding ones): its first
/// administrator is invited by email through a real SMTP server (maildev), with a link built from
/// App:BaseUrl, sets a password from it, and signs in. Nobody touches the database.
/// </summary>
public sealed class ProductionFolderTenantFactory : AppFactory, IAsyncLifetime
{
    public const string BaseUrl = "https://supervision.new-trust.example";
    private readonly string _tenants = Path.Combine(Path.GetTempPath(), "shub-prod-tenants", Guid.NewGuid().ToString("N"));

    public Email.Maildev Mail { get; private set; } = null!;

    protected override string Environment => "Production";

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Tenants:Root"] = _tenants;
            s["App:BaseUrl"] = BaseUrl;
            s["Smtp:Host"] = "127.0.0.1";
            s["Smtp:Port"] = Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            s["Smtp:UseTls"] = "none";
            s["Smtp:From"] = "noreply@supervisionhub.example";
            s["Smtp:PollSeconds"] = "1";
            return s;
        }
    }

    public async Task InitializeAsync()
    {
        foreach (var folder in Directory.GetDirectories(RepoPath("tenants"))) NewTrust.CopyInto(folder, _tenants);
        NewTrust.CopyInto(NewTrust.Folder, _tenants);
        Mail = await Email.Maildev.StartNewAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Mail.DisposeAsync();
        try { Directory.Delete(_tenants, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}

public sealed partial class ProductionFolderTenantTests(ProductionFolderTenantFactory app) : IClassFixture<ProductionFolderTenantFactory>
{
    [System.Text.RegularExpressions.GeneratedRegex(@"(https?://\S+/reset-password\?\S+)")]
    private static partial System.Text.RegularExpressions.Regex ResetLink();

    [Fact]
    public async Task A_folder_tenants_first_administrator_is_invited_by_email_sets_a_password_and_signs_in()
    {
        // Production over https on its configured address, as the service runs there (its cookies are Secure; other hosts get 400).
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
            { BaseAddress = new Uri(ProductionFolderTenantFactory.BaseUrl), AllowAutoRedirect = false, HandleCookies = true });
        var email = await app.Mail.WaitForAsync("alex.admin@new-trust.example", "Your SupervisionHub account for New Horizons Learning Trust", timeout: TimeSpan.FromSeconds(60));
        var text = (string?)email["text"] ?? "";
        var link = new Uri(ResetLink().Match(text).Value);
        // App:BaseUrl, never the host a request came in on (a forged Host header must not take the link elsewhere).
        Assert.Equal(new Uri(ProductionFolderTenantFactory.BaseUrl).Host, link.Host);
        Assert.Equal("/new-trust/account/reset-password", link.AbsolutePath);

        var fields = new Dictionary<string, string>
        {
            ["user"] = Uri.UnescapeDataString(System.Text.RegularExpressions.Regex.Match(link.Query, "user=([^&]+)").Groups[1].Value),
            ["Code"] = Uri.UnescapeDataString(System.Text.RegularExpressions.Regex.Match(link.Query, "code=([^&]+)").Groups[1].Value),
            ["Password"] = "Alex-chose-this-password-5",
            ["ConfirmPassword"] = "Alex-chose-this-password-5",
        };
        var reset = await client.PostForm(link.PathAndQuery, fields);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, reset.StatusCode);
        var signedIn = await client.SignIn("new-trust", "alex.admin@new-trust.example", "Alex-chose-this-password-5");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/new-trust/admin/settings")).StatusCode); // an administrator

        // Importing again (a restart) invites nobody twice; the founding tenants got no accounts.
        Assert.Equal(0, await app.InTenant("new-trust", sp => sp.GetRequiredService<Platform.FirstAdmins>().InviteAsync(
            sp.GetRequiredService<Tenancy.ITenantContext>().Tenant.Settings.Admins, CancellationToken.None)));
        Assert.Equal(0, await app.InTenant("ascent", sp => sp.GetRequiredService<AppDbContext>().Staff.CountAsync()));
    }
}
