using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Identity;

/// <summary>
/// A tenant account's authenticator codes, checked as the operator's are (<see cref="Totp"/>): the
/// step before, now and after, on the app's clock, and each step only once. Identity's own provider
/// takes any code of the last minute and a half again and again, so a code seen over someone's
/// shoulder, or read off a phishing page, would still sign in. The step is taken with one conditional
/// UPDATE, so of several sign-ins with one code, at once or later, one wins.
/// </summary>
internal sealed class OnceOnlyAuthenticator(AppDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<StaffMember>
{
    // Authenticator apps make the codes; the service never sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<StaffMember> manager, StaffMember user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffMember> manager, StaffMember user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || Totp.Match(key, token, clock.GetUtcNow(), user.TotpLastStep) is not { } step) return false;
        var taken = await db.Staff.Where(s => s.Id == user.Id && s.TotpLastStep < step)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.TotpLastStep, step)) == 1;
        if (taken) user.TookTotpStep(step);
        return taken;
    }

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffMember> manager, StaffMember user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));
}
