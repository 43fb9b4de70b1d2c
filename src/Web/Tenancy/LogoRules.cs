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
/// handler, javascript: link, embedded document or external reference; it is also served under a policy
/// that runs nothing, so this check is the second lock, not the only one. One place for the rule: the
/// settings page and a configuration import both call it.
/// </summary>
public static class LogoRules
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
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                var name = reader.LocalName.ToLowerInvariant();
                if (!sawRoot)
                {
                    if (name != "svg") return WrongType;
                    sawRoot = true;
                }
                if (name is "script" or "foreignobject" or "iframe" or "embed" or "object" or "handler" or "listener")
                    return $"The SVG contains a <{reader.LocalName}> element; a logo may not contain script or embedded documents. Export it again as a plain image.";
                if (!reader.MoveToFirstAttribute()) continue;
                do
                {
                    var attr = reader.LocalName.ToLowerInvariant();
                    var value = new string(reader.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();
                    if (attr.StartsWith("on", StringComparison.Ordinal))
                        return $"The SVG has an event handler ({reader.LocalName}); a logo may not contain script. Export it again as a plain image.";
                    if (attr == "href" && !value.StartsWith('#') && !value.StartsWith("data:image/png", StringComparison.Ordinal) && !value.StartsWith("data:image/jpeg", StringComparison.Ordinal))
                        return "The SVG links to another file or a script; a logo must be self-contained. Export it again as a plain image.";
                    if (value.Contains("javascript:", StringComparison.Ordinal) || (attr == "style" && value.Contains("url(", StringComparison.Ordinal) && !value.Contains("url(#", StringComparison.Ordinal)))
                        return "The SVG refers to a script or an outside file; a logo must be self-contained. Export it again as a plain image.";
                } while (reader.MoveToNextAttribute());
            }
        }
        catch (XmlException)
        {
            return sawRoot ? "The SVG is not well-formed XML (or declares a DTD, which is not allowed)." : WrongType;
        }
        // <style> blocks can import outside files too.
        if (sawRoot && Encoding.UTF8.GetString(bytes).Contains("@import", StringComparison.OrdinalIgnoreCase))
            return "The SVG imports an outside stylesheet; a logo must be self-contained.";
        return sawRoot ? null : WrongType;
    }
}
