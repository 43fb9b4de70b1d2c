using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Benchmarks;

// Record tail (issue 21, ADR 0036): the suite's record page at 8 concurrent, on the demo tenants only
// (no generated data), with the audit group commit off and on in turns in one process, so that both
// see the same load. `dotnet run -c Release --project bench/Benchmarks -- recordtail`; SUITE_SECONDS
// per turn (10), SUITE_TURNS pairs (3), SUITE_DATABASE/SUITE_PG as for the suite. Prints its table.
internal static partial class SuiteBenchmark
{
    public static void RecordTail() => RecordTailAsync().GetAwaiter().GetResult();

    private static async Task RecordTailAsync()
    {
        var root = Bench.FindRoot();
        var data = Path.Combine(Path.GetTempPath(), "shub-tail-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        var seconds = EnvInt("SUITE_SECONDS", 10);
        var turns = EnvInt("SUITE_TURNS", 3);
        string? pgDatabase = null;
        if (Postgres)
        {
            pgDatabase = "shub_tail_" + Guid.NewGuid().ToString("N")[..12];
            await PgExecuteAsync(PgServer, $"CREATE DATABASE \"{pgDatabase}\"");
        }
        try
        {
            await using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b => ConfigureApp(b, root, pgDatabase, Path.Combine(data, "tail.db")));
            app.UseKestrel(0);
            app.StartServer();
            var tenant = await app.Services.GetRequiredService<TenantRegistry>().FindAsync(PageTenant) ?? throw new InvalidOperationException("no tenant");
            var templates = await TemplatesAsync(app.Services.GetRequiredService<PerTenantRunner>(), tenant);
            var url = $"/{PageTenant}/records/{templates.Agreements[0]}";
            var client = await SignedInClientAsync(app, PageTenant, "lead");

            Console.WriteLine($"Record tail, {(Postgres ? "PostgreSQL" : "SQLite file")}, {Workers} workers, {seconds} s a turn, load {LoadAverage()}");
            Console.WriteLine("| Turn | Group commit | Requests | p50 | p95 | p99 | Max | Throughput | Load |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            for (var turn = 1; turn <= turns; turn++)
                foreach (var grouped in new[] { false, true })
                {
                    AuditGroupCommit.Enabled = grouped;
                    var row = await LoadAsync(client, grouped ? "on" : "off", url, seconds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {turn} | {row.Name} | {row.Requests:N0}{(row.Errors > 0 ? $" ({row.Errors} errors)" : "")} | {row.P50:0} ms | {row.P95:0} ms | {row.P99:0} ms | {row.Max:0} ms | {row.Requests / row.Seconds:0.0} req/s | {LoadAverage()} |"));
                }
            AuditGroupCommit.Enabled = true;
        }
        finally
        {
            if (pgDatabase is not null) await PgExecuteAsync(PgServer, $"DROP DATABASE IF EXISTS \"{pgDatabase}\" WITH (FORCE)");
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
