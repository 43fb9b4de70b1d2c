namespace SupervisionHub.Web.Reports;

/// <summary>The reports' services, registered here so Program.cs stays short.</summary>
public static class ReportsSetup
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddScoped<ComplianceReport>();
        services.AddScoped<AttendanceReport>();
        services.AddScoped<EvaluationReport>();
        services.AddScoped<QuestionnaireReport>();
        services.AddScoped<ActionSampleReport>();
        services.AddScoped<PeriodicReports>();
        return services;
    }
}
