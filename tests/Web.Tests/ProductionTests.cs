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
