using System.Globalization;
using System.Text;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Reports;

/// <summary>
/// What every report kind produces: headline figures and tables of text cells, so one page
/// renders any report, one CSV writer exports it, and the print view is the same page.
/// </summary>
public sealed record ReportTable(string Id, string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null)
{
    /// <summary>Optional link per row (the record a sampled row stands for); same length as Rows when set.</summary>
    public IReadOnlyList<string?>? Links { get; init; }

    /// <summary>Columns from this index on are numbers (right-aligned).</summary>
    public int NumericFrom { get; init; } = 1;
}

public sealed record ReportOutput(
    ReportSettings Report,
    ReportPeriod Period,
    IReadOnlyList<(string Label, string Value)> Headlines,
    IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<string> Notes)
{
    /// <summary>Every table one after another, each headed by its caption, with the report and period first; cells a spreadsheet would run are guarded by Csv.Line.</summary>
    public string ToCsv(string tenantName, string? audience)
    {
        var sb = new StringBuilder();
        void Line(params string?[] values) => sb.Append(Csv.Line(values)).Append("\r\n");
        Line(Report.Title);
        Line(tenantName);
        if (audience is not null) Line("For", audience);
        Line("Period", Period.Label, Period.Range);
        foreach (var (label, value) in Headlines) Line(label, value);
        foreach (var t in Tables)
        {
            sb.Append("\r\n");
            Line(t.Caption);
            Line([.. t.Headers]);
            foreach (var row in t.Rows) Line([.. row]);
            if (t.Note is not null) Line(t.Note);
        }
        if (Notes.Count > 0) sb.Append("\r\n");
        foreach (var n in Notes) Line(n);
        return sb.ToString();
    }
}

internal static class Fmt
{
    public static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
    public static string Mean(double? m) => m is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "–";
    public static string Percent(int part, int whole) => whole == 0 ? "–" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
