namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// The domain events a rule can start from (docs/supervision.md, Events), each with how it reads in
/// a sentence, so an admin reads "a session is missed" where the definition says session.missed.
/// One list: the validator's <see cref="WorkflowEnvironment.DomainEvents"/> is its keys.
/// </summary>
public static class EventNames
{
    public static readonly IReadOnlyDictionary<string, string> Sentences = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["session.booked"] = "a session is booked",
        ["session.attended"] = "a session takes place",
        ["session.missed"] = "a session is missed",
        ["session.cancelled"] = "a session is cancelled",
        ["record.submitted"] = "a record is submitted",
        ["record.signed"] = "a record is signed by everyone",
        ["contract.signed"] = "an agreement is signed by everyone",
        ["staff.started"] = "someone joins the staff",
        ["staff.line-manager-changed"] = "someone's line manager changes",
        ["action.overdue"] = "an agreed action becomes overdue",
        ["supervision.overdue"] = "someone's supervision becomes overdue",
        ["contract.review-due"] = "an agreement is due for review",
        ["training.expiring"] = "a supervisor's training is about to expire",
    };

    /// <summary>The event as a sentence ("a session is missed"); a name not in the list is quoted as written.</summary>
    public static string Describe(string name) => Sentences.TryGetValue(name, out var sentence) ? sentence : $"the event “{name}” happens";
}
