using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.DevData;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

// `audit verify` runs instead of the web server (see AuditCommand); any other argument is configuration.
var (command, hostArgs) = SupervisionHub.Web.Audit.AuditCommand.Split(args);
var builder = WebApplication.CreateBuilder(hostArgs);
// Outside development, one JSON object per log line for the log collector. Messages carry ids
// (tenant, record, instance), never names, addresses or answers (see LogPrivacyTests).
if (!builder.Environment.IsDevelopment())
{
    builder.Logging.ClearProviders();
    builder.Logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
}
var tenantsRoot = ServiceSetup.TenantsRoot(builder.Configuration, builder.Environment);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(new TenantFiles(tenantsRoot));
builder.Services.AddScoped<ITenantContext, TenantContext>();
builder.Services.AddSingleton<TenantRegistry>();
builder.Services.AddSingleton<TenantLogos>();
builder.Services.AddSingleton<PerTenantRunner>();
builder.Services.AddScoped<TenantCatalogSync>();
builder.Services.AddScoped<StaffDirectory>();
builder.Services.AddScoped<SupervisionHub.Web.Records.FormCatalog>();
builder.Services.AddScoped<SupervisionHub.Web.Platform.TenantProvisioning>();
builder.Services.AddScoped<SupervisionHub.Web.Platform.PlatformSignIn>();
builder.Services.AddScoped<SupervisionHub.Web.Platform.FirstAdmins>();
builder.Services.AddScoped<SupervisionHub.Web.Configuration.ConfigurationTransfer>();
builder.Services.AddScoped<SupervisionHub.Web.Records.RecordGate>();
builder.Services.AddScoped<SupervisionHub.Web.Links.TaskLinks>();
builder.Services.AddScoped<TenantSettingsEditor>();
builder.Services.AddScoped<SupervisionHub.Web.Audit.AuditChain>();
builder.Services.AddScoped<SupervisionHub.Web.Audit.AuditLog>();
builder.Services.AddScoped<SupervisionHub.Web.Audit.SubjectAccess>();
builder.Services.AddSupervision();
builder.Services.AddScoped<SupervisionHub.Web.Reports.ComplianceReport>();
builder.Services.AddScoped<SupervisionHub.Web.Reports.AttendanceReport>();
builder.Services.AddScoped<SupervisionHub.Web.Reports.EvaluationReport>();
builder.Services.AddScoped<SupervisionHub.Web.Reports.QuestionnaireReport>();
builder.Services.AddScoped<SupervisionHub.Web.Reports.ActionSampleReport>();
builder.Services.AddScoped<SupervisionHub.Web.Reports.PeriodicReports>();
builder.Services.AddSingleton<SupervisionHub.Web.Email.EmailTemplates>();
builder.Services.AddScoped<SupervisionHub.Web.Email.EmailTemplateCatalog>();
builder.Services.AddScoped<SupervisionHub.Web.Workflows.WorkflowTryIt>();
builder.Services.AddOptions<SupervisionHub.Web.Email.SmtpOptions>().Bind(builder.Configuration.GetSection(SupervisionHub.Web.Email.SmtpOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SupervisionHub.Web.Email.SmtpOptions>, SupervisionHub.Web.Email.SmtpOptionsValidator>();
builder.Services.AddScoped<SupervisionHub.Web.Email.OutboxSender>();
builder.Services.AddSingleton<SupervisionHub.Web.Email.UnrecordedSends>(); // per node: sends the database refused to record
builder.Services.AddHostedService<SupervisionHub.Web.Email.OutboxWorker>();
builder.Services.AddScoped<SupervisionHub.Web.Workflows.WorkflowCatalog>();
builder.Services.AddScoped<SupervisionHub.Web.Workflows.WorkflowContextBuilder>();
builder.Services.AddScoped<SupervisionHub.Web.Workflows.WorkflowHost>();
builder.Services.AddHostedService<SupervisionHub.Web.Workflows.WorkflowWorker>();
builder.Services.AddHostedService<SupervisionHub.Web.Workflows.SandboxWarmUp>();
builder.Services.AddSingleton<DemoSeeder>();
builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
builder.Services.AddAppDbContext(builder.Configuration, builder.Environment);
builder.Services.AddAppDataProtection();
builder.Services.AddHttpContextAccessor();
builder.Services.AddPublicUrls(builder.Configuration);
builder.Services.AddTenantIdentity(builder.Environment);
builder.Services.AddSingleSignOn();
builder.Services.AddAppRateLimits(builder.Configuration);
// Load balancers ask /health/live (the process answers) and /health/ready (it can work: database up, schema current).
builder.Services.AddHealthChecks().AddCheck<SupervisionHub.Web.Health.DatabaseHealthCheck>("database", tags: ["ready"]);
builder.Services.AddRouting(o => o.ConstraintMap["slug"] = typeof(SlugRouteConstraint));
builder.Services.AddRazorPages(o =>
{
    o.Conventions.Add(new TenantRouteConvention());
    o.Conventions.AuthorizeFolder("/");
    o.Conventions.AllowAnonymousToPage("/Index");
    o.Conventions.AllowAnonymousToFolder("/Errors");
    foreach (var page in ServiceSetup.AnonymousAccountPages)
        o.Conventions.AllowAnonymousToPage("/Account/" + page);
    o.Conventions.AllowAnonymousToFolder("/Dev");
    if (!builder.Environment.IsDevelopmentLike()) o.Conventions.Add(new SupervisionHub.Web.Pages.Dev.DevPagesRemoved());
    o.Conventions.AllowAnonymousToFolder("/Links"); // the link is the credential; see Links/LinkAccess
    o.Conventions.AllowAnonymousToPage("/Platform/SignIn");
    o.Conventions.AllowAnonymousToPage("/Platform/SignInCode"); // it reads the password step's own cookie
    o.Conventions.AuthorizeFolder("/Platform", Policies.PlatformAdmin);
    o.Conventions.AuthorizeFolder("/Staff", Policies.DirectoryReader);
    o.Conventions.AuthorizeFolder("/Email", Policies.TenantAdmin);
    o.Conventions.AuthorizeFolder("/Audit", Policies.TenantAdmin);
    o.Conventions.AuthorizeFolder("/Admin", Policies.TenantAdmin);
}).AddMvcOptions(o => o.ModelMetadataDetailsProviders.Add(new SupervisionHub.Web.Pages.EmptyStringsStayEmpty()));
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = ".shub.af";
    if (!builder.Environment.IsDevelopment() && !builder.Environment.IsEnvironment("Testing")) o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
});

var app = builder.Build();

if (command is not null)
{
    Environment.ExitCode = await SupervisionHub.Web.Audit.AuditCommand.RunAsync(app.Services, command, Console.Out);
    return;
}

await ServiceSetup.PrepareDatabaseAsync(app.Services, tenantsRoot, app.Lifetime.ApplicationStopping);

app.UseTrustedProxies(app.Configuration); // first: every later part (rate limits, HSTS, cookies) sees the client, not the proxy
app.UseKnownHosts(app.Environment); // outside development, only App:BaseUrl's host and tenants' own host names are answered
if (!app.Environment.IsDevelopment()) app.UseHsts();
app.UseSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/errors/{0}");
app.UseExceptionHandler("/errors/500");
app.UseStaticFiles();
app.UseNoStoreByDefault();
app.UseMiddleware<TenantHostMiddleware>();
app.UseRouting();
app.UseMiddleware<TenantResolutionMiddleware>();
app.UseAppRateLimits();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();
app.MapSingleSignOn();
app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
app.MapGet("/{tenant:slug}/theme.css", ThemeStylesheet.Serve).AllowAnonymous();
app.MapGet("/{tenant:slug}/logo", TenantLogos.Serve).AllowAnonymous();

await app.RunAsync();

public partial class Program;
