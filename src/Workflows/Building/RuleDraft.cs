using System.Globalization;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Building;

/// <summary>
/// A rule as the rule builder edits it: settable text and nested step lists that a page posts back
/// whole, so nothing typed is lost. From() reads a definition (conditions as rows when they have the
/// rows' shape); ToDefinition() builds one, noting text that is not a number at its control's path,
/// for WorkflowYamlWriter to write and WorkflowLoader and WorkflowValidator to check.
/// </summary>
public sealed class RuleDraft
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Source { get; set; }
    /// <summary>"event" or "schedule".</summary>
    public string TriggerKind { get; set; } = "event";
    public string? Event { get; set; }
    public string? Schedule { get; set; }
    public ConditionDraft Condition { get; set; } = new();
    public List<StepDraft> Steps { get; set; } = [];

    public static RuleDraft From(WorkflowDefinition d) => new()
    {
        Id = d.Id, Title = d.Title, Source = d.Source,
        TriggerKind = d.Trigger.Schedule is not null ? "schedule" : "event", Event = d.Trigger.Event, Schedule = d.Trigger.Schedule,
        Condition = ConditionDraft.From(d.Condition), Steps = [.. d.Steps.Select(StepDraft.From)],
    };

    public WorkflowDefinition ToDefinition(IDictionary<string, string>? problems = null)
    {
        var p = problems ?? new Dictionary<string, string>();
        return new WorkflowDefinition
        {
            Id = Id.Trim(), Title = Title.Trim(), Source = Blank(Source),
            Trigger = TriggerKind == "schedule" ? new WorkflowTrigger(null, Blank(Schedule)?.Trim()) : new WorkflowTrigger(Blank(Event)?.Trim(), null),
            Condition = Condition.ToJavaScript(),
            Steps = StepDraft.ToSteps(Steps, "Steps", p),
        };
    }

    internal static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Replace("\r\n", "\n", StringComparison.Ordinal);
}

/// <summary>A condition as rows (all or any) or, for what rows cannot say, JavaScript.</summary>
public sealed class ConditionDraft
{
    /// <summary>"rows" or "javascript".</summary>
    public string Mode { get; set; } = "rows";
    /// <summary>"all" or "any".</summary>
    public string Join { get; set; } = "all";
    public List<ConditionRow> Rows { get; set; } = [];
    public string? JavaScript { get; set; }

    public static ConditionDraft From(string? js) => ConditionRows.Parse(js) is { } parsed
        ? new() { Mode = "rows", Join = parsed.Any ? "any" : "all", Rows = parsed.Rows }
        : new() { Mode = "javascript", JavaScript = js };

    public string? ToJavaScript() => Mode == "javascript"
        ? RuleDraft.Blank(JavaScript)?.Trim()
        : ConditionRows.Compile(Join == "any", Rows) is { Length: > 0 } js ? js : null;
}

public sealed class SwitchCaseDraft
{
    public string Value { get; set; } = "";
    public List<StepDraft> Steps { get; set; } = [];
}

