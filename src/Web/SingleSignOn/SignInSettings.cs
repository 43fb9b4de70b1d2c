using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace SupervisionHub.Web.SingleSignOn;

/// <summary>
/// The `signIn:` section of tenant.yaml: single sign-on through the organisation's own directory
/// (OpenID Connect), and whether passwords stay allowed. Everything here may be seen and exported;
/// the client secret is not here: it is kept only in the database, encrypted (<see cref="SsoSecrets"/>,
/// docs/adr/0027-single-sign-on.md).
/// </summary>
public sealed partial record SignInSettings
{
    /// <summary>entra, google or other: the button's words, the authority's shape and which claim gives a verified email.</summary>
    [YamlMember(Alias = "provider")]
    public string? ProviderName { get; init; }

    /// <summary>For "other": the name on the button ("Sign in with ...").</summary>
    public string? Name { get; init; }

    /// <summary>The issuer: discovery is read from here, and every id_token must name exactly this.</summary>
    public string? Authority { get; init; }

    public string? ClientId { get; init; }

    /// <summary>Only people whose verified email is at one of these domains may sign in through the provider.</summary>
    public List<string> EmailDomains { get; init; } = [];

    /// <summary>Off: password sign-in and password reset are refused, except for <see cref="BreakGlass"/>.</summary>
    public bool Passwords { get; init; } = true;

    /// <summary>Tenant admins who keep their password (and their authenticator) when passwords are off, for the day the directory is down.</summary>
    public List<string> BreakGlass { get; init; } = [];

    /// <summary>On: someone the directory vouches for but the staff directory lacks is added, as a supervisee only.</summary>
    public bool CreatePeople { get; init; }

    [YamlIgnore]
    public SsoProvider Provider => ProviderName?.Trim().ToLowerInvariant() switch
    {
        "entra" => SsoProvider.Entra,
        "google" => SsoProvider.Google,
        "other" => SsoProvider.Other,
        _ => SsoProvider.Unknown,
    };

    /// <summary>Set up far enough to send people to the provider (the secret is checked apart: it is not in this file).</summary>
    [YamlIgnore]
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId) && Provider != SsoProvider.Unknown;

    /// <summary>Whose name is on the button.</summary>
    [YamlIgnore]
    public string ProviderLabel => Provider switch
    {
        SsoProvider.Entra => "Microsoft",
        SsoProvider.Google => "Google",
        _ => string.IsNullOrWhiteSpace(Name) ? "your organisation's account" : Name.Trim(),
    };

    /// <summary>The issuer every token must carry: the authority as written, without a trailing slash (Google's issuer has none, Entra's none).</summary>
    [YamlIgnore]
    public string Issuer => (Authority ?? "").Trim().TrimEnd('/');

    public static string EntraAuthorityFor(string directoryId) => $"https://login.microsoftonline.com/{directoryId}/v2.0";
    public const string GoogleAuthority = "https://accounts.google.com";

    [GeneratedRegex(@"^https://login\.microsoftonline\.com/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/v2\.0/?$")]
    private static partial Regex EntraAuthority();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex Domain();

    /// <summary>The directory (tenant) id in an Entra ID authority, for the settings page's preset.</summary>
    public static string? EntraTenantId(string? authority) =>
        authority is not null && EntraAuthority().Match(authority.Trim()) is { Success: true } m ? m.Groups[1].Value : null;

    public bool AllowsDomain(string email)
    {
        var at = email.LastIndexOf('@');
        if (at < 0) return false;
        var domain = email[(at + 1)..];
        return EmailDomains.Any(d => string.Equals(d.Trim(), domain, StringComparison.OrdinalIgnoreCase));
    }

    public bool IsBreakGlass(string? email) =>
        email is not null && BreakGlass.Any(b => string.Equals(b.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Every problem with the section, each prefixed with where it is (signIn.x: ...).</summary>
    public IEnumerable<string> Check(Func<string, bool> isEmail)
    {
        var anySet = ProviderName is not null || Authority is not null || ClientId is not null || EmailDomains.Count > 0;
        if (anySet)
        {
            if (Provider == SsoProvider.Unknown)
                yield return $"signIn.provider: '{ProviderName}' must be entra, google or other.";
            if (string.IsNullOrWhiteSpace(ClientId))
                yield return "signIn.clientId: give the client (application) id the provider gave this service.";
            else if (ClientId.Length > 200 || ClientId.Any(char.IsWhiteSpace))
                yield return "signIn.clientId: must be one word of at most 200 characters.";
            foreach (var problem in CheckAuthority()) yield return problem;
            if (EmailDomains.Count == 0)
                yield return "signIn.emailDomains: list the email domains whose people may sign in (for example school.example).";
            if (Provider == SsoProvider.Other && string.IsNullOrWhiteSpace(Name))
                yield return "signIn.name: say whose account people sign in with (shown as \"Sign in with ...\").";
            if (Name is { Length: > 60 }) yield return "signIn.name: at most 60 characters.";
        }
        foreach (var d in EmailDomains.Where(d => !Domain().IsMatch(d.Trim().ToLowerInvariant())))
            yield return $"signIn.emailDomains: '{d}' is not a domain like school.example.";
        foreach (var b in BreakGlass.Where(b => !isEmail(b.Trim())))
            yield return $"signIn.breakGlass: '{b}' is not an email address.";
        if (!Passwords && !anySet)
            yield return "signIn.passwords: passwords can be turned off only when single sign-on is set up.";
        if (!Passwords && BreakGlass.Count == 0)
            yield return "signIn.breakGlass: name at least one tenant admin who keeps a password for when the directory cannot be reached.";
        if (CreatePeople && !anySet)
            yield return "signIn.createPeople: people can be added at first sign-in only when single sign-on is set up.";
    }

    private IEnumerable<string> CheckAuthority()
    {
        var authority = Authority?.Trim();
        if (string.IsNullOrEmpty(authority))
        {
            yield return "signIn.authority: give the provider's issuer address.";
            yield break;
        }
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)
            || uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            yield return $"signIn.authority: '{authority}' must be an https address with no query (only a test provider on this machine may use http).";
            yield break;
        }
        // Entra ID's shared endpoints (common, organizations) issue tokens naming each person's own
        // directory, so the issuer could not be pinned to this organisation's: its directory id is required.
        if (Provider == SsoProvider.Entra && EntraTenantId(authority) is null)
            yield return $"signIn.authority: for Entra ID use {EntraAuthorityFor("<directory (tenant) id>")}, with the organisation's own directory id (not common or organizations).";
        if (Provider == SsoProvider.Google && authority.TrimEnd('/') != GoogleAuthority)
            yield return $"signIn.authority: for Google use {GoogleAuthority}.";
    }
}

public enum SsoProvider { Unknown, Entra, Google, Other }
