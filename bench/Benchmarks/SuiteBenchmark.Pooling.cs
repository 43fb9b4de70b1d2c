using System.Globalization;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SupervisionHub.Benchmarks;

// Pooled contexts on and off against the same data in one run (docs/benchmarks.md "Pages 2 (ADR 0046)"):
// SUITE_POOLING_TURNS=n runs, after the suite's pages, n turns of the home pages and the report on a second
// app built with Database:Pooling=false and on the suite's own (pooled) app, back to back, each turn with
// its own baseline. Printed only; the SUITE sections are not changed.
internal static partial class SuiteBenchmark
{
    private static async Task PoolingTurnsAsync(WebApplicationFactory<global::Program> pooledApp, Func<WebApplicationFactory<global::Program>> unpooledApp)
    {
        var turns = Environment.GetEnvironmentVariable("SUITE_POOLING_TURNS") is { } v && int.TryParse(v, out var n) ? n : 0;
        if (turns <= 0) return;
        await using var off = unpooledApp();
        off.UseKestrel(0);
        off.StartServer();
        var apps = new (string Name, HttpClient Big, HttpClient Small)[]
        {
            ("off", await SignedInClientAsync(off, PageTenant, "lead"), await SignedInClientAsync(off, SmallTenant, "lead")),
            ("on", await SignedInClientAsync(pooledApp, PageTenant, "lead"), await SignedInClientAsync(pooledApp, SmallTenant, "lead")),
        };
        var seconds = EnvInt("SUITE_POOLING_SECONDS", SecondsPerPage);
        Console.WriteLine($"Pooling turns, {(Postgres ? "PostgreSQL" : "SQLite")}, {Workers} workers, {seconds} s a page");
        Console.WriteLine("| Turn | Pooling | Page | Requests | p50 | p99 | Throughput | vs baseline | Load |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        for (var turn = 1; turn <= turns; turn++)
            foreach (var (name, big, small) in apps)
            {
                double baseline = 0;
                foreach (var (page, client, url) in new[]
                         {
                             ("Baseline", big, $"/{PageTenant}/bench/minimal"), ("Home, big tenant", big, $"/{PageTenant}"),
                             ("Home, small tenant", small, $"/{SmallTenant}"), ("Compliance report, big tenant", big, $"/{PageTenant}/reports/compliance"),
                         })
                {
                    var row = await LoadAsync(client, page, url, seconds);
                    var rate = row.Requests / row.Seconds;
                    if (baseline == 0) baseline = rate;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {turn} | {name} | {page} | {row.Requests:N0}{(row.Errors > 0 ? $" ({row.Errors} errors)" : "")} | {row.P50:0.0} ms | {row.P99:0.0} ms | {rate:0.0} req/s | {rate / baseline:0.000}x | {LoadAverage()} |"));
                }
            }
    }
}
