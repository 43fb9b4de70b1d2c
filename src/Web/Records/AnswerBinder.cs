using System.Globalization;
using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Web.Records;

/// <summary>
/// Turns posted form fields into answers for one form version. Input names follow the renderer:
/// a.{id}, a.{id}.day/.month/.year, a.{id}.{statement}, a.{id}.comments, a.{id}[row].{column}.
/// Everything typed is kept, even when invalid, so the page can show it again; dates that are
/// not real dates are kept as typed parts and reported.
/// </summary>
public static class AnswerBinder
{
    public const string Prefix = "a.";

    public sealed record Bound(JsonObject Answers, IReadOnlyList<(string Path, string Message)> Problems);

    public static Bound Bind(FormDefinition form, IFormCollection posted, IReadOnlySet<string>? onlySections = null)
    {
        var answers = new JsonObject();
        var problems = new List<(string, string)>();
        foreach (var section in form.Sections.Where(s => onlySections is null || onlySections.Contains(s.Id)))
        {
            foreach (var f in section.Fields.Where(f => f.HoldsAnswer && f.Type != FieldType.Signature))
            {
                var name = Prefix + f.Id;
                switch (f.Type)
                {
                    case FieldType.MultiChoice:
                        var picked = posted[name].Where(v => !string.IsNullOrEmpty(v)).Select(v => (JsonNode)v!).ToArray();
                        if (picked.Length > 0) answers[f.Id] = new JsonArray(picked);
                        break;
                    case FieldType.RatingMatrix:
                        var ratings = new JsonObject();
                        foreach (var s in f.Statements)
                            if (posted[$"{name}.{s.Id}"].ToString() is { Length: > 0 } v) ratings[s.Id] = v;
                        if (ratings.Count > 0) answers[f.Id] = ratings;
                        break;
                    case FieldType.Table:
                        var rows = new JsonArray();
                        var count = int.TryParse(posted[name + ".rows"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, 200) : 0;
                        for (var i = 0; i < count; i++)
                        {
                            var row = new JsonObject();
                            foreach (var c in f.Columns) BindSimple(c, $"{name}[{i}].{c.Id}", $"{f.Id}[{i}].{c.Id}", posted, row, c.Id, problems, f.RowName(i) + ": ");
                            rows.Add(row);
                        }
                        if (rows.Count > 0) answers[f.Id] = rows;
                        break;
                    default:
                        BindSimple(f, name, f.Id, posted, answers, f.Id, problems);
                        break;
                }
                if (f.Type == FieldType.YesNo && f.Comments && posted[name + ".comments"].ToString() is { Length: > 0 } comments)
                    answers[f.Id + ".comments"] = comments;
            }
        }
        return new(answers, problems);
    }

    private static void BindSimple(FieldDefinition f, string name, string path, IFormCollection posted, JsonObject into, string key, List<(string, string)> problems, string row = "")
    {
        if (f.Type == FieldType.Date)
        {
            string Part(string p) => posted[$"{name}.{p}"].ToString().Trim();
            var (day, month, year) = (Part("day"), Part("month"), Part("year"));
            if (day.Length + month.Length + year.Length == 0) return;
            if (int.TryParse(day, out var d) && int.TryParse(month, out var m) && int.TryParse(year, out var y)
                && y is >= 1900 and <= 2200 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
                into[key] = new DateOnly(y, m, d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            else
            {
                // Keep what was typed so it can be corrected, and say what is wrong.
                into[key] = new JsonObject { ["day"] = day, ["month"] = month, ["year"] = year };
                problems.Add((path, $"{row}'{f.Label}' must be a real date"));
            }
            return;
        }
        var value = posted[name].ToString();
        if (value.Length > 0) into[key] = f.Type is FieldType.Text or FieldType.CaseReference ? value.Trim() : value;
    }
}
