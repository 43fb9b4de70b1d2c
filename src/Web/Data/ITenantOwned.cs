namespace SupervisionHub.Web.Data;

/// <summary>
/// A row that belongs to one tenant. AppDbContext filters every query by the current tenant and
/// stamps and checks <see cref="TenantId"/> on save; code never filters by tenant by hand.
/// </summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}
