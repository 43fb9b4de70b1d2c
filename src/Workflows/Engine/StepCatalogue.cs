namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// What a step kind takes. Settings: every setting allowed. Required: those that must be present.
/// StepLists / Recipients / JavaScript: which settings hold step lists, recipient lists and
/// JavaScript. Text: the kind's value is a single text (note) rather than a group of settings.
/// </summary>
public sealed record StepDescriptor(
    string Kind,
    string Summary,
    IReadOnlyList<string> Settings,
    IReadOnlyList<string> Required,
    IReadOnlyList<string> StepLists,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> JavaScript,
    bool Text = false);

/// <summary>The closed catalogue of steps (docs/workflows.md, Steps), read by the loader, the validator and the editor.</summary>
public static class StepCatalogue
{
    public static readonly IReadOnlyDictionary<string, StepDescriptor> Kinds = new Dictionary<string, StepDescriptor>(StringComparer.Ordinal)
    {
        ["send-email"] = new("send-email", "an email from emails/<template>.md to each recipient",
            ["to", "cc", "template"], ["to", "template"], [], ["to", "cc"], []),
        ["request-form"] = new("request-form", "asks each recipient to complete a form by email link; creates a task for each",
            ["to", "form", "template", "expiresInDays"], ["to", "form", "template"], [], ["to"], []),
        ["request-booking"] = new("request-booking", "asks each recipient to book their next session by email link (to the booking page of that supervision); creates a task for each",
            ["to", "template"], ["to", "template"], [], ["to"], []),
        ["create-task"] = new("create-task", "a task on each recipient's home page",
            ["for", "title", "dueInDays", "dayKind", "workingDays"], ["for", "title"], [], ["for"], []),
        ["escalate"] = new("escalate", "an email and a task marked as an escalation, with the reason in the journal",
            ["to", "template", "reason"], ["to", "template", "reason"], [], ["to"], []),
        ["wait"] = new("wait", "pauses until the event happens for the same session, relationship or person, or the timeout passes",
            ["for", "match", "form", "where", "timeout", "until", "onEvent", "onTimeout"], ["for"], ["onEvent", "onTimeout"], [], ["where"]),
        ["if"] = new("if", "a branch",
            ["condition", "then", "else"], ["condition"], ["then", "else"], [], ["condition"]),
        ["switch"] = new("switch", "a branch on a value",
            ["value", "cases", "default"], ["value", "cases"], ["cases", "default"], [], ["value"]),
        ["set"] = new("set", "a variable, readable as vars.name by later conditions and templates",
            ["name", "value"], ["name", "value"], [], [], ["value"]),
        ["note"] = new("note", "a line in the journal (Liquid)", [], [], [], [], [], Text: true),
        ["for-each"] = new("for-each", "runs the steps once per member of the cohort, with item set to each; with a wait among them, each member's steps are a run of their own",
            ["cohort", "where", "steps"], ["cohort", "steps"], ["steps"], [], ["where"]),
    };

    /// <summary>Each kind as the rule builder names it.</summary>
    public static readonly IReadOnlyDictionary<string, string> KindWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["send-email"] = "Send an email",
        ["request-form"] = "Ask for a form to be completed",
        ["request-booking"] = "Ask for the next session to be booked",
        ["create-task"] = "Create a task",
        ["escalate"] = "Escalate",
        ["wait"] = "Wait for something to happen",
        ["if"] = "If, otherwise",
        ["switch"] = "Depending on a value",
        ["set"] = "Remember a value",
        ["note"] = "Note in the journal",
        ["for-each"] = "For each of a group of people",
    };

    /// <summary>Each recipient keyword in words (role:, staff-role: and address: are named with their parameter).</summary>
    public static readonly IReadOnlyDictionary<string, string> RecipientWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["supervisor"] = "the supervisor",
        ["supervisee"] = "the supervisee",
        ["supervisees"] = "each supervisee (each member of a group)",
        ["line-manager-of-supervisee"] = "the supervisee's line manager",
        ["line-manager-of-supervisor"] = "the supervisor's line manager",
        ["person"] = "the person the event is about",
        ["line-manager-of-person"] = "that person's line manager",
        ["item"] = "the member (inside a for each)",
    };

    /// <summary>Recipient keywords without a parameter; role:, staff-role: and address: take one.</summary>
    public static readonly IReadOnlyList<string> RecipientKeywords =
        ["supervisor", "supervisee", "supervisees", "line-manager-of-supervisee", "line-manager-of-supervisor", "person", "line-manager-of-person", "item"];

    public static readonly IReadOnlyList<string> RecipientPrefixes = ["role:", "staff-role:", "address:"];

    /// <summary>
    /// Whose site a site-held role is taken at: role:&lt;id&gt;@supervisee-site names the holders of the role
    /// at the supervisee's site (each member's, for a group), and so on. Each anchor maps to the
    /// recipient keyword whose site it reads.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SiteAnchors = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["supervisee-site"] = "supervisee",
        ["supervisor-site"] = "supervisor",
        ["person-site"] = "person",
        ["item-site"] = "item",
    };

    /// <summary>Splits role:&lt;id&gt;@&lt;anchor&gt; into the role id and the anchor (null when the role is taken everywhere).</summary>
    public static (string RoleId, string? Anchor) RoleAndSite(string recipient)
    {
        var role = recipient["role:".Length..];
        var at = role.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (role, null) : (role[..at], role[(at + 1)..]);
    }

    /// <summary>
    /// Cohorts without a parameter; role:&lt;tenant role id&gt; is the one with. members: the supervisees
    /// the event is about (the one supervisee, or each member of a group; those present at an attended session).
    /// </summary>
    public static readonly IReadOnlyList<string> CohortKeywords = ["supervisees", "supervisors", "staff", "members"];

    /// <summary>Staff roles (as forms' person fields use them), for staff-role: recipients.</summary>
    public static readonly IReadOnlyList<string> StaffRoles = ["tenant-admin", "safeguarding-lead", "supervisor", "supervisee", "line-manager", "auditor"];
}
