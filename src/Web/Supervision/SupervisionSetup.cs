namespace SupervisionHub.Web.Supervision;

/// <summary>The supervision feature's services, registered here so Program.cs stays short.</summary>
public static class SupervisionSetup
{
    public static IServiceCollection AddSupervision(this IServiceCollection services)
    {
        services.AddScoped<SessionRecords>();
        services.AddScoped<SessionInvitations>();
        services.AddScoped<PairingNotices>();
        services.AddScoped<BookingWarnings>();
        services.AddScoped<ComplianceService>();
        services.AddSingleton<StatusCache>(); // per node: everyone's status per tenant, kept current through StatusChanges
        services.AddSingleton<KeptViews>(); // per node: a person's home panels and report access, kept while their tenant's stamp holds (ADR 0049)
        services.AddScoped<Allocation>();
        services.AddScoped<Dashboard>();
        services.AddScoped<SupervisionSweep>();
        services.AddSingleton<SweepRound>();
        services.AddHostedService<SupervisionSweepService>();
        return services;
    }
}
