using System.Text;

namespace SupervisionHub.Web.Staff;

/// <summary>
/// A small RFC 4180 reader and writer: quoted fields, doubled quotes, commas and line breaks inside
/// quotes. Rows carry their 1-based line number as a spreadsheet shows it, so errors can name them.
/// </summary>
public static class Csv
{
    public sealed record Row(int Number, IReadOnlyList<string> Fields);

    /// <summary>A file past a limit of <see cref="Read"/>, at the spreadsheet row where it went over.</summary>
    public sealed class LimitException(int row, string message) : Exception(message)
    {
        public int Row { get; } = row;
    }

    /// <summary>
    /// The rows of <paramref name="text"/>. An uploaded file is read with limits on rows and on each
    /// field's length (an unclosed quote would otherwise make the rest of a 5 MB file one field), and
    /// stops with a <see cref="LimitException"/> at the first row past one.
    /// </summary>
    public static IReadOnlyList<Row> Read(string text, int maxRows = int.MaxValue, int maxFieldChars = int.MaxValue)
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
            if (rows.Count > maxRows) throw new LimitException(rowStart, $"the file has more than {maxRows:N0} rows; import it in parts.");
        }

        for (; i < text.Length; i++)
        {
            if (field.Length > maxFieldChars)
                throw new LimitException(rowStart, $"a value is longer than {maxFieldChars:N0} characters{(inQuotes ? " (is a quote \" left open?)" : "")}.");
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
