using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// Which node dispatches a tenant's events now (ADR 0045): one row a tenant, made on first use.
/// A round reads the waits its events could resume as it begins (ADR 0039), so two nodes dispatching
/// one tenant at once could each miss a wait the other's earlier event started; one node at a time,
/// in order, hears every wait as a single node does.
/// </summary>
public sealed class DispatchLease : ITenantOwned
{
    private DispatchLease() { }

    public DispatchLease(string holder, Guid token, DateTimeOffset until)
    {
        Holder = holder;
        Token = token;
        Until = until;
    }

    public Guid TenantId { get; private set; }
    public string? Holder { get; private set; }
    public Guid Token { get; private set; }

    /// <summary>Null when released; otherwise the lease is the holder's until then.</summary>
    public DateTimeOffset? Until { get; private set; }
}

/// <summary>Takes and gives back the current tenant's <see cref="DispatchLease"/>.</summary>
public sealed class DispatchLeases(AppDbContext db, TimeProvider clock)
{
    /// <summary>
    /// The lease for <paramref name="holder"/> until <paramref name="until"/>, or null when another node holds
    /// one that has not lapsed. One conditional update: of two nodes asking at once, one gets it.
    /// </summary>
    public async Task<Guid?> TryTakeAsync(string holder, DateTimeOffset until, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var token = Guid.NewGuid();
        var taken = await db.Set<DispatchLease>().Where(l => l.Until == null || l.Until < now)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, holder).SetProperty(l => l.Token, token).SetProperty(l => l.Until, until), ct);
        if (taken == 1) return token;
        if (await db.Set<DispatchLease>().AnyAsync(ct)) return null;
        // The tenant's first dispatch: the row is made taken. Another node making it at the same moment wins on the key.
        var lease = new DispatchLease(holder, token, until);
        db.Add(lease);
        try
        {
            await db.SaveChangesAsync(ct);
            return token;
        }
        catch (DbUpdateException)
        {
            return null;
        }
        finally
        {
            db.Entry(lease).State = EntityState.Detached;
        }
    }

    /// <summary>Gives the lease back at once, if it is still this one (a lapsed lease taken over stays its new holder's).</summary>
    public Task ReleaseAsync(Guid token) =>
        db.Set<DispatchLease>().Where(l => l.Token == token)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, (string?)null).SetProperty(l => l.Until, (DateTimeOffset?)null), CancellationToken.None);
}
