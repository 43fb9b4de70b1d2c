using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Platform;

/// <summary>The operator's view: tenants and their configuration, never their records.</summary>
public sealed class IndexModel(TenantRegistry registry) : PageModel
{
    public IReadOnlyCollection<TenantInfo> Tenants { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await registry.ReloadAsync(ct);
        Tenants = registry.All;
    }
}
