using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.DevData;

public sealed class DemoOptions
{
    /// <summary>Create demo accounts and fictional staff. Refused outside Development and Testing.</summary>
    public bool Seed { get; set; }
    public string Password { get; set; } = "";
    public string PlatformAdminEmail { get; set; } = "";
}

/// <summary>
/// Fills each founding tenant with the fictional staff in tenants/&lt;slug&gt;/demo/staff.csv,
/// through the same import admins use, and gives them the demo password. Runs per tenant through
/// PerTenantRunner. Never in Production: demo passwords there would be an open door.
/// </summary>
public sealed class DemoSeeder(PerTenantRunner runner, IServiceScopeFactory scopes, IHostEnvironment env, ILogger<DemoSeeder> log)
{
    public static readonly string[] DemoAccounts = ["admin", "lead", "supervisor", "supervisee", "linemanager", "auditor"];

    public async Task SeedAsync(DemoOptions options, string tenantsRoot, CancellationToken ct)
    {
        if (!options.Seed) return;
        if (!env.IsDevelopment() && !env.IsEnvironment("Testing"))
        {
            log.LogWarning("Demo data is switched on but the environment is {Environment}; no demo accounts were created", env.EnvironmentName);
            return;
        }
        if (options.Password.Length < 12) throw new InvalidOperationException("Demo:Password must be at least 12 characters.");

        // One hash for every demo account: hashing is deliberately slow, and these are fictional people.
        var hash = new PasswordHasher<StaffMember>().HashPassword(null!, options.Password);
        await runner.RunForEachAsync("demo-seed", async (services, token) =>
        {
            var tenant = services.GetRequiredService<ITenantContext>().Tenant;
            var file = Path.Combine(tenantsRoot, tenant.Identifier, "demo", "staff.csv");
            var db = services.GetRequiredService<AppDbContext>();
            if (!File.Exists(file) || await db.Staff.AnyAsync(token)) return;
            var result = await services.GetRequiredService<StaffDirectory>().ImportAsync(await File.ReadAllTextAsync(file, token), token);
            if (!result.Succeeded)
                throw new InvalidOperationException($"{file} does not import:\n{string.Join('\n', result.Errors)}");
            foreach (var member in await db.Staff.ToListAsync(token)) member.PasswordHash = hash;
            await db.SaveChangesAsync(token);
            log.LogInformation("Demo staff created for tenant {Identifier}: {Count} people", tenant.Identifier, result.Added);
        }, ct);

        if (options.PlatformAdminEmail.Length > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var normalized = options.PlatformAdminEmail.ToUpperInvariant();
            if (!await db.PlatformAdmins.AnyAsync(a => a.NormalizedEmail == normalized, ct))
            {
                var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<PlatformAdmin>>();
                db.PlatformAdmins.Add(new PlatformAdmin(options.PlatformAdminEmail, hasher.HashPassword(null!, options.Password)));
                await db.SaveChangesAsync(ct);
            }
        }
    }
}
