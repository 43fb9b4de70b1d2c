using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cronos;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Workflows.Engine;

/// <summary>Fake people, places and policy for a simulation. The supervisee is People.Supervisees[0].</summary>
public sealed record SimulationSettings
{
    public PeopleDirectory People { get; init; } = PeopleDirectory.Empty;
    public IReadOnlyDictionary<string, IReadOnlyList<CohortMember>> Cohorts { get; init; } = new Dictionary<string, IReadOnlyList<CohortMember>>();
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;
    public IReadOnlyList<DateOnly> ClosureDays { get; init; } = [];
    public SchoolCalendar? Calendar { get; init; }
    public FrequencyPolicy? Policy { get; init; }
    /// <summary>When supervision became required (defaults to the first scripted day).</summary>
    public DateOnly? RequiredFrom { get; init; }
    public RelationshipInfo? Relationship { get; init; }
    /// <summary>The local time scripted sessions happen at.</summary>
    public TimeOnly SessionTime { get; init; } = new(10, 0);
    public string TenantName { get; init; } = "Simulated tenant";
    /// <summary>The tenant's settings rules read as tenant.settings (as the service gives them).</summary>
    public JsonObject Settings { get; init; } = [];
}

public sealed record SimulatedRun(int Number, DateTimeOffset StartedAt, string StartedBy, RunStatus Status, Bookmark? Waiting, Incident? Fault);

public sealed record SimulationResult
{
    public required IReadOnlyList<EmailEffect> Emails { get; init; }
    public required IReadOnlyList<TaskEffect> Tasks { get; init; }
    public required IReadOnlyList<JournalLine> Journal { get; init; }
    public required IReadOnlyList<Incident> Incidents { get; init; }
    public required IReadOnlyList<SimulatedRun> Runs { get; init; }
}

/// <summary>
/// Runs a definition against a scripted history with a fake clock: each scripted session outcome
/// becomes its event, history is worked out from the sessions so far, triggers start runs, waits are
/// resumed by matching events or time out when the clock passes them, schedules fire at each
/// occurrence. Uses the same runner, history and compliance code as the service.
/// A simulation is bounded as a whole: at most <see cref="TenantText.TenantTextLimits.SimulationMaxRuns"/>
/// runs (a schedule every minute for ten years would be five million) within
/// <see cref="TenantText.TenantTextLimits.SimulationBudgetMs"/>; past either it stops where it is and
/// says so as an incident, with what it did so far.
/// </summary>
public static class WorkflowSimulator
{
    /// <summary>The step id of the incident a simulation that stopped early ends with.</summary>
    public const string StoppedStep = "simulation";

    private const string RelationshipId = "relationship-1";

    private sealed record Happening(DateTimeOffset At, EventInfo Event, JsonObject? Answers, bool Scheduled);

    private sealed class Instance(int number, DateTimeOffset started, string startedBy, Happening trigger)
    {
        public int Number { get; } = number;
        /// <summary>What started the run: like the host, a timeout resumes the run in its trigger's context.</summary>
        public Happening Trigger { get; } = trigger;
        public DateTimeOffset Started { get; } = started;
        public string StartedBy { get; } = startedBy;
        public RunResult? Last { get; set; }
    }

