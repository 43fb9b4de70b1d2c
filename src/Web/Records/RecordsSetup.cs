namespace SupervisionHub.Web.Records;

/// <summary>The records feature's services, registered here so Program.cs stays short.</summary>
public static class RecordsSetup
{
    public static IServiceCollection AddRecords(this IServiceCollection services)
    {
        services.AddScoped<FormCatalog>();
        services.AddScoped<RecordGate>();
        return services;
    }
}
