using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace SupervisionHub.Web.Tenancy;

/// <summary>A logo that passed <see cref="LogoRules.Check"/>: its bytes, what they are, and their hash (ETag and URL version).</summary>
public sealed record UploadedLogo(byte[] Bytes, string ContentType, string Hash)
{
    public string Extension => ContentType switch { "image/png" => "png", "image/jpeg" => "jpg", _ => "svg" };
}

/// <summary>
/// What an organisation's logo may be (docs/adr/0015-tenant-logo.md): a PNG, JPEG or SVG of at most
/// <see cref="MaxBytes"/>, recognised by its content, not its name. An SVG may contain no script, event
/// handler, animation of a handler or a link, javascript: link, embedded document, external reference or
/// CSS import (CSS escapes decoded first); it is also served under a policy that runs nothing, so this
/// check is the second lock, not the only one. One place for the rule: the settings page and a
/// configuration import both call it.
/// </summary>
public static partial class LogoRules
{
    public const int MaxBytes = 512 * 1024;
    public const string Accept = ".png,.jpg,.jpeg,.svg,image/png,image/jpeg,image/svg+xml";
    public const string WrongType = "The logo must be a PNG, JPEG or SVG image.";

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];

    /// <summary>The logo, or a message saying plainly what is wrong with it.</summary>
    public static (UploadedLogo? Logo, string? Error) Check(byte[] bytes)
    {
        if (bytes.Length == 0) return (null, "The selected file is empty.");
        if (bytes.Length > MaxBytes) return (null, $"The logo must be smaller than {MaxBytes / 1024} KB; this file is {(bytes.Length + 1023) / 1024} KB.");
        string? type = bytes.AsSpan().StartsWith(Png) ? "image/png" : bytes.AsSpan().StartsWith(Jpeg) ? "image/jpeg" : null;
        if (type is null)
        {
            if (SvgProblem(bytes) is not { } problem) type = "image/svg+xml";
            else return (null, problem);
        }
        return (new UploadedLogo(bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))), null);
    }

    private const string ImportRefused = "The SVG imports an outside stylesheet; a logo must be self-contained.";

    /// <summary>Null for a safe SVG; otherwise why not (not an SVG at all gives the wrong-type message).</summary>
    private static string? SvgProblem(byte[] bytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, // no entities: no billion laughs, no external files
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        var sawRoot = false;
        var styleDepth = -1; // inside a <style> element: its text is CSS
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            while (reader.Read())
            {
                if (styleDepth >= 0 && reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                {
                    if (CssProblem(reader.Value) is { } css) return css;
                    continue;
                }
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == styleDepth) styleDepth = -1;
                if (reader.NodeType != XmlNodeType.Element) continue;
                var name = reader.LocalName.ToLowerInvariant();
                if (!sawRoot)
                {
                    if (name != "svg") return WrongType;
                    sawRoot = true;
                }
                if (name is "script" or "foreignobject" or "iframe" or "embed" or "object" or "handler" or "listener")
                    return $"The SVG contains a <{reader.LocalName}> element; a logo may not contain script or embedded documents. Export it again as a plain image.";
                if (name == "style" && !reader.IsEmptyElement) styleDepth = reader.Depth;
                if (!reader.MoveToFirstAttribute()) continue;
                do
                {
                    var attr = reader.LocalName.ToLowerInvariant();
                    var value = Squeeze(reader.Value);
                    if (attr.StartsWith("on", StringComparison.Ordinal))
                        return $"The SVG has an event handler ({reader.LocalName}); a logo may not contain script. Export it again as a plain image.";
                    // <set attributeName="onmouseover" to="..."> or <animate attributeName="href" ...> writes a
                    // handler or a link after the checks above have passed: refused on any element that animates.
                    if (attr == "attributename" && value[(value.LastIndexOf(':') + 1)..] is var target
                        && (target.StartsWith("on", StringComparison.Ordinal) || target == "href"))
                        return $"The SVG animates {(target == "href" ? "a link" : "an event handler")} ({reader.Value.Trim()}); a logo may not contain script or links. Export it again as a plain image.";
                    if (attr == "href" && !value.StartsWith('#') && !value.StartsWith("data:image/png", StringComparison.Ordinal) && !value.StartsWith("data:image/jpeg", StringComparison.Ordinal))
                        return "The SVG links to another file or a script; a logo must be self-contained. Export it again as a plain image.";
                    if (value.Contains("javascript:", StringComparison.Ordinal))
                        return "The SVG refers to a script or an outside file; a logo must be self-contained. Export it again as a plain image.";
                    // Attribute values are CSS too (style, and presentation attributes such as fill).
                    if (CssProblem(reader.Value) is { } css) return css;
                } while (reader.MoveToNextAttribute());
            }
        }
        catch (XmlException)
        {
            return sawRoot ? "The SVG is not well-formed XML (or declares a DTD, which is not allowed)." : WrongType;
        }
        // Belt and braces: the raw text too, wherever a stylesheet might hide.
        if (sawRoot && Encoding.UTF8.GetString(bytes).Contains("@import", StringComparison.OrdinalIgnoreCase)) return ImportRefused;
        return sawRoot ? null : WrongType;
    }

    /// <summary>
    /// CSS that could reach outside the logo: an @import, or a url() that is not a fragment (#id), or
    /// script. Checked after CSS escapes are decoded (<c>@\69mport</c> is <c>@import</c>) and comments
    /// removed, on the text XML has already decoded (<c>&amp;#64;import</c> too).
    /// </summary>
    internal static string? CssProblem(string css)
    {
        if (css.Length == 0) return null;
        var text = Squeeze(DecodeCssEscapes(CssComment().Replace(css, "")));
        if (text.Contains("@import", StringComparison.Ordinal)) return ImportRefused;
        if (text.Contains("javascript:", StringComparison.Ordinal) || text.Contains("expression(", StringComparison.Ordinal))
            return "The SVG refers to a script or an outside file; a logo must be self-contained. Export it again as a plain image.";
        for (var at = text.IndexOf("url(", StringComparison.Ordinal); at >= 0; at = text.IndexOf("url(", at + 4, StringComparison.Ordinal))
        {
            var rest = text[(at + 4)..].TrimStart('"', '\'');
            if (!rest.StartsWith('#') && !rest.StartsWith("data:image/png", StringComparison.Ordinal) && !rest.StartsWith("data:image/jpeg", StringComparison.Ordinal))
                return "The SVG refers to a script or an outside file; a logo must be self-contained. Export it again as a plain image.";
        }
        return null;
    }

    /// <summary>CSS escapes (CSS Syntax 3, 4.3.7): a backslash and 1-6 hex digits (and one following space), or a backslash and any other character.</summary>
    internal static string DecodeCssEscapes(string css)
    {
        if (!css.Contains('\\', StringComparison.Ordinal)) return css;
        var sb = new StringBuilder(css.Length);
        for (var i = 0; i < css.Length; i++)
        {
            if (css[i] != '\\' || i + 1 >= css.Length) { sb.Append(css[i]); continue; }
            var j = i + 1;
            while (j < css.Length && j - i <= 6 && char.IsAsciiHexDigit(css[j])) j++;
            if (j == i + 1)
            {
                if (css[j] is not ('\n' or '\r' or '\f')) sb.Append(css[j]); // an escaped newline is nothing
                i = j;
                continue;
            }
            var code = int.Parse(css.AsSpan(i + 1, j - i - 1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            sb.Append(code is 0 or > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF ? "\uFFFD" : char.ConvertFromUtf32(code));
            if (j < css.Length && char.IsWhiteSpace(css[j])) j++;
            i = j - 1;
        }
        return sb.ToString();
    }

    /// <summary>Lower case without white space or control characters, so "java script :" or "@IMPORT" cannot slip past.</summary>
    private static string Squeeze(string value) =>
        new string(value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();

    [System.Text.RegularExpressions.GeneratedRegex(@"/\*.*?(\*/|$)", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex CssComment();
}
