using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>The service as deployed: Production, its configured address, and ascent at its own host name.</summary>
public sealed class ProductionHostFactory : CopiedTenantsFactory
{
    public const string Host = "supervision.example.org";
    public const string AscentHost = "safeguarding.ascent.example";

    protected override string Environment => "Production";

    public ProductionHostFactory()
    {
        var ascent = Path.Combine(TenantsFolder, "ascent", "tenant.yaml");
        File.WriteAllText(ascent, File.ReadAllText(ascent).Replace("hosts: []", $"hosts: [{AscentHost}]", StringComparison.Ordinal));
    }

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["App:BaseUrl"] = $"https://{Host}";
            return s;
        }
    }

    /// <summary>A browser at the service's real address, over HTTPS (Production's cookies are Secure).</summary>
    public HttpClient At(string host) =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"https://{host}"), AllowAutoRedirect = false, HandleCookies = true });
}

/// <summary>
/// Issue 15 item 4, the Production half: a request whose Host is neither App:BaseUrl's host nor a
/// tenant's own host name is refused with 400 before any page runs, so no email can be made from
/// it; health probes by IP address still answer.
/// </summary>
public sealed class KnownHostTests(ProductionHostFactory app) : IClassFixture<ProductionHostFactory>
{
    [Theory]
    [InlineData("attacker.example", "/river-tees/account/sign-in")]
    [InlineData("attacker.example", "/platform/sign-in")]
    [InlineData("10.0.0.7", "/river-tees/account/sign-in")]
    [InlineData("supervision.example.org.attacker.example", "/")]
    public async Task An_unknown_host_is_refused_in_production(string host, string path)
    {
        var response = await app.At(host).GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(ProductionHostFactory.Host, "/river-tees/account/sign-in", "Sign in to")]
    [InlineData(ProductionHostFactory.AscentHost, "/account/sign-in", "Sign in to Ascent")]
    public async Task The_configured_hosts_are_answered(string host, string path, string text)
    {
        var response = await app.At(host).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_probes_by_address_still_answer(string path)
    {
        var response = await app.At("10.0.0.7").GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_password_reset_asked_with_a_forged_host_writes_no_email_and_the_real_one_links_to_the_configured_address()
    {
        var email = $"prod.{Guid.NewGuid():N}@river-tees.example";
        await app.InTenant("river-tees", sp => sp.NewPersonAsync("Pru Production", email, Staff.StaffRoles.Supervisee, password: "A-production-password-1"));
        var client = app.At(ProductionHostFactory.Host);
        var token = await client.AntiforgeryToken("/river-tees/account/forgot-password");
        HttpRequestMessage Ask(string? host)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/river-tees/account/forgot-password")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = email, ["__RequestVerificationToken"] = token }),
            };
            if (host is not null) request.Headers.Host = host;
            return request;
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(Ask("attacker.example"))).StatusCode);
        Assert.Equal(0, await app.InTenant("river-tees", sp => sp.GetRequiredService<AppDbContext>().Outbox.CountAsync(m => m.To == email)));

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Ask(null))).StatusCode);
        var body = await app.InTenant("river-tees", async sp => (await sp.GetRequiredService<AppDbContext>().Outbox.SingleAsync(m => m.To == email)).TextBody);
        Assert.Contains($"https://{ProductionHostFactory.Host}/river-tees/account/reset-password?user=", body);
    }
}
