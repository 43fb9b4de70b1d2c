using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace SupervisionHub.Web.Tenancy;

/// <summary>A problem found in tenant.yaml's settings, with where it is: a path such as "theme.colour" or "supervision.types[group].maxGroupSize".</summary>
/// <remarks>In a path, [x] picks an item of a list: by number, or the item whose id (or year, name, date, email) is x.</remarks>
public sealed record ConfigProblem(string At, string Message);

/// <summary>
/// tenant.yaml as its nodes, so every problem has a line and a column: the settings' own names are
/// checked against <see cref="TenantSettings"/> (an unknown key is named with the nearest known one,
/// never a C# type), values are checked for what they must be (a whole number, a date), and a problem
/// found later, on the settings themselves, is located by its path.
/// </summary>
public sealed class TenantYamlMap
{
    private readonly YamlMappingNode _root;

    private TenantYamlMap(YamlMappingNode root) => _root = root;

    /// <summary>
    /// The parsed document again as YAML events, for the deserialiser: the text is scanned once, for
    /// these nodes, not a second time (scanning is most of reading tenant.yaml). The nodes were read
    /// within the limits; anchors are kept as written, so an alias is still one node, not a copy.
    /// </summary>
    public IParser Events()
    {
        var capture = new EventCapture();
        new YamlStream(new YamlDocument(_root)).Save(capture, assignAnchors: false);
        return new Replay(capture.Events);
    }

    private sealed class EventCapture : IEmitter
    {
        public List<YamlDotNet.Core.Events.ParsingEvent> Events { get; } = [];
        public void Emit(YamlDotNet.Core.Events.ParsingEvent @event) => Events.Add(@event);
    }

    private sealed class Replay(List<YamlDotNet.Core.Events.ParsingEvent> events) : IParser
    {
        private int _at = -1;
        public YamlDotNet.Core.Events.ParsingEvent? Current => _at >= 0 && _at < events.Count ? events[_at] : null;
        public bool MoveNext() => ++_at < events.Count;
    }

