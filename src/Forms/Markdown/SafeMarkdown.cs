using Ganss.Xss;
using Markdig;

namespace SupervisionHub.Forms.Markdown;

/// <summary>
/// Markdown written by tenant admins (guidance, help text, email bodies) rendered to HTML that
/// is safe to show: Markdig renders, then an allow-list sanitizer removes script, event handlers,
/// and javascript: or data: links. Raw HTML in the source is not trusted.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseEmphasisExtras()
        .UseListExtras()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Clear();
        foreach (var scheme in new[] { "https", "http", "mailto", "tel" }) s.AllowedSchemes.Add(scheme);
        s.AllowedAttributes.Remove("style");
        s.AllowedTags.Remove("img"); // images would load from anywhere and track readers
        s.AllowedTags.Remove("form");
        s.AllowedTags.Remove("input");
        s.AllowedTags.Remove("button");
        return s;
    }

    // Markdig refuses text nested past its depth limit (lists, quotes, emphasis or links inside each
    // other) with an ArgumentException; on a page that would be a 500 for everyone who opens the form.
    private const string TooDeep = "This Markdown is nested too deeply to show (lists, quotes, emphasis or links inside each other).";

    /// <summary>The HTML to show; text that Markdig cannot render is shown as plain, encoded text rather than failing the page.</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        try
        {
            return Sanitizer.Sanitize(Markdig.Markdown.ToHtml(markdown, Pipeline));
        }
        catch (ArgumentException)
        {
            return "<p>" + System.Net.WebUtility.HtmlEncode(markdown) + "</p>";
        }
    }

    /// <summary>Why the text cannot be rendered as Markdown, or null: the form loader reports it at its line.</summary>
    public static string? Problem(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return null;
        try
        {
            _ = Markdig.Markdown.Parse(markdown, Pipeline);
            return null;
        }
        catch (ArgumentException)
        {
            return TooDeep;
        }
    }

    public static string ToPlainText(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        try
        {
            return Markdig.Markdown.ToPlainText(markdown, Pipeline).Trim();
        }
        catch (ArgumentException)
        {
            return markdown.Trim();
        }
    }
}
