using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace SupervisionHub.Web.Tests.ChildFile;

/// <summary>
/// The text of a PDF, read back with PDFsharp: each page's content stream, its glyph strings mapped
/// through the ToUnicode table of the font in use. Enough for the PDFs this service draws (one
/// string per line, Identity-H fonts), so a test reads what a person would see.
/// </summary>
public static partial class PdfText
{
    public static (int Pages, string Text) Read(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var text = new StringBuilder();
        foreach (var page in document.Pages)
        {
            var maps = new Dictionary<string, Dictionary<int, string>>();
            var fonts = page.Resources.Elements.GetDictionary("/Font");
            foreach (var name in fonts?.Elements.Keys ?? [])
            {
                var font = fonts!.Elements.GetDictionary(name);
                var cmap = font?.Elements.GetDictionary("/ToUnicode")?.Stream?.UnfilteredValue;
                maps[name] = cmap is null ? [] : ToUnicode(Encoding.ASCII.GetString(cmap));
            }
            var content = Encoding.ASCII.GetString(page.Contents.CreateSingleContent().Stream.UnfilteredValue);
            var current = new Dictionary<int, string>();
            foreach (Match m in Operators().Matches(content))
            {
                if (m.Groups["font"].Success) { current = maps.GetValueOrDefault(m.Groups["font"].Value) ?? []; continue; }
                var hex = string.Concat(m.Groups["hex"].Value.Where(char.IsAsciiHexDigit)); // long strings are written over several lines
                for (var i = 0; i + 4 <= hex.Length; i += 4)
                    text.Append(current.GetValueOrDefault(int.Parse(hex.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture), "?"));
                text.Append('\n');
            }
        }
        return (document.PageCount, text.ToString());
    }

    private static Dictionary<int, string> ToUnicode(string cmap)
    {
        var map = new Dictionary<int, string>();
        var end = cmap.IndexOf("endcodespacerange", StringComparison.Ordinal);
        if (end >= 0) cmap = cmap[(end + "endcodespacerange".Length)..]; // its pair is the code range, not a mapping
        foreach (Match m in Range().Matches(cmap))
        {
            var (from, to, first) = (Hex(m.Groups[1].Value), Hex(m.Groups[2].Value), Hex(m.Groups[3].Value));
            for (var g = from; g <= to; g++) map[g] = char.ConvertFromUtf32(first + g - from);
        }
        foreach (Match m in Char().Matches(cmap)) map[Hex(m.Groups[1].Value)] = char.ConvertFromUtf32(Hex(m.Groups[2].Value));
        return map;
    }

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<font>/[A-Za-z0-9]+)\s+[\d.]+\s+Tf|<(?<hex>[0-9A-Fa-f\s]*)>\s*Tj")]
    private static partial Regex Operators();

    [GeneratedRegex(@"<([0-9A-Fa-f]{4})>[ \t]*<([0-9A-Fa-f]{4})>[ \t]*<([0-9A-Fa-f]{4,8})>")]
    private static partial Regex Range();

    [GeneratedRegex(@"^<([0-9A-Fa-f]{4})>[ \t]*<([0-9A-Fa-f]{4,8})>[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Char();
}
