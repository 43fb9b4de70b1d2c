using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SupervisionHub.Workflows.Calendar;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// Runs a definition against a context: pure, no IO, never throws on bad content. The result says
/// what to do (effects), what happened (journal), and what to store (state) so that a wait can be
/// resumed by a later event or its timeout. A failing condition or expression becomes an incident.
/// </summary>
/// <remarks>
/// State is a stack of frames (a step list by path, and the index of the next step in it), the
/// variables, and the wait the run is paused at. Paths are "" (the top-level steps) or
/// "stepId/then", "stepId/cases/value", "stepId/onTimeout"...; step ids are unique in a definition.
/// A for-each without a wait runs all its members in one go and never pauses, so no for-each
/// position is ever stored; effects of one that fails part-way are dropped, so retrying it does not
/// send the first members' emails twice. A for-each whose steps wait gives each member a run of
/// their own (<see cref="RunResult.Branches"/>): its state starts at the for-each's steps with the
/// member as Item and ends where they end, and its waits are bound to that member, so one member's
/// answer ends only their own wait.
/// A run has a time budget for all its conditions, values and notes together
/// (<see cref="SupervisionHub.TenantText.TenantTextLimits.RunBudgetMs"/>): each evaluation already
/// stops at its own limit, but a for-each over a cohort evaluates once per member, and a thousand
/// slow ones must not hold the worker that runs every tenant's rules.
/// </remarks>
public sealed class WorkflowRunner(JsSandbox? sandbox = null)
{
    private readonly JsSandbox _sandbox = sandbox ?? new JsSandbox();

    /// <summary>The time one run may spend evaluating, unless a caller gives less.</summary>
    public static readonly TimeSpan RunBudget = TimeSpan.FromMilliseconds(SupervisionHub.TenantText.TenantTextLimits.RunBudgetMs);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    internal sealed record Frame(string Path, int Index);

    internal sealed class State
    {
        public string Definition { get; set; } = "";
        public List<Frame> Frames { get; set; } = [];
        public JsonObject Vars { get; set; } = [];
        public string? WaitingAt { get; set; }
        /// <summary>The member a for-each member's own run is for (null for a run of the whole rule).</summary>
        public CohortMember? Item { get; set; }
        /// <summary>The last day of the wait's timeout, in the tenant's zone, for its where (wait.until).</summary>
        public string? WaitUntil { get; set; }
        /// <summary>For a wait timed from its session (until): the session's day and version it was timed from.</summary>
        public string? WaitSession { get; set; }
    }

    /// <param name="budget">The time this run may spend evaluating (<see cref="RunBudget"/> unless less is left, as in a simulation near its end).</param>
    public RunResult Start(WorkflowDefinition definition, WorkflowContext ctx, DateTimeOffset now, TimeSpan? budget = null)
    {
        var run = new Run(this, definition, ctx, now, new State { Definition = definition.Id, Frames = [new("", 0)] }, budget ?? RunBudget);
        run.Log("trigger", definition.Trigger.Event is { } e ? $"event {e}" : $"schedule {definition.Trigger.Schedule}", Describe(ctx.Event));
        if (definition.Condition is { } condition)
        {
            var outcome = _sandbox.EvaluateBool(condition, run.Scope(null), run.TimeLeft);
            if (outcome.Failure is { } f) return run.Faulted("condition", $"The workflow's condition could not be worked out: {f.Message}");
            var yes = outcome.Value!.GetValue<bool>();
            run.Log("condition", $"condition {condition}", yes ? "true: the workflow runs" : "false: the workflow does not run");
            if (!yes) return run.Finish(RunStatus.Skipped);
        }
        return run.Continue();
    }

