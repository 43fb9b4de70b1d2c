using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Email;

/// <summary>
/// An email waiting to be sent (or sent), written in the same transaction as the change that
/// caused it. Bodies say what is asked and link to it: never child or case details.
/// </summary>
public sealed class OutboxMessage : ITenantOwned
{
    private OutboxMessage() { }

    public OutboxMessage(string to, string subject, string textBody, DateTimeOffset now, string? cc = null)
    {
        Cc = string.IsNullOrEmpty(cc) ? null : cc;
        Id = Guid.NewGuid();
        To = to;
        Subject = subject;
        TextBody = textBody;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string To { get; private set; } = "";
    /// <summary>Copied in, comma-separated (river-tees R2: the supervisee is copied into the correspondence).</summary>
    public string? Cc { get; private set; }
    public string Subject { get; private set; } = "";
    public string TextBody { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
}
