namespace SupervisionHub.Web.DevData;

/// <summary>The demo data's services, registered here so Program.cs stays short.</summary>
public static class DevDataSetup
{
    public static IServiceCollection AddDemoData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DemoSeeder>();
        services.Configure<DemoOptions>(configuration.GetSection("Demo"));
        return services;
    }
}
