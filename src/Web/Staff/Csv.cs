using System.Text;

namespace SupervisionHub.Web.Staff;

/// <summary>
/// A small RFC 4180 reader and writer: quoted fields, doubled quotes, commas and line breaks inside
/// quotes. Rows carry their 1-based line number as a spreadsheet shows it, so errors can name them.
/// </summary>
public static class Csv
{
    public sealed record Row(int Number, IReadOnlyList<string> Fields);

    public static IReadOnlyList<Row> Read(string text)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var rowStart = 1;
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1; // Excel's byte-order mark

        void EndField() { fields.Add(field.ToString()); field.Clear(); }
        void EndRow()
        {
            EndField();
            if (!(fields.Count == 1 && fields[0].Length == 0)) rows.Add(new Row(rowStart, fields.ToArray()));
            fields.Clear();
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') inQuotes = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: inQuotes = true; break;
                case ',': EndField(); break;
                case '\r': break;
                case '\n': EndRow(); line++; rowStart = line; break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || fields.Count > 0) EndRow();
        return rows;
    }

    public static string Line(IEnumerable<string?> values) => string.Join(',', values.Select(Quote));

    private static string Quote(string? v)
    {
        v ??= "";
        // A leading = + - @ (or a tab or carriage return before one) would run as a formula when the
        // file is opened in a spreadsheet (OWASP "CSV injection").
        if (v.Length > 0 && "=+-@\t\r".Contains(v[0], StringComparison.Ordinal)) v = "'" + v;
        return v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }
}
