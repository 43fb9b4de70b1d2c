using System.Net;

namespace SupervisionHub.Web.Tests;

/// <summary>What a load balancer asks each node, and that the answer gives nothing away.</summary>
public sealed class HealthTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task A_running_node_is_live_and_ready_and_says_no_more(string path)
    {
        var response = await app.Browser().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
