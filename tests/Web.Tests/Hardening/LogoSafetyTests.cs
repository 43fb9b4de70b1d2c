using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>
/// Issue 15 item 8: SVG logos that animate an event handler or a link into place, or import a
/// stylesheet (plainly, through CSS escapes, or through XML character references), are refused at
/// upload over HTTP, and nothing is stored; harmless animation and styles are still taken.
/// </summary>
public sealed class LogoSafetyTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "mse-icb";
    private const string Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">";

    private async Task<HttpClient> AdminAsync()
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"admin@{T}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private static async Task<(HttpStatusCode Status, string Html)> UploadAsync(HttpClient client, string svg)
    {
        var token = await client.AntiforgeryToken($"/{T}/admin/settings");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(svg));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/svg+xml");
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Logo", "logo.svg" } };
        var response = await client.PostAsync($"/{T}/admin/settings?handler=Logo", form);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private Task<string?> StoredHashAsync() =>
        app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Identifier == T).Select(t => t.LogoHash).SingleAsync());

    [Theory]
    [InlineData("<rect width=\"10\" height=\"10\"><set attributeName=\"onmouseover\" to=\"alert(1)\"/></rect>", "event handler")]
    [InlineData("<rect width=\"10\" height=\"10\"><set attributeName=\" OnClick \" to=\"alert(1)\"/></rect>", "event handler")]
    [InlineData("<rect width=\"10\" height=\"10\"><animate attributeName=\"onload\" values=\"alert(1)\"/></rect>", "event handler")]
    [InlineData("<a><animate attributeName=\"href\" values=\"data:text/html,x\"/><rect width=\"10\" height=\"10\"/></a>", "a link")]
    [InlineData("<a><set attributeName=\"xlink:href\" to=\"https://evil.example/\"/><rect width=\"10\" height=\"10\"/></a>", "a link")]
    [InlineData("<style>@import url(https://evil.example/x.css);</style>", "imports an outside stylesheet")]
    [InlineData("<style>@\\69mport 'https://evil.example/x.css';</style>", "imports an outside stylesheet")]
    [InlineData("<style>@\\000069 mport 'https://evil.example/x.css';</style>", "imports an outside stylesheet")]
    [InlineData("<style>@\\import 'https://evil.example/x.css';</style>", "imports an outside stylesheet")]
    [InlineData("<style>&#64;import 'https://evil.example/x.css';</style>", "imports an outside stylesheet")]
    [InlineData("<style><![CDATA[@IMPORT 'https://evil.example/x.css';]]></style>", "imports an outside stylesheet")]
    [InlineData("<style>rect { fill: u\\72l(https://evil.example/p.svg#x) }</style>", "outside file")]
    [InlineData("<rect width=\"10\" height=\"10\" fill=\"url(https://evil.example/p.svg#x)\"/>", "outside file")]
    public async Task A_hostile_svg_is_refused_and_nothing_is_stored(string body, string reason)
    {
        var admin = await AdminAsync();
        var before = await StoredHashAsync();
        var (status, html) = await UploadAsync(admin, Svg + body + "</svg>");
        Assert.Equal(HttpStatusCode.OK, status); // the page again, with the error
        Assert.Contains(reason, html);
        Assert.Contains("href=\"#Logo\"", html);
        Assert.Equal(before, await StoredHashAsync());
    }

    [Fact]
    public async Task Harmless_animation_styles_and_gradients_are_still_taken()
    {
        var admin = await AdminAsync();
        var svg = Svg + "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#123\"/></linearGradient></defs>"
                      + "<style>.a { fill: url(#g); } /* brand */</style>"
                      + "<rect class=\"a\" width=\"10\" height=\"10\" style=\"stroke: url('#g')\"><animate attributeName=\"opacity\" values=\"1;0.5;1\" dur=\"2s\"/></rect></svg>";
        var (status, html) = await UploadAsync(admin, svg);
        Assert.True(status == HttpStatusCode.Redirect, html);
        Assert.NotNull(await StoredHashAsync());
        await admin.PostForm($"/{T}/admin/settings?handler=RemoveLogo", new Dictionary<string, string>(), $"/{T}/admin/settings");
    }
}
