using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Workflows.Building;

/// <summary>
/// Where each rule builder control's setting sits in the YAML the writer made, so a problem found at
/// a line and column (by the loader or the validator) is shown at its control (Steps[2].Template),
/// or at the step when it is about the whole of it.
/// </summary>
public static class RuleControls
{
    private static readonly Dictionary<string, string> StepKeys = new(StringComparer.Ordinal)
    {
        ["to"] = nameof(StepDraft.To), ["cc"] = nameof(StepDraft.Cc), ["for"] = nameof(StepDraft.To), ["template"] = nameof(StepDraft.Template),
        ["form"] = nameof(StepDraft.Form), ["expiresInDays"] = nameof(StepDraft.ExpiresInDays), ["title"] = nameof(StepDraft.Title),
        ["dueInDays"] = nameof(StepDraft.DueInDays), ["dayKind"] = nameof(StepDraft.DayKind), ["reason"] = nameof(StepDraft.Reason),
        ["match"] = nameof(StepDraft.Match), ["where"] = nameof(StepDraft.Where), ["timeout"] = nameof(StepDraft.TimeoutDays), ["until"] = nameof(StepDraft.UntilDaysBefore),
        ["condition"] = nameof(StepDraft.Condition), ["value"] = nameof(StepDraft.Value), ["name"] = nameof(StepDraft.Name),
        ["cohort"] = nameof(StepDraft.Cohort),
    };

    public static IReadOnlyDictionary<string, List<string>> Place(string yaml, IEnumerable<(int Line, int Column, string Message)> errors)
    {
        var marks = new List<(int Line, int Column, string Path)>();
        YamlStream stream;
        try { stream = SupervisionHub.TenantText.TenantYaml.Load(yaml); } // bounded, as every reader of a tenant's text
        catch (YamlDotNet.Core.YamlException) { return new Dictionary<string, List<string>> { [""] = [.. errors.Select(e => e.Message)] }; }
        if (stream.Documents.FirstOrDefault()?.RootNode is YamlMappingNode root)
        {
            marks.Add(((int)root.Start.Line, (int)root.Start.Column, ""));
            foreach (var (k, v) in root.Children)
            {
                var key = (k as YamlScalarNode)?.Value;
                var at = ((int)v.Start.Line, (int)v.Start.Column);
                switch (key)
                {
                    case "title": marks.Add((at.Item1, at.Item2, nameof(RuleDraft.Title))); break;
                    case "source": marks.Add((at.Item1, at.Item2, nameof(RuleDraft.Source))); break;
                    case "condition": marks.Add((at.Item1, at.Item2, nameof(RuleDraft.Condition))); break;
                    case "trigger":
                        marks.Add((at.Item1, at.Item2, nameof(RuleDraft.Event)));
                        if (v is YamlMappingNode trigger)
                            foreach (var (tk, tv) in trigger.Children)
                                marks.Add(((int)tv.Start.Line, (int)tv.Start.Column, (tk as YamlScalarNode)?.Value == "schedule" ? nameof(RuleDraft.Schedule) : nameof(RuleDraft.Event)));
                        break;
                    case "steps": Steps(v, "Steps", marks); break;
                }
            }
        }
        var placed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (line, column, message) in errors)
        {
            var exact = marks.FirstOrDefault(m => m.Line == line && m.Column == column);
            var path = exact.Path ?? marks.Where(m => m.Line < line || m.Line == line && m.Column <= column)
                .OrderBy(m => m.Line).ThenBy(m => m.Column).Select(m => m.Path).LastOrDefault() ?? "";
            if (!placed.TryGetValue(path, out var list)) placed[path] = list = [];
            list.Add(message);
        }
        return placed;
    }

    private static void Steps(YamlNode node, string path, List<(int, int, string)> marks)
    {
        if (node is not YamlSequenceNode seq) return;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode step) continue;
            var sp = $"{path}[{i}]";
            marks.Add(((int)step.Start.Line, (int)step.Start.Column, sp));
            foreach (var (k, v) in step.Children)
            {
                var key = (k as YamlScalarNode)?.Value;
                if (key == "id") { marks.Add(((int)v.Start.Line, (int)v.Start.Column, sp + "." + nameof(StepDraft.Id))); continue; }
                marks.Add(((int)k.Start.Line, (int)k.Start.Column, sp + "." + nameof(StepDraft.Kind)));
                if (key == "note") { marks.Add(((int)v.Start.Line, (int)v.Start.Column, sp + "." + nameof(StepDraft.Text))); continue; }
                if (v is not YamlMappingNode settings) continue;
                marks.Add(((int)v.Start.Line, (int)v.Start.Column, sp));
                foreach (var (sk, sv) in settings.Children)
                {
                    var setting = (sk as YamlScalarNode)?.Value ?? "";
                    switch (setting)
                    {
                        case "then": Steps(sv, sp + ".Then", marks); break;
                        case "else": Steps(sv, sp + ".Else", marks); break;
                        case "onEvent": Steps(sv, sp + ".OnEvent", marks); break;
                        case "onTimeout": Steps(sv, sp + ".OnTimeout", marks); break;
                        case "steps": Steps(sv, sp + ".Each", marks); break;
                        case "default": Steps(sv, sp + ".Default", marks); break;
                        case "cases" when sv is YamlMappingNode cases:
                            var ci = 0;
                            foreach (var (_, cv) in cases.Children) Steps(cv, $"{sp}.Cases[{ci++}].Steps", marks);
                            break;
                        case "for" when key == "wait": marks.Add(((int)sv.Start.Line, (int)sv.Start.Column, sp + "." + nameof(StepDraft.WaitFor))); break;
                        default:
                            if (StepKeys.TryGetValue(setting, out var property)) marks.Add(((int)sv.Start.Line, (int)sv.Start.Column, sp + "." + property));
                            break;
                    }
                }
            }
        }
    }
}
