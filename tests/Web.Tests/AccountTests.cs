using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests;

public sealed partial class AccountTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string Password = AppFactory.DemoPassword;

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_and_only_its_owner_is_told()
    {
        for (var i = 0; i < 5; i++) await app.Browser().SignIn("ralph-thoresby", "auditor@ralph-thoresby.example", "wrong-password-" + i);
        var response = await app.Browser().SignIn("ralph-thoresby", "auditor@ralph-thoresby.example", Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter a correct email address and password", html); // the requester learns nothing new
        Assert.DoesNotContain("locked", html);
        var told = await app.InTenant("ralph-thoresby", sp => sp.GetRequiredService<AppDbContext>().Outbox
            .Where(m => m.To == "auditor@ralph-thoresby.example" && m.Subject.Contains("is locked")).Select(m => m.TextBody).ToListAsync());
        Assert.Contains("/ralph-thoresby/account/forgot-password", Assert.Single(told));
    }

    [Theory]
    [InlineData("/ascent/staff", "/ascent/staff")]
    [InlineData("/ascent-elsewhere/staff", "/ascent")]
    [InlineData("/river-tees/staff", "/ascent")]
    [InlineData("https://evil.example/ascent", "/ascent")]
    [InlineData("//evil.example/ascent", "/ascent")]
    public async Task After_sign_in_a_return_address_is_followed_only_inside_the_tenant(string returnUrl, string expected)
    {
        var client = app.Browser();
        var response = await client.PostForm($"/ascent/account/sign-in?ReturnUrl={Uri.EscapeDataString(returnUrl)}",
            new Dictionary<string, string> { ["Input.Email"] = "lead@ascent.example", ["Input.Password"] = Password, ["ReturnUrl"] = returnUrl },
            "/ascent/account/sign-in");
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    /// <summary>The return address is typed by whoever made the link: it goes back into the page as text, never as markup.</summary>
    [Fact]
    public async Task A_return_address_carrying_markup_is_written_into_the_sign_in_page_as_text()
    {
        const string Page = "/ascent/account/sign-in"; // the code page's field is the same tag helper, reached only mid sign-in
        const string Attack = "/ascent/staff\"><script>alert(1)</script><a href=\"javascript:alert(2)";
        var response = await app.Browser().GetAsync($"{Page}?ReturnUrl={Uri.EscapeDataString(Attack)}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.DoesNotContain("href=\"javascript:", html);
        var kept = Regex.Match(html, "<input[^>]*name=\"ReturnUrl\"[^>]*value=\"([^\"]*)\"").Groups[1].Value;
        Assert.Equal(Attack, System.Net.WebUtility.HtmlDecode(kept)); // kept as typed, for the sign-in's own check to refuse
    }

    [Fact]
    public async Task A_leaver_cannot_sign_in_and_their_session_ends()
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn("devon-torbay", "linemanager@devon-torbay.example", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/devon-torbay")).StatusCode);

        await app.InTenant("devon-torbay", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var m = await db.Staff.SingleAsync(s => s.Email == "linemanager@devon-torbay.example");
            m.Apply(new StaffDetails(m.FullName, m.Email!, m.JobTitle, m.Site, m.LineManagerId, m.Roles, m.StartDate, new DateOnly(2026, 1, 31)),
                sp.GetRequiredService<ILookupNormalizer>());
            await db.SaveChangesAsync();
        });

        var again = await app.Browser().SignIn("devon-torbay", "linemanager@devon-torbay.example", Password);
        Assert.Contains("has left the organisation", await again.Content.ReadAsStringAsync());
        // Their history stays: the row is still there.
        Assert.True(await app.InTenant("devon-torbay", sp => sp.GetRequiredService<AppDbContext>().Staff.AnyAsync(s => s.Email == "linemanager@devon-torbay.example")));
    }

    [GeneratedRegex(@"(http://[^\s""<]+/reset-password\?[^\s""<]+)")]
    private static partial Regex ResetLink();

    [Fact]
    public async Task Password_reset_goes_through_the_mailbox_and_works_once()
    {
        var client = app.Browser();
        var ask = await client.PostForm("/mse-icb/account/forgot-password", new Dictionary<string, string> { ["Email"] = "supervisee@mse-icb.example" });
        Assert.Contains("Check your email", await ask.Content.ReadAsStringAsync());
        // An unknown address gets the same answer, so the page cannot be used to find accounts, and not
        // sooner: only a real account costs a token and an email, so every answer waits out one floor.
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var unknown = await client.PostForm("/mse-icb/account/forgot-password", new Dictionary<string, string> { ["Email"] = "nobody@mse-icb.example" });
        // (less 20 ms: timers may fire a tick early; without the floor it answers in a few milliseconds)
        Assert.True(timer.Elapsed >= SupervisionHub.Web.Pages.Account.ForgotPasswordModel.AnswerTakesAtLeast - TimeSpan.FromMilliseconds(20), $"An unknown address was answered in {timer.ElapsedMilliseconds} ms");
        Assert.Contains("Check your email", await unknown.Content.ReadAsStringAsync());

        var mailbox = WebUtility.HtmlDecode(await client.GetStringAsync("/mse-icb/dev/mailbox"));
        var link = new Uri(ResetLink().Match(mailbox).Value);
        var fields = new Dictionary<string, string>
        {
            ["user"] = Regex.Match(link.Query, "user=([^&]+)").Groups[1].Value is var u ? Uri.UnescapeDataString(u) : "",
            ["Code"] = Uri.UnescapeDataString(Regex.Match(link.Query, "code=([^&]+)").Groups[1].Value),
            ["Password"] = "A-brand-new-password-9",
            ["ConfirmPassword"] = "A-brand-new-password-9",
        };
        var reset = await client.PostForm(link.PathAndQuery, fields);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.Browser().SignIn("mse-icb", "supervisee@mse-icb.example", "A-brand-new-password-9")).StatusCode);

        var reused = await client.PostForm(link.PathAndQuery, fields);
        Assert.Contains("This link does not work", await reused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Two_factor_sign_in_asks_for_the_authenticator_code()
    {
        var client = app.Browser();
        await client.SignIn("river-tees", "supervisee@river-tees.example", Password);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/river-tees/account/security"));
        var key = KeyPattern().Match(page).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

        var wrong = await client.PostForm("/river-tees/account/security?handler=Enable", new Dictionary<string, string> { ["Code"] = "000000" }, "/river-tees/account/security");
        Assert.Contains("The code is not right", await wrong.Content.ReadAsStringAsync());
        var step = TestTotp.StepNow; // each step's code works once: enabling takes this one, signing in the next
        var enable = await client.PostForm("/river-tees/account/security?handler=Enable", new Dictionary<string, string> { ["Code"] = TestTotp.Code(key, step) }, "/river-tees/account/security");
        Assert.Equal(HttpStatusCode.Redirect, enable.StatusCode);

        var next = app.Browser();
        var first = await next.SignIn("river-tees", "supervisee@river-tees.example", Password);
        Assert.StartsWith("/river-tees/account/sign-in-code", first.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await next.GetAsync("/river-tees")).StatusCode); // not signed in yet
        var second = await next.PostForm("/river-tees/account/sign-in-code", new Dictionary<string, string> { ["Code"] = TestTotp.Code(key, step + 1) });
        Assert.Equal("/river-tees", second.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await next.GetAsync("/river-tees")).StatusCode);

        // The same code again, from another browser that has the password (seen over a shoulder, or phished): refused.
        var replay = app.Browser();
        Assert.StartsWith("/river-tees/account/sign-in-code", (await replay.SignIn("river-tees", "supervisee@river-tees.example", Password)).Headers.Location!.OriginalString);
        var again = await replay.PostForm("/river-tees/account/sign-in-code", new Dictionary<string, string> { ["Code"] = TestTotp.Code(key, step + 1) });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("govuk-error-summary", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/river-tees")).StatusCode);
        // An earlier step's code is no good either, once a later one was used.
        var older = await replay.PostForm("/river-tees/account/sign-in-code", new Dictionary<string, string> { ["Code"] = TestTotp.Code(key, step) });
        Assert.Contains("govuk-error-summary", await older.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("id=\"shared-key\">([a-z0-9 ]+)<")]
    private static partial Regex KeyPattern();

    [Fact]
    public async Task The_platform_operator_creates_a_tenant_and_its_first_admin()
    {
        var op = await app.OperatorAsync();
        var bad = await op.PostForm("/platform/tenants/new", new Dictionary<string, string>
            { ["Name"] = "Oak Hill Academy", ["Identifier"] = "Oak Hill!", ["Kind"] = "School", ["AdminName"] = "Olu Admin", ["AdminEmail"] = "olu@oakhill.example" });
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", badHtml);
        Assert.Contains("value=\"Oak Hill Academy\"", badHtml); // nothing typed is lost

        var created = await op.PostForm("/platform/tenants/new", new Dictionary<string, string>
            { ["Name"] = "Oak Hill Academy", ["Identifier"] = "oak-hill", ["Kind"] = "School", ["AdminName"] = "Olu Admin", ["AdminEmail"] = "olu@oakhill.example" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/oak-hill/account/sign-in")).StatusCode);
        var mailbox = await app.Browser().GetStringAsync("/oak-hill/dev/mailbox");
        Assert.Contains("olu@oakhill.example", mailbox);
        Assert.Contains("/oak-hill/account/reset-password", mailbox);
    }
}
