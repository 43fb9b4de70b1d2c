using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests;

/// <summary>Tenant isolation, tried from the attacker's side.</summary>
public sealed class TenantIsolationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string Password = AppFactory.DemoPassword;

    [Fact]
    public async Task An_unknown_tenant_answers_404_with_a_page_that_helps()
    {
        var response = await app.CreateClient().GetAsync("/no-such-trust/staff");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Organisation not found", html);
        Assert.Contains("/ascent/account/sign-in", html); // offers the real ones
    }

    [Fact]
    public async Task Credentials_of_one_tenant_fail_at_another()
    {
        var client = app.Browser();
        var response = await client.SignIn("river-tees", "supervisor@ascent.example", Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the sign-in page again, with an error
        Assert.Contains("Enter a correct email address and password", await response.Content.ReadAsStringAsync());

        var ok = await app.Browser().SignIn("ascent", "supervisor@ascent.example", Password);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal("/ascent", ok.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_session_in_one_tenant_is_not_a_session_in_another()
    {
        var client = app.Browser();
        await client.SignIn("ascent", "admin@ascent.example", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ascent/staff")).StatusCode);

        var other = await client.GetAsync("/river-tees/staff");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith("/river-tees/account/sign-in", other.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_cookie_of_tenant_A_replayed_as_tenant_B_cookie_is_rejected()
    {
        var client = app.Browser();
        var signIn = await client.SignIn("ascent", "admin@ascent.example", Password);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".shub.auth.ascent=", StringComparison.Ordinal));
        var value = cookie.Split(';')[0][".shub.auth.ascent=".Length..];

        using var attacker = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        attacker.Timeout = TimeSpan.FromSeconds(15);
        var request = new HttpRequestMessage(HttpMethod.Get, "/river-tees/staff");
        request.Headers.Add("Cookie", $".shub.auth.river-tees={value}; .shub.auth.ascent={value}");
        var response = await attacker.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/river-tees/account/sign-in", response.Headers.Location!.OriginalString);

        // The same cookie still works where it belongs: the rejection is about the tenant, not a broken cookie.
        var home = new HttpRequestMessage(HttpMethod.Get, "/ascent/staff");
        home.Headers.Add("Cookie", $".shub.auth.ascent={value}");
        Assert.Equal(HttpStatusCode.OK, (await attacker.SendAsync(home)).StatusCode);
    }

    [Fact]
    public async Task An_id_from_another_tenant_in_the_url_finds_nothing()
    {
        var riverTeesPerson = await app.InTenant("river-tees", async sp =>
            await sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Email == "supervisee@river-tees.example").Select(s => s.Id).SingleAsync());

        var client = app.Browser();
        await client.SignIn("ascent", "admin@ascent.example", Password);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/ascent/staff/{riverTeesPerson}")).StatusCode);

        var list = await client.GetStringAsync("/ascent/staff?Q=river-tees&ShowLeavers=true");
        Assert.DoesNotContain("river-tees.example", list);
        var all = await client.GetStringAsync("/ascent/staff?ShowLeavers=true");
        Assert.DoesNotContain("river-tees.example", all);
        Assert.Contains("ascent.example", all);
    }

    [Fact]
    public async Task The_same_email_in_two_tenants_is_two_accounts()
    {
        const string email = "shared.person@example.org";
        async Task<string> Create(string tenant, string password) => await app.InTenant(tenant, async sp =>
        {
            var member = new StaffMember();
            member.Apply(new StaffDetails("Sam Shared", email, null, null, null, StaffRoles.Supervisee, null, null), sp.GetRequiredService<ILookupNormalizer>());
            var result = await sp.GetRequiredService<UserManager<StaffMember>>().CreateAsync(member, password);
            Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
            return member.Id;
        });
        var inAscent = await Create("ascent", "Ascent-password-1");
        var inMse = await Create("mse-icb", "Mse-icb-password-1");
        Assert.NotEqual(inAscent, inMse);

        Assert.Equal(HttpStatusCode.Redirect, (await app.Browser().SignIn("ascent", email, "Ascent-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.Browser().SignIn("mse-icb", email, "Mse-icb-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().SignIn("mse-icb", email, "Ascent-password-1")).StatusCode);
    }

    [Fact]
    public async Task Reading_tenant_data_with_no_tenant_set_fails_clearly()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var ex = await Record.ExceptionAsync(() => db.Staff.ToListAsync());
        Assert.IsType<TenantNotSetException>(ex is InvalidOperationException { InnerException: TenantNotSetException inner } ? inner : ex);
        Assert.Contains("no tenant set", ex!.GetBaseException().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_a_row_for_another_tenant_throws()
    {
        var riverTees = (await app.Services.GetRequiredService<TenantRegistry>().FindAsync("river-tees"))!;
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var intruder = new StaffMember();
            intruder.Apply(new StaffDetails("Ivy Intruder", "ivy@example.org", null, null, null, StaffRoles.Supervisee, null, null), sp.GetRequiredService<ILookupNormalizer>());
            db.Staff.Add(intruder);
            db.Entry(intruder).Property(s => s.TenantId).CurrentValue = riverTees.Id;
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
        });
    }

    [Fact]
    public async Task Changing_another_tenants_row_throws()
    {
        var victimId = await app.InTenant("river-tees", async sp =>
            await sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Email == "lead@river-tees.example").Select(s => s.Id).SingleAsync());
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            // The filter hides the row even by primary key...
            Assert.Null(await db.Staff.FindAsync(victimId));
            Assert.Null(await db.Staff.FirstOrDefaultAsync(s => s.Id == victimId));
            // ...and a row smuggled in from elsewhere cannot be written.
            var smuggled = await db.Staff.IgnoreQueryFilters().SingleAsync(s => s.Id == victimId);
            smuggled.Apply(new StaffDetails("Changed", smuggled.Email!, null, null, null, StaffRoles.Supervisee, null, null), sp.GetRequiredService<ILookupNormalizer>());
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
        });
    }

    [Fact]
    public void Every_entity_is_tenant_owned_or_explicitly_shared()
    {
        using var scope = app.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AppDbContext>().Model;
        foreach (var type in model.GetEntityTypes())
        {
            var owned = typeof(ITenantOwned).IsAssignableFrom(type.ClrType);
            Assert.True(owned || AppDbContext.SharedEntityTypes.Contains(type.ClrType),
                $"{type.ClrType.Name} is neither ITenantOwned nor on AppDbContext.SharedEntityTypes. Decide which it is.");
            if (!owned) continue;
            Assert.True(type.GetDeclaredQueryFilters().Count > 0, $"{type.ClrType.Name} has no tenant query filter.");
            foreach (var index in type.GetIndexes().Where(i => i.IsUnique))
                Assert.True(index.Properties.Any(p => p.Name == nameof(ITenantOwned.TenantId)),
                    $"Unique index {index.GetDatabaseName()} on {type.ClrType.Name} does not include TenantId: it would leak existence across tenants.");
        }
    }

    [Fact]
    public async Task The_platform_operator_cookie_opens_no_tenant_page()
    {
        var client = await app.OperatorAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform")).StatusCode);
        var staff = await client.GetAsync("/ascent/staff");
        Assert.Equal(HttpStatusCode.Redirect, staff.StatusCode);
        Assert.StartsWith("/ascent/account/sign-in", staff.Headers.Location!.OriginalString);
    }
}
