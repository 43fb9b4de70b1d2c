using System.Diagnostics;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Benchmarks;

internal static partial class SuiteBenchmark
{
    /// <summary>
    /// `-- dispatchprobe`: one tenant's events (PROBE_TENANT, ralph-thoresby by default) dispatched alone, rounds of the
    /// worker's size one after another until none is left, on a copy of a suite database kept after its sweep
    /// (PROBE_DB: the copy.db that SUITE_KEEP_DATA=1 leaves, or with SUITE_DATABASE=postgres the kept database's name; it is copied again for each turn, PROBE_TURNS). Each turn
    /// prints wall and processor time, allocation, collections, the host's profile summed over the rounds, and its
    /// monotonic start and end, for cutting `perf record -k CLOCK_MONOTONIC` samples per turn. Each turn is a new app.
    /// </summary>
    public static void DispatchProbe() => DispatchProbeAsync().GetAwaiter().GetResult();

    private static async Task DispatchProbeAsync()
    {
        var root = Bench.FindRoot();
        var source = Environment.GetEnvironmentVariable("PROBE_DB") ?? throw new InvalidOperationException("PROBE_DB: a suite database kept after its sweep (copy.db)");
        var name = Environment.GetEnvironmentVariable("PROBE_TENANT") ?? PageTenant;
        var turns = EnvInt("PROBE_TURNS", 2);
        for (var turn = 1; turn <= turns; turn++)
        {
            // A new file each turn: the last turn's pooled connections may still map the one before.
            // On PostgreSQL (SUITE_DATABASE=postgres, PROBE_DB the kept database's name) a new database made from it.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            string file;
            if (Postgres)
            {
                file = $"{source}_probe{turn}";
                await PgExecuteAsync(PgServer, $"DROP DATABASE IF EXISTS \"{file}\" WITH (FORCE)");
                await PgExecuteAsync(PgServer, $"CREATE DATABASE \"{file}\" TEMPLATE \"{source}\"");
            }
            else
            {
                file = Path.Combine(Path.GetDirectoryName(source)!, $"probe{turn}.db");
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
                File.Copy(source, file);
            }
            var app = await ProbeAppAsync(root, file, b => // disposed below, before its files are deleted
                b.ConfigureTestServices(LogQueries));
            var registry = app.Services.GetRequiredService<TenantRegistry>();
            var tenant = registry.All.First(t => t.Identifier == name);
            var runner = app.Services.GetRequiredService<PerTenantRunner>();
            // PROBE_WARM (e.g. mse-icb): another tenant's events dispatched first in the same app, not counted, so the
            // measured tenant's rounds run on compiled code and queries, as in a service that has been dispatching.
            if (Environment.GetEnvironmentVariable("PROBE_WARM") is { Length: > 0 } warm)
                Console.WriteLine($"probe warmed on {warm}: {(await DispatchTenantAsync(runner, registry.All.First(t => t.Identifier == warm))).Events:N0} events");
            var gc = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var alloc = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            // PROBE_QUERYLOG=1: every statement of the measured rounds timed (it costs a little), by shape, the costliest first.
            var logged = Environment.GetEnvironmentVariable("PROBE_QUERYLOG") == "1";
            if (logged) QueryLog.Instance.Start();
            // PROBE_ALLOC=1: the measured rounds' methods compiled and allocation by type (RuntimeProfile).
            using var profile = RuntimeProfile.FromEnvironment();
            profile?.Start();
            var (events, rounds, sums) = await DispatchTenantAsync(runner, tenant);
            var end = Stopwatch.GetTimestamp();
            profile?.Report("  ", types: true, top: 25);
            if (logged)
                foreach (var g in QueryLog.Instance.Stop().GroupBy(c => c.Sql).OrderByDescending(g => g.Sum(c => c.Ms)).Take(20))
                    Console.WriteLine($"  query log: {g.Sum(c => c.Ms),8:0} ms {g.Count(),6}x  {g.Key}");
            var wall = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
            Console.WriteLine($"probe dispatch turn {turn}, {name}: {events:N0} events in {rounds} rounds, wall {wall:0.00} s ({events / wall:0} events/s), "
                              + $"processor {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s, {(GC.GetTotalAllocatedBytes(precise: true) - alloc) / 1024.0 / 1024.0:N0} MB, "
                              + $"gc {GC.CollectionCount(0) - gc.Item1}/{GC.CollectionCount(1) - gc.Item2}/{GC.CollectionCount(2) - gc.Item3}; "
                              + string.Join(", ", sums.Select(s => $"{s.Key.ToLowerInvariant()} {s.Value:0.00}")) + "; "
                              + $"monotonic {start / (double)Stopwatch.Frequency:0.000}-{end / (double)Stopwatch.Frequency:0.000}; load {LoadAverage()}");
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (Postgres) await PgExecuteAsync(PgServer, $"DROP DATABASE IF EXISTS \"{file}\" WITH (FORCE)");
            else foreach (var suffix in new[] { "", "-wal", "-shm", ".startup-lock" }) File.Delete(file + suffix);
        }
    }
}
