using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// Which node dispatches a tenant's events now (ADR 0045): one row a tenant, made on first use.
/// A round reads the waits its events could resume as it begins (ADR 0039), so two nodes dispatching
/// one tenant at once could each miss a wait the other's earlier event started; one node at a time,
/// in order, hears every wait as a single node does.
/// </summary>
public sealed class DispatchLease : ITenantOwned
{
    private DispatchLease() { } // rows are made and changed by DispatchLeases' statements only

    public Guid TenantId { get; private set; }
    public string? Holder { get; private set; }
    public Guid Token { get; private set; }

    /// <summary>Null when released; otherwise the lease is the holder's until then.</summary>
    public DateTimeOffset? Until { get; private set; }
}

/// <summary>Takes and gives back the current tenant's <see cref="DispatchLease"/>.</summary>
public sealed class DispatchLeases(AppDbContext db, ITenantContext tenant, TimeProvider clock)
{
    /// <summary>
    /// The lease for <paramref name="holder"/> until <paramref name="until"/>, or null when another node holds
    /// one that has not lapsed. One conditional update: of two nodes asking at once, one gets it.
    /// </summary>
    public async Task<Guid?> TryTakeAsync(string holder, DateTimeOffset until, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var token = Guid.NewGuid();
            var taken = await db.Set<DispatchLease>().Where(l => l.Until == null || l.Until < now)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, holder).SetProperty(l => l.Token, token).SetProperty(l => l.Until, until), ct);
            if (taken == 1) return token;
            if (attempt > 0) return null;
            // The tenant's first dispatch makes its row, free; two nodes making it at once: the key keeps one, quietly.
            // The scope's own tenant, as the context's filter would stamp it (this statement is not filtered);
            // Guids as each provider stores them: EF's SQLite mapping is upper-case text.
            var tenantId = tenant.Tenant.Id;
            object id = db.Database.IsSqlite() ? tenantId.ToString().ToUpperInvariant() : tenantId;
            object free = db.Database.IsSqlite() ? Guid.Empty.ToString().ToUpperInvariant() : Guid.Empty;
            if (await db.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "DispatchLeases" ("TenantId", "Token") VALUES ({0}, {1}) ON CONFLICT DO NOTHING""", [id, free], ct) == 0)
                return null; // it was there: held by another node
        }
    }

    /// <summary>Gives the lease back at once, if it is still this one (a lapsed lease taken over stays its new holder's).</summary>
    public Task ReleaseAsync(Guid token) =>
        db.Set<DispatchLease>().Where(l => l.Token == token)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, (string?)null).SetProperty(l => l.Until, (DateTimeOffset?)null), CancellationToken.None);
}
