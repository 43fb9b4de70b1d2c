using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>A tenant admin changes the organisation's settings in the browser: checked in full, in force at once, audited, kept over a restart until the file changes.</summary>
public sealed class TenantSettingsTests(ClockedAppFixture fx) : IClassFixture<ClockedAppFixture>
{
    private const string Tenant = "devon-torbay";

    private async Task<HttpClient> AsAsync(string tenant, string email)
    {
        var client = fx.App.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(tenant, email, AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private static async Task<(HttpResponseMessage Response, string Html)> Post(HttpClient client, string handler, string yaml)
    {
        var response = await client.PostForm($"/{Tenant}/admin/settings/yaml?handler={handler}", new Dictionary<string, string> { ["Yaml"] = yaml }, $"/{Tenant}/admin/settings/yaml");
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_changes_the_link_expiry_and_it_is_in_force_audited_and_kept_over_a_restart_until_the_file_changes()
    {
        var admin = await AsAsync(Tenant, $"admin@{Tenant}.example");
        var yaml = await fx.App.InTenant(Tenant, sp => sp.GetRequiredService<TenantSettingsEditor>().CurrentAsync(default));
        Assert.DoesNotContain("linkExpiryDays", yaml);
        var changed = yaml.Replace("email:", "email:\n  linkExpiryDays: 21", StringComparison.Ordinal);
        if (changed == yaml) changed = yaml.TrimEnd() + "\nemail:\n  linkExpiryDays: 21\n";

        var (saved, _) = await Post(admin, "Save", changed);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(21, (await fx.App.Services.GetRequiredService<TenantRegistry>().FindAsync(Tenant))!.Settings.Email.LinkExpiryDays);
        await fx.App.InTenant(Tenant, async sp =>
            Assert.True(await sp.GetRequiredService<AppDbContext>().AuditEntries.AnyAsync(a => a.Action == "publish" && a.Entity == "tenant-settings")));

        // A restart with the file unchanged keeps the admin's settings...
        await fx.App.InTenant(Tenant, sp => sp.GetRequiredService<TenantCatalogSync>().SyncAsync(fx.Folders.Tenants, default));
        await fx.App.Services.GetRequiredService<TenantRegistry>().ReloadAsync();
        Assert.Equal(21, (await fx.App.Services.GetRequiredService<TenantRegistry>().FindAsync(Tenant))!.Settings.Email.LinkExpiryDays);

        // ...and a changed file wins.
        var file = Path.Combine(fx.Folders.Tenants, Tenant, "tenant.yaml");
        await File.AppendAllTextAsync(file, "\n# changed on disk\n");
        await fx.App.InTenant(Tenant, sp => sp.GetRequiredService<TenantCatalogSync>().SyncAsync(fx.Folders.Tenants, default));
        await fx.App.Services.GetRequiredService<TenantRegistry>().ReloadAsync();
        Assert.Equal(14, (await fx.App.Services.GetRequiredService<TenantRegistry>().FindAsync(Tenant))!.Settings.Email.LinkExpiryDays);
    }

    [Fact]
    public async Task Settings_with_problems_are_refused_with_their_lines_and_the_typed_text_kept()
    {
        var admin = await AsAsync(Tenant, $"admin@{Tenant}.example");
        var yaml = await fx.App.InTenant(Tenant, sp => sp.GetRequiredService<TenantSettingsEditor>().CurrentAsync(default));

        var (broken, html) = await Post(admin, "Save", "name: [unclosed\n" + yaml);
        Assert.Equal(HttpStatusCode.OK, broken.StatusCode);
        Assert.Contains("There is a problem", html);
        Assert.Contains("Line ", html);
        Assert.Contains("name: [unclosed", html); // nothing typed is lost

        var (_, badExpiry) = await Post(admin, "Check", yaml.TrimEnd() + "\nemail:\n  linkExpiryDays: 500\n");
        Assert.Contains("linkExpiryDays", badExpiry);

        // What identifies the organisation is the operator's to change, not the admin's.
        var (_, moved) = await Post(admin, "Save", yaml.Replace($"identifier: {Tenant}", "identifier: devon-elsewhere", StringComparison.Ordinal));
        Assert.Contains("identifier (the organisation&#x27;s address) cannot be changed here", moved);
        Assert.NotNull(await fx.App.Services.GetRequiredService<TenantRegistry>().FindAsync(Tenant));
    }

    [Fact]
    public async Task Only_this_tenants_admin_may_see_or_change_its_settings()
    {
        var otherAdmin = await AsAsync("ascent", "admin@ascent.example");
        var there = await otherAdmin.GetAsync($"/{Tenant}/admin/settings");
        Assert.NotEqual(HttpStatusCode.OK, there.StatusCode);
        Assert.DoesNotContain("Organisation settings", await there.Content.ReadAsStringAsync());
        var lead = await AsAsync(Tenant, $"lead@{Tenant}.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync($"/{Tenant}/admin/settings")).StatusCode);
    }
}
