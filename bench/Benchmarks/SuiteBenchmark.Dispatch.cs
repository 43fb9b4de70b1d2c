using System.Diagnostics;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Benchmarks;

// Every event the sweep raised, dispatched twice on the same data (ADR 0051): tenant after tenant as the suite did
// before (the baseline, in SuiteBenchmark.cs), then by the workflow worker's own pass, several tenants at once.
internal static partial class SuiteBenchmark
{
    /// <summary>SUITE_ONLY=dispatch: generate the data, the rounds, the sweep and the dispatch rows; no pages, the table is not rewritten.</summary>
    private static bool DispatchOnly => Environment.GetEnvironmentVariable("SUITE_ONLY") == "dispatch";

    /// <summary>
    /// Copies the database as it stands, or puts that copy back (<paramref name="restore"/>), with no app attached:
    /// the SQLite file (and its write-ahead log if one is left), or a PostgreSQL database made from it as a template.
    /// </summary>
    private static async Task SnapshotAsync(string data, string? pgDatabase, bool restore)
    {
        if (pgDatabase is not null)
        {
            if (!restore) await PgExecuteAsync(PgServer, $"CREATE DATABASE \"{pgDatabase}_copy\" TEMPLATE \"{pgDatabase}\"");
            else
            {
                await PgExecuteAsync(PgServer, $"DROP DATABASE \"{pgDatabase}\" WITH (FORCE)");
                await PgExecuteAsync(PgServer, $"ALTER DATABASE \"{pgDatabase}_copy\" RENAME TO \"{pgDatabase}\"");
            }
            return;
        }
        var live = Path.Combine(data, "bench.db");
        var copy = Path.Combine(data, "copy.db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var (from, to) = restore ? (copy + suffix, live + suffix) : (live + suffix, copy + suffix);
            if (File.Exists(to)) File.Delete(to);
            if (File.Exists(from)) File.Copy(from, to);
        }
    }

    /// <summary>A freshly started app on the database as it stands, and its registry's, runner's and tenants' views.</summary>
    private static async Task<(WebApplicationFactory<global::Program>, TenantRegistry, PerTenantRunner, List<TenantInfo>)> RestartAsync(
        Func<bool, WebApplicationFactory<global::Program>> newApp, List<TenantInfo> tenants)
    {
        var app = newApp(true);
        app.UseKestrel(0);
        app.StartServer();
        var registry = app.Services.GetRequiredService<TenantRegistry>();
        var fresh = new List<TenantInfo>();
        foreach (var t in tenants) fresh.Add(await registry.FindAsync(t.Identifier) ?? throw new InvalidOperationException($"No tenant {t.Identifier}"));
        return (app, registry, app.Services.GetRequiredService<PerTenantRunner>(), fresh);
    }

    /// <summary>
    /// Every event left, dispatched by <see cref="WorkflowWorker.PassAsync"/> with the worker's own degree (Workflows:Parallelism,
    /// else the processor count; SUITE_DISPATCH_DEGREE overrides it here): each tenant's rounds (events, timers, schedules), several
    /// tenants at once, the busy ones again at once, until a pass dispatches nothing or SUITE_DISPATCH_SECONDS have passed.
    /// </summary>
    private static async Task EveryEventByTheWorkerAsync(IServiceProvider services, PerTenantRunner runner, List<TenantInfo> tenants, List<string> lines)
    {
        var cap = TimeSpan.FromSeconds(EnvInt("SUITE_DISPATCH_SECONDS", 300));
        var degree = EnvInt("SUITE_DISPATCH_DEGREE", WorkflowWorker.DegreeFrom(services.GetRequiredService<IConfiguration>()));
        var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var rounds = new System.Collections.Concurrent.ConcurrentBag<RoundSeen>();
        var dispatched = await WorkflowWorker.PassAsync(runner, degree, cap, CancellationToken.None, rounds.Add);
        var seconds = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var left = 0;
        foreach (var tenant in tenants)
            await runner.RunForAsync(tenant, async (sp, ct) => left += await sp.GetRequiredService<AppDbContext>().Events.CountAsync(e => e.DispatchedAt == null, ct), CancellationToken.None);
        lines.Add($"| Workflow events through the database: every event left after the sweep, all {tenants.Count} tenants, by the worker (`WorkflowWorker.PassAsync`, {degree} tenants at once, rounds of {WorkflowWorker.RoundSize}), the same data as the row above | 1 | {seconds:0.0} s{(left > 0 ? $" (stopped at {cap.TotalSeconds:0} s)" : "")} | {dispatched / seconds:0.0} events/s | {seconds * 1000 / Math.Max(1, dispatched):0.0} ms an event | "
                  + $"{(GC.GetTotalAllocatedBytes(precise: true) - allocBefore) / 1024.0 / 1024.0:N0} MB allocated | {dispatched:N0} events dispatched, {left:N0} left undispatched ({cpu:0.0} s of processor time; load averages {LoadAverage()}); {PassProfile(rounds)} |");
        Console.WriteLine(lines[^1]);
    }

