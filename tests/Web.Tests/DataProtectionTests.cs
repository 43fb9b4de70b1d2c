using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests;

/// <summary>Cookie and token keys live in the database, so every node of one database honours them (ADR 0011).</summary>
public sealed class DataProtectionTests
{
    [Fact]
    public async Task A_sign_in_made_on_one_node_works_on_another_of_the_same_database_and_on_no_other()
    {
        using var folders = new SharedFolders();
        using var elsewhere = new SharedFolders();
        var clock = new SettableClock(Seasons.RunStart);
        await using var nodeA = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await using var nodeB = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await using var otherService = new WorkflowAppFactory(elsewhere.Data, elsewhere.Tenants, clock);

        var signIn = await nodeA.Browser().SignIn("ascent", "admin@ascent.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

        async Task<HttpStatusCode> StaffPage(AppFactory app)
        {
            using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/ascent/staff");
            request.Headers.Add("Cookie", cookie);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await StaffPage(nodeB));
        // Another database has its own keys: the same cookie means nothing there (it did when keys were files in the home folder).
        Assert.Equal(HttpStatusCode.Redirect, await StaffPage(otherService));
        Assert.True(await nodeA.InTenant("ascent", sp => sp.GetRequiredService<AppDbContext>().DataProtectionKeys.AnyAsync()));
    }
}
