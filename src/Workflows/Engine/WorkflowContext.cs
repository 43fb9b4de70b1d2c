using System.Text.Json.Nodes;
using SupervisionHub.Workflows.Calendar;

namespace SupervisionHub.Workflows.Engine;

/// <summary>A domain event (docs/supervision.md, Events). The ids say which session, relationship and person it is about.</summary>
public sealed record EventInfo(string Type, string? Detail, DateTimeOffset OccurredAt, string? SessionId = null, string? RelationshipId = null, string? StaffId = null)
{
    /// <summary>The form of the record, for record.* events (a rule may act on one form only).</summary>
    public string? Form { get; init; }

    /// <summary>The record the event is about (record.*, contract.signed, action.overdue): what {{ links.record }} opens.</summary>
    public string? RecordId { get; init; }

    /// <summary>
    /// The day of the session a session.* event is about, in the tenant's zone: for session.booked, the
    /// day booked, so "a new session within 10 working days" can be written as a wait whose where reads it.
    /// </summary>
    public DateOnly? SessionDate { get; init; }

    /// <summary>The local time the session starts, for a reminder's wording ({{ session.time }}).</summary>
    public TimeOnly? SessionTime { get; init; }

    /// <summary>The session's version (one more at each move or cancellation): a reminder timed from an earlier version does not go.</summary>
    public int? SessionVersion { get; init; }

    /// <summary>
    /// The session's version when the event happened (null: not known). Behind <see cref="SessionVersion"/>
    /// when the session moved or was cancelled after it, before the event was dispatched: a later event
    /// about the same session follows, and it times what this one would have (ADR 0035).
    /// </summary>
    public int? RaisedAtVersion { get; init; }
}

public sealed record RelationshipInfo(string Type, string Format, string SupervisorId, IReadOnlyList<string> SuperviseeIds);

/// <param name="Site">The person's site, for roles held per site (role:dsl@supervisee-site).</param>
public sealed record Recipient(string? StaffId, string Name, string Email, string? Site = null);

/// <summary>A member of a for-each cohort, as conditions read it through <c>item</c>.</summary>
/// <remarks>OpenForms: the forms the person has been asked for and not yet completed, so a reminder can go to them alone.</remarks>
public sealed record CohortMember(string Id, string Name, string? Email, IReadOnlyList<string> Roles, string? Site = null, DateOnly? TrainingExpiresOn = null,
    IReadOnlyList<string>? OpenForms = null)
{
    public Recipient AsRecipient() => new(Id, Name, Email ?? "", Site);
}

/// <summary>
/// The people a run may write to, loaded by the host before the run so the runner does no IO.
/// Supervisees is the supervisee of a one-to-one, or every member of a group; "supervisee" and
/// "supervisees" both resolve to it, and the host builds a directory per event.
/// </summary>
public sealed record PeopleDirectory
{
    public Recipient? Supervisor { get; init; }
    public IReadOnlyList<Recipient> Supervisees { get; init; } = [];
    public IReadOnlyList<Recipient> LineManagersOfSupervisees { get; init; } = [];
    public Recipient? LineManagerOfSupervisor { get; init; }

    /// <summary>The person a staff.* or training.expiring event is about, and their line manager.</summary>
    public Recipient? Person { get; init; }
    public Recipient? LineManagerOfPerson { get; init; }
    /// <summary>Holders of each tenant role, by tenant role id (role:safeguarding-team).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Recipient>> RoleHolders { get; init; } = new Dictionary<string, IReadOnlyList<Recipient>>();
    /// <summary>Holders of each staff role (staff-role:safeguarding-lead).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Recipient>> StaffRoleHolders { get; init; } = new Dictionary<string, IReadOnlyList<Recipient>>();

    /// <summary>Holders of a tenant role at each site, by role id then site (tenant.yaml roles[].sites), for role:&lt;id&gt;@supervisee-site and the like.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Recipient>>> SiteRoleHolders { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Recipient>>>();

    public static PeopleDirectory Empty { get; } = new();

    /// <summary>The people a recipient word names; empty when nobody is recorded (the caller decides what that means).</summary>
    public IReadOnlyList<Recipient> Resolve(string recipient, CohortMember? item)
    {
        static IReadOnlyList<Recipient> One(Recipient? r) => r is null ? [] : [r];
        if (recipient.StartsWith("role:", StringComparison.Ordinal) && StepCatalogue.RoleAndSite(recipient) is (var roleId, { } anchor))
        {
            // The holders at each site the anchor's people are at (each member's, for a group); nobody
            // when the role has no holder there: a rule that names a site's DSL does not quietly write to another's.
            if (!StepCatalogue.SiteAnchors.TryGetValue(anchor, out var whose) || !SiteRoleHolders.TryGetValue(roleId, out var bySite)) return [];
            return [.. Resolve(whose, item).Select(p => p.Site).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)
                .SelectMany(site => bySite.FirstOrDefault(kv => string.Equals(kv.Key, site, StringComparison.OrdinalIgnoreCase)).Value ?? [])];
        }
        return recipient switch
        {
            "supervisor" => One(Supervisor),
            "supervisee" or "supervisees" => Supervisees,
            "line-manager-of-supervisee" => LineManagersOfSupervisees,
            "line-manager-of-supervisor" => One(LineManagerOfSupervisor),
            "person" => One(Person),
            "line-manager-of-person" => One(LineManagerOfPerson),
            "item" => item is null ? [] : [item.AsRecipient()],
            _ when recipient.StartsWith("role:", StringComparison.Ordinal) => RoleHolders.GetValueOrDefault(recipient[5..]) ?? [],
            _ when recipient.StartsWith("staff-role:", StringComparison.Ordinal) => StaffRoleHolders.GetValueOrDefault(recipient[11..]) ?? [],
            _ when recipient.StartsWith("address:", StringComparison.Ordinal) && recipient.Length > 8 => [new Recipient(null, recipient[8..], recipient[8..])],
            _ => [],
        };
    }
}

