using SupervisionHub.Web;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.DevData;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Web.Pages;

// `audit verify` runs instead of the web server (see AuditCommand); any other argument is configuration.
var (command, hostArgs) = AuditCommand.Split(args);
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
builder.Services.AddTenancy(tenantsRoot);
builder.Services.AddStaff();
builder.Services.AddRecords();
builder.Services.AddPlatform();
builder.Services.AddLinks();
builder.Services.AddAudit();
builder.Services.AddSupervision();
builder.Services.AddReports();
builder.Services.AddEmail(builder.Configuration);
builder.Services.AddWorkflows();
builder.Services.AddDemoData(builder.Configuration);
builder.Services.AddAppDbContext(builder.Configuration, builder.Environment);
builder.Services.AddAppDataProtection();
builder.Services.AddHttpContextAccessor();
builder.Services.AddPublicUrls(builder.Configuration);
builder.Services.AddTenantIdentity(builder.Environment);
builder.Services.AddSingleSignOn();
builder.Services.AddAppRateLimits(builder.Configuration);
// Load balancers ask /health/live (the process answers) and /health/ready (it can work: database up, schema current).
builder.Services.AddHealthChecks().AddCheck<SupervisionHub.Web.Health.DatabaseHealthCheck>("database", tags: ["ready"]);
builder.Services.AddAppPages(builder.Environment);

var app = builder.Build();

if (command is not null)
{
    Environment.ExitCode = await AuditCommand.RunAsync(app.Services, command, Console.Out);
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