    /// <summary>The document's nodes, or the located reason it is not YAML (or not a set of settings).</summary>
    public static (TenantYamlMap? Map, ConfigError? Error) Parse(string yaml, string file)
    {
        YamlStream stream;
        try
        {
            stream = TenantText.TenantYaml.Load(yaml); // bounded before YamlDotNet builds (and recurses into) a tree
        }
        catch (YamlException ex)
        {
            return (null, new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, TenantText.YamlMessages.Problem(ex)));
        }
        catch (InvalidOperationException)
        {
            var (line, column) = TenantText.YamlMessages.UnclosedBracket(yaml);
            return (null, new ConfigError(file, line, column, "This is not valid YAML: a [ or { opened here is not closed."));
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return (null, new ConfigError(file, 1, 1, "The file is empty."));
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var n = stream.Documents[0].RootNode;
            return (null, new ConfigError(file, (int)n.Start.Line, (int)n.Start.Column, "tenant.yaml must be a set of settings (id, identifier, name, kind...)."));
        }
        return (new TenantYamlMap(root), null);
    }

    /// <summary>Where the setting at <paramref name="path"/> is written; the nearest enclosing setting when it is not written at all.</summary>
    public (int Line, int Column) Locate(string path)
    {
        YamlNode node = _root;
        foreach (var (name, pick) in Segments(path))
        {
            if (name.Length > 0)
            {
                if (node is not YamlMappingNode map || map.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == name) is not { Key: not null } found) break;
                node = found.Value;
            }
            if (pick is null) continue;
            if (node is not YamlSequenceNode seq) break;
            var item = int.TryParse(pick, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < seq.Children.Count ? seq.Children[i]
                : seq.Children.FirstOrDefault(c => c is YamlMappingNode m && NamingKeys.Any(k => m.Children.Any(kv => (kv.Key as YamlScalarNode)?.Value == k && (kv.Value as YamlScalarNode)?.Value == pick)))
                  ?? seq.Children.FirstOrDefault(c => (c as YamlScalarNode)?.Value == pick);
            if (item is null) break;
            node = item;
        }
        return ((int)node.Start.Line, (int)node.Start.Column);
    }

    public ConfigError Error(string file, ConfigProblem problem)
    {
        var (line, column) = Locate(problem.At);
        return new ConfigError(file, line, column, problem.Message);
    }

    /// <summary>The keys that name a list item in a path: roles[dsl], termDates[2025-26], closureDays[2026-01-05].</summary>
    private static readonly string[] NamingKeys = ["id", "year", "name", "date", "email"];

    private static IEnumerable<(string Name, string? Pick)> Segments(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            var start = i;
            while (i < path.Length && path[i] is not ('.' or '[')) i++;
            var name = path[start..i];
            string? pick = null;
            if (i < path.Length && path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0) close = path.Length;
                pick = path[(i + 1)..close];
                i = close + 1;
            }
            if (i < path.Length && path[i] == '.') i++;
            yield return (name, pick);
        }
    }

    /// <summary>
    /// Every key that is not a setting (with the nearest one that is, by edit distance), and every
    /// value that is not what its setting takes, each at its own line: the words are the settings'
    /// names as written in the file, never the C# types that hold them.
    /// </summary>
    public IReadOnlyList<ConfigError> CheckShape(string file)
    {
        var errors = new List<ConfigError>();
        Walk(_root, typeof(TenantSettings), "", file, errors);
        return errors;
    }

    private static void Walk(YamlNode node, Type type, string path, string file, List<ConfigError> errors)
    {
        void Error(YamlNode at, string message) => errors.Add(new ConfigError(file, (int)at.Start.Line, (int)at.Start.Column, message));
        var where = path.Length == 0 ? "tenant.yaml" : path;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return; // nothing written: the default
        if (Scalar(type))
        {
            if (node is not YamlScalarNode scalar) { Error(node, $"{where} must be a single value, not a list or a group of settings."); return; }
            var v = scalar.Value ?? "";
            var problem = type == typeof(int) && !int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? $"{where}: '{v}' is not a whole number."
                : type == typeof(bool) && v is not ("true" or "false" or "yes" or "no") ? $"{where}: '{v}' must be true or false."
                : type == typeof(DateOnly) && !DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? $"{where}: '{v}' is not a date like 2026-09-01."
                : type == typeof(Guid) && !Guid.TryParse(v, out _) ? $"{where}: '{v}' is not a GUID like 5d0c2f0e-8a51-4a8f-9a4e-2c1f6b1d7e01."
                : null;
            if (problem is not null) Error(node, problem);
            return;
        }
        if (Element(type, typeof(List<>)) is { } item)
        {
            if (node is not YamlSequenceNode seq) { Error(node, $"{where} must be a list."); return; }
            for (var i = 0; i < seq.Children.Count; i++) Walk(seq.Children[i], item, $"{path}[{i}]", file, errors);
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (node is not YamlMappingNode dict) { Error(node, $"{where} must be a group of settings, each a name and its value."); return; }
            foreach (var (key, value) in dict.Children) Walk(value, type.GetGenericArguments()[1], $"{path}.{(key as YamlScalarNode)?.Value}", file, errors);
            return;
        }
        if (node is not YamlMappingNode map) { Error(node, $"{where} must be a group of settings."); return; }
        var settings = Settings(type);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, value) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!seen.Add(name)) { Error(k, $"'{name}' is set twice in {where}."); continue; }
            if (settings.TryGetValue(name, out var property))
            {
                Walk(value, property.PropertyType, path.Length == 0 ? name : $"{path}.{name}", file, errors);
                continue;
            }
            var nearest = settings.Keys.MinBy(known => Distance(known, name));
            Error(k, nearest is not null && Distance(nearest, name) <= Math.Max(2, name.Length / 3)
                ? $"'{name}' is not a setting of {Unindexed(where)}. Did you mean '{nearest}'?"
                : $"'{name}' is not a setting of {Unindexed(where)}. It takes: {string.Join(", ", settings.Keys)}.");
        }
    }

    private static string Unindexed(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\[\d+\]", "");

    private static bool Scalar(Type type) =>
        type == typeof(string) || type == typeof(int) || type == typeof(bool) || type == typeof(DateOnly) || type == typeof(Guid) || type.IsEnum;

    private static Type? Element(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type.GetGenericArguments()[0] : null;

    /// <summary>A settings type's keys as YAML spells them (camelCase, or the alias), without the computed ones.</summary>
    private static Dictionary<string, PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<YamlIgnoreAttribute>() is null)
            .ToDictionary(p => p.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? char.ToLowerInvariant(p.Name[0]) + p.Name[1..], StringComparer.Ordinal);

    /// <summary>Edit distance, for "did you mean".</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
