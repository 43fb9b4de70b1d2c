namespace SupervisionHub.Web.Audit;

/// <summary>The audit log's services, registered here so Program.cs stays short.</summary>
public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditChain>();
        services.AddScoped<AuditLog>();
        services.AddScoped<SubjectAccess>();
        return services;
    }
}
