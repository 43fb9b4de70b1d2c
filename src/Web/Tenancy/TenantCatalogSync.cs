using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// At start-up, brings the tenants/ folder into the database: a new folder becomes a tenant, a
/// changed tenant.yaml updates it. A folder with errors is refused with every located error, and
/// start-up stops: serving a tenant with half-read settings would be worse than not starting.
/// </summary>
public sealed class TenantCatalogSync(AppDbContext db, TimeProvider clock, ILogger<TenantCatalogSync> log)
{
    public async Task SyncAsync(string tenantsRoot, CancellationToken ct)
    {
        var loaded = TenantConfigLoader.LoadFolder(tenantsRoot);
        var errors = loaded.SelectMany(l => l.Result.Errors).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("The tenants folder has errors:\n" + string.Join('\n', errors));

        var stored = await db.Tenants.ToDictionaryAsync(t => t.Id, ct);
        foreach (var (_, yaml, result) in loaded)
        {
            var settings = result.Settings!;
            var fileHash = Records.FormVersion.Hash(yaml);
            if (!stored.TryGetValue(settings.Id, out var tenant))
            {
                var added = new Tenant(settings, yaml, clock.GetUtcNow());
                added.ImportedFromFile(fileHash);
                db.Tenants.Add(added);
                log.LogInformation("Added tenant {Identifier} from the tenants folder", settings.Identifier);
            }
            else if (tenant.ImportedFileHash != fileHash) // the file changed since it was last imported
            {
                if (tenant.ConfigurationYaml != yaml)
                {
                    tenant.Reconfigure(settings, yaml, clock.GetUtcNow());
                    log.LogInformation("Updated tenant {Identifier} from the tenants folder", settings.Identifier);
                }
                tenant.ImportedFromFile(fileHash);
            }
        }
        await db.SaveChangesAsync(ct);
    }
}
