using System.Globalization;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace SupervisionHub.Benchmarks;

internal static partial class SuiteBenchmark
{
    /// <summary>
    /// `-- pageprobe`: one page of the big tenant against the suite's baseline, in turns, on a suite database kept with
    /// SUITE_KEEP_DATA=1 (PROBE_DB), without generating anything: the suite's page measure alone, to profile or to compare
    /// builds. PROBE_PAGE the page's path after the tenant (reports/compliance), PROBE_SECONDS per page (10), PROBE_TURNS (3), PROBE_SAVE a file to write the page to.
    /// Each turn prints its monotonic start and end, for `perf record -k CLOCK_MONOTONIC`.
    /// </summary>
    public static void PageProbe() => PageProbeAsync().GetAwaiter().GetResult();

    private static async Task PageProbeAsync()
    {
        var root = Bench.FindRoot();
        var file = Environment.GetEnvironmentVariable("PROBE_DB") ?? throw new InvalidOperationException("PROBE_DB: a kept suite database (SUITE_KEEP_DATA=1)");
        var page = Environment.GetEnvironmentVariable("PROBE_PAGE") ?? "reports/compliance";
        var seconds = EnvInt("PROBE_SECONDS", 10);
        var turns = EnvInt("PROBE_TURNS", 3);
        await using var app = await ProbeAppAsync(root, file, b =>
            b.ConfigureTestServices(services => services.AddRazorPages().AddApplicationPart(typeof(SuiteBenchmark).Assembly)));
        var client = await SignedInClientAsync(app, PageTenant, "lead");
        // PROBE_SAVE=file: the page as the lead gets it, written once before the turns (to see what its bytes are).
        if (Environment.GetEnvironmentVariable("PROBE_SAVE") is { Length: > 0 } save)
            await File.WriteAllTextAsync(save, await client.GetStringAsync($"/{PageTenant}/{page}"));
        Console.WriteLine($"page probe: /{PageTenant}/{page} against the baseline, {Workers} workers, {seconds} s a page, load {LoadAverage()}");
        for (var turn = 1; turn <= turns; turn++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var baseline = await LoadAsync(client, "baseline", $"/{PageTenant}/bench/minimal", seconds);
            var middle = System.Diagnostics.Stopwatch.GetTimestamp();
            var row = await LoadAsync(client, page, $"/{PageTenant}/{page}", seconds);
            var end = System.Diagnostics.Stopwatch.GetTimestamp();
            double Rate(PageRow r) => r.Requests / r.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"probe page turn {turn}: baseline {Rate(baseline):0} req/s, page {Rate(row):0} req/s (p50 {row.P50:0} ms, p99 {row.P99:0} ms, {row.Bytes / Math.Max(1, row.Requests) / 1024.0:0} KB{(row.Errors > 0 ? $", {row.Errors} errors" : "")}), "
                + $"{Rate(row) / Rate(baseline):0.00}x; monotonic page {middle / (double)System.Diagnostics.Stopwatch.Frequency:0.000}-{end / (double)System.Diagnostics.Stopwatch.Frequency:0.000}; load {LoadAverage()}"));
        }
    }
}
