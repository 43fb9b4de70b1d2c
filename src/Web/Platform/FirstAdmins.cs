using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Platform;

/// <summary>
/// A tenant's first administrators: an account with the tenant-admin role and no password, and an
/// email inviting them to choose one. The operator's "Add an organisation" makes one; a tenant made as
/// a folder names them in tenant.yaml (admins:), invited when the folder is imported, in Production
/// as anywhere (docs/adr/0026-first-admins.md). Runs in the tenant's scope (PerTenantRunner).
/// </summary>
public sealed class FirstAdmins(AppDbContext db, UserManager<StaffMember> users, ILookupNormalizer normalizer, ITenantContext tenant, TimeProvider clock, PublicUrls urls)
{
    /// <summary>
    /// Invites each listed administrator who has no account in this tenant; someone who has one (invited
    /// before, or added by another admin) is left as they are, so a restart invites nobody twice.
    /// The link is built from configuration (PublicUrls: the tenant's host or App:BaseUrl), never from a request's Host header, which a caller could forge.
    /// </summary>
    /// <returns>How many were invited.</returns>
    public async Task<int> InviteAsync(IEnumerable<TenantAdmin> admins, CancellationToken ct)
    {
        var invited = 0;
        var site = tenant.Tenant.Settings.Sites.FirstOrDefault() ?? "Main site";
        foreach (var admin in admins)
        {
            var email = admin.Email.Trim();
            var normalized = normalizer.NormalizeEmail(email);
            if (await db.Staff.AnyAsync(s => s.NormalizedEmail == normalized, ct)) continue;
            var member = new StaffMember();
            member.Apply(new StaffDetails(admin.Name.Trim(), email, "Administrator", site, null, StaffRoles.TenantAdmin, null, null), normalizer);
            db.Staff.Add(member);
            await db.SaveChangesAsync(ct);
            var code = await users.GeneratePasswordResetTokenAsync(member);
            var root = urls.TenantRoot(tenant.Tenant);
            db.Outbox.Add(new OutboxMessage(email, $"Your SupervisionHub account for {tenant.Tenant.Name}",
                $"An account has been made for you as an administrator of {tenant.Tenant.Name} on SupervisionHub.\n\n" +
                $"Choose your password here:\n{root}/account/reset-password?user={Uri.EscapeDataString(member.Id)}&code={Uri.EscapeDataString(code)}\n\n" +
                $"If the link no longer works, ask for a new one at {root}/account/forgot-password.\n\n" +
                $"Afterwards, sign in at {root}.", clock.GetUtcNow()));
            await db.SaveChangesAsync(ct);
            invited++;
        }
        return invited;
    }
}
