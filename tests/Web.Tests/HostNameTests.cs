using System.Net;

namespace SupervisionHub.Web.Tests;

/// <summary>The founding tenants copied to a folder of the test's own, so a test can change them.</summary>
public abstract class CopiedTenantsFactory : AppFactory
{
    protected string TenantsFolder { get; } = Path.Combine(Path.GetTempPath(), "shub-tenants", Guid.NewGuid().ToString("N"));

    protected CopiedTenantsFactory()
    {
        foreach (var file in Directory.GetFiles(RepoPath("tenants"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(TenantsFolder, Path.GetRelativePath(RepoPath("tenants"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Tenants:Root"] = TenantsFolder;
            return settings;
        }
    }
}

/// <summary>The founding tenants with ascent also reachable at its own host name.</summary>
public sealed class HostNameFactory : CopiedTenantsFactory
{
    public HostNameFactory()
    {
        var ascent = Path.Combine(TenantsFolder, "ascent", "tenant.yaml");
        File.WriteAllText(ascent, File.ReadAllText(ascent).Replace("hosts: []", "hosts: [safeguarding.ascent.example]", StringComparison.Ordinal)
            .Replace("theme:\n", "theme:\n  logo: logo.svg\n", StringComparison.Ordinal));
        // A hostile logo: served as an image it must not be able to run anything.
        File.WriteAllText(Path.Combine(TenantsFolder, "ascent", "logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\"><script>alert(1)</script><rect width=\"40\" height=\"40\" fill=\"#4b2e83\"/></svg>");
    }
}

public sealed class HostNameTests(HostNameFactory app) : IClassFixture<HostNameFactory>
{
    private static HttpRequestMessage At(string host, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return request;
    }

    [Fact]
    public async Task A_tenant_host_name_resolves_without_the_prefix()
    {
        var response = await app.Browser().SendAsync(At("safeguarding.ascent.example", "/account/sign-in"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Sign in to Ascent Academies Trust", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_be_reached_through_a_tenant_host_name()
    {
        var response = await app.Browser().SendAsync(At("safeguarding.ascent.example", "/river-tees/account/sign-in"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("River Tees", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_tenant_logo_is_shown_and_served_so_that_it_cannot_run_script()
    {
        var page = await app.CreateClient().GetStringAsync("/ascent/account/sign-in");
        Assert.Contains("<img src=\"/ascent/logo\" alt=\"\"", page);
        var logo = await app.CreateClient().GetAsync("/ascent/logo");
        Assert.Equal("image/svg+xml", logo.Content.Headers.ContentType!.MediaType);
        Assert.Contains("sandbox", logo.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/river-tees/logo")).StatusCode);
    }
}
