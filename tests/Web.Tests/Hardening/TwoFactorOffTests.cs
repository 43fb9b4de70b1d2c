using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>Issue 15 item 5: turning two-factor sign-in off asks for the password or a current code; a session alone is not enough.</summary>
public sealed partial class TwoFactorOffTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ascent";
    private const string Password = "Two-factor-person-password-1";
    private const string Page = $"/{T}/account/security";

    [GeneratedRegex("id=\"shared-key\">([a-z0-9 ]+)<")]
    private static partial Regex KeyPattern();

    /// <summary>A person signed in with two-factor sign-in on, and the key of their app.</summary>
    private async Task<(HttpClient Client, string Email, string Key)> WithTwoFactorAsync()
    {
        var email = $"tf.{Guid.NewGuid():N}@{T}.example";
        await app.InTenant(T, sp => sp.NewPersonAsync("Tia Twofactor", email, Staff.StaffRoles.Supervisee, password: Password));
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, email, Password)).StatusCode);
        var key = KeyPattern().Match(WebUtility.HtmlDecode(await client.GetStringAsync(Page))).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostForm($"{Page}?handler=Enable", new Dictionary<string, string> { ["Code"] = TestTotp.Code(key) }, Page)).StatusCode);
        return (client, email, key);
    }

    private Task<bool> EnabledAsync(string email) => app.InTenant(T, async sp =>
        (await sp.GetRequiredService<AppDbContext>().Staff.AsNoTracking().SingleAsync(s => s.Email == email)).TwoFactorEnabled);

    private static Task<HttpResponseMessage> DisableAsync(HttpClient client, string? confirm) =>
        client.PostForm($"{Page}?handler=Disable", confirm is null ? [] : new Dictionary<string, string> { ["Confirm"] = confirm }, Page);

    [Fact]
    public async Task A_session_alone_or_a_wrong_password_cannot_turn_it_off()
    {
        var (client, email, _) = await WithTwoFactorAsync();
        foreach (var confirm in new string?[] { null, "", "not-my-password-at-all", "123456" })
        {
            var refused = await DisableAsync(client, confirm);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("govuk-error-summary", await refused.Content.ReadAsStringAsync());
            Assert.True(await EnabledAsync(email));
        }
    }

    [Fact]
    public async Task The_password_turns_it_off()
    {
        var (client, email, _) = await WithTwoFactorAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await DisableAsync(client, Password)).StatusCode);
        Assert.False(await EnabledAsync(email));
    }

    [Fact]
    public async Task A_current_code_turns_it_off()
    {
        var (client, email, key) = await WithTwoFactorAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await DisableAsync(client, TestTotp.Code(key, TestTotp.StepNow + 1))).StatusCode); // the step after the one enabling took
        Assert.False(await EnabledAsync(email));
    }

    [Fact]
    public async Task Guessing_there_locks_the_account_like_guessing_at_sign_in()
    {
        var (client, email, _) = await WithTwoFactorAsync();
        for (var i = 0; i < 5; i++) await DisableAsync(client, $"guess-number-{i}-password");
        var locked = await DisableAsync(client, Password);
        Assert.Contains("Too many wrong attempts", await locked.Content.ReadAsStringAsync());
        Assert.True(await EnabledAsync(email));
        Assert.True(await app.InTenant(T, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<Staff.StaffMember>>();
            return await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!);
        }));
    }
}
