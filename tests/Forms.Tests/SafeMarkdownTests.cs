using SupervisionHub.Forms.Markdown;

namespace SupervisionHub.Forms.Tests;

public sealed class SafeMarkdownTests
{
    [Fact]
    public void Renders_ordinary_markdown()
    {
        var html = SafeMarkdown.ToHtml("The **four functions** of supervision:\n\n- management\n- development");
        Assert.Contains("<strong>four functions</strong>", html);
        Assert.Contains("<li>management</li>", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<div onclick=\"alert(1)\">x</div>")]
    public void Script_in_markdown_is_inert(string markdown)
    {
        // Parsed as a browser would: inert means no script element, no event handler attribute,
        // and no link or source that runs code. Escaped text that merely shows the words is fine.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(SafeMarkdown.ToHtml(markdown));
        var elements = document.Body!.QuerySelectorAll("*");
        Assert.Empty(document.QuerySelectorAll("script, iframe, object, embed, img"));
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes).Where(a => a.Name is "href" or "src"),
            a => a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || a.Value.TrimStart().StartsWith("data:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Safe_links_survive()
    {
        var html = SafeMarkdown.ToHtml("[NSPCC](https://learning.nspcc.org.uk/)");
        Assert.Contains("href=\"https://learning.nspcc.org.uk/\"", html);
    }
}
