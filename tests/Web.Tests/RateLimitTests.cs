using System.Net;

namespace SupervisionHub.Web.Tests;

/// <summary>The service with tight rate limits, to see them bite.</summary>
public sealed class TightLimitsFactory : AppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["RateLimits:SignInPerMinute"] = "5";
            return s;
        }
    }
}

/// <summary>Guessing passwords is slowed per client address and tenant, and one tenant's limit does not lock out another's.</summary>
public sealed class RateLimitTests(TightLimitsFactory app) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task Guessing_passwords_is_refused_after_the_limit_in_that_tenant_only()
    {
        var client = app.Browser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await client.PostAsync("/ascent/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = "lead@ascent.example", ["Input.Password"] = $"wrong-{i}",
            }))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 3, string.Join(", ", statuses));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/mse-icb/account/sign-in")).StatusCode);
    }
}
