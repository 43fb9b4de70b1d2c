using System.Globalization;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Workflows.Building;

/// <summary>
/// Writes a rule as canonical YAML (docs/workflows.md): id, title, source, trigger, condition, steps;
/// each step its id then its one kind; only settings that differ from their defaults; recipients as
/// a one-line list. Loading what it writes gives back an equal definition (a test round-trips every
/// founding rule). A rewrite drops comments (docs/adr/0029-builders.md). workingDays: true, the
/// older spelling, is written as dayKind: working, which the loader reads the same.
/// </summary>
public static class WorkflowYamlWriter
{
    public static string Write(WorkflowDefinition rule)
    {
        var root = new YamlMappingNode();
        Add(root, "id", rule.Id);
        Add(root, "title", rule.Title);
        Add(root, "source", rule.Source);
        var trigger = new YamlMappingNode();
        Add(trigger, "event", rule.Trigger.Event);
        Add(trigger, "schedule", rule.Trigger.Schedule);
        root.Add("trigger", trigger);
        Add(root, "condition", rule.Condition);
        root.Add("steps", Steps(rule.Steps));
        return Save(root);
    }

    private static YamlSequenceNode Steps(IEnumerable<WorkflowStep> steps) => new(steps.Select(Step));

    private static YamlMappingNode Step(WorkflowStep step)
    {
        var map = new YamlMappingNode { { "id", Scalar(step.Id) } };
        if (step is NoteStep note)
        {
            map.Add("note", Scalar(note.Text));
            return map;
        }
        var s = new YamlMappingNode();
        switch (step)
        {
            case SendEmailStep e:
                Recipients(s, "to", e.To); Recipients(s, "cc", e.Cc); Add(s, "template", e.Template);
                break;
            case RequestFormStep r:
                Recipients(s, "to", r.To); Add(s, "form", r.Form); Add(s, "template", r.Template); Add(s, "expiresInDays", r.ExpiresInDays);
                break;
            case RequestBookingStep b:
                Recipients(s, "to", b.To); Add(s, "template", b.Template);
                break;
            case CreateTaskStep t:
                Recipients(s, "for", t.For); Add(s, "title", t.Title); Add(s, "dueInDays", t.DueInDays);
                if (t.DayKind != DayKind.Calendar) Add(s, "dayKind", DayKinds.Name(t.DayKind));
                break;
            case EscalateStep x:
                Recipients(s, "to", x.To); Add(s, "template", x.Template); Add(s, "reason", x.Reason);
                break;
            case WaitStep w:
                Add(s, "for", w.For);
                if (w.Match != WaitMatch.Relationship) Add(s, "match", w.Match.ToString().ToLowerInvariant());
                Add(s, "form", w.Form);
                Add(s, "where", w.Where);
                if (w.Timeout is { } timeout)
                {
                    var t = new YamlMappingNode { { "days", Number(timeout.Days) } };
                    if (timeout.Kind != DayKind.Calendar) t.Add("dayKind", DayKinds.Name(timeout.Kind));
                    t.Style = MappingStyle.Flow;
                    s.Add("timeout", t);
                }
                if (w.Until is { } until)
                {
                    var u = new YamlMappingNode { { "daysBefore", until.Fixed is { } n ? Number(n) : new YamlScalarNode(until.DaysBefore) } };
                    u.Add("at", new YamlScalarNode(until.At.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)) { Style = ScalarStyle.DoubleQuoted });
                    u.Style = MappingStyle.Flow;
                    s.Add("until", u);
                }
                List(s, "onEvent", w.OnEvent); List(s, "onTimeout", w.OnTimeout);
                break;
            case IfStep i:
                Add(s, "condition", i.Condition); List(s, "then", i.Then); List(s, "else", i.Else);
                break;
            case SwitchStep sw:
                Add(s, "value", sw.Value);
                s.Add("cases", new YamlMappingNode(sw.Cases.Select(c => new KeyValuePair<YamlNode, YamlNode>(Scalar(c.Value), Steps(c.Steps)))));
                List(s, "default", sw.Default);
                break;
            case SetStep set:
                Add(s, "name", set.Name); Add(s, "value", set.Value);
                break;
            case ForEachStep f:
                Add(s, "cohort", f.Cohort); Add(s, "where", f.Where); s.Add("steps", Steps(f.Steps));
                break;
        }
        map.Add(step.Kind, s);
        return map;
    }

    private static void List(YamlMappingNode map, string key, IReadOnlyList<WorkflowStep> steps)
    {
        if (steps.Count > 0) map.Add(key, Steps(steps));
    }

    private static void Recipients(YamlMappingNode map, string key, IReadOnlyList<string> recipients)
    {
        if (recipients.Count > 0) map.Add(key, new YamlSequenceNode(recipients.Select(Scalar)) { Style = SequenceStyle.Flow });
    }

    private static void Add(YamlMappingNode map, string key, string? value)
    {
        if (value is not null) map.Add(key, Scalar(value));
    }

    private static void Add(YamlMappingNode map, string key, int? value)
    {
        if (value is { } n) map.Add(key, Number(n));
    }

    private static YamlScalarNode Number(int n) => new(n.ToString(CultureInfo.InvariantCulture));

    private static readonly HashSet<string> LooksTyped = new(StringComparer.OrdinalIgnoreCase) { "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n" };

    /// <summary>Plain where YAML allows; quoted where the text would read as another type; a literal block for lines.</summary>
    private static YamlScalarNode Scalar(string value)
    {
        var node = new YamlScalarNode(value);
        if (value.Contains('\n', StringComparison.Ordinal) && !value.Any(ch => char.IsControl(ch) && ch != '\n') && !value.Contains(" \n", StringComparison.Ordinal))
            node.Style = ScalarStyle.Literal;
        else if (value.Length == 0 || LooksTyped.Contains(value) || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            node.Style = ScalarStyle.DoubleQuoted;
        return node;
    }

    private static string Save(YamlNode root)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(new Emitter(writer, new EmitterSettings(2, int.MaxValue, false, 1024, false, true)), assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
