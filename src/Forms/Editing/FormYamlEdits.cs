using System.Text;
using System.Text.RegularExpressions;
using SupervisionHub.Forms.Definitions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Forms.Editing;

/// <summary>The result of an edit: the new text, or the old text and why the edit could not be made.</summary>
public sealed record YamlEdit(string Text, string? Error = null, string? FieldId = null)
{
    public bool Ok => Error is null;
}

/// <summary>One question as the structured editor lists it.</summary>
public sealed record QuestionRow(string SectionId, string SectionTitle, FieldDefinition Field, int Index, int Count)
{
    /// <summary>Whether "required" means anything for it (guidance and signatures are never answered as such).</summary>
    public bool CanRequire => Field.Type is not (FieldType.Guidance or FieldType.Signature);
}

/// <summary>
/// The everyday changes to a form (add a question, reword it, make it required or optional, move it)
/// made as small edits to the YAML text at the positions YamlDotNet's parser reports, so everything
/// else in the file, comments, order, quoting and layout, stays exactly as the admin wrote it.
/// Only a form's own questions are edited, not a table's columns.
/// </summary>
public static partial class FormYamlEdits
{
    /// <summary>The types a question can be added as here: those that need no further settings.</summary>
    public static readonly IReadOnlyList<(FieldType Type, string Name, string Label)> AddableTypes =
    [
        (FieldType.Text, "text", "Short text"),
        (FieldType.LongText, "longText", "Long text"),
        (FieldType.YesNo, "yesNo", "Yes or no"),
        (FieldType.Date, "date", "Date"),
        (FieldType.Number, "number", "Number"),
    ];

    public static IReadOnlyList<QuestionRow> Questions(FormDefinition form) =>
        form.Sections.SelectMany(s => s.Fields.Select((f, i) => new QuestionRow(s.Id, s.Title, f, i, s.Fields.Count))).ToList();

    public static YamlEdit Reword(string text, string fieldId, string label)
    {
        label = OneLine(label);
        if (label.Length == 0) return new(text, "Type the question's new wording.");
        if (Find(text, fieldId) is not { } found) return NotFound(text, fieldId);
        var (_, field, _) = found;
        return Get(field, "label") is YamlScalarNode node
            ? new(ReplaceNode(text, node, Scalar(label)), FieldId: fieldId)
            : new(InsertKey(text, field, "label", Scalar(label)), FieldId: fieldId);
    }

    public static YamlEdit SetRequired(string text, string fieldId, bool required)
    {
        if (Find(text, fieldId) is not { } found) return NotFound(text, fieldId);
        var (_, field, _) = found;
        var value = required ? "true" : "false";
        if (Get(field, "required") is YamlScalarNode node) return new(ReplaceNode(text, node, value), FieldId: fieldId);
        return required ? new(InsertKey(text, field, "required", value), FieldId: fieldId) : new(text, FieldId: fieldId);
    }

    /// <summary>Moves a question up (-1) or down (+1) within its section.</summary>
    public static YamlEdit Move(string text, string fieldId, int delta)
    {
        if (Find(text, fieldId) is not { } found) return NotFound(text, fieldId);
        var (fields, _, index) = found;
        var other = index + delta;
        if (other < 0 || other >= fields.Children.Count) return new(text, delta < 0 ? "That question is already first in its section." : "That question is already last in its section.");
        if (fields.Style == YamlDotNet.Core.Events.SequenceStyle.Flow) return new(text, "This section's fields are written as [ ... ]: move the question in the YAML.");
        var first = Math.Min(index, other);
        var (aStart, _) = Region(text, fields, first);
        var (bStart, bEnd) = Region(text, fields, first + 1);
        var a = text[aStart..bStart];
        var b = text[bStart..bEnd];
        if (!b.EndsWith('\n')) { b += "\n"; a = a[..^1]; }
        return new(text[..aStart] + b + a + text[bEnd..], FieldId: fieldId);
    }

    public static YamlEdit Add(string text, string sectionId, string label, string typeName, bool required)
    {
        label = OneLine(label);
        if (label.Length == 0) return new(text, "Type the question people will see.");
        if (AddableTypes.All(t => t.Name != typeName)) return new(text, "Choose what kind of answer the question takes.");
        if (Parse(text) is not { } root) return new(text, "Fix the errors in the YAML first.");
        var section = Sections(root).FirstOrDefault(s => (Get(s, "id") as YamlScalarNode)?.Value == sectionId);
        if (section is null) return new(text, "Choose the section the question goes in.");
        if (Get(section, "fields") is not YamlSequenceNode { Children.Count: > 0 } fields || fields.Style == YamlDotNet.Core.Events.SequenceStyle.Flow)
            return new(text, "This section's fields are not a list the editor can add to: add the question in the YAML.");

        var ids = Sections(root).SelectMany(s => (Get(s, "fields") as YamlSequenceNode)?.Children ?? [])
            .Select(f => (Get(f as YamlMappingNode, "id") as YamlScalarNode)?.Value).OfType<string>().ToHashSet();
        var id = NewId(label, ids);
        var (start, end) = Region(text, fields, fields.Children.Count - 1);
        var dash = new string(' ', Indent(text, start));
        var item = new StringBuilder()
            .Append(dash).Append("- id: ").Append(id).Append('\n')
            .Append(dash).Append("  type: ").Append(typeName).Append('\n')
            .Append(dash).Append("  label: ").Append(Scalar(label)).Append('\n');
        if (required) item.Append(dash).Append("  required: true\n");
        var before = text[..end];
        if (!before.EndsWith('\n')) before += "\n";
        return new(before + item + text[end..], FieldId: id);
    }

