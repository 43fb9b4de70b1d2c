using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.ChildFile;

/// <summary>One labelled answer in a case summary; multi-line text keeps its lines.</summary>
public sealed record ChildFileItem(string Label, string Text)
{
    /// <summary>The label as a heading: "Decision:", and a question stays a question ("What is the impact?").</summary>
    public string Heading => Label.TrimEnd() is var l && l.EndsWith('?') ? l : l.TrimEnd(':') + ":";
}

/// <summary>What goes on one child's file: the case reference, the date, the decisions as labelled text.</summary>
public sealed record ChildFileCase(string CaseReference, string Date, IReadOnlyList<ChildFileItem> Items);

/// <summary>
/// The "for the child's file" output of one record, made from the fields its form's
/// <c>childFile:</c> block names and nothing else (ADR 0034). The same summary is shown as plain
/// text to paste into CPOMS or MyConcern and drawn as a PDF to attach, so the two never differ.
/// A table of cases gives one summary per row that has a case reference.
/// </summary>
public sealed record ChildFileSummary(string FormTitle, string RecordId, string RecordedBy, IReadOnlyList<ChildFileCase> Cases)
{
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");

    /// <param name="fallbackDate">The date to show when the form names none or it is unanswered (the day the record was submitted or started).</param>
    /// <param name="personName">A staff id to a name, for person answers.</param>
    public static ChildFileSummary? For(FormDefinition form, JsonObject answers, string recordId, string recordedBy, DateOnly fallbackDate, Func<string, string> personName)
    {
        if (form.ChildFile is not { } links) return null;
        var dateField = links.Date ?? form.Session?.Date;
        var date = dateField is not null && ParseDate(answers[dateField]) is { } d ? d : fallbackDate;
        var dateText = date.ToString("d MMMM yyyy", EnGb);
        var shared = links.Decisions.Where(id => !id.Contains('.', StringComparison.Ordinal))
            .Select(id => form.Field(id)).OfType<FieldDefinition>().ToList();

        var cases = new List<ChildFileCase>();
        if (links.CaseTable is { } tableId)
        {
            var table = form.Field(tableId);
            var columns = links.Decisions.Where(id => id.StartsWith(tableId + ".", StringComparison.Ordinal))
                .Select(id => table?.Columns.FirstOrDefault(c => c.Id == id[(tableId.Length + 1)..])).OfType<FieldDefinition>().ToList();
            foreach (var row in (answers[tableId] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Text(row[links.CaseColumn]) is not { Length: > 0 } caseRef) continue;
                var items = columns.Select(c => Item(c, row[c.Id], row, personName))
                    .Concat(shared.Select(f => Item(f, answers[f.Id], answers, personName))).OfType<ChildFileItem>().ToList();
                cases.Add(new ChildFileCase(caseRef.Trim(), dateText, items));
            }
        }
        else if (Text(answers[links.CaseReference]) is { Length: > 0 } caseRef)
        {
            var items = shared.Select(f => Item(f, answers[f.Id], answers, personName)).OfType<ChildFileItem>().ToList();
            cases.Add(new ChildFileCase(caseRef.Trim(), dateText, items));
        }
        return new ChildFileSummary(form.Title, recordId, recordedBy, cases);
    }

    /// <summary>One case as plain text: the case reference first, so it heads whatever it is pasted into.</summary>
    public string Text(ChildFileCase c)
    {
        var b = new StringBuilder();
        b.Append("Case reference: ").Append(c.CaseReference).Append('\n');
        b.Append("Supervision date: ").Append(c.Date).Append('\n');
        b.Append("From: ").Append(FormTitle).Append(" (SupervisionHub record ").Append(RecordId).Append(")\n");
        b.Append('\n');
        b.Append("Case decisions and actions\n");
        if (c.Items.Count == 0) b.Append("(Nothing was recorded.)\n");
        foreach (var item in c.Items)
        {
            b.Append('\n').Append(item.Heading).Append('\n').Append(item.Text).Append('\n');
        }
        b.Append('\n').Append("Recorded by: ").Append(RecordedBy).Append('\n');
        return b.ToString();
    }

    /// <summary>Every case, one after another, as the PDF and the download hold them.</summary>
    public string Text() => string.Join("\n----------------------------------------\n\n", Cases.Select(Text));

    private static ChildFileItem? Item(FieldDefinition f, JsonNode? value, JsonObject scope, Func<string, string> personName)
    {
        var text = Render(f, value, personName);
        if (f.Type == FieldType.YesNo && f.Comments && Text(scope[f.Id + ".comments"]) is { Length: > 0 } comments)
            text = text is null ? comments : $"{text}. {comments}";
        return string.IsNullOrWhiteSpace(text) ? null : new ChildFileItem(f.Label, text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim());
    }

    private static string? Render(FieldDefinition f, JsonNode? value, Func<string, string> personName)
    {
        switch (f.Type)
        {
            case FieldType.Date:
                return ParseDate(value)?.ToString("d MMMM yyyy", EnGb) ?? Text(value);
            case FieldType.YesNo:
                return Text(value) switch { "yes" => "Yes", "no" => "No", var other => other };
            case FieldType.Choice:
                return f.Options.FirstOrDefault(o => o.Value == Text(value))?.Label ?? Text(value);
            case FieldType.MultiChoice:
                var picked = (value as JsonArray ?? []).Select(x => x?.ToString()).OfType<string>()
                    .Select(v => f.Options.FirstOrDefault(o => o.Value == v)?.Label ?? v).ToList();
                return picked.Count == 0 ? null : string.Join(", ", picked);
            case FieldType.Rating:
                return Text(value) is { } r && int.TryParse(r, CultureInfo.InvariantCulture, out var n) && f.Scale?.Labels.TryGetValue(n, out var label) == true ? $"{n} ({label})" : Text(value);
            case FieldType.RatingMatrix:
                if (value is not JsonObject ratings) return null;
                var lines = f.Statements.Where(s => Text(ratings[s.Id]) is not null).Select(s => $"{s.Text}: {Text(ratings[s.Id])}").ToList();
                return lines.Count == 0 ? null : string.Join("\n", lines);
            case FieldType.Person:
                return Text(value) is { Length: > 0 } id ? personName(id) : null;
            case FieldType.Table:
                var rows = (value as JsonArray ?? []).OfType<JsonObject>().Select((row, i) =>
                {
                    var cells = f.Columns.Select(c => (c.Label, Text: Item(c, row[c.Id], row, personName)?.Text)).Where(x => x.Text is not null)
                        .Select(x => $"{x.Label.TrimEnd().TrimEnd(':')}: {x.Text}").ToList();
                    return cells.Count == 0 ? null : $"{i + 1}. {string.Join("\n   ", cells)}";
                }).OfType<string>().ToList();
                return rows.Count == 0 ? null : string.Join("\n", rows);
            default:
                return Text(value);
        }
    }

    private static DateOnly? ParseDate(JsonNode? node) =>
        DateOnly.TryParseExact(Text(node), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static string? Text(JsonNode? node) => node is JsonValue v ? v.ToString() : null;
}
