namespace SupervisionHub.Web.Workflows;

/// <summary>The workflows feature's services: catalog, contexts, host, worker, registered here so Program.cs stays short.</summary>
public static class WorkflowsSetup
{
    public static IServiceCollection AddWorkflows(this IServiceCollection services)
    {
        services.AddScoped<WorkflowTryIt>();
        services.AddScoped<WorkflowCatalog>();
        services.AddScoped<WorkflowContextBuilder>();
        services.AddScoped<WorkflowHost>();
        services.AddHostedService<WorkflowWorker>();
        services.AddHostedService<SandboxWarmUp>();
        return services;
    }
}
