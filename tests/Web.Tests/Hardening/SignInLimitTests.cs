using System.Net;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>A tight per-address limit, the per-client limits left loose.</summary>
public sealed class PerAddressLimitFactory : AppFactory
{
    public const int PerAddress = 5;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["RateLimits:SignInPerAddressPerMinute"] = PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return s;
        }
    }
}

/// <summary>
/// Issue 15 item 5: the sign-in limits counted per client address and tenant, so one email address
/// had 20 tries a minute in each of 500 tenants. Now tries are also counted per typed address across
/// every tenant (and the operator's sign-in and the forgotten-password page).
/// </summary>
public sealed class SignInLimitTests(PerAddressLimitFactory app) : IClassFixture<PerAddressLimitFactory>
{
    private static readonly string[] Tenants = ["ascent", "river-tees", "mse-icb", "devon-torbay", "ralph-thoresby"];

    private static async Task<HttpStatusCode> TryAsync(HttpClient client, string tenant, string email)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = "guess-" + Guid.NewGuid() });
        return (await client.PostAsync($"/{tenant}/account/sign-in", content)).StatusCode;
    }

    [Fact]
    public async Task One_address_guessed_across_every_tenant_is_stopped_after_the_limit()
    {
        var client = app.Browser();
        var victim = $"victim.{Guid.NewGuid():N}@example.org";
        var statuses = new List<HttpStatusCode>();
        foreach (var tenant in Tenants.Concat(Tenants))
            statuses.Add(await TryAsync(client, tenant, statuses.Count % 2 == 0 ? victim : $"  {victim.ToUpperInvariant()} "));
        Assert.Equal(PerAddressLimitFactory.PerAddress, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.All(statuses.Skip(PerAddressLimitFactory.PerAddress), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        // The forgotten-password page and the operator's sign-in count the same address.
        using var forgot = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = victim });
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/ascent/account/forgot-password", forgot)).StatusCode);
        // Someone else, from the same client, in the same tenants, is not held up.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TryAsync(client, "ascent", $"other.{Guid.NewGuid():N}@example.org"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ascent/account/sign-in")).StatusCode);
    }
}
