using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Identity;

namespace SupervisionHub.Web.Platform;

/// <summary>
/// The operator's two steps in: a password, then an authenticator code (enrolled on the first
/// sign-in). Every address gets the same words and the same work: an unknown address or a locked
/// account has its password run against a dummy hash, and all say only "not right". Wrong passwords
/// and codes count by one atomic UPDATE each, so parallel guesses all count; the fifth locks the
/// account for 15 minutes (<see cref="PlatformAdmin"/>).
/// </summary>
public sealed class PlatformSignIn(AppDbContext db, IPasswordHasher<PlatformAdmin> hasher, TimeProvider clock)
{
    public enum CodeResult { Accepted, Wrong, LockedOut, NoAccount }

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<PlatformAdmin>().HashPassword(null!, Guid.NewGuid().ToString()));

    /// <summary>The account whose password this is, unless it is locked; null otherwise, after the same work.</summary>
    public async Task<PlatformAdmin?> CheckPasswordAsync(string email, string password, CancellationToken ct)
    {
        var normalized = email.Trim().ToUpperInvariant();
        var admin = await db.PlatformAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedEmail == normalized, ct);
        if (admin is null || admin.IsLockedOut(clock.GetUtcNow()))
        {
            hasher.VerifyHashedPassword(null!, DummyHash.Value, password); // the same cost as a real check; the answer is "not right" anyway
            return null;
        }
        if (hasher.VerifyHashedPassword(admin, admin.PasswordHash, password) != PasswordVerificationResult.Failed) return admin;
        await FailedAsync(admin.Id, ct);
        return null;
    }

    /// <summary>The account as it is now, with an authenticator key made (once, whichever request wins) if it has not enrolled yet.</summary>
    public async Task<PlatformAdmin?> ForCodeAsync(Guid id, CancellationToken ct)
    {
        var admin = await db.PlatformAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (admin is null || admin.TotpKey is not null) return admin;
        var key = Totp.NewKey();
        await db.PlatformAdmins.Where(a => a.Id == id && a.TotpKey == null).ExecuteUpdateAsync(u => u.SetProperty(a => a.TotpKey, key), ct);
        return await db.PlatformAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
    }

    /// <summary>
    /// Checks a code. The accepted step is stored with a compare-and-swap on the last one, so one
    /// code signs in once even when sent twice at once; success clears the failure count and
    /// completes enrolment.
    /// </summary>
    public async Task<CodeResult> CheckCodeAsync(Guid id, string code, CancellationToken ct)
    {
        for (var round = 0; round < 10; round++)
        {
            var now = clock.GetUtcNow();
            var admin = await db.PlatformAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
            if (admin?.TotpKey is not { } key) return CodeResult.NoAccount;
            if (admin.IsLockedOut(now)) return CodeResult.LockedOut;
            if (Totp.Match(key, code, now, admin.TotpLastStep) is not { } step)
            {
                await FailedAsync(id, ct);
                var after = await db.PlatformAdmins.AsNoTracking().SingleAsync(a => a.Id == id, ct);
                return after.IsLockedOut(clock.GetUtcNow()) ? CodeResult.LockedOut : CodeResult.Wrong;
            }
            var last = admin.TotpLastStep;
            var enrolled = admin.TotpEnrolledAt ?? now;
            if (await db.PlatformAdmins.Where(a => a.Id == id && a.TotpLastStep == last)
                    .ExecuteUpdateAsync(u => u.SetProperty(a => a.TotpLastStep, step).SetProperty(a => a.FailedSignIns, 0)
                        .SetProperty(a => a.LockedUntil, (DateTimeOffset?)null).SetProperty(a => a.TotpEnrolledAt, enrolled), ct) == 1)
                return CodeResult.Accepted;
        }
        return CodeResult.Wrong;
    }

    /// <summary>One wrong password or code, counted in the database in one statement; the fifth locks the account and starts the count again.</summary>
    private Task<int> FailedAsync(Guid id, CancellationToken ct)
    {
        var lockedUntil = (DateTimeOffset?)(clock.GetUtcNow() + PlatformAdmin.Lockout);
        return db.PlatformAdmins.Where(a => a.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.LockedUntil, a => a.FailedSignIns + 1 >= PlatformAdmin.MaxFailedSignIns ? lockedUntil : a.LockedUntil)
            .SetProperty(a => a.FailedSignIns, a => a.FailedSignIns + 1 >= PlatformAdmin.MaxFailedSignIns ? 0 : a.FailedSignIns + 1), ct);
    }
}
