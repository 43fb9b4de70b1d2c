using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Markdown;

namespace SupervisionHub.Forms.Tests;

/// <summary>
/// Markdown a tenant writes (guidance, help) nested past Markdig's depth limit: Markdig throws, which on
/// a form's page was a 500 for everyone who opened it. The loader now reports it at its line, and the
/// renderer shows such text plainly instead of failing.
/// </summary>
public sealed class MarkdownLimitsTests
{
    private static readonly string Deep = new string('>', 5_000) + " quoted";

    [Fact]
    public void Markdown_nested_too_deeply_is_shown_as_plain_text_not_an_exception()
    {
        var html = SafeMarkdown.ToHtml(Deep);
        Assert.StartsWith("<p>&gt;&gt;&gt;", html);
        Assert.NotNull(SafeMarkdown.Problem(Deep));
        Assert.Null(SafeMarkdown.Problem("Some **bold** guidance\n\n- a list\n  - nested once"));
    }

    [Fact]
    public void A_form_whose_guidance_is_nested_too_deeply_is_an_error_at_its_line()
    {
        var yaml = $"""
            id: x
            title: X
            sections:
              - id: main
                title: Main
                fields:
                  - id: read-me
                    type: guidance
                    label: Read this
                    markdown: "{Deep}"
            """;
        var result = FormLoader.Load(yaml, "x.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Equal(10, error.Line);
        Assert.Contains("nested too deeply to show", error.Message);
    }
}
