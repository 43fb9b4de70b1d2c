using SupervisionHub.Workflows.Calendar;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// A workflow definition as read from tenants/&lt;slug&gt;/workflows/&lt;id&gt;.yaml (docs/workflows.md).
/// Positions maps "id", "trigger", "condition", a step id, or "stepId.setting" to where it was
/// written, so the validator can locate what it finds without the YAML.
/// </summary>
public sealed record WorkflowDefinition
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Source { get; init; }
    public required WorkflowTrigger Trigger { get; init; }
    public string? Condition { get; init; }
    public required IReadOnlyList<WorkflowStep> Steps { get; init; }
    public IReadOnlyDictionary<string, SourcePosition> Positions { get; init; } = new Dictionary<string, SourcePosition>();

    /// <summary>Every step, nested ones included, in the order they are written.</summary>
    public IEnumerable<WorkflowStep> AllSteps() => Flatten(Steps);

    private static IEnumerable<WorkflowStep> Flatten(IEnumerable<WorkflowStep> steps)
    {
        foreach (var step in steps)
        {
            yield return step;
            foreach (var (_, list) in step.StepLists())
                foreach (var inner in Flatten(list)) yield return inner;
        }
    }

    public SourcePosition PositionOf(string key) =>
        Positions.TryGetValue(key, out var p) ? p
        : key.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 && Positions.TryGetValue(key[..dot], out var s) ? s
        : new SourcePosition(1, 1);
}

public readonly record struct SourcePosition(int Line, int Column);

/// <summary>Exactly one of Event (a domain event type) and Schedule (cron, in the tenant's time zone) is set.</summary>
public sealed record WorkflowTrigger(string? Event, string? Schedule);

/// <summary>A step of the closed catalogue; <see cref="StepCatalogue"/> describes each kind's settings.</summary>
public abstract record WorkflowStep(string Id)
{
    public abstract string Kind { get; }

    /// <summary>The nested step lists by the path segment the runner stores in its frames ("then", "cases/x"...).</summary>
    public virtual IEnumerable<(string Name, IReadOnlyList<WorkflowStep> Steps)> StepLists() => [];
}

public sealed record SendEmailStep(string Id, IReadOnlyList<string> To, IReadOnlyList<string> Cc, string Template) : WorkflowStep(Id)
{
    public override string Kind => "send-email";
}

public sealed record RequestFormStep(string Id, IReadOnlyList<string> To, string Form, string Template, int? ExpiresInDays) : WorkflowStep(Id)
{
    public override string Kind => "request-form";
}

/// <summary>Asks each recipient to book their next session, by an email carrying a link to the booking page of their supervision.</summary>
public sealed record RequestBookingStep(string Id, IReadOnlyList<string> To, string Template) : WorkflowStep(Id)
{
    public override string Kind => "request-booking";
}

/// <param name="DayKind">How DueInDays counts: calendar, working or school days.</param>
public sealed record CreateTaskStep(string Id, IReadOnlyList<string> For, string Title, int? DueInDays, DayKind DayKind = DayKind.Calendar) : WorkflowStep(Id)
{
    public override string Kind => "create-task";
}

public sealed record EscalateStep(string Id, IReadOnlyList<string> To, string Template, string Reason) : WorkflowStep(Id)
{
    public override string Kind => "escalate";
}

public enum WaitMatch { Session, Relationship, Person }

/// <summary>How long a wait lasts: Days of the given kind (calendar, working or school days).</summary>
public sealed record WaitTimeout(int Days, DayKind Kind = DayKind.Calendar);

