namespace SupervisionHub.Web.Email;

/// <summary>The email feature's services: templates, the outbox and its sender, registered here so Program.cs stays short.</summary>
public static class EmailSetup
{
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<EmailTemplates>();
        services.AddScoped<EmailTemplateCatalog>();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        services.AddScoped<OutboxSender>();
        services.AddSingleton<UnrecordedSends>(); // per node: sends the database refused to record
        services.AddHostedService<OutboxWorker>();
        return services;
    }
}
