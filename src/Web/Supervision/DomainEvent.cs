using SupervisionHub.Web.Data;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Something that happened which the tenant's workflows may react to (session.missed,
/// record.signed, ...). Written by AppDbContext.SaveChanges in the same transaction as the change
/// that raised it, so an event is never lost nor recorded for a change that was rolled back. The
/// sweep's time-driven events, which no change raises, are written by SweepInsert (ADR 0040).
/// Carries ids only: never child or case details.
/// </summary>
public sealed class DomainEvent : ITenantOwned
{
    private DomainEvent() { }

    public DomainEvent(string type, DateTimeOffset occurredAt, Guid? relationshipId = null, Guid? sessionId = null,
        string? staffId = null, Guid? recordId = null, string? dedupeKey = null, string? detail = null, int? sessionSequence = null)
    {
        Id = OrderedIds.New();
        Type = type;
        OccurredAt = occurredAt;
        RelationshipId = relationshipId;
        SessionId = sessionId;
        StaffId = staffId;
        RecordId = recordId;
        DedupeKey = dedupeKey;
        Detail = detail;
        SessionSequence = sessionSequence;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Type { get; private set; } = "";
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>Order among events of the same instant: raised later, numbered higher (per node; AppDbContext.CollectEvents).</summary>
    public int Sequence { get; private set; }

    public void Order(int sequence) => Sequence = sequence;
    public Guid? RelationshipId { get; private set; }
    public Guid? SessionId { get; private set; }

    /// <summary>The person the event is about (the supervisee who missed, the supervisor whose training expires).</summary>
    public string? StaffId { get; private set; }
    public Guid? RecordId { get; private set; }

    /// <summary>
    /// The session's version (its invitation's SEQUENCE) when this happened, for events about a session:
    /// a rule dispatched after a later move or cancellation can tell it is out of date (ADR 0035).
    /// </summary>
    public int? SessionSequence { get; private set; }

    /// <summary>A word that qualifies the event (by-supervisor, apologies), never free text.</summary>
    public string? Detail { get; private set; }

    /// <summary>For events raised by the daily sweep: one event per fact (e.g. one action.overdue per action), unique per tenant.</summary>
    public string? DedupeKey { get; private set; }

    /// <summary>Set by the workflow dispatcher once every matching workflow has been started.</summary>
    public DateTimeOffset? DispatchedAt { get; private set; }

    /// <summary>A worker dispatching it; the claim lapses so a worker that died does not strand it.</summary>
    public string? ClaimedBy { get; private set; }
    public DateTimeOffset? ClaimedUntil { get; private set; }

    /// <summary>
    /// The fence (ADR 0024): new at every claim and every change, and checked by the save that applies
    /// a dispatch, so a worker whose claim lapsed and was taken over saves nothing.
    /// </summary>
    public Guid? ClaimToken { get; private set; }

    public void MarkDispatched(DateTimeOffset now)
    {
        DispatchedAt ??= now;
        ClaimedBy = null;
        ClaimedUntil = null;
        ClaimToken = Guid.NewGuid();
    }
}

/// <summary>The event names, owned by the workflow library (<see cref="EventNames"/>); the host raises these.</summary>
public static class EventTypes
{
    public const string SessionBooked = EventNames.SessionBooked;
    public const string SessionAttended = EventNames.SessionAttended;
    public const string SessionMissed = EventNames.SessionMissed;
    public const string SessionCancelled = EventNames.SessionCancelled;
    public const string SessionMoved = EventNames.SessionMoved;
    public const string SessionAttendanceCorrected = EventNames.SessionAttendanceCorrected;
    public const string RecordSubmitted = EventNames.RecordSubmitted;
    public const string RecordSigned = EventNames.RecordSigned;
    public const string ActionOverdue = EventNames.ActionOverdue;
    public const string ContractSigned = EventNames.ContractSigned;
    public const string ContractReviewDue = EventNames.ContractReviewDue;
    public const string TrainingExpiring = EventNames.TrainingExpiring;
    public const string StaffStarted = EventNames.StaffStarted;
    public const string LineManagerChanged = EventNames.LineManagerChanged;
    public const string SupervisionOverdue = EventNames.SupervisionOverdue;

    public static IReadOnlyList<string> All => EventNames.All;
}

/// <summary>An entity that raises domain events; AppDbContext collects them on save.</summary>
public interface IRaisesEvents
{
    IReadOnlyList<DomainEvent> PendingEvents { get; }
    void ClearEvents();
}

/// <summary>Broken supervision rule (group too large, untrained supervisor, illegal attendance change): a message for the person.</summary>
public sealed class SupervisionRuleException(string message) : InvalidOperationException(message);
