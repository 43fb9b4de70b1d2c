using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using SupervisionHub.Forms.ChildFile;

namespace SupervisionHub.Web.Records.ChildFile;

/// <summary>
/// Draws a <see cref="ChildFileSummary"/> as an A4 PDF with PDFsharp (ADR 0034): one case a page
/// or more, headed with its case reference, long text wrapped, the record id in each footer. The
/// PDF says what the text block says, line for line, so the two outputs never differ.
/// </summary>
public static class ChildFilePdf
{
    private const double Margin = 56, BodySize = 10.5, LabelGap = 3, ParagraphGap = 9;

    public static byte[] Write(ChildFileSummary summary)
    {
        EmbeddedFonts.Install();
        using var document = new PdfDocument();
        // The document's own title is the form's: a file's properties are shown in places its content is not.
        document.Info.Title = $"{summary.FormTitle}: for the child's file";
        document.Info.Creator = "SupervisionHub";
        // Unicode (not WinAnsi) encoding: names and places in Welsh and other languages (Llŷr, Siân) come out as typed.
        var unicode = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var heading = new XFont(EmbeddedFonts.Family, 15, XFontStyleEx.Bold, unicode);
        var label = new XFont(EmbeddedFonts.Family, BodySize, XFontStyleEx.Bold, unicode);
        var body = new XFont(EmbeddedFonts.Family, BodySize, XFontStyleEx.Regular, unicode);
        var small = new XFont(EmbeddedFonts.Family, 8.5, XFontStyleEx.Regular, unicode);

        foreach (var c in summary.Cases)
        {
            var page = new Page(document, summary, small);
            page.Line($"Case reference: {c.CaseReference}", heading);
            page.Gap(4);
            page.Line($"Supervision date: {c.Date}", body);
            page.Paragraph($"From: {summary.FormTitle} (SupervisionHub record {summary.RecordId})", body);
            page.Gap(ParagraphGap);
            page.Line("Case decisions and actions", label);
            page.Gap(ParagraphGap);
            if (c.Items.Count == 0) page.Paragraph("(Nothing was recorded.)", body);
            foreach (var item in c.Items)
            {
                page.Paragraph(item.Heading, label);
                page.Gap(LabelGap);
                page.Paragraph(item.Text, body);
                page.Gap(ParagraphGap);
            }
            page.Paragraph($"Recorded by: {summary.RecordedBy}", body);
            page.Close();
        }
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>The page being written, and the pages after it when the text runs on.</summary>
    private sealed class Page(PdfDocument document, ChildFileSummary summary, XFont footer)
    {
        private PdfPage? _page;
        private XGraphics? _gfx;
        private double _y;

        private XGraphics Gfx
        {
            get
            {
                if (_gfx is null) Start();
                return _gfx!;
            }
        }

        private double Width => _page!.Width.Point - 2 * Margin;
        private double Bottom => _page!.Height.Point - Margin - 16;

        private void Start()
        {
            _page = document.AddPage();
            _page.Size = PdfSharp.PageSize.A4;
            _gfx = XGraphics.FromPdfPage(_page);
            _y = Margin;
            _gfx.DrawString($"For the child's file. SupervisionHub record {summary.RecordId}, page {document.PageCount}", footer, XBrushes.DimGray,
                new XPoint(Margin, _page.Height.Point - Margin + 8), XStringFormats.BaseLineLeft);
        }

        public void Gap(double points) => _y += points;

        public void Line(string text, XFont font)
        {
            var height = font.GetHeight();
            if (_gfx is not null && _y + height > Bottom) Close();
            var gfx = Gfx;
            gfx.DrawString(text, font, XBrushes.Black, new XRect(Margin, _y, Width, height), XStringFormats.TopLeft);
            _y += height;
        }

        /// <summary>Text wrapped to the page width at spaces (inside a word when one word is wider than the page), keeping its own line breaks.</summary>
        public void Paragraph(string text, XFont font)
        {
            // Measured in full first: drawing may close this page's graphics and start the next.
            var gfx = Gfx;
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').SelectMany(line => Wrap(gfx, line, font, Width)).ToList();
            foreach (var wrapped in lines) Line(wrapped, font);
        }

        public void Close()
        {
            _gfx?.Dispose();
            _gfx = null;
        }
    }

    internal static IEnumerable<string> Wrap(XGraphics gfx, string line, XFont font, double width)
    {
        if (line.Length == 0) { yield return ""; yield break; }
        var current = "";
        foreach (var word in line.Split(' '))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (gfx.MeasureString(candidate, font).Width <= width) { current = candidate; continue; }
            if (current.Length > 0) yield return current;
            current = word;
            // One word wider than the page (a link, a long reference): break it where it must.
            while (gfx.MeasureString(current, font).Width > width && current.Length > 1)
            {
                var fit = current.Length - 1;
                while (fit > 1 && gfx.MeasureString(current[..fit], font).Width > width) fit--;
                yield return current[..fit];
                current = current[fit..];
            }
        }
        yield return current;
    }
}

/// <summary>
/// PDFsharp draws with the fonts it is given, and a Linux server may have none: the service ships
/// DejaVu Sans (regular and bold; Bitstream Vera licence, Fonts/LICENSE-DejaVu.txt) inside its
/// assembly, so the PDF looks the same on every machine and covers Welsh and other accented names.
/// PDFsharp's resolver is process-wide, so it is installed once, however many apps a process hosts.
/// </summary>
internal sealed class EmbeddedFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            GlobalFontSettings.FontResolver ??= new EmbeddedFonts();
            _installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream($"SupervisionHub.Web.Records.ChildFile.Fonts.{faceName}.ttf");
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
