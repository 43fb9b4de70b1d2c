using System.Globalization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace SupervisionHub.Benchmarks;

// Floor of a signed-in page (issue 21, ADR 0041): on the demo tenants only (no generated data), the suite's
// baseline page, the layout alone, the layout and the person's row, the sign-in page and the real pages,
// in turns, at 8 concurrent. `dotnet run -c Release --project bench/Benchmarks -- floor`; SUITE_SECONDS
// per page (5), SUITE_TURNS rounds (2). Prints its table: each page's throughput against the baseline of its turn.
internal static partial class SuiteBenchmark
{
    public static void Floor() => FloorAsync().GetAwaiter().GetResult();

    private static async Task FloorAsync()
    {
        var root = Bench.FindRoot();
        var data = Path.Combine(Path.GetTempPath(), "shub-floor-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        var seconds = EnvInt("SUITE_SECONDS", 5);
        var turns = EnvInt("SUITE_TURNS", 2);
        try
        {
            await using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
            {
                ConfigureApp(b, root, null, Path.Combine(data, "floor.db"));
                b.ConfigureTestServices(services => services.AddRazorPages().AddApplicationPart(typeof(SuiteBenchmark).Assembly));
            });
            app.UseKestrel(0);
            app.StartServer();
            var client = await SignedInClientAsync(app, PageTenant, "lead");
            var small = await SignedInClientAsync(app, SmallTenant, "lead");
            var t = PageTenant;
            var targets = new (string Name, HttpClient Client, string Url)[]
            {
                ("Baseline (no layout, no database)", client, $"/{t}/bench/minimal"),
                ("Layout only, signed in", client, $"/{t}/bench/layout"),
                ("Layout and the person's row", client, $"/{t}/bench/user"),
                ("Sign-in page (anonymous)", client, $"/{t}/account/sign-in"),
                ("Rules", client, $"/{t}/workflows"),
                ("Home (demo ralph-thoresby)", client, $"/{t}"),
                ("Compliance report (demo ralph-thoresby)", client, $"/{t}/reports/compliance"),
                ("Home (demo ascent)", small, $"/{SmallTenant}"),
            };
            Console.WriteLine($"Floor, SQLite file, {Workers} workers, {seconds} s a page, load {LoadAverage()}");
            Console.WriteLine("| Turn | Page | Requests | p50 | Throughput | vs baseline | HTML | Load |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            for (var turn = 1; turn <= turns; turn++)
            {
                double baseline = 0;
                foreach (var (name, c, url) in targets)
                {
                    var row = await LoadAsync(c, name, url, seconds); // the sign-in page with the signed-in client, as in the suite
                    var rate = row.Requests / row.Seconds;
                    if (baseline == 0) baseline = rate;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {turn} | {name} | {row.Requests:N0}{(row.Errors > 0 ? $" ({row.Errors} errors)" : "")} | {row.P50:0} ms | {rate:0.0} req/s | {rate / baseline:0.00}x | {row.Bytes / Math.Max(1, row.Requests) / 1024.0:0} KB | {LoadAverage()} |"));
                }
            }
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
