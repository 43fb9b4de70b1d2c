using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Audit;

/// <summary>
/// One read or write of a record or agreement: who, when, what, from where. Append-only: nothing
/// updates or deletes these rows. Reads through an audit role are flagged so they stand out
/// (ralph-thoresby R6: "every such access is visible").
/// Each entry is chained to the previous entry of its tenant: <see cref="Sequence"/> counts from 1
/// per tenant and <see cref="Hash"/> covers the previous hash and this row's content, so an altered,
/// deleted or inserted row shows up in <see cref="AuditChain.VerifyAsync"/>. AppDbContext sets
/// both when the row is saved; callers only construct it (docs/adr/0008-audit-chain.md).
/// </summary>
public sealed class AuditEntry : ITenantOwned
{
    private AuditEntry() { }

    public AuditEntry(string actorId, string action, string entity, string entityId, bool byAuditor, string? from, DateTimeOffset at, string? reason = null)
    {
        Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
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

    /// <summary>
    /// Why, in the person's words, when an act needs a reason (changing a signed record, correcting
    /// attendance), so the log itself answers "why" and not only the row it was about. Up to
    /// <see cref="ReasonMaxLength"/> characters; part of the hash when present.
    /// </summary>
    public string? Reason { get; private set; }

    public const int ReasonMaxLength = 1000;

    /// <summary>1, 2, 3 ... per tenant, unique with <see cref="TenantId"/>. Negative for rows made before the chain (their -Id).</summary>
    public long Sequence { get; private set; }

    /// <summary>The <see cref="Hash"/> of entry <see cref="Sequence"/> - 1 of the same tenant; null for the first.</summary>
    public string? PreviousHash { get; private set; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="PreviousHash"/> and this row's content; null only for rows made before the chain.</summary>
    public string? Hash { get; private set; }

    /// <summary>Links this new row after the tenant's current head. Called by AppDbContext on save, nowhere else.</summary>
    internal void Chain(long sequence, string? previousHash)
    {
        Sequence = sequence;
        PreviousHash = previousHash;
        Hash = AuditChain.ComputeHash(this);
    }
}