/// <summary>Everything a run reads, loaded by the host (or the simulator) beforehand.</summary>
public sealed record WorkflowContext
{
    public required EventInfo Event { get; init; }
    public RelationshipInfo? Relationship { get; init; }
    public SupervisionHistory? History { get; init; }
    /// <summary>The submitted record's answers (record.submitted). Conditions read them; templates never do.</summary>
    public JsonObject? Answers { get; init; }
    public PeopleDirectory People { get; init; } = PeopleDirectory.Empty;
    public Func<string, IReadOnlyList<CohortMember>> Cohorts { get; init; } = _ => [];
    public required DateOnly Today { get; init; }
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;
    /// <summary>Calendar, working and school days as this tenant counts them (closure days, bank holidays, term dates).</summary>
    public DayCounter Days { get; init; } = DayCounter.Plain;
    public WorkingDays WorkingDays => Days.Working;
    public string TenantName { get; init; } = "";

    /// <summary>The tenant's settings a rule may read, as tenant.settings (reminderDaysBefore: a number of days, or null for none).</summary>
    public JsonObject Settings { get; init; } = [];
}

/// <summary>Something the host carries out in the same transaction as saving the run's state.</summary>
public abstract record WorkflowEffect(string StepId);

/// <summary>An email from emails/&lt;Template&gt;.md. The host adds recipient and link per recipient to the model.</summary>
public sealed record EmailEffect(string StepId, IReadOnlyList<Recipient> To, IReadOnlyList<Recipient> Cc, string Template, JsonObject Model) : WorkflowEffect(StepId);

/// <summary>
/// A task for one person. Template names the email that tells them of it (so a shared mailbox needs
/// no other); a requested form's task also carries that email's Model: the host sends it, with the
/// task's own link. An escalation's email goes as its own EmailEffect.
/// </summary>
public sealed record TaskEffect(string StepId, Recipient For, string Title, DateOnly? Due, bool Escalation, string? FormId, string? Template, JsonObject? Model = null, bool Booking = false) : WorkflowEffect(StepId);

/// <summary>
/// A paused run: resume it when an event of EventType arrives whose session, relationship or
/// person (Match) has CorrelationId, or with TimedOut once DueAt passes (null: no timeout).
/// </summary>
public sealed record Bookmark(string StepId, string EventType, string Match, string? CorrelationId, DateTimeOffset? DueAt)
{
    /// <summary>
    /// The correlation of a group member's own wait: a session (or relationship) and the member, as one
    /// short value (a hash: two ids side by side are longer than the stored column). The runner and the
    /// host's query both come through here (<see cref="WorkflowSimulator.Correlation"/>).
    /// </summary>
    public static string Pair(string id, string personId) =>
        "p:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id + "/" + personId)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record JournalLine(DateTimeOffset At, string StepId, string What, string Decision);

/// <summary>A run that could not go on: the step and why, for an admin to see and retry.</summary>
public sealed record Incident(string StepId, string Message);

public enum RunStatus { Completed, Waiting, Faulted, Skipped }

public sealed record RunResult
{
    public required RunStatus Status { get; init; }
    /// <summary>The state to store; pass it back to Resume. Empty for a finished or skipped run.</summary>
    public required string StateJson { get; init; }
    public required IReadOnlyList<WorkflowEffect> Effects { get; init; }
    public required IReadOnlyList<JournalLine> Journal { get; init; }
    public Bookmark? Waiting { get; init; }
    public Incident? Fault { get; init; }

    /// <summary>
    /// Runs of their own, one per member, started by a for-each whose steps wait (a request, its
    /// wait and its reminder for each member of a group): the host keeps each as an instance, so one
    /// member's answer ends only their own wait.
    /// </summary>
    public IReadOnlyList<MemberRun> Branches { get; init; } = [];
}

/// <summary>A for-each member's steps, run on their own: who they are for, and that run's result so far.</summary>
public sealed record MemberRun(CohortMember Member, RunResult Result);

public abstract record Resumption;

/// <summary>The awaited event arrived; the context's Event is that event.</summary>
public sealed record EventArrived(EventInfo Event) : Resumption;

public sealed record TimedOut : Resumption;

/// <summary>An admin retries a faulted run from the step that failed.</summary>
public sealed record Retry : Resumption;