    public RunResult Resume(WorkflowDefinition definition, string stateJson, Resumption how, WorkflowContext ctx, DateTimeOffset now, TimeSpan? budget = null)
    {
        State? state;
        try { state = JsonSerializer.Deserialize<State>(stateJson, Json); }
        catch (JsonException) { state = null; }
        var run = new Run(this, definition, ctx, now, state ?? new State { Definition = definition.Id }, budget ?? RunBudget);
        if (state is null || state.Frames.Count == 0 && state.WaitingAt is null)
            return run.Faulted("state", "The stored state of this run could not be read; it cannot be resumed.");
        if (how is Retry) { run.Log("retry", "retry", "run again from the step that failed"); return run.Continue(); }
        if (state.WaitingAt is not { } waitId || run.Step(waitId) is not WaitStep wait)
            return run.Faulted(state.WaitingAt ?? "state", "This run is not waiting, or the step it waited at is not in the definition.");
        state.WaitingAt = null;
        state.WaitUntil = null;
        var timedFrom = state.WaitSession;
        state.WaitSession = null;
        if (how is TimedOut && wait.Until is not null && timedFrom != SessionStamp(ctx.Event))
        {
            // A reminder timed from a day the session no longer has (moved, or cancelled and so
            // changed) must not go: the rule started by the move times the new one (ADR 0035).
            run.Log(wait.Id, $"wait for {wait.For}", $"the session has changed since this wait was timed ({timedFrom} then, {SessionStamp(ctx.Event)} now): nothing more to do");
            state.Frames.Clear();
            return run.Continue();
        }
        switch (how)
        {
            case EventArrived arrived:
                run.Log(wait.Id, $"wait for {wait.For}", $"{arrived.Event.Type} arrived ({Describe(arrived.Event)}): onEvent");
                state.Frames.Add(new($"{wait.Id}/onEvent", 0));
                break;
            default:
                run.Log(wait.Id, $"wait for {wait.For}", "timed out: onTimeout");
                state.Frames.Add(new($"{wait.Id}/onTimeout", 0));
                break;
        }
        return run.Continue();
    }

    /// <summary>The session's day and version (moves and cancellations count up), as a wait timed from it remembers them.</summary>
    private static string SessionStamp(EventInfo e) =>
        $"{e.SessionDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "no day"} v{e.SessionVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}";

    /// <summary>The wait a stored run is paused at, if it is paused at one this definition has: hosts ask it whether an event ends the wait.</summary>
    public static WaitStep? WaitingStep(WorkflowDefinition definition, string stateJson)
    {
        try { return JsonSerializer.Deserialize<State>(stateJson, Json)?.WaitingAt is { } id ? definition.AllSteps().OfType<WaitStep>().FirstOrDefault(w => w.Id == id) : null; }
        catch (JsonException) { return null; }
    }

    /// <summary>Whether an event, already found by its type and session, relationship or person, ends the wait.</summary>
    /// <param name="Problem">Why the wait's where could not be worked out (the event then does not end it); for the journal.</param>
    public sealed record WaitDecision(bool Accepted, string? Problem = null);

    /// <summary>
    /// Whether <paramref name="arrived"/> ends the wait a stored run is paused at: the right event and
    /// form (<see cref="WaitStep.Accepts"/>), and the wait's where true over the arriving event, the
    /// run's variables and member, and wait.until. The service and the simulator both ask this.
    /// </summary>
    public WaitDecision Accepts(WorkflowDefinition definition, string stateJson, EventInfo arrived, WorkflowContext ctx)
    {
        State? state;
        try { state = JsonSerializer.Deserialize<State>(stateJson, Json); }
        catch (JsonException) { return new(false); }
        if (state?.WaitingAt is not { } id || definition.AllSteps().OfType<WaitStep>().FirstOrDefault(w => w.Id == id) is not { } wait) return new(false);
        if (!wait.Accepts(arrived)) return new(false);
        if (wait.Where is null) return new(true);
        var run = new Run(this, definition, ctx with { Event = arrived }, arrived.OccurredAt, state, RunBudget);
        var scope = run.Scope(state.Item);
        scope["wait"] = new JsonObject { ["until"] = state.WaitUntil };
        var outcome = _sandbox.EvaluateBool(wait.Where, scope);
        return outcome.Failure is { } f ? new(false, $"{wait.Id}: where could not be worked out for {arrived.Type}: {f.Message}") : new(outcome.Value!.GetValue<bool>());
    }

