using SupervisionHub.Forms.Definitions;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Forms.Building;

/// <summary>
/// Where each builder control's setting sits in the YAML the writer made, so a problem the loader
/// finds at a line and column is shown at the control it concerns (Sections[1].Fields[0].Label),
/// or at the question or section when it is about the whole of it.
/// </summary>
public static class FormControls
{
    private static readonly Dictionary<string, string> FieldKeys = new(StringComparer.Ordinal)
    {
        ["showWhen"] = nameof(FieldDraft.WhenField), ["scale"] = nameof(FieldDraft.ScaleMin), ["columns"] = nameof(FieldDraft.Label),
    };

    private static readonly Dictionary<string, string> RootKeys = new(StringComparer.Ordinal)
    {
        ["session"] = nameof(FormDraft.SessionSupervisor), ["childFile"] = nameof(FormDraft.ChildFileCaseReference), ["sections"] = nameof(FormDraft.Title),
    };

    /// <summary>The control path for each problem, by its position in <paramref name="yaml"/> (as written by FormYamlWriter).</summary>
    public static IReadOnlyDictionary<string, List<string>> Place(string yaml, IEnumerable<FormError> errors)
    {
        var marks = new List<(int Line, int Column, string Path)>();
        YamlStream stream;
        try { stream = SupervisionHub.TenantText.TenantYaml.Load(yaml); } // bounded, as every reader of a tenant's text
        catch (YamlDotNet.Core.YamlException) { return new Dictionary<string, List<string>> { [""] = [.. errors.Select(e => e.Message)] }; }
        if (stream.Documents.FirstOrDefault()?.RootNode is YamlMappingNode root)
        {
            Keys(root, "", RootKeys, marks);
            if (Get(root, "childFile") is YamlMappingNode childFile)
                Keys(childFile, "", new() { ["caseReference"] = nameof(FormDraft.ChildFileCaseReference), ["date"] = nameof(FormDraft.ChildFileDate), ["decisions"] = nameof(FormDraft.ChildFileDecisions) }, marks);
            if (Get(root, "sections") is YamlSequenceNode sections)
                for (var si = 0; si < sections.Children.Count; si++)
                {
                    if (sections.Children[si] is not YamlMappingNode section) continue;
                    var sp = $"Sections[{si}]";
                    Mark(section, sp, marks);
                    Keys(section, sp + ".", new() { ["fields"] = nameof(SectionDraft.Title) }, marks);
                    if (Get(section, "fields") is YamlSequenceNode fields)
                        for (var fi = 0; fi < fields.Children.Count; fi++) Field(fields.Children[fi], $"{sp}.Fields[{fi}]", marks);
                }
        }
        var placed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var e in errors)
        {
            var exact = marks.FirstOrDefault(m => m.Line == e.Line && m.Column == e.Column);
            var path = exact.Path ?? marks.Where(m => m.Line < e.Line || m.Line == e.Line && m.Column <= e.Column)
                .OrderBy(m => m.Line).ThenBy(m => m.Column).Select(m => m.Path).LastOrDefault() ?? "";
            if (!placed.TryGetValue(path, out var list)) placed[path] = list = [];
            list.Add(e.Message);
        }
        return placed;
    }

    private static void Field(YamlNode node, string path, List<(int, int, string)> marks)
    {
        if (node is not YamlMappingNode map) return;
        Mark(map, path, marks);
        Keys(map, path + ".", FieldKeys, marks);
        if (Get(map, "showWhen") is YamlMappingNode when)
            foreach (var (k, v) in when.Children)
                marks.Add(((int)v.Start.Line, (int)v.Start.Column, path + "." + ((k as YamlScalarNode)?.Value switch
                {
                    "field" => nameof(FieldDraft.WhenField), "notEmpty" => nameof(FieldDraft.WhenTest), _ => nameof(FieldDraft.WhenValue),
                })));
        if (Get(map, "columns") is YamlSequenceNode columns)
            for (var ci = 0; ci < columns.Children.Count; ci++) Field(columns.Children[ci], $"{path}.Columns[{ci}]", marks);
    }

    /// <summary>The whole item (a problem reported at the start of its settings: something it lacks).</summary>
    private static void Mark(YamlMappingNode map, string path, List<(int, int, string)> marks) =>
        marks.Add(((int)map.Start.Line, (int)map.Start.Column, path));

    private static void Keys(YamlMappingNode map, string prefix, Dictionary<string, string> renamed, List<(int, int, string)> marks)
    {
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (key.Length == 0) continue;
            var property = renamed.TryGetValue(key, out var r) ? r : char.ToUpperInvariant(key[0]) + key[1..];
            marks.Add(((int)v.Start.Line, (int)v.Start.Column, prefix + property));
        }
    }

    private static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == key).Value;
}