    public static SimulationResult Run(WorkflowDefinition def, SimulationScript script, SimulationSettings settings, TimeSpan? budget = null)
    {
        ArgumentNullException.ThrowIfNull(def);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(settings);
        var zone = settings.Zone;
        var runner = new WorkflowRunner();
        var days = new DayCounter(new WorkingDays(settings.ClosureDays), settings.Calendar ?? SchoolCalendar.None);
        var clock = Stopwatch.StartNew();
        var allowed = budget ?? TimeSpan.FromMilliseconds(TenantText.TenantTextLimits.SimulationBudgetMs);
        TimeSpan RunBudget() => allowed - clock.Elapsed is var left && left < WorkflowRunner.RunBudget ? left : WorkflowRunner.RunBudget;
        var supervisee = settings.People.Supervisees.Count > 0 ? settings.People.Supervisees[0] : null;
        DateTimeOffset Local(DateOnly day, TimeOnly time)
        {
            var dt = day.ToDateTime(time);
            if (zone.IsInvalidTime(dt)) dt = dt.AddHours(1);
            return new DateTimeOffset(dt, zone.GetUtcOffset(dt));
        }

        var sessions = script.Sessions.Select((s, i) => (Session: s, Id: s.Id ?? $"session-{i + 1}", At: Local(s.Date, settings.SessionTime))).OrderBy(s => s.At).ToList();
        var happenings = new List<Happening>();
        foreach (var (s, id, at) in sessions)
        {
            var (type, detail) = s.Outcome switch
            {
                SessionOutcome.Attended => ("session.attended", (string?)null),
                SessionOutcome.DidNotAttend => ("session.missed", null),
                SessionOutcome.CancelledBySupervisee => ("session.cancelled", "by-supervisee"),
                SessionOutcome.CancelledBySupervisor => ("session.cancelled", "by-supervisor"),
                _ => ("session.cancelled", "apologies"),
            };
            // A session of another of the person's supervisions counts in history.all only; it starts nothing here.
            if (s.Supervision is not null) continue;
            happenings.Add(new(at, new EventInfo(type, detail, at, id, RelationshipId, supervisee?.StaffId) { SessionDate = s.Date }, null, false));
            if (s.BookedOn is { } booked)
            {
                var bookedAt = Local(booked, settings.SessionTime.AddHours(-1));
                happenings.Add(new(bookedAt, new EventInfo("session.booked", null, bookedAt, id, RelationshipId) { SessionDate = s.Date }, null, false));
            }
        }
        foreach (var e in script.Events)
            happenings.Add(new(e.At, new EventInfo(e.Event, e.Detail, e.At, e.SessionId, RelationshipId, e.StaffId ?? supervisee?.StaffId)
                { Form = e.Form, SessionDate = e.SessionDate, RecordId = e.RecordId ?? (e.Event.StartsWith("record.", StringComparison.Ordinal) ? $"record-{e.At:yyyyMMddHHmm}" : null) }, e.Answers, false));

        var first = script.Start ?? new[] { script.Until }.Concat(sessions.Select(s => s.Session.Date)).Concat(script.Events.Select(e => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.At, zone).DateTime))).Min();
        var start = Local(first, TimeOnly.MinValue);
        var end = Local(script.Until.AddDays(1), TimeOnly.MinValue);
        if (def.Trigger.Schedule is { } schedule)
        {
            try
            {
                var cron = CronExpression.Parse(schedule, CronFormat.Standard);
                // One more than may run, so that going over is seen and said.
                foreach (var at in cron.GetOccurrences(start.UtcDateTime, end.UtcDateTime, zone, fromInclusive: true, toInclusive: false).Take(TenantText.TenantTextLimits.SimulationMaxRuns + 1))
                {
                    var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(at, TimeSpan.Zero), zone);
                    happenings.Add(new(local, new EventInfo("schedule", null, local, null, RelationshipId, supervisee?.StaffId), null, true));
                }
            }
            catch (CronFormatException)
            {
                // The loader reports a bad schedule; a simulation of it simply never fires.
            }
        }
        happenings.Sort((a, b) => a.At.CompareTo(b.At));

        var instances = new List<Instance>();
        var emails = new List<EmailEffect>();
        var tasks = new List<TaskEffect>();
        var journal = new List<JournalLine>();
        var incidents = new List<Incident>();

        // Each session's day and version as they stand, moved and cancelled by the script: like the
        // service, a run reads its session as it is now, so a reminder timed from an old day lapses.
        var standing = new Dictionary<string, (DateOnly? Date, int Version)>(StringComparer.Ordinal);
        void Follow(EventInfo e)
        {
            if (e.SessionId is not { } sid) return;
            var (date, version) = standing.TryGetValue(sid, out var was) ? was : (e.SessionDate, 0);
            if (e.Type == EventNames.SessionMoved) standing[sid] = (e.SessionDate ?? date, version + 1);
            else if (e.Type == EventNames.SessionCancelled && e.Detail != "apologies") standing[sid] = (date, version + 1);
            else standing.TryAdd(sid, (date, version));
        }

        WorkflowContext Context(EventInfo e, DateTimeOffset now, JsonObject? answers)
        {
            if (e.SessionId is { } sid && standing.TryGetValue(sid, out var current)) e = e with { SessionDate = current.Date ?? e.SessionDate, SessionVersion = current.Version };
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var all = sessions.Where(s => s.At <= now).Select(s => s.Session).ToList();
            var past = all.Where(s => s.Supervision is null).Select(s => new PastSession(s.Date, s.Outcome, s.Minutes)).ToList();
            var calendar = settings.Calendar ?? SchoolCalendar.None;
            ComplianceStatus? status = null;
            if (settings.Policy is { } policy)
            {
                var attended = past.Where(p => p.Outcome == SessionOutcome.Attended).Select(p => new AttendedSession(p.Date, p.Minutes)).ToList();
                status = ComplianceCalculator.Evaluate(policy, calendar, settings.RequiredFrom ?? first, null, attended, today);
            }
            return new WorkflowContext
            {
                Event = e, Relationship = settings.Relationship, Answers = answers,
                History = SupervisionHistory.From(past, today, calendar, status, [.. all.Select(s => new PastSession(s.Date, s.Outcome, s.Minutes))]),
                People = settings.People, Cohorts = c => settings.Cohorts.GetValueOrDefault(c) ?? [], Today = today, Zone = zone,
                Days = days, TenantName = settings.TenantName, Settings = settings.Settings,
            };
        }

        void Record(Instance instance, RunResult result)
        {
            instance.Last = result;
            // A for-each whose steps wait: each member's steps became a run of their own, as the host keeps them.
            foreach (var branch in result.Branches)
            {
                var own = new Instance(instances.Count + 1, instance.Started, $"{instance.StartedBy}, for {branch.Member.Name}", instance.Trigger);
                instances.Add(own);
                Record(own, branch.Result);
            }
            foreach (var effect in result.Effects)
            {
                if (effect is EmailEffect email) emails.Add(email);
                else if (effect is TaskEffect task)
                {
                    tasks.Add(task);
                    // A requested form arrives by email: show that email as one that would be sent.
                    if (task is { Template: { } template, Model: { } model }) emails.Add(new EmailEffect(task.StepId, [task.For], [], template, model));
                }
            }
            journal.AddRange(result.Journal);
            if (result.Fault is { } fault) incidents.Add(fault);
        }

        void TimeOutUpTo(DateTimeOffset until)
        {
            while (instances.Where(i => i.Last is { Status: RunStatus.Waiting, Waiting.DueAt: { } due } && due <= until)
                       .MinBy(i => i.Last!.Waiting!.DueAt) is { } due)
            {
                var at = due.Last!.Waiting!.DueAt!.Value;
                // The host resumes a timed-out run with its trigger event's context (WorkflowHost.RunDueTimersAsync),
                // so a later wait correlates on the same session and conditions read the same event and answers.
                Record(due, runner.Resume(def, due.Last.StateJson, new TimedOut(), Context(due.Trigger.Event, at, due.Trigger.Answers), at, RunBudget()));
            }
        }

        string? stopped = null;
        foreach (var h in happenings)
        {
            if (clock.Elapsed >= allowed) { stopped = $"The simulation used all the time it may take ({allowed.TotalSeconds:0.#} s) and stopped at {h.At:yyyy-MM-dd HH:mm}: shorten the script, or make the rule's conditions quicker."; break; }
            if (instances.Count >= TenantText.TenantTextLimits.SimulationMaxRuns && (h.Scheduled || def.Trigger.Event == h.Event.Type))
            {
                stopped = $"The simulation started {TenantText.TenantTextLimits.SimulationMaxRuns:N0} runs, the most one simulation may, and stopped at {h.At:yyyy-MM-dd HH:mm}: shorten the script or make the schedule less frequent.";
                break;
            }
            TimeOutUpTo(h.At);
            if (!h.Scheduled) Follow(h.Event);
            var ctx = Context(h.Event, h.At, h.Answers);
            if (!h.Scheduled)
            {
                foreach (var waiting in instances.Where(i => i.Last is { Status: RunStatus.Waiting } && Matches(i.Last.Waiting!, h.Event)).ToList())
                {
                    var decision = runner.Accepts(def, waiting.Last!.StateJson, h.Event, ctx);
                    if (decision.Problem is { } problem) journal.Add(new JournalLine(h.At, waiting.Last.Waiting!.StepId, "wait", problem));
                    if (decision.Accepted) Record(waiting, runner.Resume(def, waiting.Last.StateJson, new EventArrived(h.Event), ctx, h.At, RunBudget()));
                }
            }
            if (h.Scheduled || def.Trigger.Event == h.Event.Type)
            {
                var instance = new Instance(instances.Count + 1, h.At, h.Scheduled ? "schedule" : h.Event.Type, h);
                instances.Add(instance);
                Record(instance, runner.Start(def, ctx, h.At, RunBudget()));
            }
        }
        if (stopped is null) TimeOutUpTo(end);
        else
        {
            incidents.Add(new Incident(StoppedStep, stopped));
            journal.Add(new JournalLine(end, StoppedStep, "simulation stopped", stopped));
        }

        return new SimulationResult
        {
            Emails = emails, Tasks = tasks, Journal = journal, Incidents = incidents,
            Runs = [.. instances.Select(i => new SimulatedRun(i.Number, i.Started, i.StartedBy, i.Last!.Status, i.Last.Waiting, i.Last.Fault))],
        };
    }

    /// <summary>The bookmark's event and subject: a member's own run waits for the same session or relationship and that member (WaitMatch with "+person").</summary>
    public static bool Matches(Bookmark b, EventInfo e) =>
        b.EventType == e.Type && b.CorrelationId == Correlation(b.Match, e);

    /// <summary>What an event is correlated on for a wait's match: the one place the host's query and the simulator agree on.</summary>
    public static string? Correlation(string match, EventInfo e) => match switch
    {
        "session" => e.SessionId,
        "person" => e.StaffId,
        "relationship" => e.RelationshipId,
        "session+person" => e.SessionId is null || e.StaffId is null ? null : Bookmark.Pair(e.SessionId, e.StaffId),
        "relationship+person" => e.RelationshipId is null || e.StaffId is null ? null : Bookmark.Pair(e.RelationshipId, e.StaffId),
        _ => null,
    };

    internal static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
