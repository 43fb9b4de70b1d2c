using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// The home page reads the person's row itself, with their facts in the same round trip (ADR 0046), where it
/// called UserManager.GetUserAsync: a demoted or removed account still loses what it lost on its next request.
/// </summary>
public sealed class HomeAccessTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";
    private const string Password = "Home-access-password-1";

    private async Task<(HttpClient Client, string Id)> NewLeadAsync(string email)
    {
        var id = await app.InTenant(T, async sp => (await sp.NewPersonAsync("Home Access Lead", email, StaffRoles.SafeguardingLead, password: Password)).Id);
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, email, Password)).StatusCode);
        var home = await client.GetStringAsync($"/{T}");
        Assert.Contains("id=\"panel-organisation\"", home);
        Assert.Contains("id=\"panel-directory\"", home);
        return (client, id);
    }

    [Fact]
    public async Task A_lead_demoted_loses_the_organisation_panels_on_the_next_view()
    {
        var (client, id) = await NewLeadAsync($"home.demoted@{T}.example");
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await db.Staff.SingleAsync(s => s.Id == id);
            person.Apply(new StaffDetails(person.FullName, person.Email!, null, null, null, StaffRoles.Supervisee, null, null), sp.GetRequiredService<ILookupNormalizer>());
            await db.SaveChangesAsync();
        });
        var response = await client.GetAsync($"/{T}");
        // Within the security stamp's minute the cookie still opens the page; what it shows follows the row.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var home = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("id=\"panel-organisation\"", home);
        Assert.DoesNotContain("id=\"panel-directory\"", home);
    }

    [Fact]
    public async Task A_removed_account_is_sent_to_sign_in_on_the_next_view()
    {
        var (client, id) = await NewLeadAsync($"home.removed@{T}.example");
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Staff.Remove(await db.Staff.SingleAsync(s => s.Id == id));
            await db.SaveChangesAsync();
        });
        var response = await client.GetAsync($"/{T}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location?.ToString());
    }
}
