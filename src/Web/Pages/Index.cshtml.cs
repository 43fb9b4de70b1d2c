using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.DevData;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages;

/// <summary>The service's start page: which organisations are here, and in Development the demo accounts.</summary>
public sealed class IndexModel(TenantRegistry registry, IOptions<DemoOptions> demo, IHostEnvironment env) : PageModel
{
    public IReadOnlyCollection<TenantInfo> Tenants { get; private set; } = [];
    public bool ShowDemo { get; private set; }
    public string DemoPassword => demo.Value.Password;

    public void OnGet()
    {
        Tenants = registry.All;
        ShowDemo = demo.Value.Seed && (env.IsDevelopment() || env.IsEnvironment("Testing"));
    }
}
