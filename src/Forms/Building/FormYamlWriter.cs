using System.Globalization;
using SupervisionHub.Forms.Definitions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Forms.Building;

/// <summary>
/// Writes a form definition as canonical YAML (docs/forms.md): keys in the reference's order, only
/// the settings that differ from their defaults, block style, multi-line text as a literal block.
/// The builder saves through here; loading what it writes gives back an equal definition (a test
/// round-trips every founding form). Comments are not part of the model, so a rewrite drops them
/// (docs/adr/0029-builders.md); small edits go through FormYamlEdits, which keeps them.
/// </summary>
public static class FormYamlWriter
{
    public static string Write(FormDefinition form)
    {
        var root = new YamlMappingNode();
        Add(root, "id", form.Id);
        Add(root, "title", form.Title);
        Add(root, "purpose", Name(form.Purpose));
        Add(root, "description", form.Description);
        Add(root, "source", form.Source);
        if (form.Anonymous) root.Add("anonymous", YamlOut.True);
        Add(root, "guidance", form.Guidance);
        if (form.Session is { } s)
        {
            var session = new YamlMappingNode();
            Add(session, "supervisor", s.Supervisor);
            Add(session, "supervisee", s.Supervisee);
            Add(session, "date", s.Date);
            Add(session, "duration", s.Duration);
            Add(session, "members", s.Members);
            if (s.Actions is { } a)
            {
                var actions = new YamlMappingNode();
                Add(actions, "table", a.Table);
                Add(actions, "text", a.Text);
                Add(actions, "owner", a.Owner);
                Add(actions, "due", a.Due);
                session.Add("actions", actions);
            }
            root.Add("session", session);
        }
        if (form.ChildFile is { } c)
        {
            var childFile = new YamlMappingNode();
            Add(childFile, "caseReference", c.CaseReference);
            Add(childFile, "date", c.Date);
            childFile.Add("decisions", new YamlSequenceNode(c.Decisions.Select(d => new YamlScalarNode(d))));
            root.Add("childFile", childFile);
        }
        root.Add("sections", new YamlSequenceNode(form.Sections.Select(Section)));
        return YamlOut.Save(root);
    }

    private static YamlMappingNode Section(FormSection section)
    {
        var map = new YamlMappingNode();
        Add(map, "id", section.Id);
        Add(map, "title", section.Title);
        Add(map, "filledBy", Name(section.FilledBy));
        Add(map, "help", section.Help);
        map.Add("fields", new YamlSequenceNode(section.Fields.Select(Field)));
        return map;
    }

