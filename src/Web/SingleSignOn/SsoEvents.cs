using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.SingleSignOn;

/// <summary>
/// The tenant's own checks around ASP.NET Core's OpenID Connect handler, which already checks the state,
/// the correlation cookie, the nonce, PKCE, the signature, the audience and the lifetime: here the flow
/// is bound to the tenant that started it, the issuer is pinned to the one the tenant configured (not
/// merely the one its discovery document names), the secret is read only to redeem the code, and every
/// failure is audited and ends on a page of the tenant's that says what to do.
/// </summary>
public sealed class SsoEvents(ITenantContext tenant, SsoSecrets secrets, SsoAudit audit) : OpenIdConnectEvents
{
    public const string TenantItem = "shub.tenant";
    public const string IdTokenHintItem = "shub.id_token_hint";

    /// <summary>The id_token's issuer, already checked here, kept with the claims (the handler drops iss from them).</summary>
    public const string IssuerClaim = "shub:sso-issuer";

    private SignInSettings Settings => tenant.Tenant.Settings.SignIn;

    public override Task RedirectToIdentityProvider(RedirectContext context)
    {
        if (!tenant.HasTenant || !Settings.IsConfigured)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.HandleResponse();
            return Task.CompletedTask;
        }
        context.Properties.Items[TenantItem] = tenant.Tenant.Id.ToString();
        return Task.CompletedTask;
    }

    public override Task MessageReceived(MessageReceivedContext context)
    {
        // RFC 9207: a provider that names itself in the response must be this tenant's (a mix-up of providers).
        if (context.ProtocolMessage.Iss is { Length: > 0 } iss && iss.TrimEnd('/') != Settings.Issuer)
            context.Fail(new SsoRefusalException(SsoRefusal.Issuer, "The authorization response names another issuer."));
        else if (context.Properties?.Items.TryGetValue(TenantItem, out var started) == true && started != tenant.Tenant.Id.ToString())
            context.Fail(new SsoRefusalException(SsoRefusal.OtherTenant, "The sign-in was started for another organisation."));
        return Task.CompletedTask;
    }

    public override async Task AuthorizationCodeReceived(AuthorizationCodeReceivedContext context)
    {
        var secret = await secrets.ReadAsync(context.HttpContext.RequestAborted);
        if (secret is null) context.Fail(new SsoRefusalException(SsoRefusal.NoSecret, "No client secret is set for this organisation."));
        else context.TokenEndpointRequest!.ClientSecret = secret;
    }

    public override Task TokenValidated(TokenValidatedContext context)
    {
        // The handler accepts the issuer the discovery document names; the tenant named its own.
        if (context.SecurityToken.Issuer.TrimEnd('/') != Settings.Issuer)
        {
            context.Fail(new SsoRefusalException(SsoRefusal.Issuer, "The id_token names another issuer."));
            return Task.CompletedTask;
        }
        var identity = (ClaimsIdentity)context.Principal!.Identity!;
        identity.AddClaim(new Claim(AppClaims.Tenant, tenant.Tenant.Id.ToString()));
        identity.AddClaim(new Claim(IssuerClaim, Settings.Issuer));
        return Task.CompletedTask;
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        var reason = SsoRefusal.Classify(context.Failure);
        await audit.RefusedAsync(null, null, reason, context.HttpContext.RequestAborted);
        context.Response.Redirect($"/{tenant.Tenant.Identifier}/account/sso/refused?reason={reason}");
        context.HandleResponse();
    }

    public override Task RedirectToIdentityProviderForSignOut(RedirectContext context)
    {
        if (string.IsNullOrEmpty(context.ProtocolMessage.IssuerAddress))
        {
            // This provider offers no sign-out (Google): the local session is already over.
            context.Response.Redirect(context.Properties.RedirectUri ?? $"/{tenant.Tenant.Identifier}/account/sign-in");
            context.HandleResponse();
            return Task.CompletedTask;
        }
        if (context.Properties.Items.Remove(IdTokenHintItem, out var hint)) context.ProtocolMessage.IdTokenHint = hint;
        context.ProtocolMessage.ClientId = context.Options.ClientId;
        return Task.CompletedTask;
    }
}

/// <summary>Why a sign-in through the provider was refused: the word in the audit log and the refusal page's address.</summary>
/// <summary>A refusal by one of the tenant's own checks inside the handler, carrying its reason.</summary>
public sealed class SsoRefusalException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

public static class SsoRefusal
{
    public const string Failed = "failed", Correlation = "correlation", Issuer = "issuer", Audience = "audience", Expired = "expired",
        Nonce = "nonce", OtherTenant = "other-organisation", NoSecret = "not-set-up", Cancelled = "cancelled",
        UnverifiedEmail = "unverified-email", Domain = "domain", UnknownPerson = "unknown-person", Leaver = "leaver",
        LinkedElsewhere = "linked-to-another-account", PasswordsOff = "passwords-off";

    /// <summary>Every reason, with what the person is told (the one list: the refusal page and the audit log read it).</summary>
    public static readonly IReadOnlyDictionary<string, string> Explanations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Failed] = "The sign-in could not be completed. Try again from the sign-in page.",
        [Correlation] = "The sign-in could not be matched to one started on this device, or it was used already. Start again from the sign-in page.",
        [Issuer] = "The answer came from an account provider this organisation does not use.",
        [Audience] = "The answer was meant for another service.",
        [Expired] = "The answer from the account provider had expired. Try again; if it happens again, check this device's clock.",
        [Nonce] = "The answer from the account provider did not belong to this sign-in. Start again from the sign-in page.",
        [OtherTenant] = "The sign-in was started for another organisation.",
        [NoSecret] = "Single sign-on is not fully set up for this organisation yet. Speak to your administrator.",
        [Cancelled] = "The sign-in was cancelled at the account provider.",
        [UnverifiedEmail] = "Your account provider did not confirm your email address, so it cannot be matched to a person here.",
        [Domain] = "Your email address is not at a domain this organisation accepts.",
        [UnknownPerson] = "There is nobody with your email address in this organisation's staff directory. Speak to your administrator.",
        [Leaver] = "This account has been closed because its owner has left the organisation. Speak to your administrator if this is wrong.",
        [LinkedElsewhere] = "Your email address belongs to a person here who signs in with a different account. Speak to your administrator.",
        [PasswordsOff] = "This organisation signs in through its account provider; passwords are not used.",
    };

    /// <summary>A word for a failure of the handler's own checks (their messages carry IDX codes, not stable types alone).</summary>
    public static string Classify(Exception? failure) => failure switch
    {
        SsoRefusalException r => r.Reason,
        SecurityTokenInvalidAudienceException => Audience,
        SecurityTokenExpiredException => Expired,
        SecurityTokenInvalidIssuerException => Issuer,
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectProtocolInvalidNonceException => Nonce,
        { Message: var m } when m.Contains("Correlation failed", StringComparison.Ordinal) || m.Contains("state", StringComparison.OrdinalIgnoreCase) => Correlation,
        { InnerException: { } inner } => Classify(inner),
        _ => Failed,
    };
}
