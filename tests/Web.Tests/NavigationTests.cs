using System.Net;

namespace SupervisionHub.Web.Tests;

/// <summary>The menu follows the person's roles, and the pages behind it still check for themselves.</summary>
public sealed class NavigationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    private async Task<HttpClient> SignedInAsync(string tenant, string who)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(tenant, $"{who}@{tenant}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    [Fact]
    public async Task An_admin_reaches_every_set_up_page_from_one_administration_entry()
    {
        var admin = await SignedInAsync(T, "admin");
        var home = await admin.GetStringAsync($"/{T}");
        Assert.Contains($"href=\"/{T}/admin\">Administration</a>", home);
        Assert.Contains($"href=\"/{T}/reports\">Reports</a>", home);
        Assert.DoesNotContain(">Periodic reports</a>", home);

        var page = await admin.GetStringAsync($"/{T}/admin");
        foreach (var href in new[] { "admin/settings", "admin/forms", "workflows", "admin/emails", "admin/configuration", "email", "audit" })
        {
            Assert.Contains($"href=\"/{T}/{href}\"", page);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/{T}/{href}")).StatusCode);
        }
    }

    [Fact]
    public async Task Reports_lists_the_compliance_report_and_the_periodic_ones_for_those_who_may_read_them()
    {
        var lead = await SignedInAsync("mse-icb", "lead");
        var reports = await lead.GetStringAsync("/mse-icb/reports");
        Assert.Contains("href=\"/mse-icb/reports/compliance\"", reports);
        Assert.Contains("href=\"/mse-icb/reports/periodic/quarterly-attendance\"", reports);
        Assert.DoesNotContain(">Administration</a>", reports);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync("/mse-icb/admin")).StatusCode);

        var supervisor = await SignedInAsync("mse-icb", "supervisor");
        Assert.DoesNotContain("href=\"/mse-icb/reports\"", await supervisor.GetStringAsync("/mse-icb"));
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync("/mse-icb/reports")).StatusCode);
    }

    [Fact]
    public async Task Another_tenants_admin_gets_nothing_from_the_administration_page()
    {
        var ascent = await SignedInAsync("ascent", "admin");
        var response = await ascent.GetAsync($"/{T}/admin");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
