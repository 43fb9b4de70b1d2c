namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// A tenant as stored. Shared (not tenant-owned): the platform reads it to resolve requests.
/// The configuration is kept as the YAML it came from, so export gives back what was imported.
/// </summary>
public sealed class Tenant
{
    private Tenant() { }

    public Tenant(TenantSettings settings, string configurationYaml, DateTimeOffset now)
    {
        Id = settings.Id;
        Identifier = settings.Identifier;
        Name = settings.Name;
        ConfigurationYaml = configurationYaml;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Identifier { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string ConfigurationYaml { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// The hash of the tenant.yaml file text last imported. Start-up re-imports the file only when
    /// its text has changed since, so settings an admin changed in the browser are not undone by a
    /// restart (ADR 0013), and a changed file still wins.
    /// </summary>
    public string? ImportedFileHash { get; private set; }

    public void ImportedFromFile(string fileHash) => ImportedFileHash = fileHash;

    /// <summary>
    /// A logo an admin uploaded (checked by <see cref="LogoRules"/>), served in place of any file named by
    /// theme.logo. Kept on the row so a tenant made in the browser, which has no folder, can have one.
    /// </summary>
    public byte[]? LogoBytes { get; private set; }
    public string? LogoContentType { get; private set; }

    /// <summary>SHA-256 of <see cref="LogoBytes"/> in hex: the logo's ETag and the version in its URL.</summary>
    public string? LogoHash { get; private set; }

    public void SetLogo(UploadedLogo? logo, DateTimeOffset now)
    {
        LogoBytes = logo?.Bytes;
        LogoContentType = logo?.ContentType;
        LogoHash = logo?.Hash;
        UpdatedAt = now;
    }

    /// <summary>
    /// The single sign-on client secret, encrypted with the data-protection key ring for this tenant only
    /// (SingleSignOn.SsoSecrets). Kept apart from <see cref="ConfigurationYaml"/> so no export, copy or page
    /// ever carries it.
    /// </summary>
    public string? SignInSecret { get; private set; }

    public void SetSignInSecret(string? protectedSecret) => SignInSecret = protectedSecret;

    public void Reconfigure(TenantSettings settings, string yaml, DateTimeOffset now)
    {
        if (settings.Id != Id)
            throw new InvalidOperationException($"Tenant '{Identifier}' keeps its id {Id}; the configuration names {settings.Id}.");
        Identifier = settings.Identifier;
        Name = settings.Name;
        ConfigurationYaml = yaml;
        UpdatedAt = now;
    }
}
