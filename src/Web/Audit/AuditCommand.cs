using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Audit;

/// <summary>
/// `dotnet run --project src/Web -- audit verify [--tenant &lt;slug&gt;]`: walks each tenant's audit
/// chain and prints the first broken entry. Exit code 0 when every chain is intact, 1 when one is
/// broken, 2 for a usage problem (unknown tenant, database not migrated). Runs instead of the web
/// server, with the same configuration; it reads and never writes.
/// </summary>
public static class AuditCommand
{
    public const int Intact = 0, Broken = 1, Usage = 2;

    /// <summary>
    /// Splits the process arguments into this command's (null when the first argument is not
    /// `audit`) and the rest, which stay configuration for the host (e.g. --ConnectionStrings:Sqlite=...).
    /// </summary>
    public static (string[]? Command, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0 || args[0] != "audit") return (null, args);
        var command = new List<string> { "audit" };
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "verify") command.Add(args[i]);
            else if (args[i] == "--tenant" && i + 1 < args.Length) command.AddRange([args[i], args[++i]]);
            else if (args[i].StartsWith("--tenant=", StringComparison.Ordinal)) command.AddRange(["--tenant", args[i]["--tenant=".Length..]]);
            else rest.Add(args[i]);
        }
        return (command.ToArray(), rest.ToArray());
    }

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> command, TextWriter output, CancellationToken ct = default)
    {
        if (command is not ["audit", "verify", ..] || command.Count is not (2 or 4))
        {
            await output.WriteLineAsync("Usage: audit verify [--tenant <slug>]");
            return Usage;
        }
        var slug = command.Count == 4 ? command[3] : null;

        await using (var scope = services.CreateAsyncScope())
        {
            var pending = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetPendingMigrationsAsync(ct);
            if (pending.Any())
            {
                await output.WriteLineAsync("The database is not up to date (start the service once to migrate it); nothing verified.");
                return Usage;
            }
        }

        var registry = services.GetRequiredService<TenantRegistry>();
        await registry.ReloadAsync(ct);
        IReadOnlyCollection<TenantInfo> tenants;
        if (slug is null) tenants = registry.All;
        else if (await registry.FindAsync(slug, ct) is { } one) tenants = [one];
        else
        {
            await output.WriteLineAsync($"No tenant '{slug}'. Tenants: {string.Join(", ", registry.All.Select(t => t.Identifier))}.");
            return Usage;
        }

        var runner = services.GetRequiredService<PerTenantRunner>();
        var result = Intact;
        foreach (var tenant in tenants)
        {
            AuditChainReport report = null!;
            await runner.RunForAsync(tenant, async (sp, token) => report = await sp.GetRequiredService<AuditChain>().VerifyAsync(token), ct);
            var before = report.Unchained > 0 ? $", {report.Unchained} from before the chain (not verifiable)" : "";
            if (report.Break is { } b)
            {
                result = Broken;
                var row = b.RowId is { } id ? $" (row {id})" : "";
                await output.WriteLineAsync($"{tenant.Identifier}: BROKEN at entry {b.Sequence}{row}: {b.Problem}. " +
                                            $"{report.Entries} entries intact before it{before}.");
            }
            else
            {
                var head = report.HeadSequence is { } h ? $"; head {h} {report.HeadHash}" : "";
                await output.WriteLineAsync($"{tenant.Identifier}: intact, {report.Entries} entries{before}{head}.");
            }
        }
        return result;
    }
}
