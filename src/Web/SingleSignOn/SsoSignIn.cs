using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.SingleSignOn;

public sealed record SsoMatch(StaffMember? Person, string? Refusal);

/// <summary>
/// Who a person the provider vouched for is in this tenant's staff directory. First by the provider's
/// stable subject id, remembered at the first sign-in (an Identity external login, tenant-owned), so
/// a changed email neither loses the person nor lets someone else's account take them over; then, the
/// first time, by the verified email. Nobody is created unless the tenant says so, and then only as a
/// supervisee. Leavers are refused. Every outcome is audited, without tokens.
/// </summary>
public sealed class SsoSignIn(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, ILookupNormalizer normalizer, TimeProvider clock, SsoAudit audit)
{
    public async Task<SsoMatch> MatchAsync(ClaimsPrincipal external, CancellationToken ct)
    {
        var s = tenant.Tenant.Settings.SignIn;
        string? Claim(string type) => external.FindFirst(type)?.Value;

        if (Claim(AppClaims.Tenant) != tenant.Tenant.Id.ToString())
            return await RefuseAsync(null, null, SsoRefusal.OtherTenant, ct);
        var sub = Claim("sub");
        // The configuration may have changed since the flow began: the issuer must be the one in force now.
        if (!s.IsConfigured || Claim(SsoEvents.IssuerClaim) != s.Issuer || string.IsNullOrEmpty(sub))
            return await RefuseAsync(null, null, SsoRefusal.Issuer, ct);
        if (VerifiedEmail(external, s.Provider) is not { } email)
            return await RefuseAsync(null, Claim("email"), SsoRefusal.UnverifiedEmail, ct);
        if (!s.AllowsDomain(email))
            return await RefuseAsync(null, email, SsoRefusal.Domain, ct);

        var provider = LoginProvider(s);
        var today = tenant.Tenant.Today(clock);
        var person = await users.FindByLoginAsync(provider, sub);
        if (person is null)
        {
            person = await users.FindByEmailAsync(email);
            if (person is null)
            {
                if (!s.CreatePeople) return await RefuseAsync(null, email, SsoRefusal.UnknownPerson, ct);
                person = new StaffMember();
                var name = Claim("name") is { Length: > 0 } n ? n.Trim() : email[..email.IndexOf('@')];
                person.Apply(new StaffDetails(name.Length > 200 ? name[..200] : name, email, null, null, null, StaffRoles.Supervisee, today, null),
                    normalizer, clock.GetUtcNow());
                db.Staff.Add(person);
                audit.Add(person.Id, "joined", "");
            }
            else if ((await users.GetLoginsAsync(person)).Any(l => l.LoginProvider == provider))
            {
                // This person already signs in with another account at this provider: an account that now
                // shows their address (a reused or changed email) must not become them.
                return await RefuseAsync(person.Id, email, SsoRefusal.LinkedElsewhere, ct);
            }
            if (!person.IsActiveOn(today)) return await RefuseAsync(person.Id, email, SsoRefusal.Leaver, ct);
            db.Set<StaffLogin>().Add(new StaffLogin { UserId = person.Id, LoginProvider = provider, ProviderKey = sub, ProviderDisplayName = s.ProviderLabel });
        }
        if (!person.IsActiveOn(today)) return await RefuseAsync(person.Id, email, SsoRefusal.Leaver, ct);
        audit.Add(person.Id, "sign-in", "");
        await db.SaveChangesAsync(ct);
        return new(person, null);
    }

    /// <summary>
    /// What an external login is filed under: the issuer and the client. Entra ID's subject ids are per
    /// application, so a new app registration starts new links (matched again by verified email) rather
    /// than refusing everyone as "linked to another account".
    /// </summary>
    public static string LoginProvider(SignInSettings s) => $"{s.Issuer} {s.ClientId?.Trim()}";

    /// <summary>
    /// The email the provider vouches for, or null. Google and other providers: email with email_verified
    /// true. Entra ID sends no email_verified, and its email claim can be any address an admin typed (the
    /// "nOAuth" takeovers): email only with xms_edov (the domain owner verified it) true, otherwise
    /// preferred_username, which for this single directory is the user principal name, whose domain Entra
    /// ID requires the directory to have verified (docs/adr/0027-single-sign-on.md).
    /// </summary>
    public static string? VerifiedEmail(ClaimsPrincipal p, SsoProvider provider)
    {
        string? Claim(string type) => p.FindFirst(type)?.Value?.Trim();
        bool IsTrue(string type) => string.Equals(Claim(type), "true", StringComparison.OrdinalIgnoreCase);
        if (provider == SsoProvider.Entra)
        {
            if (Claim("email") is { } e && IsTrue("xms_edov") && StaffDirectory.IsEmail(e)) return e;
            return Claim("preferred_username") is { } upn && StaffDirectory.IsEmail(upn) ? upn : null;
        }
        return Claim("email") is { } email && IsTrue("email_verified") && StaffDirectory.IsEmail(email) ? email : null;
    }

    private async Task<SsoMatch> RefuseAsync(string? personId, string? email, string reason, CancellationToken ct)
    {
        await audit.RefusedAsync(personId, email, reason, ct);
        return new(null, reason);
    }
}

/// <summary>Sign-ins and refusals in the tenant's audit log: who (or which address, for someone not in the directory) and why; never a token.</summary>
public sealed class SsoAudit(AppDbContext db, TimeProvider clock, IHttpContextAccessor http)
{
    public const string Entity = "sign-in";

    public void Add(string actorId, string action, string reason) =>
        db.AuditEntries.Add(new AuditEntry(actorId, action, Entity, reason.Length == 0 ? "single sign-on" : "single sign-on: " + reason, false,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));

    /// <summary>Writes a refusal at once (nothing else is saved on that path).</summary>
    public async Task RefusedAsync(string? personId, string? email, string reason, CancellationToken ct)
    {
        var actor = personId ?? (email is { Length: > 0 } ? "unknown: " + (email.Length > 200 ? email[..200] : email) : "unknown");
        Add(actor, "sign-in-refused", reason);
        await db.SaveChangesAsync(ct);
    }
}
