namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// The tenant of the current request or background job. Scoped and set once: a scope never
/// changes tenant half-way, and nothing static can carry one request's tenant into another.
/// </summary>
public interface ITenantContext
{
    bool HasTenant { get; }

    /// <summary>The current tenant; throws <see cref="TenantNotSetException"/> when none is set.</summary>
    TenantInfo Tenant { get; }

    void Set(TenantInfo tenant);
}

public sealed class TenantContext : ITenantContext
{
    private TenantInfo? _tenant;

    public bool HasTenant => _tenant is not null;

    public TenantInfo Tenant => _tenant ?? throw new TenantNotSetException();

    public void Set(TenantInfo tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (_tenant is not null && _tenant.Id != tenant.Id)
            throw new InvalidOperationException(
                $"The tenant of this scope is already '{_tenant.Identifier}'; it cannot become '{tenant.Identifier}'. Open a new scope per tenant.");
        _tenant = tenant;
    }
}

public sealed class TenantNotSetException()
    : InvalidOperationException(
        "Tenant data was read or written with no tenant set. Requests get their tenant from the /{tenant}/ route; " +
        "background work must run through PerTenantRunner, which opens a scope per tenant.");
