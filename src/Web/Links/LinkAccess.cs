using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using SupervisionHub.Web.Identity;

namespace SupervisionHub.Web.Links;

/// <summary>
/// What a verified email link lets its holder do: open one record, or book the next session of one
/// supervision, as the person the link was sent to, for half an hour. It is a separate cookie
/// scheme that only the record and booking pages accept, so it can never stand in for a sign-in
/// anywhere else.
/// </summary>
public static class LinkAccess
{
    public const string Scheme = "Link";

    /// <summary>The record and booking pages accept a sign-in or a verified link. (IdentityConstants.ApplicationScheme is not a constant.)</summary>
    public const string RecordSchemes = "Identity.Application," + Scheme;

    public const string RecordClaim = "shub:link-record";
    public const string BookClaim = "shub:link-book";
    public const string LinkClaim = "shub:link";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>A principal for one record (scope RecordClaim) or one supervision's booking page (scope BookClaim).</summary>
    public static ClaimsPrincipal Principal(EmailLink link, Guid tenantId, string scope, Guid id, string fullName) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, link.StaffId),
            new Claim(AppClaims.Tenant, tenantId.ToString()),
            new Claim(AppClaims.FullName, fullName),
            new Claim(scope, id.ToString()),
            new Claim(LinkClaim, link.Id.ToString()),
        ], Scheme));

    /// <summary>The booking page of one supervision: a sign-in may; a link only for the supervision it was sent about.</summary>
    public static bool MayBook(ClaimsPrincipal user, Guid relationshipId)
    {
        if (user.FindAll(ClaimTypes.NameIdentifier).Select(c => c.Value).Distinct().Count() != 1) return false;
        return !OnlyLink(user) || user.FindFirstValue(BookClaim) == relationshipId.ToString();
    }

    /// <summary>True when the request carries only a link, not a sign-in: the page shows that one task and no menu.</summary>
    public static bool OnlyLink(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == Scheme)
        && !user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == IdentityConstants.ApplicationScheme);

    /// <summary>
    /// May this request open the record? A sign-in may (the record's own rules then decide); a link
    /// only for the record it was verified for. Two different people in one request may not.
    /// </summary>
    public static bool MayOpen(ClaimsPrincipal user, Guid recordId)
    {
        if (user.FindAll(ClaimTypes.NameIdentifier).Select(c => c.Value).Distinct().Count() != 1) return false;
        if (!OnlyLink(user)) return true;
        return user.FindFirstValue(RecordClaim) == recordId.ToString();
    }
}
