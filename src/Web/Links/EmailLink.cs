using System.Security.Cryptography;
using System.Text;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Links;

public enum LinkState { Open, Expired, Used }

/// <summary>
/// A link sent by email that lets one person do one task without signing in. Only a hash of the
/// token is stored, so a copy of the database opens nothing. Bound to one tenant (the query filter),
/// one person and one task; used up when the task is done. The one-time code that unlocks record
/// content lives here too, hashed, with its own attempt count.
/// </summary>
public sealed class EmailLink : ITenantOwned
{
    /// <summary>Wrong codes allowed before the code is void and a new one must be sent.</summary>
    public const int MaxCodeFailures = 5;
    /// <summary>Codes that may be sent for one link in an hour, so a link cannot flood a mailbox.</summary>
    public const int MaxCodesPerHour = 3;
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private EmailLink() { }

    private EmailLink(Guid taskId, string staffId, string email, string tokenHash, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        Id = Guid.NewGuid();
        TaskId = taskId;
        StaffId = staffId;
        Email = email;
        TokenHash = tokenHash;
        CreatedAt = now;
        ExpiresAt = expiresAt;
    }

    /// <summary>A new link and its token; the token goes into the email and nowhere else.</summary>
    public static (EmailLink Link, string Token) Create(Guid taskId, string staffId, string email, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new EmailLink(taskId, staffId, email, HashToken(token), now, now + lifetime), token);
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public Guid TaskId { get; private set; }
    public string StaffId { get; private set; } = "";

    /// <summary>The address it was sent to: a fresh link or a code goes there and nowhere else.</summary>
    public string Email { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }

    public string? CodeHash { get; private set; }
    public DateTimeOffset? CodeExpiresAt { get; private set; }
    public int CodeFailures { get; private set; }
    public DateTimeOffset? CodeWindowStart { get; private set; }
    public int CodesInWindow { get; private set; }

    public LinkState State(DateTimeOffset now) => UsedAt is not null ? LinkState.Used : now >= ExpiresAt ? LinkState.Expired : LinkState.Open;

    public void Use(DateTimeOffset now) => UsedAt ??= now;

    /// <summary>
    /// A new six-digit code (the previous one stops working), or null when too many were sent this
    /// hour. Changes this object only: <see cref="TaskLinks.SendCodeAsync"/> stores it atomically.
    /// </summary>
    public string? NewCode(DateTimeOffset now)
    {
        if (CodeWindowStart is not { } start || now - start >= TimeSpan.FromHours(1))
        {
            CodeWindowStart = now;
            CodesInWindow = 0;
        }
        if (CodesInWindow >= MaxCodesPerHour) return null;
        CodesInWindow++;
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        CodeHash = HashCode(code);
        CodeExpiresAt = now + CodeLifetime;
        CodeFailures = 0;
        return code;
    }

    public enum CodeCheck { Accepted, Wrong, NoCode, Expired, TooManyTries }

    /// <summary>
    /// What a typed code is against the code as read, without changing anything: counting a wrong one
    /// and voiding the code must be one atomic write (<see cref="TaskLinks.CheckCodeAsync"/>), or
    /// parallel guesses would each count from the same stale number.
    /// </summary>
    public CodeCheck Judge(string typed, DateTimeOffset now)
    {
        if (CodeHash is null) return CodeFailures >= MaxCodeFailures ? CodeCheck.TooManyTries : CodeCheck.NoCode;
        if (now >= CodeExpiresAt) return CodeCheck.Expired;
        var digits = new string(typed.Where(char.IsAsciiDigit).ToArray());
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashCode(digits)), Encoding.ASCII.GetBytes(CodeHash))
            ? CodeCheck.Accepted : CodeCheck.Wrong;
    }

    // Salted with the link, so the same code on two links hashes differently.
    private string HashCode(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Id.ToString("N") + ":" + code)));
}