    private static string Describe(EventInfo e) =>
        string.Join(", ", new[] { e.Type, e.Detail is null ? null : "detail " + e.Detail, "at " + e.OccurredAt.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture),
            e.SessionId is null ? null : "session " + e.SessionId, e.RelationshipId is null ? null : "relationship " + e.RelationshipId, e.StaffId is null ? null : "person " + e.StaffId }.Where(s => s is not null));

    private abstract record Outcome;
    private sealed record Next : Outcome;
    private sealed record Push(string Path) : Outcome;
    private sealed record Pause(Bookmark Bookmark) : Outcome;
    private sealed record Fail(string Message) : Outcome;

    private sealed class Run(WorkflowRunner runner, WorkflowDefinition definition, WorkflowContext ctx, DateTimeOffset now, State state, TimeSpan budget)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        /// <summary>What is left of the run's budget, for the next evaluation.</summary>
        public TimeSpan TimeLeft => budget - _clock.Elapsed;

        private readonly List<WorkflowEffect> _effects = [];
        private readonly List<JournalLine> _journal = [];
        private readonly List<MemberRun> _branches = [];
        private readonly Dictionary<string, WorkflowStep> _steps = definition.AllSteps().GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First());

        public WorkflowStep? Step(string id) => _steps.GetValueOrDefault(id);

        public void Log(string stepId, string what, string decision) => _journal.Add(new(now, stepId, what, decision));

        public RunResult Finish(RunStatus status, Bookmark? bookmark = null, Incident? incident = null) => new()
        {
            Status = status,
            StateJson = status is RunStatus.Waiting or RunStatus.Faulted ? JsonSerializer.Serialize(state, Json) : "",
            Effects = _effects, Journal = _journal, Waiting = bookmark, Fault = incident, Branches = _branches,
        };

        public RunResult Faulted(string stepId, string message)
        {
            Log(stepId, "incident", message);
            return Finish(RunStatus.Faulted, incident: new Incident(stepId, message));
        }

        private IReadOnlyList<WorkflowStep>? List(string path)
        {
            if (path.Length == 0) return definition.Steps;
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || Step(path[..slash]) is not { } step) return null;
            var name = path[(slash + 1)..];
            return step.StepLists().FirstOrDefault(l => l.Name == name).Steps;
        }

        public RunResult Continue()
        {
            var frames = state.Frames;
            while (frames.Count > 0)
            {
                var top = frames[^1];
                if (List(top.Path) is not { } list) return Faulted("state", $"The stored position '{top.Path}' is not in this version of the definition.");
                if (top.Index >= list.Count) { frames.RemoveAt(frames.Count - 1); continue; }
                var step = list[top.Index];
                var outcome = Execute(step, state.Item);
                if (outcome is Fail fail) return Faulted(step.Id, fail.Message);
                frames[^1] = top with { Index = top.Index + 1 };
                switch (outcome)
                {
                    case Push push: frames.Add(new(push.Path, 0)); break;
                    case Pause pause:
                        state.WaitingAt = step.Id;
                        return Finish(RunStatus.Waiting, bookmark: pause.Bookmark);
                }
            }
            return Finish(RunStatus.Completed);
        }

        /// <summary>The steps of a for-each member, run to the end at once; a wait here cannot be stored, so it fails.</summary>
        private Fail? RunNested(IReadOnlyList<WorkflowStep> steps, CohortMember item)
        {
            var frames = new List<(IReadOnlyList<WorkflowStep> List, int Index)> { (steps, 0) };
            while (frames.Count > 0)
            {
                var (list, index) = frames[^1];
                if (index >= list.Count) { frames.RemoveAt(frames.Count - 1); continue; }
                var step = list[index];
                frames[^1] = (list, index + 1);
                switch (Execute(step, item))
                {
                    case Fail f: return new Fail($"{step.Id} (for {item.Name}): {f.Message}");
                    case Pause: return new Fail($"{step.Id}: a wait cannot run inside for-each.");
                    case Push push: frames.Add((List(push.Path) ?? [], 0)); break;
                }
            }
            return null;
        }

        public JsonObject Scope(CohortMember? item, bool forScript = true)
        {
            var scope = new JsonObject
            {
                ["event"] = EventJson(),
                ["relationship"] = ctx.Relationship is { } r ? new JsonObject
                {
                    ["type"] = r.Type, ["format"] = r.Format, ["supervisorId"] = r.SupervisorId,
                    ["superviseeIds"] = new JsonArray([.. r.SuperviseeIds.Select(id => (JsonNode?)id)]),
                } : null,
                ["history"] = ctx.History?.ToJson(forScript),
                ["vars"] = state.Vars.DeepClone(),
                ["item"] = ItemJson(item),
                ["today"] = Today,
                ["tenant"] = new JsonObject { ["name"] = ctx.TenantName, ["settings"] = ctx.Settings.DeepClone() },
            };
            if (forScript) scope["answers"] = ctx.Answers?.DeepClone();
            return scope;
        }

        private string Today => ctx.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private JsonObject EventJson()
        {
            var e = ctx.Event;
            return new JsonObject
            {
                ["type"] = e.Type, ["detail"] = e.Detail, ["occurredAt"] = e.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
                ["sessionId"] = e.SessionId, ["relationshipId"] = e.RelationshipId, ["staffId"] = e.StaffId, ["form"] = e.Form,
                ["recordId"] = e.RecordId, ["sessionDate"] = e.SessionDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
        }

        private static JsonObject? ItemJson(CohortMember? item) => item is null ? null : new JsonObject
        {
            ["id"] = item.Id, ["name"] = item.Name, ["roles"] = new JsonArray([.. item.Roles.Select(x => (JsonNode?)x)]),
            ["site"] = item.Site, ["trainingExpiresOn"] = item.TrainingExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["openForms"] = new JsonArray([.. (item.OpenForms ?? []).Select(x => (JsonNode?)x)]),
        };

        /// <summary>What templates see: never answers or case details (docs/workflows.md, Email templates).</summary>
        private JsonObject Model(CohortMember? item)
        {
            static JsonObject Person(Recipient p) => new() { ["name"] = p.Name, ["email"] = p.Email, ["id"] = p.StaffId };
            // The parts of the scope a template sees, each built once (not a whole scope built and then copied).
            var supervisees = ctx.People.Supervisees;
            return new JsonObject
            {
                ["supervisor"] = ctx.People.Supervisor is { } s ? Person(s) : null,
                ["supervisee"] = supervisees.Count > 0 ? Person(supervisees[0]) : null,
                ["supervisees"] = new JsonArray([.. supervisees.Select(p => (JsonNode?)Person(p))]),
                ["item"] = ItemJson(item),
                ["history"] = ctx.History?.ToJson(forScript: false),
                ["vars"] = state.Vars.DeepClone(),
                ["today"] = Today,
                ["tenant"] = new JsonObject { ["name"] = ctx.TenantName },
                ["workflow"] = new JsonObject { ["id"] = definition.Id, ["title"] = definition.Title },
                // When the session is (a reminder says it): its day and time, never what it is about.
                ["session"] = ctx.Event.SessionDate is { } day ? new JsonObject
                {
                    ["date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["day"] = day.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture),
                    ["time"] = ctx.Event.SessionTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
                } : null,
            };
        }

        private (IReadOnlyList<Recipient> People, string? Missing) Resolve(IReadOnlyList<string> words, CohortMember? item)
        {
            var people = new List<Recipient>();
            var missing = new List<string>();
            foreach (var word in words)
            {
                var found = ctx.People.Resolve(word, item);
                if (found.Count == 0) missing.Add(word);
                foreach (var p in found)
                    if (!people.Any(q => string.Equals(q.Email, p.Email, StringComparison.OrdinalIgnoreCase))) people.Add(p);
            }
            return (people, missing.Count == 0 ? null : string.Join(", ", missing));
        }

        private static string Names(IEnumerable<Recipient> people) => string.Join(", ", people.Select(p => $"{p.Name} <{p.Email}>"));

        private Outcome Execute(WorkflowStep step, CohortMember? item)
        {
            switch (step)
            {
                case SendEmailStep s:
                {
                    var (to, missing) = Resolve(s.To, item);
                    if (to.Count == 0) return new Fail($"Nobody to send to: no one is recorded as {missing}.");
                    var (cc, ccMissing) = Resolve(s.Cc, item);
                    cc = [.. cc.Where(c => !to.Any(t => string.Equals(t.Email, c.Email, StringComparison.OrdinalIgnoreCase)))];
                    _effects.Add(new EmailEffect(s.Id, to, cc, s.Template, Model(item)));
                    Log(s.Id, $"send-email {s.Template}", $"to {Names(to)}" + (cc.Count > 0 ? $"; cc {Names(cc)}" : "")
                        + (missing is null && ccMissing is null ? "" : $"; nobody recorded as {string.Join(", ", new[] { missing, ccMissing }.Where(m => m is not null))}"));
                    return new Next();
                }
                case RequestFormStep s:
                {
                    var (to, missing) = Resolve(s.To, item);
                    if (to.Count == 0) return new Fail($"Nobody to ask: no one is recorded as {missing}.");
                    var due = s.ExpiresInDays is { } d ? ctx.Today.AddDays(d) : (DateOnly?)null;
                    foreach (var r in to)
                    {
                        var model = Model(item);
                        model["form"] = new JsonObject { ["id"] = s.Form, ["expiresOn"] = due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
                        // One effect: the host creates the task, its email link, and the email carrying it.
                        _effects.Add(new TaskEffect(s.Id, r, $"Complete the form {s.Form}", due, false, s.Form, s.Template, model));
                    }
                    Log(s.Id, $"request-form {s.Form}", $"asked {Names(to)}" + (due is { } dd ? $", by {dd:yyyy-MM-dd}" : ""));
                    return new Next();
                }
                case RequestBookingStep s:
                {
                    var (to, missing) = Resolve(s.To, item);
                    if (to.Count == 0) return new Fail($"Nobody to ask: no one is recorded as {missing}.");
                    foreach (var r in to) _effects.Add(new TaskEffect(s.Id, r, "Book your next supervision session", null, false, null, s.Template, Model(item), Booking: true));
                    Log(s.Id, "request-booking", $"asked {Names(to)}");
                    return new Next();
                }
                case CreateTaskStep s:
                {
                    var (to, missing) = Resolve(s.For, item);
                    if (to.Count == 0) return new Fail($"Nobody to give the task to: no one is recorded as {missing}.");
                    DateOnly? due = s.DueInDays is not { } d ? null : ctx.Days.Add(s.DayKind, ctx.Today, d);
                    foreach (var r in to) _effects.Add(new TaskEffect(s.Id, r, s.Title, due, false, null, null));
                    Log(s.Id, $"create-task {s.Title}", $"for {Names(to)}" + (due is { } dd ? $", due {dd:yyyy-MM-dd} ({DayKinds.Describe(s.DueInDays!.Value, s.DayKind)}{FallBack(s.DayKind, ctx.Today, s.DueInDays.Value)})" : ""));
                    return new Next();
                }
                case EscalateStep s:
                {
                    var (to, missing) = Resolve(s.To, item);
                    if (to.Count == 0) return new Fail($"Nobody to escalate to: no one is recorded as {missing}.");
                    var model = Model(item);
                    model["reason"] = s.Reason;
                    _effects.Add(new EmailEffect(s.Id, to, [], s.Template, model));
                    foreach (var r in to) _effects.Add(new TaskEffect(s.Id, r, s.Reason, null, true, null, s.Template));
                    Log(s.Id, $"escalate {s.Template}", $"to {Names(to)}; reason: {s.Reason}");
                    return new Next();
                }
                case WaitStep s:
                {
                    var match = s.Match switch { WaitMatch.Session => "session", WaitMatch.Person => "person", _ => "relationship" };
                    var id = s.Match switch { WaitMatch.Session => ctx.Event.SessionId, WaitMatch.Person => ctx.Event.StaffId, _ => ctx.Event.RelationshipId };
                    var subject = $"the same {match} ({id ?? "none"})";
                    if (item is not null)
                    {
                        // A member's own run waits for that member's event alone: their record for
                        // this session, not the first member's.
                        subject += $" and {item.Name}";
                        (match, id) = s.Match == WaitMatch.Person ? ("person", item.Id) : (match + "+person", id is null ? null : Bookmark.Pair(id, item.Id));
                    }
                    if (s.Until is { } u)
                    {
                        if (ctx.Event.SessionDate is not { } sessionDay)
                            return new Fail($"{s.Id}: until counts from the day of a session, and {ctx.Event.Type} is about no session.");
                        if (ctx.Event.RaisedAtVersion is { } raised && ctx.Event.SessionVersion is { } current && raised != current)
                        {
                            // Moved or cancelled since this event: the event that changed it starts the
                            // wait for its new day, so timing one from here would remind twice.
                            Log(s.Id, $"wait for {s.For}", $"the session has changed since this event (v{raised} then, v{current} now): the later change times what is due, so no wait");
                            return new Next();
                        }
                        int? before = u.Fixed;
                        if (before is null)
                        {
                            // A plain setting (tenant.settings.reminderDaysBefore) is read straight from the
                            // scope: every booking runs this, and it needs no script engine.
                            var outcome = Path(u.DaysBefore, Scope(item)) is var (found, value) && found
                                ? new JsOutcome(value, null)
                                : runner._sandbox.Evaluate(u.DaysBefore, Scope(item), TimeLeft);
                            if (outcome.Failure is { } f) return new Fail($"daysBefore: {f.Message}");
                            if (outcome.Value is null)
                            {
                                Log(s.Id, $"wait for {s.For}", $"daysBefore {u.DaysBefore} is none: no wait");
                                return new Next();
                            }
                            if (outcome.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || v.GetValue<double>() is var n && (n != Math.Floor(n) || n < 0 || n > WaitUntil.MaxDaysBefore))
                                return new Fail($"daysBefore: {u.DaysBefore} gave {outcome.Value.ToJsonString()}, not a whole number of days from 0 to {WaitUntil.MaxDaysBefore}.");
                            before = (int)v.GetValue<double>();
                        }
                        if (WaitUntil.DueAt(sessionDay, before.Value, u.At, now, ctx.Zone) is not { } dueAt)
                        {
                            Log(s.Id, $"wait for {s.For}", $"the time before the session on {sessionDay:yyyy-MM-dd} has passed and the session is not on a later day: no wait");
                            return new Next();
                        }
                        state.WaitUntil = Day(dueAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                        state.WaitSession = SessionStamp(ctx.Event);
                        Log(s.Id, $"wait for {s.For}", $"for {subject} until {TimeZoneInfo.ConvertTime(dueAt, ctx.Zone):yyyy-MM-dd HH:mm zzz} ({before} days before the session on {sessionDay:yyyy-MM-dd}, at {u.At:HH\\:mm}"
                            + (dueAt <= now ? "; that time has passed, so at once)" : ")")
                            + (s.Where is { } uw ? $"; only an event where {uw}" : ""));
                        return new Pause(new Bookmark(s.Id, s.For, match, id, dueAt));
                    }
                    var due = s.Timeout is { } t ? DueAt(t) : (DateTimeOffset?)null;
                    state.WaitUntil = due is { } until ? Day(until).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
                    Log(s.Id, $"wait for {s.For}", $"for {subject}"
                        + (due is { } dd ? $" until {TimeZoneInfo.ConvertTime(dd, ctx.Zone):yyyy-MM-dd HH:mm zzz} ({DayKinds.Describe(s.Timeout!.Days, s.Timeout.Kind)}{FallBack(s.Timeout.Kind, Day(now), s.Timeout.Days)})" : ", no timeout")
                        + (s.Where is { } w ? $"; only an event where {w}" : ""));
                    return new Pause(new Bookmark(s.Id, s.For, match, id, due));
                }
                case IfStep s:
                {
                    var outcome = runner._sandbox.EvaluateBool(s.Condition, Scope(item), TimeLeft);
                    if (outcome.Failure is { } f) return new Fail(f.Message);
                    var yes = outcome.Value!.GetValue<bool>();
                    Log(s.Id, $"if {s.Condition}", yes ? "true: then" : "false: else");
                    return new Push($"{s.Id}/{(yes ? "then" : "else")}");
                }
                case SwitchStep s:
                {
                    var outcome = runner._sandbox.Evaluate(s.Value, Scope(item), TimeLeft);
                    if (outcome.Failure is { } f) return new Fail(f.Message);
                    var value = outcome.Value switch
                    {
                        null => null,
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>().ToString(CultureInfo.InvariantCulture),
                        var other => other.ToJsonString(),
                    };
                    var chosen = s.Cases.FirstOrDefault(c => c.Value == value);
                    Log(s.Id, $"switch {s.Value}", chosen is null ? $"'{value ?? "null"}': default" : $"'{value}': case {chosen.Value}");
                    return new Push(chosen is null ? $"{s.Id}/default" : $"{s.Id}/cases/{chosen.Value}");
                }
                case SetStep s:
                {
                    var outcome = runner._sandbox.Evaluate(s.Value, Scope(item), TimeLeft);
                    if (outcome.Failure is { } f) return new Fail(f.Message);
                    state.Vars[s.Name] = outcome.Value?.DeepClone();
                    Log(s.Id, $"set {s.Name} = {s.Value}", outcome.Value?.ToJsonString() ?? "null");
                    return new Next();
                }
                case NoteStep s:
                {
                    var model = Model(item);
                    model["event"] = EventJson();
                    var (text, error) = LiquidText.Render(s.Text, model, TimeLeft);
                    if (error is not null) return new Fail(error);
                    Log(s.Id, "note", text!);
                    return new Next();
                }
                case ForEachStep s:
                {
                    var members = s.Cohort == "members" ? Members() : ctx.Cohorts(s.Cohort);
                    var chosen = new List<CohortMember>();
                    foreach (var m in members)
                    {
                        if (s.Where is null) { chosen.Add(m); continue; }
                        var outcome = runner._sandbox.EvaluateBool(s.Where, Scope(m), TimeLeft);
                        if (outcome.Failure is { } f) return new Fail($"where, for {m.Name}: {f.Message}");
                        if (outcome.Value!.GetValue<bool>()) chosen.Add(m);
                    }
                    Log(s.Id, $"for-each {s.Cohort}" + (s.Where is null ? "" : $" where {s.Where}"), $"{chosen.Count} of {members.Count}: {string.Join(", ", chosen.Select(m => m.Name))}"
                        + (s.EachMemberOnTheirOwn && chosen.Count > 0 ? "; each in a run of their own" : ""));
                    if (s.EachMemberOnTheirOwn)
                    {
                        // Each member's request, wait and reminder stand alone: a run per member,
                        // starting at these steps, which the host keeps as an instance of its own.
                        foreach (var m in chosen)
                        {
                            var own = new State { Definition = state.Definition, Frames = [new($"{s.Id}/steps", 0)], Vars = (JsonObject)state.Vars.DeepClone(), Item = m };
                            _branches.Add(new MemberRun(m, new Run(runner, definition, ctx, now, own, TimeLeft).Continue())); // the members' runs share what is left of this run's budget
                        }
                        return new Next();
                    }
                    var effectsBefore = _effects.Count;
                    foreach (var m in chosen)
                    {
                        if (RunNested(s.Steps, m) is { } failed)
                        {
                            _effects.RemoveRange(effectsBefore, _effects.Count - effectsBefore);
                            return failed;
                        }
                    }
                    return new Next();
                }
                default:
                    return new Fail($"'{step.Kind}' is not a step this engine can run.");
            }
        }

        /// <summary>A dotted path of names (tenant.settings.x) looked up in the scope; not found when it is anything else.</summary>
        private static (bool Found, JsonNode? Value) Path(string text, JsonObject scope)
        {
            JsonNode? node = scope;
            foreach (var name in text.Split('.'))
            {
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]) || node is not JsonObject o) return (false, null);
                node = o[name];
            }
            return (true, node is null ? null : JsonNode.Parse(node.ToJsonString())); // as a script would give it (a number of any kind)
        }

        /// <summary>The supervisees the event is about, as a cohort: each member of a group, the one supervisee of a one to one.</summary>
        private List<CohortMember> Members() =>
            [.. ctx.People.Supervisees.Where(p => p.StaffId is not null).Select(p => new CohortMember(p.StaffId!, p.Name, p.Email, ["supervisee"], p.Site))];

        private DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, ctx.Zone).DateTime);

        /// <summary>For the journal: school days counted as working days where a year has no term dates.</summary>
        private string FallBack(DayKind kind, DateOnly from, int days) =>
            kind == DayKind.School && ctx.Days.SchoolDaysFallBack(from, days) ? "; no term dates for part of it, so working days were counted there" : "";

        /// <summary>The timeout's end: N calendar, working or school days on, at the same local time in the tenant's zone.</summary>
        private DateTimeOffset DueAt(WaitTimeout t)
        {
            var local = TimeZoneInfo.ConvertTime(now, ctx.Zone);
            var day = DateOnly.FromDateTime(local.DateTime);
            var dueDay = ctx.Days.Add(t.Kind, day, t.Days);
            var dueLocal = dueDay.ToDateTime(TimeOnly.FromDateTime(local.DateTime));
            // A time the clocks skip in spring does not exist; take the same time an hour later.
            if (ctx.Zone.IsInvalidTime(dueLocal)) dueLocal = dueLocal.AddHours(1);
            // Local for the reckoning, UTC for keeping: what the host stores is UTC (DESIGN, Time).
            return new DateTimeOffset(dueLocal, ctx.Zone.GetUtcOffset(dueLocal)).ToUniversalTime();
        }
    }
}
