using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests;

public sealed class RegistryFactory : AppFactory;

/// <summary>
/// The background rounds refresh the registry every few seconds: with 500 tenants, parsing every
/// tenant's YAML each time cost more than the rounds' work. Only a changed tenant is parsed, and a
/// change made by another node (straight to the database) is still seen.
/// </summary>
public sealed class TenantRegistryTests(RegistryFactory app) : IClassFixture<RegistryFactory>
{
    private TenantRegistry Registry => app.Services.GetRequiredService<TenantRegistry>();

    /// <summary>What another node's settings page does: a new YAML in the tenant's row, nothing said to this node.</summary>
    private async Task ChangeElsewhereAsync(string identifier, Func<string, string> change)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Identifier == identifier);
        var yaml = change(tenant.ConfigurationYaml);
        var settings = TenantConfigLoader.Load(yaml, "tenant.yaml").Settings ?? throw new InvalidOperationException("the changed YAML does not load");
        tenant.Reconfigure(settings, yaml, tenant.UpdatedAt.AddSeconds(1));
        await db.SaveChangesAsync();
    }

    private static string WithLinkExpiry(string yaml, int days) =>
        System.Text.RegularExpressions.Regex.IsMatch(yaml, @"(?m)^email:")
            ? System.Text.RegularExpressions.Regex.Replace(yaml, @"(?m)^email:[ \t]*$", $"email:\n  linkExpiryDays: {days}")
            : yaml.TrimEnd() + $"\nemail:\n  linkExpiryDays: {days}\n";

    [Fact]
    public async Task A_refresh_with_nothing_changed_parses_nothing_and_a_change_on_another_node_is_parsed_alone()
    {
        Assert.NotNull(await Registry.FindAsync("devon-torbay"));
        var tenants = Registry.All.Count; // however many folders tenants/ holds: a refresh neither adds nor drops one
        var before = Registry.Parses;
        var ascent = await Registry.FindAsync("ascent");
        for (var i = 0; i < 3; i++) await Registry.RefreshAsync();
        Assert.Equal(before, Registry.Parses);
        Assert.Same(ascent, await Registry.FindAsync("ascent")); // the same parsed settings, not a copy

        await ChangeElsewhereAsync("devon-torbay", yaml => WithLinkExpiry(yaml, 23));
        await Registry.RefreshAsync();
        Assert.Equal(23, (await Registry.FindAsync("devon-torbay"))!.Settings.Email.LinkExpiryDays);
        Assert.Equal(before + 1, Registry.Parses); // whichever refresh saw it (a background round may have), one parse
        Assert.Same(ascent, await Registry.FindAsync("ascent"));
        Assert.Equal(tenants, Registry.All.Count);
    }

    [Fact]
    public async Task A_full_reload_sees_a_change_that_kept_the_update_time_and_the_length()
    {
        Assert.NotNull(await Registry.FindAsync("river-tees"));
        using (var scope = app.Services.CreateScope())
        {
            // Same length, same time: only the text differs (two saves in one clock tick).
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var tenant = await db.Tenants.SingleAsync(t => t.Identifier == "river-tees");
            var yaml = WithLinkExpiry(tenant.ConfigurationYaml, 11);
            var settings = TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!;
            tenant.Reconfigure(settings, yaml, tenant.UpdatedAt);
            await db.SaveChangesAsync();
            await Registry.ReloadAsync();
            Assert.Equal(11, (await Registry.FindAsync("river-tees"))!.Settings.Email.LinkExpiryDays);
            var same = yaml.Replace("linkExpiryDays: 11", "linkExpiryDays: 12", StringComparison.Ordinal);
            Assert.Equal(yaml.Length, same.Length);
            tenant.Reconfigure(TenantConfigLoader.Load(same, "tenant.yaml").Settings!, same, tenant.UpdatedAt);
            await db.SaveChangesAsync();
        }
        await Registry.ReloadAsync();
        Assert.Equal(12, (await Registry.FindAsync("river-tees"))!.Settings.Email.LinkExpiryDays);
    }
}
