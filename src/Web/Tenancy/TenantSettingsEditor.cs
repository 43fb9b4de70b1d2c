using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// A tenant admin changes the organisation's settings (tenant.yaml: name, colour, term dates,
/// closure days, role holders, supervision types and frequencies, access rules, link expiry,
/// reports) in the browser. Checked in full first; what identifies the tenant (id, address,
/// host names) and the logo file stay as the operator set them. Saved settings are in force at
/// once and survive a restart until the file itself changes (ADR 0013).
/// </summary>
public sealed class TenantSettingsEditor(AppDbContext db, ITenantContext tenant, TenantRegistry registry, TimeProvider clock, IHttpContextAccessor http, TenantLogos logos)
{
    public async Task<string> CurrentAsync(CancellationToken ct) =>
        await db.Tenants.Where(t => t.Id == tenant.Tenant.Id).Select(t => t.ConfigurationYaml).SingleAsync(ct);

    /// <summary>Every problem, located where the YAML reader can say where.</summary>
    public IReadOnlyList<ConfigError> Check(string yaml)
    {
        var result = TenantConfigLoader.Load(yaml.Replace("\r\n", "\n", StringComparison.Ordinal), "tenant.yaml");
        if (result.Settings is not { } s) return result.Errors;
        var errors = result.Errors.ToList();
        var current = tenant.Tenant.Settings;
        void Keep(bool same, string at, string what) { if (!same) errors.Add(result.ErrorAt("tenant.yaml", at, $"{what} cannot be changed here; the service operator changes it.")); }
        Keep(s.Id == current.Id, "id", "id");
        Keep(s.Identifier == current.Identifier, "identifier", "identifier (the organisation's address)");
        Keep(s.Hosts.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(current.Hosts.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase), "hosts", "hosts");
        Keep(s.Theme.Logo == current.Theme.Logo, "theme.logo", "theme.logo (the logo file)");
        return errors;
    }

    /// <summary>Saves settings that pass every check, with an audit entry; returns the problems otherwise.</summary>
    public async Task<IReadOnlyList<ConfigError>> SaveAsync(string yaml, string actorId, CancellationToken ct)
    {
        yaml = yaml.Replace("\r\n", "\n", StringComparison.Ordinal);
        var errors = Check(yaml);
        if (errors.Count > 0) return errors;
        var row = await db.Tenants.SingleAsync(t => t.Id == tenant.Tenant.Id, ct);
        if (row.ConfigurationYaml == yaml) return [];
        row.Reconfigure(TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!, yaml, clock.GetUtcNow());
        db.AuditEntries.Add(new AuditEntry(actorId, "publish", "tenant-settings", tenant.Tenant.Identifier, false,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await registry.ReloadAsync(ct);
        return [];
    }

    /// <summary>The settings in force, as the loader reads what is stored.</summary>
    public async Task<TenantSettings> SettingsAsync(CancellationToken ct) =>
        TenantConfigLoader.Load(await CurrentAsync(ct), "tenant.yaml").Settings ?? tenant.Tenant.Settings;

    /// <summary>
    /// A structured change (the settings page's fields): <paramref name="edit"/> rewrites the stored text
    /// (TenantYamlEdits), and the result goes through <see cref="SaveAsync"/> like any typed YAML.
    /// </summary>
    public async Task<IReadOnlyList<ConfigError>> EditAsync(Func<string, string> edit, string actorId, CancellationToken ct) =>
        await SaveAsync(edit(await CurrentAsync(ct)), actorId, ct);

    /// <summary>Puts an uploaded logo (checked by <see cref="LogoRules.Check"/>) in force, or removes it (null); audited.</summary>
    public async Task SetLogoAsync(UploadedLogo? logo, string actorId, CancellationToken ct)
    {
        var row = await db.Tenants.SingleAsync(t => t.Id == tenant.Tenant.Id, ct);
        if (row.LogoHash == logo?.Hash) return;
        row.SetLogo(logo, clock.GetUtcNow());
        db.AuditEntries.Add(new AuditEntry(actorId, logo is null ? "remove" : "publish", "tenant-logo", tenant.Tenant.Identifier, false,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        logos.Forget(tenant.Tenant.Id);
    }
}