/// <summary>
/// A wait that ends at a time given from the session's day rather than from now: DaysBefore days
/// before the day of the session the run's event is about, at At (local time in the tenant's zone).
/// DaysBefore is a whole number, or JavaScript read when the wait starts (tenant.settings.reminderDaysBefore)
/// whose null means "no reminder" (docs/adr/0035-session-reminders.md).
/// </summary>
public sealed record WaitUntil(string DaysBefore, TimeOnly At)
{
    /// <summary>The number written in the definition, or null when DaysBefore is JavaScript.</summary>
    public int? Fixed => int.TryParse(DaysBefore, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    public const int MaxDaysBefore = 60;

    /// <summary>
    /// When the wait ends, in UTC: the local At on the day DaysBefore days before the session, in the
    /// tenant's zone. A time that has passed by now is now when the session is on a later day (a
    /// session booked for tomorrow still gets its reminder, at once); for a session today or past,
    /// nothing (null). A local time the clocks skip is taken an hour later.
    /// </summary>
    public static DateTimeOffset? DueAt(DateOnly sessionDay, int daysBefore, TimeOnly at, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var local = sessionDay.AddDays(-daysBefore).ToDateTime(at);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        var due = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        if (due >= now) return due;
        // Late: at once for a session on a later day; none for one today (booked or recorded on the
        // day, perhaps already held) or past.
        return sessionDay > today ? now.ToUniversalTime() : null;
    }
}

/// <param name="Form">For record.* events, only a record of this form ends the wait (a session's own record must not end the wait for its evaluation).</param>
/// <param name="Where">JavaScript over the arriving <c>event</c> (and <c>wait.until</c>, the timeout's last day): only an event for which it is true ends the wait.</param>
/// <param name="Until">Instead of Timeout: a time given from the session's day (a reminder before the session).</param>
public sealed record WaitStep(string Id, string For, WaitMatch Match, WaitTimeout? Timeout, IReadOnlyList<WorkflowStep> OnEvent, IReadOnlyList<WorkflowStep> OnTimeout, string? Form = null, string? Where = null,
    WaitUntil? Until = null) : WorkflowStep(Id)
{
    public override string Kind => "wait";

    /// <summary>Whether this event, already known to be about the same session, relationship or person, ends the wait (its where aside: <see cref="WorkflowRunner.Accepts"/>).</summary>
    public bool Accepts(EventInfo e) => e.Type == For && (Form is null || e.Form == Form);
    public override IEnumerable<(string, IReadOnlyList<WorkflowStep>)> StepLists() => [("onEvent", OnEvent), ("onTimeout", OnTimeout)];
}

public sealed record IfStep(string Id, string Condition, IReadOnlyList<WorkflowStep> Then, IReadOnlyList<WorkflowStep> Else) : WorkflowStep(Id)
{
    public override string Kind => "if";
    public override IEnumerable<(string, IReadOnlyList<WorkflowStep>)> StepLists() => [("then", Then), ("else", Else)];
}

public sealed record SwitchCase(string Value, IReadOnlyList<WorkflowStep> Steps);

public sealed record SwitchStep(string Id, string Value, IReadOnlyList<SwitchCase> Cases, IReadOnlyList<WorkflowStep> Default) : WorkflowStep(Id)
{
    public override string Kind => "switch";
    public override IEnumerable<(string, IReadOnlyList<WorkflowStep>)> StepLists() =>
        [.. Cases.Select(c => ("cases/" + c.Value, c.Steps)), ("default", Default)];
}

public sealed record SetStep(string Id, string Name, string Value) : WorkflowStep(Id)
{
    public override string Kind => "set";
}

public sealed record NoteStep(string Id, string Text) : WorkflowStep(Id)
{
    public override string Kind => "note";
}

public sealed record ForEachStep(string Id, string Cohort, string? Where, IReadOnlyList<WorkflowStep> Steps) : WorkflowStep(Id)
{
    public override string Kind => "for-each";
    public override IEnumerable<(string, IReadOnlyList<WorkflowStep>)> StepLists() => [("steps", Steps)];

    /// <summary>
    /// A for-each whose steps wait (a request, a wait for its answer, a reminder) runs each member's
    /// steps as a run of its own, so one member's answer ends only their wait. Without a wait, every
    /// member's steps run at once inside this run.
    /// </summary>
    public bool EachMemberOnTheirOwn => Waits(Steps);

    private static bool Waits(IEnumerable<WorkflowStep> steps) =>
        steps.Any(s => s is WaitStep || s is not ForEachStep && Waits(s.StepLists().SelectMany(l => l.Steps)));
}
