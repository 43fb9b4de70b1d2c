using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Platform;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>
/// Issue 15 item 5: the operator, who can create organisations, is locked after five wrong
/// passwords (eight wrong and then the right one used to sign in) and always gives an
/// authenticator code, set up on the first sign-in; a code works once.
/// </summary>
public sealed partial class OperatorSignInTests(AppFactory app) : IClassFixture<AppFactory>
{
    [GeneratedRegex("id=\"shared-key\">([a-z0-9 ]+)<")]
    private static partial Regex KeyPattern();

    private async Task<PlatformAdmin> OperatorRowAsync()
    {
        using var scope = app.Services.CreateScope();
        var normalized = OperatorSignIn.Email.ToUpperInvariant();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().PlatformAdmins.AsNoTracking().SingleAsync(a => a.NormalizedEmail == normalized);
    }

    private static Task<HttpResponseMessage> PasswordAsync(HttpClient client, string password) =>
        client.PostForm("/platform/sign-in", new Dictionary<string, string> { ["Email"] = OperatorSignIn.Email, ["Password"] = password });

    private static Task<HttpResponseMessage> CodeAsync(HttpClient client, string code) =>
        client.PostForm("/platform/sign-in/code", new Dictionary<string, string> { ["Code"] = code });

    [Fact]
    public async Task The_first_sign_in_sets_up_an_authenticator_and_every_sign_in_needs_a_code_that_works_once()
    {
        var client = app.Browser();
        var first = await PasswordAsync(client, AppFactory.DemoPassword);
        Assert.Equal("/platform/sign-in/code", first.Headers.Location?.OriginalString);
        // A right password alone opens nothing.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/platform")).StatusCode);
        Assert.Contains("/platform/sign-in", (await client.GetAsync("/platform/tenants/new")).Headers.Location?.OriginalString);

        var enrol = WebUtility.HtmlDecode(await client.GetStringAsync("/platform/sign-in/code"));
        Assert.Contains("Set up your authenticator app", enrol);
        var key = KeyPattern().Match(enrol).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.Equal((await OperatorRowAsync()).TotpKey, key);
        Assert.Contains("The code is not right", await (await CodeAsync(client, TestTotp.Code(key, TestTotp.OperatorStepNow - 5))).Content.ReadAsStringAsync());
        var code = TestTotp.Code(key, TestTotp.OperatorStepNow);
        var signedIn = await CodeAsync(client, code);
        Assert.Equal("/platform", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform")).StatusCode);
        Assert.NotNull((await OperatorRowAsync()).TotpEnrolledAt);

        // Next time: the code only, no key on show; the same code again is refused.
        var next = app.Browser();
        await PasswordAsync(next, AppFactory.DemoPassword);
        var ask = await next.GetStringAsync("/platform/sign-in/code");
        Assert.Contains("Enter your security code", ask);
        Assert.DoesNotContain("shared-key", ask);
        Assert.Contains("The code is not right", await (await CodeAsync(next, code)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await next.GetAsync("/platform")).StatusCode);
        await app.SignInOperatorAsync(app.Browser());
    }

    [Fact]
    public async Task Eight_wrong_passwords_then_the_right_one_does_not_sign_in()
    {
        var client = app.Browser();
        for (var i = 0; i < 8; i++)
            Assert.Contains("Enter a correct email address and password", await (await PasswordAsync(client, $"wrong-{i}")).Content.ReadAsStringAsync());
        var right = await PasswordAsync(client, AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // no step to the code
        Assert.Contains("Enter a correct email address and password", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/platform")).StatusCode);
        Assert.True((await OperatorRowAsync()).IsLockedOut(Seasons.UtcNow));
        await UnlockAsync();
    }

    [Fact]
    public async Task Wrong_codes_count_towards_the_lockout_too_even_sent_at_once()
    {
        var client = app.Browser();
        await PasswordAsync(client, AppFactory.DemoPassword);
        await client.GetAsync("/platform/sign-in/code");
        var token = await client.AntiforgeryToken("/platform/sign-in/code");
        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.PostAsync("/platform/sign-in/code",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = $"00000{i}", ["__RequestVerificationToken"] = token }))));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True((await OperatorRowAsync()).IsLockedOut(Seasons.UtcNow));
        var again = app.Browser();
        Assert.Equal(HttpStatusCode.OK, (await PasswordAsync(again, AppFactory.DemoPassword)).StatusCode); // locked: no code step
        await UnlockAsync();
    }

    /// <summary>Fifteen minutes pass (the lockout ends), so the next test starts unlocked.</summary>
    private async Task UnlockAsync()
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().PlatformAdmins
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.LockedUntil, (DateTimeOffset?)null).SetProperty(a => a.FailedSignIns, 0));
    }
}
