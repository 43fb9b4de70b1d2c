namespace SupervisionHub.Web.Platform;

/// <summary>
/// The operator's account: creates tenants and their first admin. It belongs to no tenant and
/// has no way to read tenant records: every tenant-owned query needs a tenant it never has.
/// </summary>
public sealed class PlatformAdmin
{
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
}
