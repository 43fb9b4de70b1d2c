namespace SupervisionHub.Web.Staff;

/// <summary>The staff directory's services, registered here so Program.cs stays short.</summary>
public static class StaffSetup
{
    public static IServiceCollection AddStaff(this IServiceCollection services)
    {
        services.AddScoped<StaffDirectory>();
        return services;
    }
}
