using Microsoft.AspNetCore.Identity;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.SingleSignOn;

/// <summary>
/// Whether a person may use a password in their tenant: always, unless the tenant turned passwords off
/// (signIn.passwords: false); then only the break-glass administrators it names, and only while they
/// are tenant admins, for the day the directory cannot be reached.
/// </summary>
public static class PasswordPolicy
{
    public static bool Allows(TenantInfo tenant, StaffMember person)
    {
        var s = tenant.Settings.SignIn;
        return s.Passwords || (s.IsBreakGlass(person.Email) && person.Has(StaffRoles.TenantAdmin));
    }
}

/// <summary>
/// No password can be set (reset, changed, added) for someone whose tenant has passwords off: the one
/// place every way of setting one passes through (UserManager runs the password validators).
/// </summary>
public sealed class PasswordsOffValidator(ITenantContext tenant) : IPasswordValidator<StaffMember>
{
    public Task<IdentityResult> ValidateAsync(UserManager<StaffMember> manager, StaffMember user, string? password) =>
        Task.FromResult(!tenant.HasTenant || PasswordPolicy.Allows(tenant.Tenant, user)
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordsOff",
                Description = $"{tenant.Tenant.Name} signs in with {tenant.Tenant.Settings.SignIn.ProviderLabel}; passwords are not used.",
            }));
}
