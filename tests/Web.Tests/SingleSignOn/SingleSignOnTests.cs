using System.Net;
using System.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests.SingleSignOn;

/// <summary>
/// Issue 20: sign-in through a real OpenID provider (tools/oidc) with the real handler over real HTTP,
/// every protocol check made to fail for real (wrong issuer, wrong audience, replayed state, expired
/// token, another tenant's client, a foreign nonce), and the matching rules (verified email, then the
/// remembered subject id; unknown people, leavers, other domains). Each test sets the settings it needs.
/// </summary>
public sealed class SingleSignOnTests(SsoFixture f) : IClassFixture<SsoFixture>
{
    private const string A = SsoFixture.A, B = SsoFixture.B;

    /// <summary>Where one attempt ended: the service's last redirect (home, or the refusal page) and the provider's callback address.</summary>
    private sealed record Attempt(HttpResponseMessage Final, Uri Callback)
    {
        public string Location => Final.Headers.Location?.OriginalString ?? "";
        public string? Refusal => Location.Contains("/account/sso/refused", StringComparison.Ordinal)
            ? HttpUtility.ParseQueryString(new Uri(new Uri("http://localhost"), Location).Query)["reason"] : null;
    }

    private static async Task<Uri> StartAsync(HttpClient app, string tenant, string returnUrl = "")
    {
        Assert.Contains($"href=\"/{tenant}/account/sso\"", await app.GetStringAsync($"/{tenant}/account/sign-in"), StringComparison.Ordinal);
        var start = await app.GetAsync($"/{tenant}/account/sso?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return start.Headers.Location!;
    }

    /// <summary>Back at the service with the provider's answer: the handler's redirect, followed to the end of the sign-in.</summary>
    private static async Task<HttpResponseMessage> ReturnAsync(HttpClient app, Uri callback)
    {
        var back = await app.GetAsync(callback.PathAndQuery);
        if (back.Headers.Location?.OriginalString is { } next && next.Contains("/account/sso/complete", StringComparison.Ordinal))
            back = await app.GetAsync(next);
        return back;
    }

    private async Task<Attempt> SignInAsync(HttpClient app, string login, string tenant = A)
    {
        var request = await StartAsync(app, tenant);
        var callback = await OidcProvider.SignInAsync(OidcProvider.NewBrowser(), request, login);
        return new Attempt(await ReturnAsync(app, callback), callback);
    }

    private async Task<bool> SignedInAsync(HttpClient app, string tenant = A)
    {
        var home = await app.GetAsync($"/{tenant}");
        return home.StatusCode == HttpStatusCode.OK && (await home.Content.ReadAsStringAsync()).Contains("Sign out", StringComparison.Ordinal);
    }

    private Task<StaffMember?> PersonAsync(string email) =>
        f.App.InTenant(A, sp => sp.GetRequiredService<UserManager<StaffMember>>().FindByEmailAsync(email));

    private Task<List<StaffLogin>> LinksAsync() =>
        f.App.InTenant(A, sp => sp.GetRequiredService<AppDbContext>().Set<StaffLogin>().AsNoTracking().ToListAsync());

    private Task ForgetLinksAsync() => f.App.InTenant(A, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        db.Set<StaffLogin>().RemoveRange(await db.Set<StaffLogin>().ToListAsync());
        await db.SaveChangesAsync();
    });

    private async Task<string> LastRefusalAsync() =>
        (await f.AuditAsync(A)).Last(e => e.Action == "sign-in-refused").EntityId;

