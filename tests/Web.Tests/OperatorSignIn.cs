using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests;

/// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits) computed independently of the service, as an authenticator app would.</summary>
public static class TestTotp
{
    /// <summary>The time step of a tenant's authenticator, on the app's clock (SHUB_TEST_CLOCK may move it).</summary>
    public static long StepNow => Seasons.UtcNow.ToUnixTimeSeconds() / 30;

    /// <summary>The time step of the operator's authenticator, which reads the app's clock (SHUB_TEST_CLOCK may move it).</summary>
    public static long OperatorStepNow => Seasons.UtcNow.ToUnixTimeSeconds() / 30;

    public static string Code(string base32Key, long? step = null)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = base32Key.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bits = string.Concat(clean.Select(c => Convert.ToString(alphabet.IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        var counter = BitConverter.GetBytes(step ?? StepNow);
        if (BitConverter.IsLittleEndian) Array.Reverse(counter);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1; this checks interoperability with them
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var code = ((hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The operator's whole sign-in (password, then an authenticator code, enrolling on the first time), as a person with an app does it.</summary>
public static class OperatorSignIn
{
    public const string Email = "operator@supervisionhub.example";

    public static async Task<HttpClient> OperatorAsync(this AppFactory app)
    {
        var client = app.Browser();
        await app.SignInOperatorAsync(client);
        return client;
    }

    public static async Task SignInOperatorAsync(this AppFactory app, HttpClient client, string email = Email, string password = AppFactory.DemoPassword)
    {
        var first = await client.PostForm("/platform/sign-in", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        Assert.Equal("/platform/sign-in/code", first.Headers.Location?.OriginalString);
        await client.AntiforgeryToken("/platform/sign-in/code"); // the page makes the key on first sight
        var second = await client.PostForm("/platform/sign-in/code", new Dictionary<string, string> { ["Code"] = await NextCodeAsync(app, email) });
        Assert.True(second.StatusCode == HttpStatusCode.Redirect && second.Headers.Location?.OriginalString == "/platform",
            $"The operator's code was refused: {second.StatusCode}");
    }

    /// <summary>
    /// A code for the earliest time step the service will still take: each step works once, and the
    /// service takes the step before and after the current one, so up to three sign-ins fit in 30 s
    /// before this waits for the next step.
    /// </summary>
    public static async Task<string> NextCodeAsync(AppFactory app, string email = Email)
    {
        using var scope = app.Services.CreateScope();
        var normalized = email.ToUpperInvariant();
        var admin = await scope.ServiceProvider.GetRequiredService<AppDbContext>().PlatformAdmins.AsNoTracking()
            .SingleAsync(a => a.NormalizedEmail == normalized);
        while (true)
        {
            var now = Seasons.UtcNow.ToUnixTimeSeconds();
            // The step before now is only used early in the current step: late in it, the boundary may
            // pass before the service checks the code, and then that step is two behind and refused.
            var earliest = now % 30 < 20 ? now / 30 - 1 : now / 30;
            var step = Math.Max(earliest, admin.TotpLastStep + 1);
            if (step <= now / 30 + 1) return TestTotp.Code(admin.TotpKey!, step);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
