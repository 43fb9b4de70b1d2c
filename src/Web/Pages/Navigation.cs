using System.Security.Claims;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages;

/// <summary>The menu a person sees follows the roles they hold; pages still check for themselves.</summary>
public static class Navigation
{
    public static IEnumerable<(string Href, string Label)> For(TenantInfo tenant, ClaimsPrincipal user)
    {
        var root = "/" + tenant.Identifier;
        yield return (root, "Home");
        if (user.IsInRole(StaffRoleNames.Name(StaffRoles.TenantAdmin)) || user.IsInRole(StaffRoleNames.Name(StaffRoles.SafeguardingLead)))
            yield return (root + "/staff", "Staff directory");
        if (user.IsInRole(StaffRoleNames.Name(StaffRoles.TenantAdmin)) || user.IsInRole(StaffRoleNames.Name(StaffRoles.SafeguardingLead))
            || user.IsInRole(StaffRoleNames.Name(StaffRoles.Auditor)))
            yield return (root + "/supervision", "Supervision");
        if (user.IsInRole(StaffRoleNames.Name(StaffRoles.TenantAdmin)) || user.IsInRole(StaffRoleNames.Name(StaffRoles.SafeguardingLead))
            || user.IsInRole(StaffRoleNames.Name(StaffRoles.Auditor)))
            yield return (root + "/reports", "Reports");
        if (user.IsInRole(StaffRoleNames.Name(StaffRoles.TenantAdmin)) || user.IsInRole(StaffRoleNames.Name(StaffRoles.SafeguardingLead)))
            yield return (root + "/workflows", "Rules");
        // The admin's set-up pages sit behind one entry (Pages/Admin/Index) so the menu stays short.
        if (user.IsInRole(StaffRoleNames.Name(StaffRoles.TenantAdmin)))
            yield return (root + "/admin", "Administration");
        yield return (root + "/forms", "Forms and records");
        yield return (root + "/account/security", "Account security");
    }
}
