using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.SingleSignOn;

/// <summary>The signIn section's own checks, as the loader makes them for tenant.yaml and the settings page.</summary>
public sealed class SignInSettingsTests
{
    private static List<string> Problems(SignInSettings s) => s.Check(TenantConfigLoader.IsPlainEmail).ToList();

    private static readonly SignInSettings Entra = new()
    {
        ProviderName = "entra", Authority = SignInSettings.EntraAuthorityFor("72f988bf-86f1-41af-91ab-2d7cd011db47"),
        ClientId = "b1a7c3d4-0000-4000-8000-000000000001", EmailDomains = ["school.example"],
    };

    [Fact]
    public void A_complete_entra_or_google_setup_has_no_problems() =>
        Assert.Empty(Problems(Entra).Concat(Problems(Entra with { ProviderName = "google", Authority = "https://accounts.google.com" })));

    [Theory]
    [InlineData("https://login.microsoftonline.com/common/v2.0")] // issuer names each person's own directory: cannot be pinned
    [InlineData("https://login.microsoftonline.com/organizations/v2.0")]
    [InlineData("http://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0")]
    public void Entra_needs_the_organisations_own_directory_over_https(string authority) =>
        Assert.Contains(Problems(Entra with { Authority = authority }), p => p.StartsWith("signIn.authority", StringComparison.Ordinal));

    [Theory]
    [InlineData("http://idp.example")] // http only for a provider on this machine (tests)
    [InlineData("https://idp.example/?tenant=x")]
    [InlineData("not an address")]
    public void Another_providers_issuer_is_an_https_address_without_a_query(string authority) =>
        Assert.Contains(Problems(Entra with { ProviderName = "other", Name = "Idp", Authority = authority }), p => p.StartsWith("signIn.authority", StringComparison.Ordinal));

    [Fact]
    public void Passwords_go_off_only_with_single_sign_on_and_a_break_glass_admin()
    {
        Assert.Contains(Problems(new SignInSettings { Passwords = false, BreakGlass = ["admin@school.example"] }), p => p.StartsWith("signIn.passwords", StringComparison.Ordinal));
        Assert.Contains(Problems(Entra with { Passwords = false }), p => p.StartsWith("signIn.breakGlass", StringComparison.Ordinal));
        Assert.Empty(Problems(Entra with { Passwords = false, BreakGlass = ["admin@school.example"] }));
    }

    [Fact]
    public void Domains_are_required_and_must_be_domains() =>
        Assert.Equal(2, Problems(Entra with { EmailDomains = [] }).Concat(Problems(Entra with { EmailDomains = ["@school"] }))
            .Count(p => p.StartsWith("signIn.emailDomains", StringComparison.Ordinal)));

    [Fact]
    public void A_tenant_yaml_with_a_bad_sign_in_section_is_refused_with_the_reason()
    {
        var yaml = File.ReadAllText(AppFactory.RepoPath("tenants/ascent/tenant.yaml"));
        var result = TenantConfigLoader.Load(TenantYamlEdits.SetSignIn(yaml, Entra with { Authority = "https://login.microsoftonline.com/common/v2.0" }), "tenant.yaml");
        Assert.Contains(result.Errors, e => e.Message.StartsWith("signIn.authority", StringComparison.Ordinal));
        var good = TenantConfigLoader.Load(TenantYamlEdits.SetSignIn(yaml, Entra), "tenant.yaml");
        Assert.True(good.IsValid, string.Join("\n", good.Errors));
        var read = good.Settings!.SignIn;
        Assert.Equal((Entra.ProviderName, Entra.Authority, Entra.ClientId, Entra.Passwords), (read.ProviderName, read.Authority, read.ClientId, read.Passwords));
        Assert.Equal(Entra.EmailDomains, read.EmailDomains);
    }

    [Theory]
    [InlineData("entra", "{\"email\":\"x@school.example\",\"xms_edov\":true,\"preferred_username\":\"upn@school.example\"}", "x@school.example")]
    [InlineData("entra", "{\"email\":\"x@school.example\",\"preferred_username\":\"upn@school.example\"}", "upn@school.example")] // email unverified: the UPN
    [InlineData("entra", "{\"email\":\"x@school.example\"}", null)]
    [InlineData("google", "{\"email\":\"x@school.example\",\"email_verified\":true}", "x@school.example")]
    [InlineData("google", "{\"email\":\"x@school.example\",\"email_verified\":false,\"preferred_username\":\"x@school.example\"}", null)]
    [InlineData("other", "{\"email\":\"x@school.example\"}", null)]
    public void The_verified_email_is_read_by_the_providers_rule(string provider, string claims, string? expected)
    {
        var identity = new System.Security.Claims.ClaimsIdentity(System.Text.Json.JsonDocument.Parse(claims).RootElement.EnumerateObject()
            .Select(p => new System.Security.Claims.Claim(p.Name, p.Value.ToString().ToLowerInvariant() is "true" or "false" ? p.Value.ToString().ToLowerInvariant() : p.Value.GetString()!)));
        var settings = new SignInSettings { ProviderName = provider };
        Assert.Equal(expected, SsoSignIn.VerifiedEmail(new System.Security.Claims.ClaimsPrincipal(identity), settings.Provider));
    }
}

