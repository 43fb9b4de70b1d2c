using System.Globalization;
using System.Text.Json.Nodes;
using SupervisionHub.TenantText;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Workflows.Engine;

/// <param name="BookedOn">The day it was booked: a session.booked event then, carrying the session's date.</param>
/// <param name="Supervision">Another of the person's supervisions this session belongs to: it counts in history.all only.</param>
public sealed record ScriptedSession(DateOnly Date, SessionOutcome Outcome, int Minutes = 60, string? Id = null, DateOnly? BookedOn = null, string? Supervision = null);

public sealed record ScriptedEvent(DateTimeOffset At, string Event, string? Detail = null, JsonObject? Answers = null, string? SessionId = null, string? StaffId = null, string? Form = null,
    DateOnly? SessionDate = null, string? RecordId = null);

public sealed record SimulationLoadResult(SimulationScript? Script, IReadOnlyList<WorkflowError> Errors);

/// <summary>
/// A scripted history for the simulator. In YAML:
/// <code>
/// until: 2026-03-31
/// start: 2026-01-05            # optional; the first scripted day otherwise
/// sessions:
///   - { date: 2026-01-12, outcome: missed }          # attended, missed, cancelled-by-supervisee, cancelled-by-supervisor, apologies
///   - { date: 2026-02-09, outcome: attended, minutes: 60, booked: 2026-01-20 }   # booked: a session.booked event that day
///   - { date: 2026-02-16, outcome: missed, supervision: group }                  # another supervision: history.all only
/// events:
///   - { at: 2026-02-10T09:00, event: record.submitted, form: supervision-record, session: session-2, answers: { concern: "yes" } }
///   - { at: 2026-02-11T09:00, event: session.booked, session: session-9, sessionDate: 2026-02-20 }
/// </code>
/// An event time without an offset is read as UTC; give one (2026-07-10T09:00+01:00) for local time.
/// </summary>
public sealed record SimulationScript
{
    public IReadOnlyList<ScriptedSession> Sessions { get; init; } = [];
    public IReadOnlyList<ScriptedEvent> Events { get; init; } = [];
    public DateOnly? Start { get; init; }
    public required DateOnly Until { get; init; }

    private static readonly Dictionary<string, SessionOutcome> Outcomes = new(StringComparer.Ordinal)
    {
        ["attended"] = SessionOutcome.Attended,
        ["missed"] = SessionOutcome.DidNotAttend,
        ["did-not-attend"] = SessionOutcome.DidNotAttend,
        ["cancelled-by-supervisee"] = SessionOutcome.CancelledBySupervisee,
        ["cancelled-by-supervisor"] = SessionOutcome.CancelledBySupervisor,
        ["apologies"] = SessionOutcome.Apologies,
    };

    public static SimulationLoadResult Load(string yaml, string file = "script")
    {
        var errors = new List<WorkflowError>();
        void Error(YamlNode? n, string message) => errors.Add(new WorkflowError(file, n is null ? 1 : (int)n.Start.Line, n is null ? 1 : (int)n.Start.Column, message));
        YamlStream stream;
        try { stream = TenantYaml.Load(yaml); }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            var mark = (ex as YamlException)?.Start;
            errors.Add(new WorkflowError(file, (int)(mark?.Line ?? 1), (int)(mark?.Column ?? 1), ex is YamlLimitException limit ? YamlMessages.Problem(limit) : "This is not valid YAML."));
            return new(null, errors);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(null, "A script must be a set of settings: until, sessions, events.");
            return new(null, errors);
        }
        static YamlNode? Get(YamlMappingNode m, string key) => m.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == key).Value;
        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value is not ("until" or "start" or "sessions" or "events")))
            Error(key, $"'{key.Value}' is not a setting of a script. It takes: until, start, sessions, events.");
        DateOnly? Date(YamlNode? n, string what)
        {
            if (n is null) return null;
            if (n is YamlScalarNode s && DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            Error(n, $"{what} must be a date like 2026-03-31.");
            return null;
        }
        var until = Date(Get(root, "until"), "until");
        if (Get(root, "until") is null) Error(root, "A script needs until: the day the fake clock runs to.");
        var start = Date(Get(root, "start"), "start");

        var sessions = new List<ScriptedSession>();
        if (Get(root, "sessions") is YamlSequenceNode ss)
        {
            foreach (var item in ss.Children)
            {
                if (item is not YamlMappingNode m) { Error(item, "A session is { date, outcome, minutes }."); continue; }
                var date = Date(Get(m, "date"), "date");
                if (Get(m, "date") is null) Error(m, "A session needs a date.");
                var outcomeNode = Get(m, "outcome") as YamlScalarNode;
                if (outcomeNode?.Value is not { } o || !Outcomes.TryGetValue(o, out var outcome))
                {
                    Error((YamlNode?)outcomeNode ?? m, $"outcome must be one of: {string.Join(", ", Outcomes.Keys)}.");
                    continue;
                }
                var minutes = 60;
                if (Get(m, "minutes") is YamlScalarNode mn && !int.TryParse(mn.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out minutes)) Error(mn, "minutes must be a whole number.");
                var booked = Get(m, "booked") is { } b ? Date(b, "booked") : null;
                var supervision = (Get(m, "supervision") as YamlScalarNode)?.Value;
                if (date is { } d) sessions.Add(new ScriptedSession(d, outcome, minutes, (Get(m, "id") as YamlScalarNode)?.Value, booked, supervision));
            }
        }
        else if (Get(root, "sessions") is { } bad) Error(bad, "sessions must be a list.");

        var events = new List<ScriptedEvent>();
        if (Get(root, "events") is YamlSequenceNode es)
        {
            foreach (var item in es.Children)
            {
                if (item is not YamlMappingNode m) { Error(item, "An event is { at, event, detail, form, session, person, answers }."); continue; }
                var atNode = Get(m, "at") as YamlScalarNode;
                if (atNode?.Value is not { } atText || !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    Error((YamlNode?)atNode ?? m, "at must be a time like 2026-02-10T09:00+00:00.");
                    continue;
                }
                if ((Get(m, "event") as YamlScalarNode)?.Value is not { } type) { Error(m, "An event needs event: its type, like record.submitted."); continue; }
                events.Add(new ScriptedEvent(at, type, (Get(m, "detail") as YamlScalarNode)?.Value, Get(m, "answers") is YamlMappingNode a ? (JsonObject)ToJson(a)! : null,
                    (Get(m, "session") as YamlScalarNode)?.Value, (Get(m, "person") as YamlScalarNode)?.Value, (Get(m, "form") as YamlScalarNode)?.Value,
                    Get(m, "sessionDate") is { } sd ? Date(sd, "sessionDate") : null));
            }
        }
        else if (Get(root, "events") is { } bad) Error(bad, "events must be a list.");

        return errors.Count > 0 || until is null ? new(null, errors) : new(new SimulationScript { Sessions = sessions, Events = events, Start = start, Until = until.Value }, errors);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create((kv.Key as YamlScalarNode)?.Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray([.. s.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" } => JsonValue.Create(true),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "false" } => JsonValue.Create(false),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" } => null,
        YamlScalarNode { Style: ScalarStyle.Plain } s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };
}
