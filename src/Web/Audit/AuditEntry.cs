using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Audit;

/// <summary>
/// One read or write of a record or agreement: who, when, what, from where. Append-only: nothing
/// updates or deletes these rows. Reads through an audit role are flagged so they stand out
/// (ralph-thoresby R6: "every such access is visible").
/// </summary>
public sealed class AuditEntry : ITenantOwned
{
    private AuditEntry() { }

    public AuditEntry(string actorId, string action, string entity, string entityId, bool byAuditor, string? from, DateTimeOffset at)
    {
        ActorId = actorId;
        Action = action;
        Entity = entity;
        EntityId = entityId;
        ByAuditor = byAuditor;
        From = from;
        At = at;
    }

    public long Id { get; private set; }
    public Guid TenantId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string ActorId { get; private set; } = "";

    /// <summary>read, create, save, submit, sign, export, print.</summary>
    public string Action { get; private set; } = "";
    public string Entity { get; private set; } = "";
    public string EntityId { get; private set; } = "";
    public bool ByAuditor { get; private set; }

    /// <summary>The client address, for "from where".</summary>
    public string? From { get; private set; }
}
