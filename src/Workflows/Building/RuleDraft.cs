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
    /// <summary>The cron as written; used when <see cref="Every"/> is "cron", and otherwise written by the picker.</summary>
    public string? Schedule { get; set; }
    /// <summary>The schedule picker: day, week, month, months (each term, each quarter), year, or cron (as written).</summary>
    public string Every { get; set; } = "year";
    /// <summary>Time of day, HH:mm in the tenant's zone.</summary>
    public string Time { get; set; } = "08:00";
    /// <summary>0 Sunday to 6 Saturday, as cron counts.</summary>
    public string Weekday { get; set; } = "1";
    public string? Day { get; set; } = "1";
    public string Month { get; set; } = "9";
    /// <summary>Months of the year, comma-separated (9,1,4: each term).</summary>
    public string? Months { get; set; } = "9,1,4";
    public ConditionDraft Condition { get; set; } = new();
    public List<StepDraft> Steps { get; set; } = [];

    public static RuleDraft From(WorkflowDefinition d)
    {
        var draft = new RuleDraft
        {
            Id = d.Id, Title = d.Title, Source = d.Source,
            TriggerKind = d.Trigger.Schedule is not null ? "schedule" : "event", Event = d.Trigger.Event, Schedule = d.Trigger.Schedule,
            Condition = ConditionDraft.From(d.Condition), Steps = [.. d.Steps.Select(StepDraft.From)],
        };
        draft.ReadSchedule();
        return draft;
    }

    /// <summary>Sets the picker from the cron when it has one of the picker's shapes, exactly as the picker would write it; otherwise the cron stays as written.</summary>
    private void ReadSchedule()
    {
        Every = "cron";
        var parts = (Schedule ?? "").Split(' ');
        if (parts.Length != 5 || !Num(parts[0], 0, 59, out var minute) || !Num(parts[1], 0, 23, out var hour)) return;
        var time = $"{hour:00}:{minute:00}";
        var (d, mo, w) = (parts[2], parts[3], parts[4]);
        if (d == "*" && mo == "*" && w == "*") Every = "day";
        else if (d == "*" && mo == "*" && Num(w, 0, 6, out _)) (Every, Weekday) = ("week", w);
        else if (Num(d, 1, 31, out _) && mo == "*" && w == "*") (Every, Day) = ("month", d);
        else if (Num(d, 1, 31, out _) && Num(mo, 1, 12, out _) && w == "*") (Every, Day, Month) = ("year", d, mo);
        else if (Num(d, 1, 31, out _) && mo.Split(',') is { Length: > 1 } list && list.All(m => Num(m, 1, 12, out _)) && w == "*") (Every, Day, Months) = ("months", d, mo);
        if (Every != "cron") Time = time;
    }

    /// <summary>A number as the picker writes it (no leading zeros), so reading and writing again gives the same cron.</summary>
    private static bool Num(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max
        && value.ToString(CultureInfo.InvariantCulture) == text;

    /// <summary>The cron the picker says (or the cron as written). Text the picker cannot read is noted at its control.</summary>
    public string? Cron(IDictionary<string, string> problems)
    {
        if (Every == "cron") return Blank(Schedule)?.Trim();
        var t = Time.Split(':');
        if (t.Length != 2 || !int.TryParse(t[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23
            || !int.TryParse(t[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute) || minute > 59)
        {
            problems.TryAdd(nameof(Time), "Enter a time like 08:00.");
            return Blank(Schedule)?.Trim();
        }
        var day = (Day ?? "").Trim();
        if (Every is "month" or "months" or "year" && !Num(day, 1, 31, out _))
        {
            problems.TryAdd(nameof(Day), "Enter a day of the month from 1 to 31.");
            day = "1";
        }
        var months = string.Join(",", (Months ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (Every == "months" && (months.Length == 0 || !months.Split(',').All(m => Num(m, 1, 12, out _))))
            problems.TryAdd(nameof(Months), "Enter months as numbers from 1 to 12 separated by commas, like 9,1,4.");
        return Every switch
        {
            "day" => $"{minute} {hour} * * *",
            "week" => $"{minute} {hour} * * {Weekday}",
            "month" => $"{minute} {hour} {day} * *",
            "months" => $"{minute} {hour} {day} {months} *",
            _ => $"{minute} {hour} {day} {Month} *",
        };
    }

    public WorkflowDefinition ToDefinition(IDictionary<string, string>? problems = null)
    {
        var p = problems ?? new Dictionary<string, string>();
        return new WorkflowDefinition
        {
            Id = Id.Trim(), Title = Title.Trim(), Source = Blank(Source),
            Trigger = TriggerKind == "schedule" ? new WorkflowTrigger(null, Cron(p)) : new WorkflowTrigger(Blank(Event)?.Trim(), null),
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
    /// <summary>Wait until a time before the session: days before (a number, or JavaScript such as tenant.settings.reminderDaysBefore) and the time of day.</summary>
    public string? UntilDaysBefore { get; set; }
    public string? UntilAt { get; set; }
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
                d.UntilDaysBefore = s.Until?.DaysBefore; d.UntilAt = s.Until?.At.ToString("HH:mm", CultureInfo.InvariantCulture);
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

    private WaitUntil? Until(string path, IDictionary<string, string> problems)
    {
        if (RuleDraft.Blank(UntilDaysBefore)?.Trim() is not { } before) return null;
        var at = new TimeOnly(8, 0);
        if (RuleDraft.Blank(UntilAt)?.Trim() is { } text && !TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
            problems.TryAdd($"{path}.{nameof(UntilAt)}", "Enter a time of day like 08:00.");
        return new WaitUntil(before, at);
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
                Steps(OnEvent, nameof(OnEvent)), Steps(OnTimeout, nameof(OnTimeout)), RuleDraft.Blank(Form)?.Trim(), RuleDraft.Blank(Where)?.Trim(), Until(path, problems)),
            "if" => new IfStep(id, Condition.ToJavaScript() ?? "", Steps(Then, nameof(Then)), Steps(Else, nameof(Else))),
            "switch" => new SwitchStep(id, S(Value), [.. Cases.Select((c, i) => new SwitchCase(c.Value.Trim(), ToSteps(c.Steps, $"{path}.Cases[{i}].Steps", problems)))],
                Steps(Default, nameof(Default))),
            "set" => new SetStep(id, S(Name), S(Value)),
            "note" => new NoteStep(id, RuleDraft.Blank(Text) ?? ""),
            _ => new ForEachStep(id, S(Cohort), RuleDraft.Blank(Where)?.Trim(), Steps(Each, nameof(Each))),
        };
    }
}
