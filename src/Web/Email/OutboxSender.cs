using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Email;

/// <summary>
/// Sends the current tenant's due outbox messages over one SMTP connection per round.
/// <para>
/// Each message is claimed by a conditional update (not sent, not given up, due, claim free or
/// lapsed) immediately before it is sent, with a token of its own (ADR 0024). Just before the send
/// the claim is checked again: still ours, with time left for a whole send; a node that stalled past
/// its claim leaves the message to whoever holds it now. After the server accepts it, SentAt is
/// recorded by a conditional update on that token (or, if the claim lapsed meanwhile, on "not yet
/// sent", which is still the truth and stops the node now holding it). A failure is saved only under
/// the claim it was made under, so a stalled node never writes "failed" over another node's send.
/// </para>
/// <para>
/// The window left (ADR 0007): the server has accepted a message and the process dies, or the
/// database refuses every write until the claim lapses, before SentAt is saved; another node (or
/// this one after a restart) sends it again, with the same Message-Id. A node that could not record
/// a send remembers it (<see cref="UnrecordedSends"/>), never sends it again itself, and sends
/// nothing more until the database takes that record.
/// </para>
/// </summary>
public sealed class OutboxSender(AppDbContext db, ITenantContext tenant, IOptions<SmtpOptions> options, TimeProvider clock,
    UnrecordedSends unrecorded, ILogger<OutboxSender> log)
{
    /// <summary>Far longer than one send may take (Smtp:ClaimSeconds, five minutes by default; the SMTP timeout is 30 s), so a claim never lapses under a live sender.</summary>
    public TimeSpan ClaimFor => TimeSpan.FromSeconds(options.Value.ClaimSeconds);

    /// <summary>What must be left of a claim for a send to start: the SMTP timeout, and a few seconds to record the outcome.</summary>
    private TimeSpan SendNeeds => TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds) + 5);

    /// <summary>Tries to record a send this often, a moment apart, before giving the record to <see cref="UnrecordedSends"/>.</summary>
    private const int RecordAttempts = 3;

    /// <returns>How many messages the server accepted.</returns>
    public async Task<int> SendDueAsync(string workerId, CancellationToken ct)
    {
        var smtp = options.Value;
        if (!smtp.IsConfigured) return 0;
        // A send made earlier whose record failed comes first; while the database refuses it, sending
        // more would only add to the messages that go twice.
        if (!await RecordEarlierSendsAsync()) return 0;
        var now = clock.GetUtcNow();
        var due = await db.Outbox
            .Where(m => m.SentAt == null && m.FailedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now) && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .OrderBy(m => m.CreatedAt).Select(m => m.Id).Take(Math.Max(1, smtp.BatchSize)).ToListAsync(ct);
        if (due.Count == 0) return 0;

        using var client = new SmtpClient { Timeout = Math.Max(1, smtp.TimeoutSeconds) * 1000 };
        string? connectError = null;
        var sent = 0;
        try
        {
            foreach (var id in due)
            {
                var message = await ClaimAsync(id, workerId, ct);
                if (message is null) continue; // another sender has it, or has sent it
                try
                {
                    if (connectError is null && !client.IsConnected) connectError = await ConnectAsync(client, smtp, ct);
                    if (connectError is not null)
                    {
                        // The server cannot be reached: every message of the round waits its backoff.
                        await FailAsync(message, connectError, ct);
                        continue;
                    }
                    if (!await StillOursAsync(message, ct))
                    {
                        log.LogWarning("Email {MessageId} for tenant {TenantId} was not sent by this node: its claim lapsed before the send could start", message.Id, tenant.Tenant.Id);
                        continue;
                    }
                    try
                    {
                        await client.SendAsync(Build(message, smtp), ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        await FailAsync(message, Describe(ex), ct);
                        continue;
                    }
                    // The server has it: from here to the record is the window ADR 0007 describes.
                    sent++;
                    if (!await RecordSentAsync(message.Id, message.ClaimToken, clock.GetUtcNow())) break;
                }
                finally
                {
                    // Saved (or the round is ending): stop tracking it, so that each save in a large batch
                    // does not scan every message sent before it (quadratic in Smtp:BatchSize).
                    db.Entry(message).State = EntityState.Detached;
                }
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                try { await client.DisconnectAsync(quit: true, CancellationToken.None); }
                catch (Exception ex) when (ex is IOException or SmtpProtocolException or SocketException) { /* the mail is already accounted for */ }
            }
        }
        return sent;
    }

    internal async Task<OutboxMessage?> ClaimAsync(Guid id, string workerId, CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var claimedAt = clock.GetUtcNow();
        var until = claimedAt + ClaimFor;
        var claimed = await db.Outbox
            .Where(m => m.Id == id && m.SentAt == null && m.FailedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= claimedAt)
                        && (m.ClaimedUntil == null || m.ClaimedUntil < claimedAt))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedBy, workerId).SetProperty(m => m.ClaimedUntil, until).SetProperty(m => m.ClaimToken, token), ct);
        if (claimed != 1) return null;
        var message = await db.Outbox.FirstAsync(m => m.Id == id, ct);
        return message.ClaimToken == token ? message : null;
    }

    /// <summary>The claim is still this sender's, with a whole send's time left on it (read now, after whatever stalled us).</summary>
    private Task<bool> StillOursAsync(OutboxMessage message, CancellationToken ct)
    {
        var needed = clock.GetUtcNow() + SendNeeds;
        return db.Outbox.AsNoTracking().AnyAsync(m => m.Id == message.Id && m.ClaimToken == message.ClaimToken && m.SentAt == null && m.ClaimedUntil > needed, ct);
    }

    /// <summary>
    /// Records that the server accepted a message, not cancellably and with a few tries (a lock, a
    /// moment of full disk). When every try fails, the send is remembered instead, and false stops the round.
    /// </summary>
    private async Task<bool> RecordSentAsync(Guid id, Guid? token, DateTimeOffset at)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MarkSentAsync(id, token, at);
                return true;
            }
            catch (Exception ex) when (attempt < RecordAttempts)
            {
                log.LogWarning(ex, "Email {MessageId} for tenant {TenantId} was sent but could not be recorded (try {Attempt})", id, tenant.Tenant.Id, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), CancellationToken.None);
            }
            catch (Exception ex)
            {
                unrecorded.Add(tenant.Tenant.Id, id, at);
                log.LogError(ex, "Email {MessageId} for tenant {TenantId} was sent but the database refused the record: this node will not send it again, and sends nothing more until the record is saved", id, tenant.Tenant.Id);
                return false;
            }
        }
    }

    /// <summary>Saves the sends this node remembers as unrecorded. False while the database still refuses.</summary>
    private async Task<bool> RecordEarlierSendsAsync()
    {
        foreach (var (id, at) in unrecorded.Of(tenant.Tenant.Id))
        {
            try
            {
                await MarkSentAsync(id, null, at);
                unrecorded.Remove(id);
                log.LogInformation("Email {MessageId} for tenant {TenantId}: its earlier send is now recorded", id, tenant.Tenant.Id);
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Email {MessageId} for tenant {TenantId}: its send still cannot be recorded; nothing more is sent meanwhile", id, tenant.Tenant.Id);
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// SentAt, under the claim the send was made under when there is one. If that claim lapsed, the
    /// send is still recorded if nobody has recorded one: it is the truth, and it stops the node now
    /// holding the message at its check before sending. If another node had already sent it, the
    /// message went twice (same Message-Id) and the log says so.
    /// </summary>
    private async Task MarkSentAsync(Guid id, Guid? token, DateTimeOffset at)
    {
        var fresh = Guid.NewGuid();
        var underClaim = token is null ? 0 : await db.Outbox.Where(m => m.Id == id && m.ClaimToken == token && m.SentAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, at).SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null).SetProperty(m => m.ClaimToken, fresh), CancellationToken.None);
        if (underClaim == 1) return;
        var late = await db.Outbox.Where(m => m.Id == id && m.SentAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, at).SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null).SetProperty(m => m.ClaimToken, fresh), CancellationToken.None);
        if (late == 1 && token is not null)
            log.LogWarning("Email {MessageId} for tenant {TenantId} was sent after this node's claim on it lapsed; recorded as sent", id, tenant.Tenant.Id);
        else if (late == 0)
            log.LogWarning("Email {MessageId} for tenant {TenantId} was sent by this node after another had sent it: delivered twice, with the same Message-Id", id, tenant.Tenant.Id);
    }

    /// <summary>A failed attempt, saved only under the claim it was made under (the entity's token is the concurrency check).</summary>
    private async Task FailAsync(OutboxMessage message, string error, CancellationToken ct)
    {
        message.RecordFailure(error, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            log.LogWarning("Email {MessageId} for tenant {TenantId}: a failed attempt under a lapsed claim was not recorded; the node now holding it decides", message.Id, tenant.Tenant.Id);
            return;
        }
        // The id and reason only: addresses and subjects stay out of logs.
        if (message.FailedAt is not null)
            log.LogError("Email {MessageId} for tenant {TenantId} failed for good after {Attempts} attempts: {Error}", message.Id, tenant.Tenant.Id, message.Attempts, error);
        else
            log.LogWarning("Email {MessageId} for tenant {TenantId} failed (attempt {Attempts}), next at {NextAttemptAt}: {Error}", message.Id, tenant.Tenant.Id, message.Attempts, message.NextAttemptAt, error);
    }

    private static async Task<string?> ConnectAsync(SmtpClient client, SmtpOptions smtp, CancellationToken ct)
    {
        try
        {
            var security = smtp.UseTls switch
            {
                SmtpTls.None => SecureSocketOptions.None,
                SmtpTls.Ssl => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
            if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Describe(ex);
        }
    }

    private MimeMessage Build(OutboxMessage message, SmtpOptions smtp)
    {
        var settings = tenant.Tenant.Settings.Email;
        var from = smtp.From!; // checked at start-up when a host is set
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(settings.SenderName ?? tenant.Tenant.Name, from));
        if (settings.ReplyTo is { } replyTo) mime.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        mime.To.Add(MailboxAddress.Parse(message.To));
        if (message.Cc is { } cc) mime.Cc.AddRange(InternetAddressList.Parse(cc));
        mime.Subject = message.Subject;
        mime.Date = message.CreatedAt;
        mime.MessageId = $"{message.Id:N}@{from[(from.IndexOf('@', StringComparison.Ordinal) + 1)..]}";
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }

    /// <summary>Why a send failed, for the tenant admin's page: never the server's own text, which may quote an address.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException c => c.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"The mail server refused a recipient ({(int)c.StatusCode}).",
            SmtpErrorCode.SenderNotAccepted => $"The mail server refused the sending address ({(int)c.StatusCode}).",
            _ => $"The mail server refused the email ({(int)c.StatusCode}).",
        },
        AuthenticationException => "The mail server did not accept the service's sign-in (Smtp:User).",
        SslHandshakeException => "No secure connection could be made to the mail server (Smtp:UseTls).",
        SmtpProtocolException => "The mail server broke off the conversation.",
        SocketException s => $"The mail server could not be reached ({s.SocketErrorCode}).",
        TimeoutException => "The mail server did not answer in time.",
        IOException => "The connection to the mail server was lost.",
        ParseException => "An address in the email could not be read.",
        ServiceNotConnectedException => "The connection to the mail server was lost.",
        _ => $"Sending failed ({ex.GetType().Name}).",
    };
}
