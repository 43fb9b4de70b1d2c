using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.SingleSignOn;

/// <summary>
/// The current tenant's single sign-on client secret: encrypted with the data-protection key ring
/// (kept in the database, so every node and a restored backup can read it) under a purpose that names
/// the tenant, so a value copied to another tenant's row cannot be read there. Read only when a code is
/// redeemed at the provider; never shown again, never in tenant.yaml or an export.
/// </summary>
public sealed class SsoSecrets(AppDbContext db, ITenantContext tenant, IDataProtectionProvider protection, TimeProvider clock, IHttpContextAccessor http)
{
    public const int MaxLength = 1000;

    private IDataProtector Protector => protection.CreateProtector("SupervisionHub.SingleSignOn.ClientSecret", tenant.Tenant.Id.ToString());

    public Task<bool> IsSetAsync(CancellationToken ct) =>
        db.Tenants.AsNoTracking().AnyAsync(t => t.Id == tenant.Tenant.Id && t.SignInSecret != null, ct);

    /// <summary>The secret in clear, or null when none is set or it cannot be read (the key ring lost its key).</summary>
    public async Task<string?> ReadAsync(CancellationToken ct)
    {
        var stored = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant.Tenant.Id).Select(t => t.SignInSecret).SingleAsync(ct);
        if (stored is null) return null;
        try
        {
            return Protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Replaces (or, with null, removes) the secret; audited without the value.</summary>
    public async Task SetAsync(string? secret, string actorId, CancellationToken ct)
    {
        var row = await db.Tenants.SingleAsync(t => t.Id == tenant.Tenant.Id, ct);
        row.SetSignInSecret(string.IsNullOrEmpty(secret) ? null : Protector.Protect(secret));
        db.AuditEntries.Add(new AuditEntry(actorId, secret is null ? "remove" : "publish", "sso-secret", tenant.Tenant.Identifier, false,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }
}
