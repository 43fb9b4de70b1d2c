using System.Globalization;
using System.Text;
using SupervisionHub.Forms.Editing;
using SupervisionHub.Web.Supervision;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// The everyday changes to tenant.yaml (name, colour, link expiry, term dates, closure days, role
/// holders, supervision frequencies) made as small edits to the text at the positions YamlDotNet's
/// parser reports, as the form editor does (FormYamlEdits): comments, order and every key the settings
/// page does not show stay as the admin or the founding file wrote them. Only the value that changed
/// is rewritten; a list that changed is rewritten whole (comments inside it go). Nothing here checks
/// the settings: the result goes through <see cref="TenantSettingsEditor.SaveAsync"/>, the one check.
/// </summary>
public static partial class TenantYamlEdits
{
    /// <summary>Sets a scalar at a path of mapping keys (one or two deep), adding the key, or its parent, when absent.</summary>
    public static string SetScalar(string text, string[] path, string yamlValue)
    {
        var root = Parse(text);
        YamlMappingNode parent = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (Get(parent, path[i]) is YamlMappingNode child) { parent = child; continue; }
            if (Get(parent, path[i]) is { } other) return ReplaceValue(text, KeyOf(parent, path[i]), other, Nest(path[(i + 1)..], yamlValue));
            return Append(text, Nest(path[i..], yamlValue, 0));
        }
        var key = path[^1];
        if (Get(parent, key) is { } node) return ReplaceValue(text, KeyOf(parent, key), node, yamlValue);
        return parent == root ? Append(text, $"{key}: {yamlValue}\n") : InsertKey(text, parent, key, yamlValue);
    }

    /// <summary>Replaces a top-level list (termDates, closureDays) with block lines, or [] when empty.</summary>
    public static string SetTopLevelList(string text, string key, IReadOnlyList<string> itemLines)
    {
        var root = Parse(text);
        var value = itemLines.Count == 0 ? "[]" : "\n" + string.Concat(itemLines.Select(l => "  " + l + "\n"));
        return Get(root, key) is { } node ? ReplaceValue(text, KeyOf(root, key), node, value) : Append(text, $"{key}:{(itemLines.Count == 0 ? " " : "")}{value}{(itemLines.Count == 0 ? "\n" : "")}");
    }

    /// <summary>Replaces the holders of the role with <paramref name="roleId"/>.</summary>
    public static string SetRoleHolders(string text, string roleId, IReadOnlyList<string> holders)
    {
        var role = Items(Get(Parse(text), "roles")).FirstOrDefault(r => Scalar(Get(r, "id")) == roleId)
                   ?? throw new InvalidOperationException($"There is no role '{roleId}'.");
        var flow = "[" + string.Join(", ", holders.Select(h => PlainAddress().IsMatch(h) ? h : FormYamlEdits.Scalar(h))) + "]";
        return Get(role, "holders") is { } node ? ReplaceValue(text, KeyOf(role, "holders"), node, flow) : InsertKey(text, role, "holders", flow);
    }

    /// <summary>Replaces the holders of a role at one site (roles[].sites), adding the site, or sites:, when absent.</summary>
    public static string SetRoleSiteHolders(string text, string roleId, string site, IReadOnlyList<string> holders)
    {
        var role = Items(Get(Parse(text), "roles")).FirstOrDefault(r => Scalar(Get(r, "id")) == roleId)
                   ?? throw new InvalidOperationException($"There is no role '{roleId}'.");
        var flow = "[" + string.Join(", ", holders.Select(h => PlainAddress().IsMatch(h) ? h : FormYamlEdits.Scalar(h))) + "]";
        var key = FormYamlEdits.Scalar(site);
        if (Get(role, "sites") is not YamlMappingNode sites || sites.Children.Count == 0)
            return Get(role, "sites") is { } empty ? ReplaceValue(text, KeyOf(role, "sites"), empty, $"{{ {key}: {flow} }}") : InsertKey(text, role, "sites", $"{{ {key}: {flow} }}");
        return Get(sites, site) is { } node ? ReplaceValue(text, KeyOf(sites, site), node, flow) : InsertKey(text, sites, key, flow);
    }

    /// <summary>Replaces the frequency of the supervision type with <paramref name="typeId"/>.</summary>
    public static string SetFrequency(string text, string typeId, IReadOnlyList<FrequencyRequirementSettings> frequency)
    {
        var type = Items(Get(Get(Parse(text), "supervision") as YamlMappingNode, "types")).FirstOrDefault(t => Scalar(Get(t, "id")) == typeId)
                   ?? throw new InvalidOperationException($"There is no supervision type '{typeId}'.");
        var existing = Get(type, "frequency");
        string value;
        if (frequency.Count == 0) value = "[]";
        else
        {
            var indent = new string(' ', (int)KeyOf(type, Get(type, "frequency") is null ? FirstKey(type) : "frequency").Start.Column - 1 + 2);
            value = "\n" + string.Concat(frequency.Select(f => indent + "- " + FrequencyFlow(f) + "\n"));
        }
        if (existing is not null) return ReplaceValue(text, KeyOf(type, "frequency"), existing, value);
        return InsertKey(text, type, "frequency", frequency.Count == 0 ? "[]" : "[" + string.Join(", ", frequency.Select(FrequencyFlow)) + "]");
    }

    /// <summary>Replaces the whole signIn section (single sign-on); null or an empty one leaves signIn: {} (passwords only).</summary>
    public static string SetSignIn(string text, SingleSignOn.SignInSettings? s)
    {
        var root = Parse(text);
        var lines = s is null ? [] : SignInLines(s);
        var value = lines.Count == 0 ? "{}" : "\n" + string.Concat(lines.Select(l => "  " + l + "\n"));
        return Get(root, "signIn") is { } node ? ReplaceValue(text, KeyOf(root, "signIn"), node, value) : Append(text, $"signIn:{(lines.Count == 0 ? " " : "")}{value}{(lines.Count == 0 ? "\n" : "")}");
    }

    public static IReadOnlyList<string> SignInLines(SingleSignOn.SignInSettings s)
    {
        static string Flow(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => FormYamlEdits.Scalar(i.Trim()))) + "]";
        var lines = new List<string>();
        void Add(string key, string? value) { if (!string.IsNullOrWhiteSpace(value)) lines.Add($"{key}: {FormYamlEdits.Scalar(value.Trim())}"); }
        Add("provider", s.ProviderName);
        Add("name", s.Name);
        Add("authority", s.Authority);
        Add("clientId", s.ClientId);
        if (s.EmailDomains.Count > 0) lines.Add("emailDomains: " + Flow(s.EmailDomains));
        if (lines.Count == 0 && s.Passwords && s.BreakGlass.Count == 0 && !s.CreatePeople) return [];
        lines.Add($"passwords: {(s.Passwords ? "true" : "false")}");
        if (s.BreakGlass.Count > 0) lines.Add("breakGlass: " + Flow(s.BreakGlass));
        lines.Add($"createPeople: {(s.CreatePeople ? "true" : "false")}");
        return lines;
    }

    public static string FrequencyFlow(FrequencyRequirementSettings f) => f.Every is { } every
        ? $"{{ every: {every}, unit: {f.Unit} }}"
        : $"{{ atLeast: {f.AtLeast ?? 1}, per: {f.Per} }}";

    public static IReadOnlyList<string> TermLines(IEnumerable<AcademicYear> years) =>
        years.SelectMany(y => new[] { $"- year: {Quoted(y.Year)}", "  terms:" }.Concat(y.Terms.SelectMany(t => new List<string>
        {
            $"    - name: {FormYamlEdits.Scalar(t.Name)}",
            $"      start: {Date(t.Start)}",
            $"      end: {Date(t.End)}",
        }.Concat(t.HalfTermBreak is { } b ? [$"      halfTermBreak: {{ start: {Date(b.Start)}, end: {Date(b.End)} }}"] : [])))).ToList();

    public static IReadOnlyList<string> ClosureLines(IEnumerable<ClosureDay> days) =>
        days.SelectMany(d => new[] { $"- date: {Date(d.Date)}", $"  name: {FormYamlEdits.Scalar(d.Name)}" }).ToList();

    /// <summary>A string always double-quoted, as YAML reads it back unchanged (a year like 2025-26 must stay a string).</summary>
    public static string Quoted(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9.-]+$")]
    private static partial System.Text.RegularExpressions.Regex PlainAddress();

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- finding things ----

    private static YamlMappingNode Parse(string text)
    {
        var stream = SupervisionHub.TenantText.TenantYaml.Load(text);
        return stream.Documents is [{ RootNode: YamlMappingNode root }, ..] ? root : throw new YamlException("tenant.yaml is not a mapping.");
    }

    private static YamlNode? Get(YamlMappingNode? map, string key) =>
        map?.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == key).Value;

    private static YamlNode KeyOf(YamlMappingNode map, string key) =>
        map.Children.First(kv => (kv.Key as YamlScalarNode)?.Value == key).Key;

    private static string FirstKey(YamlMappingNode map) => ((YamlScalarNode)map.Children.First().Key).Value!;

    private static IEnumerable<YamlMappingNode> Items(YamlNode? seq) => (seq as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    // ---- text surgery ----

    /// <summary>
    /// Replaces what follows "key" (the colon and the value) with ": value" (or ":\n..." for block lines).
    /// A block collection's value runs to its last line indented more than the key (or a dash at the key's
    /// indent, for a list written flush with its key); comments after that line stay where they are.
    /// </summary>
    private static string ReplaceValue(string text, YamlNode key, YamlNode value, string newValue)
    {
        var start = (int)key.End.Index;
        var block = value is YamlSequenceNode { Style: not YamlDotNet.Core.Events.SequenceStyle.Flow } or YamlMappingNode { Style: not YamlDotNet.Core.Events.MappingStyle.Flow };
        int end;
        if (!block) end = EndOf(text, value);
        else
        {
            var keyIndent = (int)key.Start.Column - 1;
            end = LineEnd(text, start);
            for (var pos = end; pos < text.Length;)
            {
                var eol = LineEnd(text, pos);
                var line = text[pos..eol].TrimEnd('\n', '\r');
                var trimmed = line.TrimStart();
                if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
                {
                    var indent = line.Length - trimmed.Length;
                    if (indent < keyIndent || (indent == keyIndent && !(value is YamlSequenceNode && trimmed.StartsWith('-')))) break;
                    end = eol;
                }
                pos = eol;
            }
        }
        var replacement = newValue.StartsWith('\n') ? ":" + newValue : ": " + newValue;
        if (block && !replacement.EndsWith('\n')) replacement += "\n";
        if (!block && replacement.EndsWith('\n') && end < text.Length && text[end] == '\n') replacement = replacement[..^1];
        // A value that was written flush after the colon keeps whatever came after it on the line (a comment).
        var colon = text.IndexOf(':', start);
        return text[..Math.Min(colon, end)] + replacement + text[end..];
    }

    /// <summary>
    /// Where a scalar or flow collection ends. YamlDotNet reports a flow collection's end at its start, so
    /// look for the closing bracket after its last item instead.
    /// </summary>
    private static int EndOf(string text, YamlNode node)
    {
        var (children, close) = node switch
        {
            YamlSequenceNode seq => (seq.Children.ToList(), ']'),
            YamlMappingNode map => (map.Children.Select(kv => kv.Value).ToList(), '}'),
            _ => ((List<YamlNode>?)null, ' '),
        };
        if (children is null) return (int)node.End.Index;
        var from = children.Count > 0 ? EndOf(text, children[^1]) : (int)node.Start.Index + 1;
        var at = text.IndexOf(close, from);
        return at < 0 ? (int)node.End.Index : at + 1;
    }

    /// <summary>Adds key: value to a mapping: inside { } for a flow mapping, else as a line before its first key.</summary>
    private static string InsertKey(string text, YamlMappingNode map, string key, string value)
    {
        if (map.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
        {
            var last = (int)map.Children.Last().Value.End.Index;
            return text[..last] + $", {key}: {value}" + text[last..];
        }
        var first = map.Children.First().Key;
        var column = (int)first.Start.Column - 1;
        var at = (int)first.Start.Index;
        var lineStart = LineStart(text, at);
        if (text[lineStart..at].Trim().Length > 0)
        {
            // The first key shares its line with a list's dash ("- id: x"): add the new key on the next line.
            var eol = LineEnd(text, at);
            return text[..eol] + (eol > 0 && text[eol - 1] != '\n' ? "\n" : "") + new string(' ', column) + $"{key}: {value}\n" + text[eol..];
        }
        return text[..lineStart] + new string(' ', column) + $"{key}: {value}\n" + text[lineStart..];
    }

    private static string Nest(string[] path, string value, int indent = -1)
    {
        // Under an existing key (indent -1) the nested mapping starts on the next line, indented two.
        var sb = new StringBuilder();
        var depth = indent < 0 ? 1 : 0;
        for (var i = 0; i < path.Length; i++, depth++)
        {
            if (i > 0 || indent < 0) sb.Append('\n');
            sb.Append(new string(' ', depth * 2)).Append(path[i]).Append(':');
            if (i == path.Length - 1) sb.Append(' ').Append(value);
        }
        return (indent < 0 ? sb.ToString() : sb.ToString()) + "\n";
    }

    private static string Append(string text, string lines) => (text.EndsWith('\n') || text.Length == 0 ? text : text + "\n") + lines;

    private static int LineStart(string text, int index) => index <= 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    private static int LineEnd(string text, int index)
    {
        var nl = text.IndexOf('\n', index);
        return nl < 0 ? text.Length : nl + 1;
    }
}
