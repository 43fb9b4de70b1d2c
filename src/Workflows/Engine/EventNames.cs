namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// The domain events a rule can start from or wait for (docs/supervision.md, Events), in one place,
/// each with how it reads in a sentence, so an admin reads "a session is missed" where the definition
/// says session.missed. The library owns the vocabulary; the host raises these names
/// (src/Web/Supervision/DomainEvent.cs).
/// </summary>
public static class EventNames
{
    public const string SessionBooked = "session.booked";
    public const string SessionAttended = "session.attended";
    public const string SessionMissed = "session.missed";
    public const string SessionCancelled = "session.cancelled";

    /// <summary>A booked session was moved to another day or time (event.sessionDate: the day it is on now).</summary>
    public const string SessionMoved = "session.moved";

    /// <summary>An attendance outcome entered by mistake was corrected (detail: the outcome it now has; person: whose attendance changed).</summary>
    public const string SessionAttendanceCorrected = "session.attendance-corrected";
    public const string RecordSubmitted = "record.submitted";
    public const string RecordSigned = "record.signed";
    public const string ActionOverdue = "action.overdue";
    public const string ContractSigned = "contract.signed";
    public const string ContractReviewDue = "contract.review-due";
    public const string TrainingExpiring = "training.expiring";
    public const string StaffStarted = "staff.started";
    public const string LineManagerChanged = "staff.line-manager-changed";
    public const string SupervisionOverdue = "supervision.overdue";

    /// <summary>Every event with its sentence; the order is the order pickers show.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Listed =
    [
        new(SessionBooked, "a session is booked"),
        new(SessionAttended, "a session takes place"),
        new(SessionMissed, "a session is missed"),
        new(SessionCancelled, "a session is cancelled"),
        new(SessionMoved, "a session is moved"),
        new(SessionAttendanceCorrected, "a session's attendance is corrected"),
        new(RecordSubmitted, "a record is submitted"),
        new(RecordSigned, "a record is signed by everyone"),
        new(ContractSigned, "an agreement is signed by everyone"),
        new(StaffStarted, "someone joins the staff"),
        new(LineManagerChanged, "someone's line manager changes"),
        new(ActionOverdue, "an agreed action becomes overdue"),
        new(SupervisionOverdue, "someone's supervision becomes overdue"),
        new(ContractReviewDue, "an agreement is due for review"),
        new(TrainingExpiring, "a supervisor's training is about to expire"),
    ];

    public static readonly IReadOnlyDictionary<string, string> Sentences = Listed.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    public static readonly IReadOnlyList<string> All = Listed.Select(e => e.Key).ToList();

    public static readonly IReadOnlySet<string> Set = All.ToHashSet(StringComparer.Ordinal);

    /// <summary>Events about one session: they carry the session's date (event.sessionDate), so a wait can ask for a session within a deadline.</summary>
    public static bool IsAboutASession(string type) => type.StartsWith("session.", StringComparison.Ordinal);

    /// <summary>The event as a sentence ("a session is missed"); a name not in the list is quoted as written.</summary>
    public static string Describe(string name) => Sentences.TryGetValue(name, out var sentence) ? sentence : $"the event “{name}” happens";
}
