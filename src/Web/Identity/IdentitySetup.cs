using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Identity;

public static class AppClaims
{
    public const string Tenant = "shub:tenant";
    public const string FullName = "shub:name";
}

public static class Policies
{
    public const string TenantAdmin = "tenant-admin";
    public const string DirectoryReader = "directory-reader";
    public const string PlatformAdmin = "platform-admin";
    public const string PlatformScheme = "Platform";

    /// <summary>The operator after a right password, waiting for the authenticator code: opens nothing but the code page.</summary>
    public const string PlatformPendingScheme = "PlatformPending";
}

public static class IdentitySetup
{
    public static void AddTenantIdentity(this IServiceCollection services, IHostEnvironment env)
    {
        // Outside development the service is only reached over HTTPS; cookies must never travel in clear.
        var secure = env.IsDevelopment() || env.IsEnvironment("Testing") ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies =>
            {
                cookies.ApplicationCookie?.Configure(o =>
                {
                    o.CookieManager = new TenantCookieManager();
                    o.Cookie.Name = ".shub.auth";
                    o.Cookie.SecurePolicy = secure;
                    o.ExpireTimeSpan = TimeSpan.FromHours(8);
                    o.SlidingExpiration = true;
                    o.Events = new CookieAuthenticationEvents
                    {
                        OnValidatePrincipal = ValidatePrincipal,
                        OnRedirectToLogin = ctx => RedirectWithinTenant(ctx, "account/sign-in"),
                        OnRedirectToAccessDenied = ctx => RedirectWithinTenant(ctx, "account/access-denied"),
                    };
                });
                cookies.TwoFactorUserIdCookie?.Configure(o => { o.CookieManager = new TenantCookieManager(); o.Cookie.Name = ".shub.2fa"; });
                cookies.TwoFactorRememberMeCookie?.Configure(o => { o.CookieManager = new TenantCookieManager(); o.Cookie.Name = ".shub.2fa-remember"; });
                cookies.ExternalCookie?.Configure(o => { o.CookieManager = new TenantCookieManager(); o.Cookie.Name = ".shub.external"; });
            });
        // A verified email link: one record, half an hour, never renewed (Links/LinkAccess).
        services.AddAuthentication().AddCookie(Links.LinkAccess.Scheme, o =>
        {
            o.CookieManager = new TenantCookieManager();
            o.Cookie.Name = ".shub.link";
            o.Cookie.SecurePolicy = secure;
            o.ExpireTimeSpan = Links.LinkAccess.Lifetime;
            o.SlidingExpiration = false;
            o.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = ctx =>
                {
                    var tenant = ctx.HttpContext.RequestServices.GetRequiredService<ITenantContext>();
                    if (!tenant.HasTenant || ctx.Principal?.FindFirstValue(AppClaims.Tenant) != tenant.Tenant.Id.ToString()) ctx.RejectPrincipal();
                    return Task.CompletedTask;
                },
                OnRedirectToLogin = ctx => RedirectWithinTenant(ctx, "account/sign-in"),
                OnRedirectToAccessDenied = ctx => RedirectWithinTenant(ctx, "account/access-denied"),
            };
        });
        services.AddAuthentication().AddCookie(Policies.PlatformScheme, o =>
        {
            o.Cookie.Name = ".shub.platform";
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/platform";
            o.LoginPath = "/platform/sign-in";
            o.AccessDeniedPath = "/platform/sign-in";
            o.ExpireTimeSpan = TimeSpan.FromHours(1);
        });
        services.AddAuthentication().AddCookie(Policies.PlatformPendingScheme, o =>
        {
            o.Cookie.Name = ".shub.platform-pending";
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/platform/sign-in";
            o.SlidingExpiration = false;
            o.ExpireTimeSpan = SupervisionHub.Web.Pages.Platform.SignInCodeModel.PendingFor;
        });

        services.AddIdentityCore<StaffMember>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<TenantSignInManager>()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OnceOnlyAuthenticator>(TokenOptions.DefaultAuthenticatorProvider); // replaces Identity's, which takes a code again

        // Leavers and changed roles lose their session within a minute (the stamp is renewed on change).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddSingleton<IPasswordHasher<PlatformAdmin>, PasswordHasher<PlatformAdmin>>();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.TenantAdmin, p => p.RequireRole(StaffRoleNames.Name(StaffRoles.TenantAdmin)))
            .AddPolicy(Policies.DirectoryReader, p => p.RequireRole(
                StaffRoleNames.Name(StaffRoles.TenantAdmin), StaffRoleNames.Name(StaffRoles.SafeguardingLead)))
            .AddPolicy(Policies.PlatformAdmin, p => p.AddAuthenticationSchemes(Policies.PlatformScheme).RequireAuthenticatedUser());
    }

    /// <summary>
    /// A principal is only good in the tenant it was issued by, whatever cookie carried it.
    /// Then the usual security-stamp check (which also looks the person up in this tenant only).
    /// </summary>
    private static async Task ValidatePrincipal(CookieValidatePrincipalContext ctx)
    {
        var tenant = ctx.HttpContext.RequestServices.GetRequiredService<ITenantContext>();
        var claimed = ctx.Principal?.FindFirstValue(AppClaims.Tenant);
        if (!tenant.HasTenant || claimed != tenant.Tenant.Id.ToString())
        {
            ctx.RejectPrincipal();
            return;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(ctx);
    }

    private static Task RedirectWithinTenant(RedirectContext<CookieAuthenticationOptions> ctx, string page)
    {
        var tenant = ctx.HttpContext.RequestServices.GetRequiredService<ITenantContext>();
        if (!tenant.HasTenant)
        {
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }
        var returnUrl = ctx.Request.PathBase + ctx.Request.Path + ctx.Request.QueryString;
        var target = $"/{tenant.Tenant.Identifier}/{page}?returnUrl={Uri.EscapeDataString(returnUrl)}";
        if (page.EndsWith("access-denied", StringComparison.Ordinal)) ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
        else ctx.Response.Redirect(target);
        return Task.CompletedTask;
    }
}