    private static YamlMappingNode Field(FieldDefinition f)
    {
        var map = new YamlMappingNode();
        Add(map, "id", f.Id);
        Add(map, "type", TypeName(f.Type));
        if (f.Type != FieldType.Guidance || f.Label.Length > 0) Add(map, "label", f.Label);
        Add(map, "hint", f.Hint);
        Add(map, "help", f.Help);
        if (f.Required) map.Add("required", YamlOut.True);
        if (f.ShowWhen is { } c)
        {
            var when = new YamlMappingNode();
            Add(when, "field", c.Field);
            if (c.EqualTo is not null) Add(when, "equals", c.EqualTo);
            if (c.In is not null) when.Add("in", Flow(c.In));
            if (c.NotEmpty) when.Add("notEmpty", YamlOut.True);
            map.Add("showWhen", when);
        }
        // Only the settings the loader reads for this type: it ignores the rest, so writing them would not round-trip.
        var keys = FormLoader.TypeKeys[f.Type];
        if (keys.Contains("maxLength")) Add(map, "maxLength", Number(f.MaxLength));
        if (keys.Contains("pattern")) { Add(map, "pattern", f.Pattern); Add(map, "patternMessage", f.PatternMessage); }
        if (f.Type == FieldType.Number)
        {
            Add(map, "min", Number(f.Min));
            Add(map, "max", Number(f.Max));
            if (!f.WholeNumber) map.Add("integer", new YamlScalarNode("false"));
            Add(map, "unit", f.Unit);
        }
        if (f.Type == FieldType.Date) { Add(map, "min", f.DateMin); Add(map, "max", f.DateMax); }
        if (f.Comments) map.Add("comments", YamlOut.True);
        if (f.Options.Count > 0)
            map.Add("options", new YamlSequenceNode(f.Options.Select(o => o.Value == o.Label
                ? (YamlNode)Scalar(o.Value)
                : new YamlMappingNode { { "value", Scalar(o.Value) }, { "label", Scalar(o.Label) } })));
        Add(map, "minSelected", Number(f.MinSelected));
        Add(map, "maxSelected", Number(f.MaxSelected));
        if (f.Scale is { } scale)
        {
            var node = new YamlMappingNode { { "min", Number(scale.Min)! }, { "max", Number(scale.Max)! } };
            if (scale.Labels.Count > 0)
                node.Add("labels", new YamlMappingNode(scale.Labels.OrderBy(l => l.Key).Select(l => new KeyValuePair<YamlNode, YamlNode>(Number(l.Key)!, Scalar(l.Value)))));
            map.Add("scale", node);
        }
        if (f.Statements.Count > 0)
            map.Add("statements", new YamlSequenceNode(f.Statements.Select(st => new YamlMappingNode { { "id", Scalar(st.Id) }, { "text", Scalar(st.Text) } })));
        if (f.Roles.Count > 0) map.Add("roles", Flow(f.Roles));
        if (f.Columns.Count > 0) map.Add("columns", new YamlSequenceNode(f.Columns.Select(Field)));
        Add(map, "minRows", Number(f.MinRows));
        Add(map, "maxRows", Number(f.MaxRows));
        Add(map, "addLabel", f.AddLabel);
        Add(map, "rowLabel", f.RowLabel);
        if (f.Signer is { } signer) Add(map, "signer", Name(signer));
        Add(map, "markdown", f.Markdown);
        return map;
    }

    private static YamlSequenceNode Flow(IEnumerable<string> values) =>
        new(values.Select(Scalar)) { Style = SequenceStyle.Flow };

    private static void Add(YamlMappingNode map, string key, string? value)
    {
        if (value is not null) map.Add(key, Scalar(value));
    }

    private static void Add(YamlMappingNode map, string key, YamlScalarNode? value)
    {
        if (value is not null) map.Add(key, value);
    }

    private static YamlScalarNode Scalar(string value) => YamlOut.Scalar(value);

    private static YamlScalarNode? Number(decimal? n) => n is { } v ? new YamlScalarNode(v.ToString(CultureInfo.InvariantCulture)) : null;
    private static YamlScalarNode? Number(int? n) => n is { } v ? new YamlScalarNode(v.ToString(CultureInfo.InvariantCulture)) : null;

    /// <summary>The type as the format spells it: longText, yesNo, ratingMatrix.</summary>
    public static string TypeName(FieldType type) => char.ToLowerInvariant(type.ToString()[0]) + type.ToString()[1..];

    /// <summary>An enum value as the format spells it: each-member, case-proforma.</summary>
    public static string Name<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((ch, i) => i > 0 && char.IsUpper(ch) ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}

/// <summary>YAML output shared by the writers: plain where YAML allows, quoted where a value would read as something else, literal blocks for lines.</summary>
public static class YamlOut
{
    private static readonly HashSet<string> LooksTyped = new(StringComparer.OrdinalIgnoreCase) { "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n" };

    public static YamlScalarNode True => new("true");

    public static YamlScalarNode Scalar(string value)
    {
        var node = new YamlScalarNode(value);
        if (value.Contains('\n', StringComparison.Ordinal) && !value.Any(ch => char.IsControl(ch) && ch != '\n') && !value.Contains(" \n", StringComparison.Ordinal))
            node.Style = ScalarStyle.Literal;
        else if (value.Length == 0 || LooksTyped.Contains(value) || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            node.Style = ScalarStyle.DoubleQuoted;
        return node;
    }

    public static string Save(YamlNode root)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var stream = new YamlStream(new YamlDocument(root));
        stream.Save(new Emitter(writer, new EmitterSettings(2, int.MaxValue, false, 1024, false, true)), assignAnchors: false);
        var text = writer.ToString();
        // YamlDotNet ends the document with "..."; the files do not.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
