using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Errors;

[IgnoreAntiforgeryToken]
public sealed class StatusModel(TenantRegistry registry) : PageModel
{
    public int Code { get; private set; }
    public string? UnknownTenant { get; private set; }
    public IReadOnlyCollection<TenantInfo> Tenants => registry.All;

    public void OnGet(int code) => Set(code);
    public void OnPost(int code) => Set(code);

    private void Set(int code)
    {
        Code = code;
        UnknownTenant = HttpContext.Items[TenantResolutionMiddleware.UnknownTenantKey] as string;
        if (HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null) Response.StatusCode = code;
    }
}