    [Fact]
    public async Task A_person_signs_in_at_the_provider_and_lands_on_their_home_page_matched_by_verified_email_then_by_subject_id()
    {
        await f.ConfigureAsync(A, s => s);
        await ForgetLinksAsync();
        var app = f.App.Browser();

        var page = await app.GetStringAsync($"/{A}/account/sign-in");
        Assert.Contains("Sign in with Test Directory", page, StringComparison.Ordinal);

        var first = await SignInAsync(app, "alice");
        Assert.Equal($"/{A}", first.Location);
        Assert.True(await SignedInAsync(app));
        Assert.Contains("Alice Adams", await app.GetStringAsync($"/{A}"), StringComparison.Ordinal);
        var alice = (await PersonAsync("alice@a.example"))!;
        var link = Assert.Single(await LinksAsync());
        Assert.Equal((alice.Id, "alice", $"{f.Provider.Address} client-a"), (link.UserId, link.ProviderKey, link.LoginProvider));
        var audit = await f.AuditAsync(A);
        Assert.Equal(("sign-in", alice.Id), (audit[^1].Action, audit[^1].ActorId));

        // Alice's directory entry changes address: the provider's subject id still finds her (not a refusal, not a new person).
        await f.App.InTenant(A, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var me = await db.Staff.SingleAsync(s => s.Id == alice.Id);
            me.Apply(new StaffDetails(me.FullName, "alice.adams@a.example", null, null, null, me.Roles, null, null), sp.GetRequiredService<ILookupNormalizer>());
            await db.SaveChangesAsync();
        });
        await f.ConfigureAsync(A, s => s with { CreatePeople = true });
        try
        {
            var again = await SignInAsync(f.App.Browser(), "alice");
            Assert.Equal($"/{A}", again.Location);
            Assert.Null(await PersonAsync("alice@a.example"));

            // Another account at the provider that now shows Alice's old or new address does not become Alice.
            await f.App.InTenant(A, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var me = await db.Staff.SingleAsync(s => s.Id == alice.Id);
                me.Apply(new StaffDetails(me.FullName, "alice@a.example", null, null, null, me.Roles, null, null), sp.GetRequiredService<ILookupNormalizer>());
                await db.SaveChangesAsync();
            });
            var impostor = f.App.Browser();
            Assert.Equal(SsoRefusal.LinkedElsewhere, (await SignInAsync(impostor, "alice-impostor")).Refusal);
            Assert.False(await SignedInAsync(impostor));
            Assert.Single(await LinksAsync());
        }
        finally
        {
            await f.ConfigureAsync(A, s => s);
        }
    }

    [Fact]
    public async Task An_email_the_provider_has_not_verified_is_refused()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        var attempt = await SignInAsync(app, "bob");
        Assert.Equal(SsoRefusal.UnverifiedEmail, attempt.Refusal);
        Assert.False(await SignedInAsync(app));
        Assert.Equal("single sign-on: unverified-email", await LastRefusalAsync());
        Assert.Contains("did not confirm your email address", await app.GetStringAsync(attempt.Location), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_not_in_the_directory_is_refused_unless_the_tenant_adds_people_and_then_only_as_a_supervisee()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        Assert.Equal(SsoRefusal.UnknownPerson, (await SignInAsync(app, "carol")).Refusal);
        Assert.False(await SignedInAsync(app));
        Assert.Null(await PersonAsync("carol@a.example"));
        Assert.Equal("unknown: carol@a.example", (await f.AuditAsync(A)).Last().ActorId);

        await f.ConfigureAsync(A, s => s with { CreatePeople = true });
        try
        {
            Assert.Equal($"/{A}", (await SignInAsync(app, "carol")).Location);
            Assert.True(await SignedInAsync(app));
            var carol = (await PersonAsync("carol@a.example"))!;
            Assert.Equal(("Carol Carter", StaffRoles.Supervisee), (carol.FullName, carol.Roles));
            Assert.Contains(await f.AuditAsync(A), e => e.Action == "joined" && e.ActorId == carol.Id);
        }
        finally
        {
            await f.ConfigureAsync(A, s => s);
        }
    }

    [Fact]
    public async Task A_leaver_is_refused()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        Assert.Equal(SsoRefusal.Leaver, (await SignInAsync(app, "dave")).Refusal);
        Assert.False(await SignedInAsync(app));
        Assert.DoesNotContain(await LinksAsync(), l => l.ProviderKey == "dave");
    }

    [Fact]
    public async Task An_address_outside_the_tenants_domains_is_refused()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        Assert.Equal(SsoRefusal.Domain, (await SignInAsync(app, "erin")).Refusal);
        Assert.False(await SignedInAsync(app));
    }

    [Theory]
    [InlineData("aud-tamper", SsoRefusal.Audience)]
    [InlineData("exp-tamper", SsoRefusal.Expired)]
    [InlineData("iss-tamper", SsoRefusal.Issuer)]
    [InlineData("nonce-tamper", SsoRefusal.Nonce)]
    public async Task A_token_for_another_audience_from_another_issuer_expired_beyond_a_minute_or_for_another_sign_in_is_refused(string client, string reason)
    {
        await f.ConfigureAsync(A, s => s with { ClientId = client });
        await f.App.InTenant(A, sp => sp.GetRequiredService<SsoSecrets>().SetAsync("secret-" + client, "test", CancellationToken.None));
        try
        {
            var app = f.App.Browser();
            var attempt = await SignInAsync(app, "alice");
            Assert.Equal(reason, attempt.Refusal);
            Assert.False(await SignedInAsync(app));
            Assert.Equal("single sign-on: " + reason, await LastRefusalAsync());
        }
        finally
        {
            await f.ConfigureAsync(A, s => s);
            await f.App.InTenant(A, sp => sp.GetRequiredService<SsoSecrets>().SetAsync("secret-a", "test", CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_provider_whose_issuer_is_not_the_authority_the_tenant_named_is_refused()
    {
        // Reached at 127.0.0.1, it calls itself localhost in its discovery document and tokens: the handler
        // alone would trust the discovery document; the tenant named 127.0.0.1.
        await f.ConfigureAsync(A, s => s with { Authority = f.LocalhostIssuer.Address });
        try
        {
            var app = f.App.Browser();
            Assert.Equal(SsoRefusal.Issuer, (await SignInAsync(app, "alice")).Refusal);
            Assert.False(await SignedInAsync(app));
        }
        finally
        {
            await f.ConfigureAsync(A, s => s);
        }
    }

    [Fact]
    public async Task A_replayed_callback_signs_nobody_in()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        var attempt = await SignInAsync(app, "alice");
        Assert.Equal($"/{A}", attempt.Location);

        // The same browser again: its correlation cookie was used up.
        var replay = await ReturnAsync(app, attempt.Callback);
        Assert.Contains($"reason={SsoRefusal.Correlation}", replay.Headers.Location?.OriginalString, StringComparison.Ordinal);
        // Someone else's browser with the stolen address: no correlation cookie at all.
        var thief = f.App.Browser();
        var stolen = await ReturnAsync(thief, attempt.Callback);
        Assert.Contains("/account/sso/refused", stolen.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(await SignedInAsync(thief));
    }

    [Fact]
    public async Task The_answer_to_another_tenants_sign_in_is_refused_at_this_tenants_callback()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        // A sign-in begun at B (client-b); the provider's answer is delivered to A's callback in the same browser.
        var request = await StartAsync(app, B);
        var callback = await OidcProvider.SignInAsync(OidcProvider.NewBrowser(), request, "alice");
        Assert.StartsWith($"/{B}/signin-oidc?", callback.PathAndQuery, StringComparison.Ordinal);
        var atA = await ReturnAsync(app, new Uri(new Uri("http://localhost"), $"/{A}/signin-oidc{callback.Query}"));
        Assert.Contains("/account/sso/refused", atA.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(await SignedInAsync(app, A));
        Assert.False(await SignedInAsync(app, B));
    }

    [Fact]
    public async Task With_passwords_off_password_sign_in_and_reset_are_refused_except_for_a_break_glass_admin()
    {
        await f.ConfigureAsync(A, s => s with { Passwords = false, BreakGlass = ["admin@a.example"] });
        try
        {
            var alice = f.App.Browser();
            var refused = await alice.SignIn(A, "alice@a.example", SsoFixture.Password);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Passwords are kept only for the administrators named", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(await SignedInAsync(alice));

            var admin = f.App.Browser();
            Assert.Equal(HttpStatusCode.Redirect, (await admin.SignIn(A, "admin@a.example", SsoFixture.Password)).StatusCode);
            Assert.True(await SignedInAsync(admin));

            // No reset link for Alice; the break-glass admin still gets one.
            var before = await OutboxCountAsync();
            await alice.PostForm($"/{A}/account/forgot-password", new Dictionary<string, string> { ["Email"] = "alice@a.example" });
            Assert.Equal(before, await OutboxCountAsync());
            await alice.PostForm($"/{A}/account/forgot-password", new Dictionary<string, string> { ["Email"] = "admin@a.example" });
            Assert.Equal(before + 1, await OutboxCountAsync());

            // A reset link made before passwords went off does not set one now.
            var (userId, code) = await f.App.InTenant(A, async sp =>
            {
                var users = sp.GetRequiredService<UserManager<StaffMember>>();
                var user = (await users.FindByEmailAsync("alice@a.example"))!;
                return (user.Id, await users.GeneratePasswordResetTokenAsync(user));
            });
            var reset = await alice.PostForm($"/{A}/account/reset-password", new Dictionary<string, string>
            {
                ["user"] = userId, ["Code"] = code, ["Password"] = "A-brand-new-password-1", ["ConfirmPassword"] = "A-brand-new-password-1",
            }, $"/{A}/account/reset-password?user={Uri.EscapeDataString(userId)}&code={Uri.EscapeDataString(code)}");
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.Contains("passwords are not used", await reset.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Alice signs in through the provider instead.
            Assert.Equal($"/{A}", (await SignInAsync(alice, "alice")).Location);
        }
        finally
        {
            await f.ConfigureAsync(A, s => s);
        }
        Assert.Equal(HttpStatusCode.Redirect, (await f.App.Browser().SignIn(A, "alice@a.example", SsoFixture.Password)).StatusCode);
    }

    private Task<int> OutboxCountAsync() => f.App.InTenant(A, sp => sp.GetRequiredService<AppDbContext>().Outbox.CountAsync());

    [Fact]
    public async Task Signing_out_ends_the_session_here_and_offers_the_providers_sign_out()
    {
        await f.ConfigureAsync(A, s => s);
        var app = f.App.Browser();
        Assert.Equal($"/{A}", (await SignInAsync(app, "alice")).Location);

        var page = await app.GetStringAsync($"/{A}/account/sign-out");
        Assert.Contains("Sign out of Test Directory too", page, StringComparison.Ordinal);
        var signOut = await app.GetAsync($"/{A}/account/sso/sign-out");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var endSession = signOut.Headers.Location!;
        Assert.StartsWith($"{f.Provider.Address}/session/end", endSession.ToString(), StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(endSession.Query);
        Assert.False(string.IsNullOrEmpty(query["id_token_hint"]));
        Assert.Equal(SsoFixture.SignedOut(A), query["post_logout_redirect_uri"]);
        Assert.False(await SignedInAsync(app));

        // The provider's own sign-out page, confirmed, comes back to this tenant's sign-in page.
        var idp = OidcProvider.NewBrowser();
        var confirm = await idp.GetAsync(endSession);
        var html = await confirm.Content.ReadAsStringAsync();
        var xsrf = System.Text.RegularExpressions.Regex.Match(html, "name=\"xsrf\" value=\"([^\"]+)\"").Groups[1].Value;
        var action = System.Text.RegularExpressions.Regex.Match(html, "action=\"([^\"]+)\"").Groups[1].Value;
        var done = await idp.PostAsync(new Uri(endSession, action), new FormUrlEncodedContent(new Dictionary<string, string> { ["xsrf"] = xsrf, ["logout"] = "yes" }));
        var back = done.Headers.Location!;
        Assert.StartsWith(SsoFixture.SignedOut(A), back.ToString(), StringComparison.Ordinal);
        var landed = await app.GetAsync(back.PathAndQuery);
        Assert.Equal($"/{A}/account/sign-in", landed.Headers.Location?.OriginalString);
    }
}