/// <summary>Claims carry the tenant the account belongs to, and the directory's roles.</summary>
public sealed class StaffClaimsPrincipalFactory(UserManager<StaffMember> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffMember>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffMember user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AppClaims.Tenant, user.TenantId.ToString()));
        identity.AddClaim(new Claim(AppClaims.FullName, user.FullName));
        foreach (var role in StaffRoleNames.Split(user.Roles))
            identity.AddClaim(new Claim(identity.RoleClaimType, StaffRoleNames.Name(role)));
        return identity;
    }
}

/// <summary>
/// Refuses sign-in, and ends sessions, for people who have left. Says nothing about an account to
/// someone who has not given its password: an unknown address, a wrong password, a locked account
/// and a leaver with a wrong password all fail alike ("Failed" or "LockedOut", which the page words
/// the same), after the same work (a password hash checked, against a dummy hash when there is no
/// account to check or it is locked). Only the right password learns that its account has closed.
/// The owner of an account that has just been locked is told by email instead of the requester.
/// </summary>
public sealed class TenantSignInManager(
    UserManager<StaffMember> users, IHttpContextAccessor accessor, IUserClaimsPrincipalFactory<StaffMember> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<StaffMember>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<StaffMember> confirmation, ITenantContext tenant, TimeProvider clock, AppDbContext db, PublicUrls urls)
    : SignInManager<StaffMember>(users, accessor, claims, options, logger, schemes, confirmation)
{
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<StaffMember>().HashPassword(new StaffMember(), Guid.NewGuid().ToString()));

    public override async Task<bool> CanSignInAsync(StaffMember user) =>
        user.IsActiveOn(tenant.Tenant.Today(clock)) && await base.CanSignInAsync(user);

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is not null) return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        BurnPasswordCheck(password);
        return SignInResult.Failed;
    }

    /// <summary>
    /// With passwords off for the tenant (signIn.passwords), a password is refused whatever it is, except a
    /// break-glass admin's: it is still hashed, so the refusal takes as long as a check, no failure is counted,
    /// so nobody can be locked out by it, and the answer is the generic one (SingleSignOn.PasswordPolicy).
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(StaffMember user, string password, bool lockoutOnFailure)
    {
        if (!PasswordPolicy.Allows(tenant.Tenant, user))
        {
            BurnPasswordCheck(password);
            return SignInResult.Failed;
        }
        if (await IsLockedOut(user))
        {
            // Not checked against the real hash: during a lockout nothing may tell a guesser that a guess was right.
            BurnPasswordCheck(password);
            return SignInResult.LockedOut;
        }
        if (!user.IsActiveOn(tenant.Tenant.Today(clock)))
            return await UserManager.CheckPasswordAsync(user, password) ? SignInResult.NotAllowed : SignInResult.Failed;
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        if (result.IsLockedOut && user.Email is { } email) await TellLockedOutAsync(email);
        return result;
    }

    public override async Task<StaffMember?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is not null && user.IsActiveOn(tenant.Tenant.Today(clock)) ? user : null;
    }

    private void BurnPasswordCheck(string password) => UserManager.PasswordHasher.VerifyHashedPassword(new StaffMember(), DummyHash.Value, password);

    /// <summary>This attempt has just locked the account: its owner hears of it (the requester does not).</summary>
    private async Task TellLockedOutAsync(string email)
    {
        var t = tenant.Tenant;
        var minutes = (int)Options.Lockout.DefaultLockoutTimeSpan.TotalMinutes;
        db.Outbox.Add(new Email.OutboxMessage(email, $"Your {t.Name} SupervisionHub account is locked for {minutes} minutes",
            $"Someone typed a wrong password for your {t.Name} account on SupervisionHub {Options.Lockout.MaxFailedAccessAttempts} times in a row, " +
            $"so the account is locked for {minutes} minutes.\n\n" +
            "If it was you, wait and try again, or choose a new password here (this also unlocks the account):\n" +
            $"{urls.Tenant(t, "account/forgot-password")}\n\n" +
            "If it was not you, someone may be trying to guess your password: tell your administrator.", clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }
}
