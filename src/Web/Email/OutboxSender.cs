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
/// At most once: each message is claimed by a conditional update (not sent, not given up, due,
/// claim free or lapsed) immediately before it is sent, and SentAt is saved immediately after
/// the server accepts it. Two nodes cannot both win the claim, and a sent message is never due
/// again. The one window left (ADR 0007): if the process dies, or the database write fails,
/// after the server accepted the message and before SentAt is saved, the claim lapses after
/// <see cref="ClaimFor"/> and the message is sent again. SMTP has no idempotency key; the
/// Message-Id is fixed per outbox row so a mail client can at least recognise the duplicate.
/// </para>
/// </summary>
public sealed class OutboxSender(AppDbContext db, ITenantContext tenant, IOptions<SmtpOptions> options, TimeProvider clock, ILogger<OutboxSender> log)
{
    /// <summary>Far longer than one send may take (Smtp:ClaimSeconds, five minutes by default; the SMTP timeout is 30 s), so a claim never lapses under a live sender.</summary>
    public TimeSpan ClaimFor => TimeSpan.FromSeconds(options.Value.ClaimSeconds);

    /// <returns>How many messages the server accepted.</returns>
    public async Task<int> SendDueAsync(string workerId, CancellationToken ct)
    {
        var smtp = options.Value;
        if (!smtp.IsConfigured) return 0;
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
                    try
                    {
                        await client.SendAsync(Build(message, smtp), ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        await FailAsync(message, Describe(ex), ct);
                        continue;
                    }
                    // The server has it. Save SentAt now, and not cancellably: this is the at-most-once window.
                    message.MarkSent(clock.GetUtcNow());
                    await db.SaveChangesAsync(CancellationToken.None);
                    sent++;
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
        var claimedAt = clock.GetUtcNow();
        var until = claimedAt + ClaimFor;
        var claimed = await db.Outbox
            .Where(m => m.Id == id && m.SentAt == null && m.FailedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= claimedAt)
                        && (m.ClaimedUntil == null || m.ClaimedUntil < claimedAt))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedBy, workerId).SetProperty(m => m.ClaimedUntil, until), ct);
        if (claimed != 1) return null;
        var message = await db.Outbox.FirstAsync(m => m.Id == id, ct);
        return message.ClaimedBy == workerId ? message : null;
    }

    private async Task FailAsync(OutboxMessage message, string error, CancellationToken ct)
    {
        message.RecordFailure(error, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
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
