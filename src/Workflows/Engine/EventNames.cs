namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// The domain events a rule can start from or wait for (docs/supervision.md, Events), in one place:
/// the library owns the vocabulary, and the host raises these names (src/Web/Supervision/DomainEvent.cs).
/// </summary>
public static class EventNames
{
    public const string SessionBooked = "session.booked";
    public const string SessionAttended = "session.attended";
    public const string SessionMissed = "session.missed";
    public const string SessionCancelled = "session.cancelled";
    public const string RecordSubmitted = "record.submitted";
    public const string RecordSigned = "record.signed";
    public const string ActionOverdue = "action.overdue";
    public const string ContractSigned = "contract.signed";
    public const string ContractReviewDue = "contract.review-due";
    public const string TrainingExpiring = "training.expiring";
    public const string StaffStarted = "staff.started";
    public const string LineManagerChanged = "staff.line-manager-changed";
    public const string SupervisionOverdue = "supervision.overdue";

    public static readonly IReadOnlyList<string> All =
    [
        SessionBooked, SessionAttended, SessionMissed, SessionCancelled, RecordSubmitted, RecordSigned,
        ActionOverdue, ContractSigned, ContractReviewDue, TrainingExpiring, StaffStarted, LineManagerChanged, SupervisionOverdue,
    ];

    /// <summary>Each event in words, as the rule builder offers it ("when a session is missed").</summary>
    public static readonly IReadOnlyDictionary<string, string> Words = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SessionBooked] = "a session is booked",
        [SessionAttended] = "a session takes place",
        [SessionMissed] = "a session is missed",
        [SessionCancelled] = "a session is cancelled",
        [RecordSubmitted] = "a record is submitted",
        [RecordSigned] = "a record is signed",
        [ActionOverdue] = "an agreed action is overdue",
        [ContractSigned] = "a supervision contract is signed",
        [ContractReviewDue] = "a contract is due for review",
        [TrainingExpiring] = "someone's training is expiring",
        [StaffStarted] = "someone joins the staff",
        [LineManagerChanged] = "someone's line manager changes",
        [SupervisionOverdue] = "someone's supervision is overdue",
    };

    public static readonly IReadOnlySet<string> Set = All.ToHashSet(StringComparer.Ordinal);

    /// <summary>Events about one session: they carry the session's date (event.sessionDate), so a wait can ask for a session within a deadline.</summary>
    public static bool IsAboutASession(string type) => type.StartsWith("session.", StringComparison.Ordinal);
}
