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
        var html = SafeMarkdown.ToHtml(markdown);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:text/html", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Safe_links_survive()
    {
        var html = SafeMarkdown.ToHtml("[NSPCC](https://learning.nspcc.org.uk/)");
        Assert.Contains("href=\"https://learning.nspcc.org.uk/\"", html);
    }
}
