using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.SingleSignOn;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>Issue 20: a person clicks "Sign in with ...", signs in on the provider's own page, and lands on their home page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SingleSignOnJourneyTests(BrowserFixture fx)
{
    private const string Tenant = "sso-journey";

    [Fact]
    public async Task A_supervisor_signs_in_through_the_organisations_provider_and_lands_on_their_home_page()
    {
        await using var provider = await OidcProvider.StartAsync(
            [new OidcClient("journey-client", "journey-secret", [$"{fx.BaseUrl}/{Tenant}/signin-oidc"], [$"{fx.BaseUrl}/{Tenant}/signout-callback-oidc"])],
            [new OidcAccount("sam.supervisor", "sam@journey.example", Name: "Sam Supervisor")]);
        await SetUpTenantAsync(provider);

        var page = await fx.NewPageAsync();
        await page.GotoAsync($"/{Tenant}/");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Journey Directory" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("sign-in-with-provider");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Journey Directory" }).ClickAsync();

        // The provider's own sign-in page (oidc-provider's development pages).
        // The provider's page asks for a web font this closed network never serves: wait for its content (the field the
        // next step fills waits for itself), not its load event; the URL by Playwright's polling assertion, since its
        // WaitForURLAsync waits for the load event whatever WaitUntil says when the URL already matches.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(provider.Address) + "/"));
        await page.Locator("input[name=login]").FillAsync("sam.supervisor");
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.Locator("button[type=submit]").ClickAsync();

        await page.WaitForPageAsync($"**/{Tenant}/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Welcome");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Sam Supervisor");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("home-after-single-sign-on");

        // Signing out offers the provider's sign-out as well.
        await page.GotoAsync($"/{Tenant}/account/sign-out");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out of Journey Directory too" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
    }

    private async Task SetUpTenantAsync(OidcProvider provider)
    {
        await using (var scope = fx.App.Services.CreateAsyncScope())
        {
            var errors = await scope.ServiceProvider.GetRequiredService<TenantProvisioning>()
                .CreateAsync(new NewTenant("Journey Partnership", Tenant, TenantKind.Partnership, "Ada Admin", "admin@journey.example"), CancellationToken.None);
            Assert.Empty(errors);
        }
        await fx.App.InTenant(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var sam = new StaffMember();
            sam.Apply(new StaffDetails("Sam Supervisor", "sam@journey.example", null, null, null, StaffRoles.Supervisor, null, null), sp.GetRequiredService<ILookupNormalizer>());
            db.Staff.Add(sam);
            await db.SaveChangesAsync();
            var settings = new SignInSettings
            {
                ProviderName = "other", Name = "Journey Directory", Authority = provider.Address, ClientId = "journey-client", EmailDomains = ["journey.example"],
            };
            Assert.Empty(await sp.GetRequiredService<TenantSettingsEditor>().EditAsync(y => TenantYamlEdits.SetSignIn(y, settings), "test", CancellationToken.None));
            await sp.GetRequiredService<SsoSecrets>().SetAsync("journey-secret", "test", CancellationToken.None);
        });
    }
}