    // ---- finding things ----

    private static YamlMappingNode? Parse(string text)
    {
        try
        {
            var stream = SupervisionHub.TenantText.TenantYaml.Load(text);
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IEnumerable<YamlMappingNode> Sections(YamlMappingNode root) =>
        (Get(root, "sections") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    private static (YamlSequenceNode Fields, YamlMappingNode Field, int Index)? Find(string text, string fieldId)
    {
        if (Parse(text) is not { } root) return null;
        foreach (var section in Sections(root))
        {
            if (Get(section, "fields") is not YamlSequenceNode fields) continue;
            for (var i = 0; i < fields.Children.Count; i++)
                if (fields.Children[i] is YamlMappingNode f && (Get(f, "id") as YamlScalarNode)?.Value == fieldId) return (fields, f, i);
        }
        return null;
    }

    private static YamlEdit NotFound(string text, string fieldId) =>
        new(text, Parse(text) is null ? "Fix the errors in the YAML first." : $"There is no question '{fieldId}' in the YAML any more.");

    private static YamlNode? Get(YamlMappingNode? map, string key) =>
        map?.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == key).Value;

    // ---- text surgery ----

    private static string ReplaceNode(string text, YamlNode node, string replacement)
    {
        var start = (int)node.Start.Index;
        var end = (int)node.End.Index;
        var span = text[start..end];
        // A block scalar's span runs on to the next line; keep its line break and indentation.
        var trailing = span[span.TrimEnd().Length..];
        return text[..start] + replacement + trailing + text[end..];
    }

    /// <summary>Adds key: value to a field: inside { } for a flow mapping, else as a line after its first setting.</summary>
    private static string InsertKey(string text, YamlMappingNode map, string key, string value)
    {
        if (map.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
        {
            var last = (int)map.Children.Last().Value.End.Index;
            return text[..last] + $", {key}: {value}" + text[last..];
        }
        var (firstKey, firstValue) = map.Children.First();
        var indent = new string(' ', (int)firstKey.Start.Column - 1);
        var endOfValue = Math.Max((int)firstValue.End.Index - 1, (int)firstKey.End.Index);
        var newline = text.IndexOf('\n', endOfValue);
        var line = $"{indent}{key}: {value}\n";
        return newline < 0 ? text + "\n" + line : text[..(newline + 1)] + line + text[(newline + 1)..];
    }

    /// <summary>
    /// The lines item <paramref name="i"/> of a block sequence takes: from its dash to the next item's dash, or for
    /// the last item, to its last line more indented than the dash (blank lines after it stay where they are).
    /// </summary>
    private static (int Start, int End) Region(string text, YamlSequenceNode seq, int i)
    {
        var start = LineStart(text, (int)seq.Children[i].Start.Index);
        if (i + 1 < seq.Children.Count) return (start, LineStart(text, (int)seq.Children[i + 1].Start.Index));
        var dash = Indent(text, start);
        var end = LineEnd(text, start);
        for (var pos = end; pos < text.Length;)
        {
            var eol = LineEnd(text, pos);
            var line = text[pos..eol].TrimEnd('\n', '\r');
            if (line.Trim().Length > 0)
            {
                if (Indent(text, pos) <= dash) break;
                end = eol;
            }
            pos = eol;
        }
        return (start, end);
    }

    private static int LineStart(string text, int index) => index <= 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    /// <summary>The index just after the line's '\n' (or the end of the text).</summary>
    private static int LineEnd(string text, int index)
    {
        var nl = text.IndexOf('\n', index);
        return nl < 0 ? text.Length : nl + 1;
    }

    private static int Indent(string text, int lineStart)
    {
        var i = lineStart;
        while (i < text.Length && text[i] == ' ') i++;
        return i - lineStart;
    }

    // ---- values ----

    [GeneratedRegex(@"^[A-Za-z][^:#""'{}\[\],&*!|>%@`\\]*$")]
    private static partial Regex PlainSafe();

    [GeneratedRegex(@"^(y|n|yes|no|true|false|on|off|null)$", RegexOptions.IgnoreCase)]
    private static partial Regex Reserved();

    /// <summary>A label as YAML: plain where that is safe, otherwise double-quoted.</summary>
    public static string Scalar(string value) =>
        PlainSafe().IsMatch(value) && !value.EndsWith(' ') && !Reserved().IsMatch(value)
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string OneLine(string? value) => string.Join(' ', (value ?? "").Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string NewId(string label, HashSet<string> taken)
    {
        var slug = new StringBuilder();
        foreach (var c in label.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        var id = slug.ToString().Trim('-');
        if (id.Length > 40) id = id[..40].TrimEnd('-');
        if (id.Length == 0) id = "question";
        var candidate = id;
        for (var n = 2; taken.Contains(candidate); n++) candidate = $"{id}-{n}";
        return candidate;
    }
}
