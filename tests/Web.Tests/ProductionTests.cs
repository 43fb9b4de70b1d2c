using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

public sealed class ProductionFactory : AppFactory
{
    protected override string Environment => "Production";
}

public sealed class ProductionTests(ProductionFactory app) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task Production_never_creates_demo_accounts_even_when_asked()
    {
        _ = app.CreateClient(); // starts the service with Demo:Seed=true
        Assert.Equal(0, await app.InTenant("ascent", sp => sp.GetRequiredService<AppDbContext>().Staff.CountAsync()));
        Assert.False(await app.Services.CreateScope().ServiceProvider.GetRequiredService<AppDbContext>().PlatformAdmins.AnyAsync());
        var mailbox = await app.CreateClient().GetAsync("/ascent/dev/mailbox");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, mailbox.StatusCode);
    }
}
