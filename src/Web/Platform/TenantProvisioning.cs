using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SupervisionHub.Web.Platform;

public sealed record NewTenant(string Name, string Identifier, TenantKind Kind, string AdminName, string AdminEmail);

/// <summary>
/// Creates a tenant and its first admin. The admin is written through the per-tenant runner,
/// the same way any background work touches tenant data; the operator never reads it back.
/// </summary>
public sealed class TenantProvisioning(AppDbContext db, PerTenantRunner runner, TenantRegistry registry, TimeProvider clock)
{
    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithEnumNamingConvention(LowerCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    /// <summary>What is wrong with the request itself (name, web address, first admin), before anything is made.</summary>
    public async Task<Dictionary<string, string>> CheckAsync(NewTenant request, CancellationToken ct) =>
        await CheckAsync(request, Blank(request), ct);

    private static TenantSettings Blank(NewTenant request) => new()
    {
        Id = Guid.NewGuid(),
        Identifier = request.Identifier.Trim().ToLowerInvariant(),
        Name = request.Name.Trim(),
        KindName = request.Kind.ToString().ToLowerInvariant(),
        Sites = ["Main site"],
    };

    private async Task<Dictionary<string, string>> CheckAsync(NewTenant request, TenantSettings settings, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        foreach (var e in TenantConfigLoader.Check(settings, "new tenant"))
        {
            if (e.Message.StartsWith("identifier", StringComparison.Ordinal)) errors.TryAdd(nameof(NewTenant.Identifier), "Web address " + e.Message["identifier: ".Length..]);
            else if (e.Message.StartsWith("name", StringComparison.Ordinal)) errors.TryAdd(nameof(NewTenant.Name), "Enter the organisation's name");
        }
        if (await db.Tenants.AnyAsync(t => t.Identifier == settings.Identifier, ct))
            errors.TryAdd(nameof(NewTenant.Identifier), $"The web address '{settings.Identifier}' is already taken");
        if (string.IsNullOrWhiteSpace(request.AdminName)) errors[nameof(NewTenant.AdminName)] = "Enter the first administrator's name";
        if (!StaffDirectory.IsEmail(request.AdminEmail.Trim())) errors[nameof(NewTenant.AdminEmail)] = "Enter the first administrator's email address, like name@example.org";
        return errors;
    }

    /// <summary>
    /// Creates the tenant row (its tenant.yaml kept in the database, as every browser-made tenant's is) and its
    /// first admin. <paramref name="configured"/> is a whole configuration already checked by the importer
    /// (<see cref="Configuration.ConfigurationTransfer"/>); without it the tenant is blank.
    /// </summary>
    public async Task<Dictionary<string, string>> CreateAsync(NewTenant request, CancellationToken ct, (TenantSettings Settings, string Yaml)? configured = null)
    {
        var settings = configured?.Settings ?? Blank(request);
        var errors = await CheckAsync(request, settings, ct);
        if (errors.Count > 0) return errors;
        var yaml = configured?.Yaml ?? Yaml.Serialize(settings);

        db.Tenants.Add(new Tenant(settings, yaml, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await registry.ReloadAsync(ct);

        // The operator's first administrator. A copied or imported configuration's admins: are another
        // organisation's people: only a tenant made as a folder invites those (ADR 0026).
        var tenant = (await registry.FindAsync(settings.Identifier, ct))!;
        await runner.RunForAsync(tenant, (services, token) => services.GetRequiredService<FirstAdmins>().InviteAsync(
            [new TenantAdmin { Name = request.AdminName, Email = request.AdminEmail }], token), ct);
        return errors;
    }
}
