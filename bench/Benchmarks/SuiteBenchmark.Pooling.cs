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
        Console.WriteLine($"Pooling turns, {(Postgres ? "PostgreSQL" : "SQLite")}, {Workers} workers, {seconds} s a page; each page off and on back to back (the order swapped every turn)");
        Console.WriteLine("| Turn | Page | Off: p50 | Off: throughput | On: p50 | On: throughput | On / off | Load |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        for (var turn = 1; turn <= turns; turn++)
            foreach (var (page, tenant, url) in new[]
                     {
                         ("Baseline", PageTenant, $"/{PageTenant}/bench/minimal"), ("Home, big tenant", PageTenant, $"/{PageTenant}"),
                         ("Home, small tenant", SmallTenant, $"/{SmallTenant}"), ("Compliance report, big tenant", PageTenant, $"/{PageTenant}/reports/compliance"),
                     })
            {
                var rows = new Dictionary<string, PageRow>();
                foreach (var (name, big, small) in turn % 2 == 1 ? apps : apps.Reverse())
                    rows[name] = await LoadAsync(tenant == SmallTenant ? small : big, page, url, seconds);
                double Rate(PageRow r) => r.Requests / r.Seconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {turn} | {page} | {rows["off"].P50:0.0} ms | {Rate(rows["off"]):0.0} req/s | {rows["on"].P50:0.0} ms | {Rate(rows["on"]):0.0} req/s | {Rate(rows["on"]) / Rate(rows["off"]):0.00} | {LoadAverage()} |"));
            }
    }
}