    /// <summary>
    /// Issue 21's "2,000 a second in the 20,000-supervisee tenant": every event of <see cref="PageTenant"/> alone, its rounds
    /// one after another as its lease allows, in a service that has been dispatching (mse-icb's events first, not counted:
    /// the one-round row above is the process's first dispatch, mostly compiling). The same data as the rows above (ADR 0057).
    /// </summary>
    private static async Task BigTenantAloneAsync(PerTenantRunner runner, List<TenantInfo> tenants, List<string> lines)
    {
        var warm = await DispatchTenantAsync(runner, tenants.First(t => t.Identifier == "mse-icb"));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        var (events, rounds, profile) = await DispatchTenantAsync(runner, tenants.First(t => t.Identifier == PageTenant));
        var seconds = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        lines.Add($"| Workflow events through the database: every event of {PageTenant} alone, rounds of `WorkflowHost.DispatchEventsAsync({WorkflowWorker.RoundSize})` one after another (its lease), after mse-icb's {warm.Events:N0} (not counted) | 1 | {seconds:0.0} s | {events / seconds:0.0} events/s | {seconds * 1000 / Math.Max(1, events):0.00} ms an event | "
                  + $"{(GC.GetTotalAllocatedBytes(precise: true) - allocBefore) / 1024.0 / 1024.0:N0} MB allocated | {events:N0} events in {rounds} rounds ({cpu:0.0} s of processor time, {cpu * 1000 / Math.Max(1, events):0.00} ms an event; load averages {LoadAverage()}); "
                  + $"time in {string.Join(", ", profile.Where(p => !p.Key.EndsWith("Bytes", StringComparison.Ordinal)).Select(p => $"{p.Key.ToLowerInvariant()} {p.Value:0.00} s"))} |");
        Console.WriteLine(lines[^1]);
    }

    /// <summary>A tenant's events, rounds of the worker's size one after another until none is left; the host's profile summed (seconds, megabytes).</summary>
    private static async Task<(int Events, int Rounds, Dictionary<string, double> Profile)> DispatchTenantAsync(PerTenantRunner runner, TenantInfo tenant)
    {
        var (events, rounds) = (0, 0);
        var sums = new Dictionary<string, double>();
        int n;
        do
        {
            n = 0;
            await runner.RunForAsync(tenant, async (sp, ct) =>
            {
                var host = sp.GetRequiredService<WorkflowHost>();
                n = await host.DispatchEventsAsync(WorkflowWorker.RoundSize, ct);
                foreach (var p in host.Profile.GetType().GetProperties())
                    sums[p.Name] = sums.GetValueOrDefault(p.Name) + p.GetValue(host.Profile) switch { TimeSpan t => t.TotalSeconds, long b => b / 1024.0 / 1024.0, _ => 0 };
            }, CancellationToken.None);
            events += n;
            rounds++;
        } while (n > 0);
        return (events, rounds, sums);
    }

    /// <summary>Where a pass's time went: the busiest tenant's rounds against everyone else's (ADR 0056).</summary>
    private static string PassProfile(IEnumerable<RoundSeen> rounds)
    {
        var all = rounds.ToList();
        if (all.Count == 0) return "no rounds";
        var busiest = all.GroupBy(r => r.Tenant).MaxBy(g => g.Sum(r => r.Events))!;
        var others = all.Where(r => r.Tenant != busiest.Key && r.Events > 0).ToList();
        var othersEnd = others.Count == 0 ? TimeSpan.Zero : others.Max(r => r.Ended);
        var end = busiest.Max(r => r.Ended);
        return $"pass profile: {all.Count:N0} rounds; the busiest tenant, {busiest.Key}, {busiest.Sum(r => r.Events):N0} events in {busiest.Count(r => r.Events > 0)} rounds "
               + $"from {busiest.Min(r => r.Began).TotalSeconds:0.0} s to {end.TotalSeconds:0.0} s; every other tenant's events done by {othersEnd.TotalSeconds:0.0} s"
               + (end > othersEnd ? $" (the busiest alone for the last {(end - othersEnd).TotalSeconds:0.0} s)" : "");
    }
}
