using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.TenantText;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Workflows.Engine;

/// <summary>A problem in a workflow definition, located so an admin can find it: file, line, column, plain words.</summary>
public sealed record WorkflowError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

public sealed record WorkflowLoadResult(WorkflowDefinition? Definition, IReadOnlyList<WorkflowError> Errors)
{
    public bool IsValid => Definition is not null && Errors.Count == 0;
}

/// <summary>
/// Reads a workflow definition (docs/workflows.md) node by node, so every problem carries its
/// position, and records where each step and setting was written for the validator. Collects every
/// problem it can find; never throws on bad content.
/// </summary>
public sealed partial class WorkflowLoader
{
    private static readonly string[] RootKeys = ["id", "title", "source", "trigger", "condition", "steps"];
    private static readonly string[] TriggerKeys = ["event", "schedule"];
    private static readonly string[] TimeoutKeys = ["days", "dayKind", "workingDays"];
    private static readonly string[] UntilKeys = ["daysBefore", "at"];

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex IdPattern();

    private readonly string _file;
    private readonly List<WorkflowError> _errors = [];
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stepIds = new(StringComparer.Ordinal);

    private WorkflowLoader(string file) => _file = file;

    public static WorkflowLoadResult Load(string yaml, string file)
    {
        var loader = new WorkflowLoader(file);
        WorkflowDefinition? definition;
        try
        {
            definition = loader.Read(yaml ?? "");
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
        {
            // Anything the node walk did not foresee is still a located message, not a crash.
            loader._errors.Add(new WorkflowError(file, 1, 1, "This definition could not be read: " + ex.Message));
            definition = null;
        }
        return new(definition, loader._errors);
    }

    private void Error(YamlNode? node, string message) =>
        _errors.Add(new WorkflowError(_file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, message));

    private void Remember(string key, YamlNode? node)
    {
        if (node is not null) _positions.TryAdd(key, new SourcePosition((int)node.Start.Line, (int)node.Start.Column));
    }

    private WorkflowDefinition? Read(string text)
    {
        YamlStream stream;
        try
        {
            stream = TenantYaml.Load(text);
        }
        catch (YamlException ex)
        {
            _errors.Add(new WorkflowError(_file, (int)ex.Start.Line, (int)ex.Start.Column, YamlMessages.Problem(ex)));
            return null;
        }
        catch (InvalidOperationException)
        {
            var (line, column) = UnclosedBracket(text);
            _errors.Add(new WorkflowError(_file, line, column, "This is not valid YAML: a [ or { opened here is not closed."));
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents.FirstOrDefault()?.RootNode, "A workflow definition must be a set of settings (id, title, trigger, steps...).");
            return null;
        }

        CheckKeys(root, RootKeys, "a workflow");
        var id = RequiredId(root, "id", "the workflow");
        Remember("id", Get(root, "id"));
        var title = RequiredString(root, "title", "Give the workflow a title: what it does, in a line.");
        var trigger = ReadTrigger(root);
        var condition = OptionalString(root, "condition");
        Remember("condition", Get(root, "condition"));
        var stepsNode = Get(root, "steps");
        IReadOnlyList<WorkflowStep> steps = [];
        if (stepsNode is YamlSequenceNode { Children.Count: > 0 }) steps = ReadSteps(stepsNode, "steps");
        else Error(stepsNode ?? root, "A workflow needs at least one step under steps.");

        return new WorkflowDefinition
        {
            Id = id, Title = title, Source = OptionalString(root, "source"), Trigger = trigger,
            Condition = string.IsNullOrWhiteSpace(condition) ? null : condition, Steps = steps, Positions = _positions,
        };
    }

    private WorkflowTrigger ReadTrigger(YamlMappingNode root)
    {
        var node = Get(root, "trigger");
        Remember("trigger", node);
        if (node is null) { Error(root, "A workflow needs a trigger: an event (trigger: { event: session.missed }) or a schedule."); return new(null, null); }
        if (node is not YamlMappingNode map) { Error(node, "trigger must be a group of settings: event or schedule."); return new(null, null); }
        CheckKeys(map, TriggerKeys, "trigger");
        var evt = OptionalString(map, "event");
        var schedule = OptionalString(map, "schedule");
        Remember("trigger.event", Get(map, "event"));
        Remember("trigger.schedule", Get(map, "schedule"));
        if (evt is not null && schedule is not null) Error(Get(map, "schedule"), "A trigger has either an event or a schedule, not both.");
        if (evt is null && schedule is null) Error(map, "A trigger needs an event (a domain event such as session.missed) or a schedule (cron).");
        if (schedule is not null)
        {
            try { _ = CronExpression.Parse(schedule, CronFormat.Standard); }
            catch (CronFormatException ex) { Error(Get(map, "schedule"), $"'{schedule}' is not a cron schedule (minute hour day-of-month month day-of-week, like \"0 8 1 9 *\"): {ex.Message}"); }
        }
        return new(evt, schedule);
    }

