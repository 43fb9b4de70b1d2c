using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>Tight limits behind a trusted proxy at 127.0.0.1 (and the test server's own, address-less connection).</summary>
public sealed class BehindProxyFactory : AppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["RateLimits:SignInPerMinute"] = "5";
            s["ReverseProxy:KnownNetworks:0"] = "127.0.0.0/8";
            return s;
        }
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The in-memory test server gives no client address; a real proxy's connection comes from 127.0.0.1.
        builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new FromLoopback()));
    }

    private sealed class FromLoopback : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use((ctx, go) => { ctx.Connection.RemoteIpAddress ??= IPAddress.Loopback; return go(ctx); });
            next(app);
        };
    }
}

/// <summary>Behind the organisation's load balancer the limits count each client, not the balancer.</summary>
public sealed class ProxyRateLimitTests(BehindProxyFactory app) : IClassFixture<BehindProxyFactory>
{
    private static async Task<HttpStatusCode> GuessAsync(HttpClient client, string from, int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ascent/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "lead@ascent.example", ["Input.Password"] = $"wrong-{i}" }),
        };
        request.Headers.Add("X-Forwarded-For", from);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task One_client_behind_the_proxy_is_limited_without_locking_out_the_next()
    {
        var client = app.Browser();
        var guesser = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) guesser.Add(await GuessAsync(client, "203.0.113.7", i));
        Assert.Equal(HttpStatusCode.TooManyRequests, guesser[^1]);
        // A colleague in the same organisation, a different address behind the same proxy, is not throttled.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await GuessAsync(client, "203.0.113.8", 0));
    }
}

/// <summary>Without a trusted proxy configured, a forged X-Forwarded-For changes nothing.</summary>
public sealed class ForgedForwardingTests(TightLimitsFactory app) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task A_guesser_cannot_dodge_the_limit_by_rotating_X_Forwarded_For()
    {
        var client = app.Browser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/river-tees/account/sign-in")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "lead@river-tees.example", ["Input.Password"] = $"wrong-{i}" }),
            };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
