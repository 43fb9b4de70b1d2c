namespace SupervisionHub.Web.Links;

/// <summary>The email links' services, registered here so Program.cs stays short.</summary>
public static class LinksSetup
{
    public static IServiceCollection AddLinks(this IServiceCollection services)
    {
        services.AddScoped<TaskLinks>();
        return services;
    }
}