    private List<WorkflowStep> ReadSteps(YamlNode? node, string what)
    {
        var steps = new List<WorkflowStep>();
        if (node is null) return steps;
        if (node is not YamlSequenceNode seq) { Error(node, $"{what} must be a list of steps, each starting with '- id:'."); return steps; }
        foreach (var child in seq.Children)
            if (ReadStep(child) is { } step) steps.Add(step);
        return steps;
    }

    private WorkflowStep? ReadStep(YamlNode node)
    {
        if (node is not YamlMappingNode map) { Error(node, "Each step must be a set of settings: an id and one kind, like '- id: tell-manager' then 'send-email: {...}'."); return null; }
        var idNode = Get(map, "id");
        var id = (idNode as YamlScalarNode)?.Value;
        if (string.IsNullOrWhiteSpace(id)) { Error(map, "Give the step an id."); id = ""; }
        else if (!IdPattern().IsMatch(id)) Error(idNode, $"The step id '{id}' must be lower-case letters, digits and hyphens, like 'tell-manager'.");
        else if (!_stepIds.Add(id)) Error(idNode, $"The step id '{id}' is used more than once; each step needs its own.");
        Remember(id, map);

        (YamlScalarNode Key, YamlNode Value)? kind = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode key) { Error(k, "A setting name must be a word."); continue; }
            var name = key.Value ?? "";
            if (!seen.Add(name)) { Error(key, $"'{name}' is set twice."); continue; }
            if (name == "id") continue;
            if (StepCatalogue.Kinds.ContainsKey(name))
            {
                if (kind is { } first) Error(key, $"A step has exactly one kind; this one is already '{first.Key.Value}', so it cannot also be '{name}'. Split it into two steps.");
                else kind = (key, v);
                continue;
            }
            var suggestion = StepCatalogue.Kinds.Keys.MinBy(a => Distance(a, name));
            Error(key, suggestion is not null && Distance(suggestion, name) <= Math.Max(2, name.Length / 4)
                ? $"'{name}' is not a step kind. Did you mean '{suggestion}'?"
                : $"'{name}' is not a step kind. Use one of: {string.Join(", ", StepCatalogue.Kinds.Keys)}.");
        }
        if (kind is not { } found)
        {
            if (_errors.All(e => e.Line < (int)map.Start.Line || e.Line > (int)map.End.Line))
                Error(map, $"The step '{id}' needs a kind: one of {string.Join(", ", StepCatalogue.Kinds.Keys)}.");
            return null;
        }
        var kindName = found.Key.Value!;
        var descriptor = StepCatalogue.Kinds[kindName];
        Remember(id + ".kind", found.Key);

        if (descriptor.Text)
        {
            if (found.Value is not YamlScalarNode { Value: { } text } || string.IsNullOrWhiteSpace(text))
            {
                Error(found.Value, $"{kindName} takes a line of text, like {kindName}: \"Line manager told\".");
                return null;
            }
            Remember(id + ".text", found.Value);
            return new NoteStep(id, text);
        }
        if (found.Value is not YamlMappingNode s)
        {
            Error(found.Value, $"{kindName} takes a group of settings: {string.Join(", ", descriptor.Settings)}.");
            return null;
        }
        CheckKeys(s, descriptor.Settings, $"{kindName}");
        foreach (var (k, v) in s.Children)
            if (k is YamlScalarNode { Value: { } setting }) Remember($"{id}.{setting}", v);
        foreach (var required in descriptor.Required.Where(r => Get(s, r) is null))
            Error(s, $"{kindName} needs {required}.");

        List<WorkflowStep> Steps(string key) => ReadSteps(Get(s, key), key);
        string Str(string key) => OptionalString(s, key) ?? "";

        return kindName switch
        {
            "send-email" => new SendEmailStep(id, Recipients(s, "to"), Recipients(s, "cc"), Str("template")),
            "request-form" => new RequestFormStep(id, Recipients(s, "to"), Str("form"), Str("template"), Int(s, "expiresInDays")),
            "request-booking" => new RequestBookingStep(id, Recipients(s, "to"), Str("template")),
            "create-task" => new CreateTaskStep(id, Recipients(s, "for"), Str("title"), Int(s, "dueInDays"), DayKindOf(s)),
            "escalate" => new EscalateStep(id, Recipients(s, "to"), Str("template"), Str("reason")),
            "wait" => new WaitStep(id, Str("for"), Match(s), Timeout(s), Steps("onEvent"), Steps("onTimeout"), OptionalString(s, "form"),
                string.IsNullOrWhiteSpace(OptionalString(s, "where")) ? null : OptionalString(s, "where"), Until(s)),
            "if" => new IfStep(id, Str("condition"), Steps("then"), Steps("else")),
            "switch" => new SwitchStep(id, Str("value"), Cases(Get(s, "cases")), Steps("default")),
            "set" => new SetStep(id, Str("name"), Str("value")),
            _ => new ForEachStep(id, Str("cohort"), OptionalString(s, "where"), Steps("steps")),
        };
    }

    private List<SwitchCase> Cases(YamlNode? node)
    {
        if (node is null) return [];
        if (node is not YamlMappingNode map) { Error(node, "cases must map each value to its steps, like cases: { by-supervisor: [...], by-supervisee: [...] }."); return []; }
        var cases = new List<SwitchCase>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var value = (k as YamlScalarNode)?.Value ?? "";
            if (!seen.Add(value)) { Error(k, $"The case '{value}' is listed twice."); continue; }
            cases.Add(new SwitchCase(value, ReadSteps(v, $"the case '{value}'")));
        }
        return cases;
    }

    private WaitMatch Match(YamlMappingNode s)
    {
        var node = Get(s, "match");
        if (node is null) return WaitMatch.Relationship;
        if (node is YamlScalarNode { Value: "session" }) return WaitMatch.Session;
        if (node is YamlScalarNode { Value: "relationship" }) return WaitMatch.Relationship;
        if (node is YamlScalarNode { Value: "person" }) return WaitMatch.Person;
        Error(node, "match must be session, relationship or person.");
        return WaitMatch.Relationship;
    }

    private WaitTimeout? Timeout(YamlMappingNode s)
    {
        var node = Get(s, "timeout");
        if (node is null) return null;
        if (node is not YamlMappingNode map) { Error(node, "timeout must be like { days: 7 } or { days: 10, dayKind: working }."); return null; }
        CheckKeys(map, TimeoutKeys, "timeout");
        var days = Int(map, "days");
        var kind = DayKindOf(map);
        if (days is null) { Error(map, "timeout needs days, like { days: 7 }."); return null; }
        if (days < 1) { Error(Get(map, "days"), "timeout days must be at least 1."); return null; }
        return new WaitTimeout(days.Value, kind);
    }

    /// <summary>until: { daysBefore: 2 | JavaScript, at: "08:00" }: a wait that ends at a time given from the session's day.</summary>
    private WaitUntil? Until(YamlMappingNode s)
    {
        var node = Get(s, "until");
        if (node is null) return null;
        const string Shape = "until must be like { daysBefore: 2, at: \"08:00\" }: so many days before the session, at a time of day.";
        if (node is not YamlMappingNode map) { Error(node, Shape); return null; }
        CheckKeys(map, UntilKeys, "until");
        if (Get(s, "timeout") is { } both) Error(both, "A wait ends either after a timeout or at a time before the session (until), not both.");
        var before = (Get(map, "daysBefore") as YamlScalarNode)?.Value?.Trim();
        if (string.IsNullOrEmpty(before)) { Error(map, "until needs daysBefore: how many days before the session, like { daysBefore: 2, at: \"08:00\" }."); return null; }
        var at = TimeOnly.MinValue;
        if (Get(map, "at") is { } atNode
            && !((atNode as YamlScalarNode)?.Value is { } text && TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out at)))
        {
            Error(atNode, "until's at must be a time of day like \"08:00\" (24-hour, in quotes).");
            return null;
        }
        if (Get(map, "at") is null) at = new TimeOnly(8, 0);
        return new WaitUntil(before, at);
    }

    /// <summary>
    /// dayKind: calendar | working | school (calendar when not given). workingDays: true is the older
    /// way to say dayKind: working, still read so the rules written with it keep their meaning.
    /// </summary>
    private DayKind DayKindOf(YamlMappingNode map)
    {
        var working = Bool(map, "workingDays");
        if (Get(map, "dayKind") is not { } node) return working ? DayKind.Working : DayKind.Calendar;
        if (node is YamlScalarNode { Value: { } name } && DayKinds.ByName.TryGetValue(name, out var kind))
        {
            if (Get(map, "workingDays") is { } legacy && working != (kind == DayKind.Working))
                Error(legacy, $"workingDays says {(working ? "true" : "false")} but dayKind says {name}: keep dayKind alone.");
            return kind;
        }
        Error(node, $"dayKind must be {string.Join(", ", DayKinds.ByName.Keys)}: how the days are counted.");
        return DayKind.Calendar;
    }

    private List<string> Recipients(YamlMappingNode map, string key)
    {
        var node = Get(map, key);
        switch (node)
        {
            case null: return [];
            case YamlScalarNode { Value: { } one } when !string.IsNullOrWhiteSpace(one): return [one];
            case YamlSequenceNode seq:
                var list = new List<string>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode { Value: { } v } && !string.IsNullOrWhiteSpace(v)) list.Add(v);
                    else Error(item, $"Each recipient in {key} must be a word such as supervisor, role:safeguarding-team or address:someone@example.org.");
                }
                if (list.Count == 0) Error(node, $"{key} lists nobody.");
                return list;
            default:
                Error(node, $"{key} must be a recipient or a list of them, like [supervisor, line-manager-of-supervisee].");
                return [];
        }
    }

    // ---- small readers; each reports its own problem at its own node ----

    private static YamlNode? Get(YamlMappingNode? map, string key) =>
        map?.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == key).Value;

    private void CheckKeys(YamlMappingNode map, IReadOnlyCollection<string> allowed, string what)
    {
        var seen = new HashSet<string>();
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>())
        {
            var name = key.Value ?? "";
            if (!seen.Add(name)) Error(key, $"'{name}' is set twice.");
            if (allowed.Contains(name)) continue;
            var suggestion = allowed.MinBy(a => Distance(a, name));
            Error(key, suggestion is not null && Distance(suggestion, name) <= 2
                ? $"'{name}' is not a setting of {what}. Did you mean '{suggestion}'?"
                : allowed.Count == 0 ? $"'{name}' is not a setting of {what}."
                : $"'{name}' is not a setting of {what}. It takes: {string.Join(", ", allowed)}.");
        }
    }

    private string RequiredId(YamlMappingNode map, string key, string what)
    {
        var node = Get(map, key);
        var value = (node as YamlScalarNode)?.Value;
        if (string.IsNullOrWhiteSpace(value)) { Error(node ?? map, $"Give {what} an id."); return ""; }
        if (!IdPattern().IsMatch(value)) Error(node, $"The id '{value}' must be lower-case letters, digits and hyphens, like 'two-consecutive-misses'.");
        return value;
    }

    private string RequiredString(YamlMappingNode map, string key, string message)
    {
        var value = OptionalString(map, key);
        if (string.IsNullOrWhiteSpace(value)) Error(Get(map, key) ?? map, message);
        return value ?? "";
    }

    private string? OptionalString(YamlMappingNode? map, string key)
    {
        var node = Get(map, key);
        if (node is null) return null;
        if (node is YamlScalarNode s) return s.Value;
        Error(node, $"{key} must be a single value, not a list or a group of settings.");
        return null;
    }

    private bool Bool(YamlMappingNode map, string key)
    {
        if (Get(map, key) is not { } node) return false;
        if (node is YamlScalarNode { Value: "true" or "yes" }) return true;
        if (node is YamlScalarNode { Value: "false" or "no" }) return false;
        Error(node, $"{key} must be true or false.");
        return false;
    }

    private int? Int(YamlMappingNode map, string key)
    {
        if (Get(map, key) is not { } node) return null;
        if (node is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        Error(node, $"{key} must be a whole number.");
        return null;
    }

    /// <summary>Where the innermost [ or { that was never closed starts, found by scanning tokens until the scanner gives up.</summary>
    private static (int Line, int Column) UnclosedBracket(string text)
    {
        var open = new Stack<Mark>();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            while (scanner.MoveNext())
            {
                switch (scanner.Current)
                {
                    case YamlDotNet.Core.Tokens.FlowSequenceStart or YamlDotNet.Core.Tokens.FlowMappingStart: open.Push(scanner.Current.Start); break;
                    case YamlDotNet.Core.Tokens.FlowSequenceEnd or YamlDotNet.Core.Tokens.FlowMappingEnd when open.Count > 0: open.Pop(); break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlException)
        {
            // expected: this is how we found the bad spot
        }
        return open.TryPeek(out var mark) ? ((int)mark.Line, (int)mark.Column) : (1, 1);
    }

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
