using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.Submissions;

/// <summary>A problem with one answer. Path is the field id, or id[row].column, or id.statement.</summary>
public sealed record AnswerError(string Path, string Message);

/// <summary>What a check needs to know beyond the answers themselves.</summary>
/// <param name="MemberId">The group member answering, for sections filled by each member; those sections are skipped without one.</param>
public sealed record ValidationContext(DateOnly Today, IReadOnlySet<Filler> FilledBy, bool Submitting, Func<string, bool>? PersonExists = null, string? MemberId = null)
{
    public static IReadOnlySet<Filler> Everyone { get; } = new HashSet<Filler>(Enum.GetValues<Filler>());
}

/// <summary>
/// Checks answers against the exact form version they belong to, on the server, whatever the
/// browser did. Only the sections the person fills are checked; hidden fields are neither
/// required nor kept. A draft is checked for shape but not for missing answers.
/// </summary>
public static class SubmissionValidator
{
    /// <summary>
    /// Answers to sections filled by each group member live under _members.{memberId}, one set per
    /// member. The underscore keeps it apart from field ids, which cannot start with one.
    /// </summary>
    public const string MembersKey = "_members";

    public static IReadOnlyList<AnswerError> Validate(FormDefinition form, JsonObject answers, ValidationContext ctx)
    {
        var errors = new List<AnswerError>();
        foreach (var section in form.Sections.Where(s => ctx.FilledBy.Contains(s.FilledBy) || s.FilledBy == Filler.Anyone))
        {
            var scope = answers;
            if (section.FilledBy == Filler.EachMember)
            {
                if (ctx.MemberId is null) continue;
                scope = ForMember(answers, ctx.MemberId);
            }
            foreach (var field in section.Fields.Where(f => f.HoldsAnswer && f.Type != FieldType.Signature))
            {
                if (!IsVisible(field, scope)) continue;
                CheckField(field, scope[field.Id], field.Id, ctx, errors, scope);
                if (field.Type == FieldType.YesNo && field.Comments && Text(scope[field.Id + ".comments"]) is { Length: > 10_000 })
                    errors.Add(new(field.Id + ".comments", "Comments must be 10,000 characters or fewer"));
            }
        }
        return errors;
    }

    /// <summary>The answers as one member sees them: the shared answers overlaid with their own.</summary>
    public static JsonObject ForMember(JsonObject answers, string memberId)
    {
        var view = answers.DeepClone().AsObject();
        view.Remove(MembersKey);
        if (answers[MembersKey]?[memberId] is JsonObject mine)
            foreach (var (key, value) in mine) view[key] = value?.DeepClone();
        return view;
    }

    /// <summary>Removes answers to fields the conditions hide, and to fields the form does not have.</summary>
    public static JsonObject Clean(FormDefinition form, JsonObject answers)
    {
        var memberFields = form.Sections.Where(s => s.FilledBy == Filler.EachMember).SelectMany(s => s.Fields).ToHashSet();
        var kept = Keep(form.Fields.Where(f => !memberFields.Contains(f)), answers, answers);
        if (answers[MembersKey] is JsonObject members && memberFields.Count > 0)
        {
            var keptMembers = new JsonObject();
            foreach (var (memberId, mine) in members)
                if (mine is JsonObject own) keptMembers[memberId] = Keep(memberFields, ForMember(answers, memberId), own);
            kept[MembersKey] = keptMembers;
        }
        return kept;
    }

    private static JsonObject Keep(IEnumerable<FieldDefinition> fields, JsonObject visibleIn, JsonObject from)
    {
        var kept = new JsonObject();
        foreach (var field in fields.Where(f => f.HoldsAnswer && f.Type != FieldType.Signature && IsVisible(f, visibleIn)))
        {
            if (field.Type == FieldType.Table && from[field.Id] is JsonArray rows) kept[field.Id] = KeepRows(field, rows, visibleIn);
            else if (from[field.Id] is { } value) kept[field.Id] = value.DeepClone();
            if (field.Comments && from[field.Id + ".comments"] is { } comments) kept[field.Id + ".comments"] = comments.DeepClone();
        }
        return kept;
    }

    /// <summary>Each row keeps the columns it shows, and nothing the table does not have: a hidden column's answer is not kept, per row.</summary>
    private static JsonArray KeepRows(FieldDefinition table, JsonArray rows, JsonObject scope)
    {
        var kept = new JsonArray();
        foreach (var row in rows)
        {
            if (row is not JsonObject cells) { kept.Add(row?.DeepClone()); continue; }
            var keptRow = new JsonObject();
            foreach (var column in table.Columns.Where(c => IsVisibleInRow(table, c, cells, scope)))
                if (cells[column.Id] is { } value) keptRow[column.Id] = value.DeepClone();
            kept.Add(keptRow);
        }
        return kept;
    }

