namespace SupervisionHub.Workflows.Engine;

public enum TermKind { Number, Text }

/// <param name="Path">What a condition writes (history.consecutiveMisses); for an answer, the prefix of answers['question-id'].</param>
/// <param name="Words">How the rule builder says it.</param>
/// <param name="MayBeEmpty">Null until there is something to count (no session yet): a comparison guards it.</param>
/// <param name="Values">The values it takes, when it takes few (offered as a list in the builder).</param>
public sealed record ConditionTerm(string Path, string Words, TermKind Kind, bool MayBeEmpty = false, IReadOnlyList<string>? Values = null);

/// <summary>
/// What a rule's condition can read, in words: the history the engine computes
/// (SupervisionHistory.ToJson), the event and relationship (WorkflowRunner's scope) and the record's
/// answers. The rule builder's condition rows offer these and compile to the JavaScript the engine runs.
/// </summary>
public static class ConditionVocabulary
{
    public const string AnswerPath = "answers";

    public static readonly IReadOnlyList<string> Statuses = ["on-track", "due-soon", "overdue", "not-required", "unknown"];

    public static readonly IReadOnlyList<ConditionTerm> Terms =
    [
        new("history.consecutiveMisses", "missed sessions in a row", TermKind.Number),
        new("history.missesThisYear", "missed sessions this academic year", TermKind.Number),
        new("history.sessionsThisYear", "sessions held this academic year", TermKind.Number),
        new("history.supervisorCancellationsInRow", "sessions cancelled by the supervisor in a row", TermKind.Number),
        new("history.daysSinceLastSession", "days since the last session", TermKind.Number, MayBeEmpty: true),
        new("history.status", "compliance status", TermKind.Text, Values: Statuses),
        new("relationship.format", "the supervision's format", TermKind.Text, Values: ["one-to-one", "group", "peer", "ad-hoc"]),
        new("relationship.type", "the supervision's type", TermKind.Text),
        new("event.detail", "the event's detail (who cancelled, apologies...)", TermKind.Text),
        new("event.form", "the form of the record", TermKind.Text),
        new(AnswerPath, "an answer in the record", TermKind.Text),
    ];

    public static ConditionTerm? Find(string path) => Terms.FirstOrDefault(t => t.Path == path);

    /// <summary>Comparisons, as JavaScript and in words.</summary>
    public static readonly IReadOnlyList<(string Operator, string Words)> Operators =
    [
        ("==", "is"), ("!=", "is not"), (">", "is more than"), (">=", "is at least"), ("<", "is less than"), ("<=", "is at most"),
    ];
}