public sealed class StepDraft
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "send-email";
    /// <summary>Recipients, comma-separated in the order written (the picker adds to the end).</summary>
    public string? To { get; set; }
    public string? Cc { get; set; }
    public string? Template { get; set; }
    public string? Form { get; set; }
    public string? ExpiresInDays { get; set; }
    public string? Title { get; set; }
    public string? DueInDays { get; set; }
    public string DayKind { get; set; } = "calendar";
    public string? Reason { get; set; }
    /// <summary>Wait: the event waited for, how it is matched, the form (record.*), and JavaScript over the arriving event.</summary>
    public string? WaitFor { get; set; }
    public string Match { get; set; } = "relationship";
    public string? Where { get; set; }
    public string? TimeoutDays { get; set; }
    public string TimeoutKind { get; set; } = "calendar";
    public ConditionDraft Condition { get; set; } = new();
    public string? Value { get; set; }
    public string? Name { get; set; }
    public string? Text { get; set; }
    public string? Cohort { get; set; }
    public List<StepDraft> Then { get; set; } = [];
    public List<StepDraft> Else { get; set; } = [];
    public List<StepDraft> OnEvent { get; set; } = [];
    public List<StepDraft> OnTimeout { get; set; } = [];
    public List<StepDraft> Each { get; set; } = [];
    public List<StepDraft> Default { get; set; } = [];
    public List<SwitchCaseDraft> Cases { get; set; } = [];

    /// <summary>The step lists a kind has, by the name the page posts them under and the runner's name (StepCatalogue).</summary>
    public IEnumerable<(string Property, string Name, List<StepDraft> Steps)> Lists() => Kind switch
    {
        "if" => [(nameof(Then), "then", Then), (nameof(Else), "else", Else)],
        "wait" => [(nameof(OnEvent), "onEvent", OnEvent), (nameof(OnTimeout), "onTimeout", OnTimeout)],
        "for-each" => [(nameof(Each), "steps", Each)],
        "switch" => [.. Cases.Select((c, i) => ($"Cases[{i}].Steps", "cases/" + c.Value, c.Steps)), (nameof(Default), "default", Default)],
        _ => [],
    };

    private static string? Join(IReadOnlyList<string> list) => list.Count == 0 ? null : string.Join(", ", list);

    private static string? Num(int? n) => n?.ToString(CultureInfo.InvariantCulture);

    public static StepDraft From(WorkflowStep step)
    {
        var d = new StepDraft { Id = step.Id, Kind = step.Kind };
        switch (step)
        {
            case SendEmailStep s: d.To = Join(s.To); d.Cc = Join(s.Cc); d.Template = s.Template; break;
            case RequestFormStep s: d.To = Join(s.To); d.Form = s.Form; d.Template = s.Template; d.ExpiresInDays = Num(s.ExpiresInDays); break;
            case RequestBookingStep s: d.To = Join(s.To); d.Template = s.Template; break;
            case CreateTaskStep s: d.To = Join(s.For); d.Title = s.Title; d.DueInDays = Num(s.DueInDays); d.DayKind = DayKinds.Name(s.DayKind); break;
            case EscalateStep s: d.To = Join(s.To); d.Template = s.Template; d.Reason = s.Reason; break;
            case WaitStep s:
                d.WaitFor = s.For; d.Match = s.Match.ToString().ToLowerInvariant(); d.Form = s.Form; d.Where = s.Where;
                d.TimeoutDays = Num(s.Timeout?.Days); d.TimeoutKind = DayKinds.Name(s.Timeout?.Kind ?? Calendar.DayKind.Calendar);
                d.OnEvent = [.. s.OnEvent.Select(From)]; d.OnTimeout = [.. s.OnTimeout.Select(From)];
                break;
            case IfStep s: d.Condition = ConditionDraft.From(s.Condition); d.Then = [.. s.Then.Select(From)]; d.Else = [.. s.Else.Select(From)]; break;
            case SwitchStep s:
                d.Value = s.Value; d.Default = [.. s.Default.Select(From)];
                d.Cases = [.. s.Cases.Select(c => new SwitchCaseDraft { Value = c.Value, Steps = [.. c.Steps.Select(From)] })];
                break;
            case SetStep s: d.Name = s.Name; d.Value = s.Value; break;
            case NoteStep s: d.Text = s.Text; break;
            case ForEachStep s: d.Cohort = s.Cohort; d.Where = s.Where; d.Each = [.. s.Steps.Select(From)]; break;
        }
        return d;
    }

    public static IReadOnlyList<WorkflowStep> ToSteps(IEnumerable<StepDraft> steps, string path, IDictionary<string, string> problems) =>
        [.. steps.Select((s, i) => s.ToStep($"{path}[{i}]", problems))];

    public WorkflowStep ToStep(string path, IDictionary<string, string> problems)
    {
        int? Int(string? text, string key)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
            problems.TryAdd($"{path}.{key}", "Enter a whole number of days, like 10.");
            return null;
        }
        List<string> People(string? text) => [.. (text ?? "").Split(',').Select(r => r.Trim()).Where(r => r.Length > 0)];
        IReadOnlyList<WorkflowStep> Steps(List<StepDraft> list, string property) => ToSteps(list, $"{path}.{property}", problems);
        DayKind Days(string name) => DayKinds.ByName.TryGetValue(name, out var k) ? k : Calendar.DayKind.Calendar;
        var id = Id.Trim();
        string S(string? text) => (text ?? "").Trim();
        return Kind switch
        {
            "send-email" => new SendEmailStep(id, People(To), People(Cc), S(Template)),
            "request-form" => new RequestFormStep(id, People(To), S(Form), S(Template), Int(ExpiresInDays, nameof(ExpiresInDays))),
            "request-booking" => new RequestBookingStep(id, People(To), S(Template)),
            "create-task" => new CreateTaskStep(id, People(To), S(Title), Int(DueInDays, nameof(DueInDays)), Days(DayKind)),
            "escalate" => new EscalateStep(id, People(To), S(Template), S(Reason)),
            "wait" => new WaitStep(id, S(WaitFor), Match switch { "session" => WaitMatch.Session, "person" => WaitMatch.Person, _ => WaitMatch.Relationship },
                Int(TimeoutDays, nameof(TimeoutDays)) is { } days ? new WaitTimeout(days, Days(TimeoutKind)) : null,
                Steps(OnEvent, nameof(OnEvent)), Steps(OnTimeout, nameof(OnTimeout)), RuleDraft.Blank(Form)?.Trim(), RuleDraft.Blank(Where)?.Trim()),
            "if" => new IfStep(id, Condition.ToJavaScript() ?? "", Steps(Then, nameof(Then)), Steps(Else, nameof(Else))),
            "switch" => new SwitchStep(id, S(Value), [.. Cases.Select((c, i) => new SwitchCase(c.Value.Trim(), ToSteps(c.Steps, $"{path}.Cases[{i}].Steps", problems)))],
                Steps(Default, nameof(Default))),
            "set" => new SetStep(id, S(Name), S(Value)),
            "note" => new NoteStep(id, RuleDraft.Blank(Text) ?? ""),
            _ => new ForEachStep(id, S(Cohort), RuleDraft.Blank(Where)?.Trim(), Steps(Each, nameof(Each))),
        };
    }
}
