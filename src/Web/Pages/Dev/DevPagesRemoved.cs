using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace SupervisionHub.Web.Pages.Dev;

/// <summary>
/// Outside development the /Dev pages have no route at all: the mailbox shows codes and reset links
/// to anyone, so it must not exist in a deployed service, not merely refuse.
/// </summary>
public sealed class DevPagesRemoved : IPageRouteModelConvention
{
    public void Apply(PageRouteModel model)
    {
        if (model.ViewEnginePath.StartsWith("/Dev/", StringComparison.Ordinal)) model.Selectors.Clear();
    }
}