/// <summary>The settings page's Sign-in part: presets, the redirect address to register, the secret kept encrypted and never shown or exported.</summary>
public sealed class SignInSettingsPageTests(SsoFixture f) : IClassFixture<SsoFixture>
{
    [Fact]
    public async Task An_admin_sets_up_entra_id_with_the_preset_and_the_secret_is_kept_encrypted_never_shown_and_never_exported()
    {
        const string secret = "Entra-client-secret-value-9Q~xyz";
        var admin = f.App.Browser();
        Assert.Equal(HttpStatusCode.Redirect, await SetPasswordAndSignInAsync(admin));
        var page = await admin.GetStringAsync($"/{SsoFixture.B}/admin/settings");
        Assert.Contains($"http://localhost/{SsoFixture.B}/signin-oidc", page, StringComparison.Ordinal);
        Assert.Contains("A secret is set", page, StringComparison.Ordinal);

        var saved = await admin.PostForm($"/{SsoFixture.B}/admin/settings?handler=SignIn", new Dictionary<string, string>
        {
            ["SsoProvider"] = "entra", ["EntraDirectoryId"] = "72f988bf-86f1-41af-91ab-2d7cd011db47", ["SsoClientId"] = "b1a7c3d4-0000-4000-8000-000000000001",
            ["SsoSecret"] = secret, ["SsoDomains"] = "b.example, trust.example", ["BreakGlass"] = "",
        }, $"/{SsoFixture.B}/admin/settings");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var yaml = await f.App.InTenant(SsoFixture.B, sp => sp.GetRequiredService<TenantSettingsEditor>().CurrentAsync(CancellationToken.None));
        Assert.Contains("authority: \"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0\"", yaml, StringComparison.Ordinal);
        Assert.Contains("emailDomains: [b.example, trust.example]", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, yaml, StringComparison.Ordinal);
        var stored = await f.App.InTenant(SsoFixture.B, sp => sp.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().Select(t => t.SignInSecret).ToListAsync());
        Assert.DoesNotContain(stored, v => v is not null && v.Contains(secret, StringComparison.Ordinal));
        Assert.Equal(secret, await f.App.InTenant(SsoFixture.B, sp => sp.GetRequiredService<SsoSecrets>().ReadAsync(CancellationToken.None)));
        // Copied into another tenant's row, the stored value cannot be read there.
        var copied = await f.App.InTenant(SsoFixture.B, sp => sp.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().Where(t => t.Identifier == SsoFixture.B).Select(t => t.SignInSecret!).SingleAsync());
        await f.App.InTenant(SsoFixture.A, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var id = sp.GetRequiredService<ITenantContext>().Tenant.Id;
            (await db.Tenants.SingleAsync(t => t.Id == id)).SetSignInSecret(copied);
            await db.SaveChangesAsync();
            Assert.Null(await sp.GetRequiredService<SsoSecrets>().ReadAsync(CancellationToken.None));
        });
        await f.App.InTenant(SsoFixture.A, sp => sp.GetRequiredService<SsoSecrets>().SetAsync("secret-a", "test", CancellationToken.None));

        var again = await admin.GetStringAsync($"/{SsoFixture.B}/admin/settings");
        Assert.DoesNotContain(secret, again, StringComparison.Ordinal);
        Assert.Contains("72f988bf-86f1-41af-91ab-2d7cd011db47", again, StringComparison.Ordinal);
        Assert.Contains("Sign in with Microsoft", await f.App.Browser().GetStringAsync($"/{SsoFixture.B}/account/sign-in"), StringComparison.Ordinal);

        var export = await admin.GetAsync($"/{SsoFixture.B}/admin/configuration?handler=Download");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var bytes = await export.Content.ReadAsByteArrayAsync();
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
            foreach (var entry in zip.Entries)
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                Assert.DoesNotContain(secret, await reader.ReadToEndAsync(), StringComparison.Ordinal);
            }

        // Back to the fixture's own provider for B.
        await f.ConfigureAsync(SsoFixture.B, x => x with { ClientId = "client-b", EmailDomains = ["b.example"] });
        await f.App.InTenant(SsoFixture.B, sp => sp.GetRequiredService<SsoSecrets>().SetAsync("secret-b", "test", CancellationToken.None));
    }

    private async Task<HttpStatusCode> SetPasswordAndSignInAsync(HttpClient admin)
    {
        await f.App.InTenant(SsoFixture.B, async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Staff.StaffMember>>();
            var user = (await users.FindByEmailAsync("admin@b.example"))!;
            Assert.True((await users.AddPasswordAsync(user, SsoFixture.Password)).Succeeded);
        });
        return (await admin.SignIn(SsoFixture.B, "admin@b.example", SsoFixture.Password)).StatusCode;
    }
}
