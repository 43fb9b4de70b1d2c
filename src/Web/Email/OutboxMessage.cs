using SupervisionHub.Forms.Markdown;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Email;

public enum OutboxStatus { Queued, Sent, Retrying, Failed }

/// <summary>
/// An email waiting to be sent (or sent), written in the same transaction as the change that
/// caused it. Bodies say what is asked and link to it: never child or case details.
/// </summary>
public sealed class OutboxMessage : ITenantOwned
{
    /// <summary>Waits after the 1st, 2nd... failed attempt: a mail server down for a few hours is ridden out,
    /// and the message is given up (shown to the tenant admin) after about five hours and six attempts.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(240)];

    public static int MaxAttempts => Backoff.Count + 1;
    public const int MaxErrorLength = 300;

    private OutboxMessage() { }

    public OutboxMessage(string to, string subject, string textBody, DateTimeOffset now, string? cc = null)
    {
        Cc = string.IsNullOrEmpty(cc) ? null : cc;
        Id = OrderedIds.New();
        To = to;
        Subject = subject;
        TextBody = textBody;
        CreatedAt = now;
    }

    /// <summary>
    /// One attachment, text only: a calendar invitation (text/calendar; method=REQUEST or CANCEL).
    /// Stored with the message so the invitation is sent with the change that caused it, or not at all.
    /// </summary>
    public string? AttachmentName { get; private set; }
    public string? AttachmentType { get; private set; }
    public string? AttachmentText { get; private set; }

    public OutboxMessage Attach(string name, string contentType, string text)
    {
        AttachmentName = name;
        AttachmentType = contentType;
        AttachmentText = text;
        return this;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string To { get; private set; } = "";
    /// <summary>Copied in, comma-separated (river-tees R2: the supervisee is copied into the correspondence).</summary>
    public string? Cc { get; private set; }
    public string Subject { get; private set; } = "";
    /// <summary>Markdown; the one stored body. The HTML part is rendered from it at send time.</summary>
    public string TextBody { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }

    public int Attempts { get; private set; }
    public DateTimeOffset? NextAttemptAt { get; private set; }
    /// <summary>Why the last attempt failed, in words that name no person or address (the tenant admin reads it).</summary>
    public string? LastError { get; private set; }
    /// <summary>Set when the sender has given up: no more attempts until an admin asks for one.</summary>
    public DateTimeOffset? FailedAt { get; private set; }
    public string? ClaimedBy { get; private set; }
    public DateTimeOffset? ClaimedUntil { get; private set; }

    /// <summary>
    /// The fence (ADR 0024): new at every claim and every change, and checked by the save of a send's
    /// outcome, so a sender that stalled past its claim cannot write "failed" over another node's send.
    /// </summary>
    public Guid? ClaimToken { get; private set; }

    /// <summary>
    /// The HTML part, rendered (not stored) from the Markdown text through the same sanitizer as
    /// guidance pages. Rendering at send time keeps one copy of each body in the database (less
    /// personal data held twice) and lets a sanitizer fix reach mail still in the queue.
    /// </summary>
    public string HtmlBody =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + System.Net.WebUtility.HtmlEncode(Subject) + "</title></head>\n"
        + "<body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c;\">\n"
        + SafeMarkdown.ToHtml(TextBody) + "</body></html>\n";

    public OutboxStatus Status =>
        SentAt is not null ? OutboxStatus.Sent
        : FailedAt is not null ? OutboxStatus.Failed
        : Attempts > 0 ? OutboxStatus.Retrying
        : OutboxStatus.Queued;

    public void MarkSent(DateTimeOffset now)
    {
        if (SentAt is not null) throw new InvalidOperationException("This email has already been sent.");
        SentAt = now;
        NextAttemptAt = null;
        ReleaseClaim();
    }

    /// <summary>Counts a failed attempt: schedules the next one after the backoff, or gives up after the last.</summary>
    public void RecordFailure(string error, DateTimeOffset now)
    {
        if (SentAt is not null || FailedAt is not null) throw new InvalidOperationException("Only an email still being tried can fail.");
        Attempts++;
        LastError = error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
        if (Attempts >= MaxAttempts)
        {
            FailedAt = now;
            NextAttemptAt = null;
        }
        else NextAttemptAt = now + Backoff[Attempts - 1];
        ReleaseClaim();
    }

    /// <summary>A tenant admin's "try again" on a message the sender gave up on: a fresh set of attempts, starting now.</summary>
    public void TryAgain(DateTimeOffset now)
    {
        if (FailedAt is null) throw new InvalidOperationException("Only an email that failed can be tried again.");
        FailedAt = null;
        Attempts = 0;
        NextAttemptAt = now;
        ReleaseClaim();
    }

    private void ReleaseClaim()
    {
        ClaimedBy = null;
        ClaimedUntil = null;
        ClaimToken = Guid.NewGuid();
    }
}
