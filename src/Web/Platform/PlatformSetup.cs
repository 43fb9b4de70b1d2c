namespace SupervisionHub.Web.Platform;

/// <summary>The platform administration's services, registered here so Program.cs stays short.</summary>
public static class PlatformSetup
{
    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        services.AddScoped<TenantProvisioning>();
        services.AddScoped<PlatformSignIn>();
        services.AddScoped<FirstAdmins>();
        services.AddScoped<Configuration.ConfigurationTransfer>(); // a tenant's configuration as a package: copies and new tenants
        return services;
    }
}
