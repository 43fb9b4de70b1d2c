namespace SupervisionHub.Web.Tenancy;

/// <summary>The tenancy feature's services, registered here so Program.cs stays short.</summary>
public static class TenancySetup
{
    public static IServiceCollection AddTenancy(this IServiceCollection services, string tenantsRoot)
    {
        services.AddSingleton(new TenantFiles(tenantsRoot));
        services.AddScoped<ITenantContext, TenantContext>();
        services.AddSingleton<TenantRegistry>();
        services.AddSingleton<TenantLogos>();
        services.AddSingleton<PerTenantRunner>();
        services.AddScoped<TenantCatalogSync>();
        services.AddScoped<TenantSettingsEditor>();
        return services;
    }
}