    public static bool IsVisible(FieldDefinition field, JsonObject answers) =>
        field.ShowWhen is not { } c || Holds(c, answers[c.Field]);

    /// <summary>
    /// Whether a column shows in one row: its condition reads a sibling column of that row first,
    /// and an earlier question of the form (<paramref name="scope"/>) only when no column has that id.
    /// </summary>
    public static bool IsVisibleInRow(FieldDefinition table, FieldDefinition column, JsonObject? row, JsonObject scope) =>
        column.ShowWhen is not { } c || Holds(c, table.IsSibling(c.Field) ? row?[c.Field] : scope[c.Field]);

    private static bool Holds(Condition c, JsonNode? value)
    {
        if (c.NotEmpty) return !IsEmpty(value);
        var text = value is JsonValue v ? v.ToString() : null;
        if (c.EqualTo is not null) return text == c.EqualTo || (value is JsonArray a && a.Any(x => x?.ToString() == c.EqualTo));
        return c.In!.Contains(text) || (value is JsonArray arr && arr.Any(x => c.In!.Contains(x?.ToString())));
    }

    private static void CheckField(FieldDefinition f, JsonNode? value, string path, ValidationContext ctx, List<AnswerError> errors, JsonObject scope)
    {
        if (IsEmpty(value))
        {
            if (ctx.Submitting && (f.Required || (f.Type == FieldType.Table && f.MinRows > 0)))
                errors.Add(new(path, f.Type == FieldType.Table ? $"Add at least {Math.Max(1, f.MinRows ?? 1)} {(f.MinRows > 1 ? "rows" : "row")} to '{f.Label}'" : Missing(f)));
            return;
        }
        void Add(string message) => errors.Add(new(path, message));
        switch (f.Type)
        {
            case FieldType.Text or FieldType.LongText or FieldType.CaseReference:
                var text = Text(value);
                if (text is null) { Add($"'{f.Label}' must be text"); break; }
                if (text.Length > f.EffectiveMaxLength) Add($"'{f.Label}' must be {f.EffectiveMaxLength:N0} characters or fewer");
                else if (f.Pattern is { } p && !Regex.IsMatch(text, p, RegexOptions.None, TimeSpan.FromMilliseconds(100))) Add(f.PatternMessage ?? $"'{f.Label}' is not in the right format");
                break;
            case FieldType.Number:
                if (!TryNumber(value, out var n)) { Add($"'{f.Label}' must be a number"); break; }
                if (f.WholeNumber && n != decimal.Truncate(n)) Add($"'{f.Label}' must be a whole number");
                else if (f.Min is { } min && n < min) Add($"'{f.Label}' must be {min} or more");
                else if (f.Max is { } max && n > max) Add($"'{f.Label}' must be {max} or less");
                break;
            case FieldType.Date:
                if (!DateOnly.TryParseExact(Text(value), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { Add($"'{f.Label}' must be a real date"); break; }
                if (f.DateMin is { } dmin && d < Resolve(dmin, ctx.Today)) Add($"'{f.Label}' must be on or after {Resolve(dmin, ctx.Today):d MMMM yyyy}");
                else if (f.DateMax is { } dmax && d > Resolve(dmax, ctx.Today)) Add($"'{f.Label}' must be on or before {Resolve(dmax, ctx.Today):d MMMM yyyy}");
                break;
            case FieldType.Time:
                if (!TimeOnly.TryParseExact(Text(value), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) Add($"'{f.Label}' must be a time like 14:30");
                break;
            case FieldType.YesNo:
                if (Text(value) is not ("yes" or "no")) Add($"Select yes or no for '{f.Label}'");
                break;
            case FieldType.Choice:
                if (f.Options.All(o => o.Value != Text(value))) Add($"Select one of the options for '{f.Label}'");
                break;
            case FieldType.MultiChoice:
                if (value is not JsonArray picked || picked.Any(x => f.Options.All(o => o.Value != x?.ToString()))) { Add($"Select from the options for '{f.Label}'"); break; }
                if (f.MinSelected is { } least && picked.Count < least) Add($"Select at least {least} for '{f.Label}'");
                else if (f.MaxSelected is { } most && picked.Count > most) Add($"Select no more than {most} for '{f.Label}'");
                break;
            case FieldType.Rating:
                if (!TryNumber(value, out var r) || r < f.Scale!.Min || r > f.Scale.Max || r != decimal.Truncate(r)) Add($"Choose a rating from {f.Scale!.Min} to {f.Scale.Max} for '{f.Label}'");
                break;
            case FieldType.RatingMatrix:
                if (value is not JsonObject ratings) { Add($"Rate each statement in '{f.Label}'"); break; }
                foreach (var s in f.Statements)
                {
                    var rated = ratings[s.Id];
                    if (IsEmpty(rated)) { if (ctx.Submitting && f.Required) errors.Add(new($"{path}.{s.Id}", $"Choose a rating for '{s.Text}'")); }
                    else if (!TryNumber(rated, out var sr) || sr < f.Scale!.Min || sr > f.Scale.Max) errors.Add(new($"{path}.{s.Id}", $"Choose a rating from {f.Scale!.Min} to {f.Scale.Max} for '{s.Text}'"));
                }
                break;
            case FieldType.Person:
                if (Text(value) is not { } id || (ctx.PersonExists is { } exists && !exists(id))) Add($"Choose a person from the list for '{f.Label}'");
                break;
            case FieldType.Table:
                if (value is not JsonArray rows) { Add($"'{f.Label}' must be a table of rows"); break; }
                if (ctx.Submitting && f.MinRows is { } minRows && rows.Count < minRows) Add($"Add at least {minRows} {(minRows == 1 ? "row" : "rows")} to '{f.Label}'");
                if (f.MaxRows is { } maxRows && rows.Count > maxRows) Add($"'{f.Label}' can have at most {maxRows} rows");
                for (var i = 0; i < rows.Count; i++)
                {
                    if (rows[i] is not JsonObject row) { errors.Add(new($"{path}[{i}]", $"{f.RowName(i)} is not a row")); continue; }
                    // Each message starts with the row it is about, so two bad rows read as two problems ("Case discussion 2: ...").
                    var inRow = new List<AnswerError>();
                    foreach (var column in f.Columns.Where(c => IsVisibleInRow(f, c, row, scope)))
                        CheckField(column, row[column.Id], $"{path}[{i}].{column.Id}", ctx, inRow, scope);
                    errors.AddRange(inRow.Select(e => e with { Message = $"{f.RowName(i)}: {e.Message}" }));
                }
                break;
        }
    }

    private static string Missing(FieldDefinition f)
    {
        var label = f.Label.TrimEnd();
        if (label.EndsWith('?')) return $"Answer the question: {label}";
        var verb = f.Type is FieldType.YesNo or FieldType.Choice or FieldType.MultiChoice or FieldType.Rating or FieldType.Person ? "Select" : "Enter";
        return $"{verb} {InSentence(label)}";
    }

    /// <summary>
    /// A label as it reads after "Enter": its first letter lower-cased only when that capital is just
    /// the start of a sentence ("Date of supervision" → "date of supervision"). A label whose first two
    /// words are capitalised is a name ("Early Help cases"), and an acronym ("DSL name") stays as written.
    /// </summary>
    public static string InSentence(string label)
    {
        if (label.Length < 2 || !char.IsUpper(label[0]) || char.IsUpper(label[1])) return label;
        var words = label.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 1 && char.IsUpper(words[1][0])) return label;
        return char.ToLowerInvariant(label[0]) + label[1..];
    }

    public static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v => string.IsNullOrWhiteSpace(v.ToString()),
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0 || o.All(kv => IsEmpty(kv.Value)),
        _ => false,
    };

    private static string? Text(JsonNode? value) => value is JsonValue v ? v.ToString() : null;

    private static bool TryNumber(JsonNode? value, out decimal number)
    {
        number = 0;
        return value is JsonValue v && decimal.TryParse(v.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>today, -30d, +2w, +1m, -1y, or yyyy-mm-dd.</summary>
    public static DateOnly Resolve(string bound, DateOnly today)
    {
        if (bound == "today") return today;
        if (bound[0] is '+' or '-')
        {
            var amount = int.Parse(bound[1..^1], CultureInfo.InvariantCulture) * (bound[0] == '-' ? -1 : 1);
            return bound[^1] switch { 'd' => today.AddDays(amount), 'w' => today.AddDays(7 * amount), 'm' => today.AddMonths(amount), _ => today.AddYears(amount) };
        }
        return DateOnly.ParseExact(bound, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
