namespace SupervisionHub.Web.Platform;

/// <summary>
/// The operator's account: creates tenants and their first admin. It belongs to no tenant and
/// has no way to read tenant records: every tenant-owned query needs a tenant it never has.
/// Because it can create organisations, it is locked after <see cref="MaxFailedSignIns"/> wrong
/// passwords or codes in a row and always signs in with an authenticator code as well, enrolled on
/// the first sign-in (Pages/Platform/SignInCode). Counts change by atomic updates (PlatformSignIn).
/// </summary>
public sealed class PlatformAdmin
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    private PlatformAdmin() { }

    public PlatformAdmin(string email, string passwordHash)
    {
        Id = Guid.NewGuid();
        Email = email;
        NormalizedEmail = email.ToUpperInvariant();
        PasswordHash = passwordHash;
    }

    public Guid Id { get; private set; }
    public string Email { get; private set; } = "";
    public string NormalizedEmail { get; private set; } = "";
    public string PasswordHash { get; private set; } = "";

    /// <summary>Wrong passwords and codes since the last success or lockout.</summary>
    public int FailedSignIns { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>The authenticator key (base32); shown only until it is enrolled, on the way in after a right password.</summary>
    public string? TotpKey { get; private set; }
    public DateTimeOffset? TotpEnrolledAt { get; private set; }

    /// <summary>The time step of the last code accepted: no code of that step or earlier works again.</summary>
    public long TotpLastStep { get; private set; }

    public bool IsLockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;
}
