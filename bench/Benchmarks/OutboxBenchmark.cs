using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Benchmarks;

// Outbox benchmark (issue 6): 1,000 emails queued for one tenant, sent through the real OutboxSender
// to a real SMTP server (maildev, tools/maildev) until none is waiting; maildev's REST API then
// confirms exactly 1,000 arrived, none twice. Twice: rounds back to back (what the sender can do),
// and the real OutboxWorker loop with its default settings (what the service does).
// Writes its table between the OUTBOX markers.
internal static class OutboxBenchmark
{
    private const string Tenant = "river-tees";
    private const int Emails = 1_000;
    private const string From = "noreply@supervisionhub.example";

    internal sealed record Row(string Name, string Time, string Rate, string Latency, string Memory, string Note);

    public static void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>Runs the three rows, writes the OUTBOX section and returns the rows (the suite benchmark reports them too).</summary>
    internal static async Task<List<Row>> RunAsync()
    {
        var root = Bench.FindRoot();
        var loadBefore = LoadAverage();
        var data = Path.Combine(Path.GetTempPath(), "shub-outboxbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var maildev = await SmtpServer.StartAsync(root);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(data, "bench.db")}");
            b.UseSetting("Tenants:Root", Path.Combine(root, "tenants"));
            b.UseSetting("Demo:Seed", "true");
            b.UseSetting("Demo:Password", "Bench-password-1");
            b.UseSetting("Smtp:Host", "127.0.0.1");
            b.UseSetting("Smtp:Port", maildev.SmtpPort.ToString(CultureInfo.InvariantCulture));
            b.UseSetting("Smtp:UseTls", "none");
            b.UseSetting("Smtp:From", From);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.ConfigureTestServices(services =>
            {
                // No background loops: the benchmark runs the send rounds (and starts the outbox worker itself for the second row).
                foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                             && (d.ImplementationType == typeof(WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService)
                                 || d.ImplementationType == typeof(OutboxWorker))).ToList())
                    services.Remove(hosted);
            });
        });
        _ = app.Server; // migrate, import tenants, seed demo accounts
        var smtp = app.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        var runner = app.Services.GetRequiredService<PerTenantRunner>();
        var tenant = await app.Services.GetRequiredService<TenantRegistry>().FindAsync(Tenant) ?? throw new InvalidOperationException($"No tenant {Tenant}");

        async Task<T> In<T>(Func<IServiceProvider, CancellationToken, Task<T>> work)
        {
            T result = default!;
            await runner.RunForAsync(tenant, async (sp, ct) => result = await work(sp, ct), CancellationToken.None);
            return result;
        }
        Task<int> RoundAsync() => In((sp, ct) => sp.GetRequiredService<OutboxSender>().SendDueAsync(OutboxWorker.WorkerId, ct));
        Task<int> WaitingAsync() => In((sp, ct) => sp.GetRequiredService<AppDbContext>().Outbox.CountAsync(m => m.SentAt == null && m.FailedAt == null, ct));

        // Warm-up, untimed: whatever start-up queued in any tenant (the worker loop visits them all), plus a few of
        // our own (JIT, MailKit, maildev's first connection).
        await QueueAsync(runner, tenant, "warm-up", 20);
        for (var sentInRound = 1; sentInRound > 0;)
        {
            sentInRound = 0;
            await runner.RunForEachAsync("outbox", async (sp, ct) => sentInRound += await sp.GetRequiredService<OutboxSender>().SendDueAsync(OutboxWorker.WorkerId, ct), CancellationToken.None);
        }
        if (await WaitingAsync() is var left and > 0) throw new InvalidOperationException($"{left} warm-up emails not sent");
        await maildev.ClearAsync();

        var rows = new List<Row>();
        var notes = new List<string>();

        // 1. Rounds back to back: the sender's own capacity, with the default batch and then a larger one
        // (set on the options instance the sender reads, as Smtp:BatchSize would: fewer rounds, so fewer SMTP connections).
        var defaultBatch = smtp.BatchSize;
        foreach (var (run, batch) in new[] { ("rounds", defaultBatch), ("rounds-500", 500) })
        {
            smtp.BatchSize = batch;
            var queued = await QueueAsync(runner, tenant, run, Emails);
            var (seconds, rounds, alloc) = await TimeAsync(async () =>
            {
                var n = 0;
                while (await RoundAsync() > 0) n++;
                return n;
            });
            rows.Add(await RowAsync($"`OutboxSender.SendDueAsync` rounds back to back (BatchSize {smtp.BatchSize}), each in a fresh tenant scope",
                run, queued, seconds, alloc, rounds, maildev, runner, tenant, notes));
            await maildev.ClearAsync();
        }
        smtp.BatchSize = defaultBatch;

        // 2. The real background loop, as configured by default: a round every PollSeconds, tenant by tenant.
        {
            var run = "worker";
            var queued = await QueueAsync(runner, tenant, run, Emails);
            var worker = ActivatorUtilities.CreateInstance<OutboxWorker>(app.Services);
            var (seconds, _, alloc) = await TimeAsync(async () =>
            {
                await worker.StartAsync(CancellationToken.None);
                while (await WaitingAsync() > 0) await Task.Delay(200);
                await worker.StopAsync(CancellationToken.None);
                return 0;
            });
            rows.Add(await RowAsync($"`OutboxWorker` background loop, defaults (PollSeconds {smtp.PollSeconds}, BatchSize {smtp.BatchSize})",
                run, queued, seconds, alloc, (int)Math.Ceiling(Emails / (double)smtp.BatchSize), maildev, runner, tenant, notes));
        }

        var loadAfter = LoadAverage();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release build; SQLite file, in-process app, maildev 2.2.1 on 127.0.0.1 (no TLS).");
        if (loadBefore is not null)
            table.AppendLine(CultureInfo.InvariantCulture, $"Machine load (1-minute load average, /proc/loadavg) {loadBefore} at the start and {loadAfter} at the end: on 2 shared cores, anything over 2 means other work competed for the CPU.");
        foreach (var n in notes) table.AppendLine(n);
        table.AppendLine();
        table.AppendLine("| What | Emails | Time | Rate | Latency p50 / p95 | Memory | Notes |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in rows) table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {Emails:N0} | {r.Time} | {r.Rate} | {r.Latency} | {r.Memory} | {r.Note} |");
        Console.WriteLine(table);
        Bench.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), "OUTBOX", table.ToString());
        try { Directory.Delete(data, recursive: true); } catch (IOException) { /* a file still open; it is in the temp folder */ }
        return rows;
    }

    private static async Task<(double Seconds, int Rounds, long Allocated)> TimeAsync(Func<Task<int>> work)
    {
        var allocated = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        var rounds = await work();
        return (sw.Elapsed.TotalSeconds, rounds, GC.GetTotalAllocatedBytes(true) - allocated);
    }

    private static async Task<Row> RowAsync(string name, string run, DateTimeOffset queuedAt, double seconds, long allocated, int rounds,
        SmtpServer maildev, PerTenantRunner runner, TenantInfo tenant, List<string> notes)
    {
        // What the database says: every one sent, once, and when.
        var sent = new List<(DateTimeOffset Created, DateTimeOffset Sent)>();
        await runner.RunForAsync(tenant, async (sp, ct) =>
        {
            var rows = await sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.Subject.StartsWith($"Bench {run} "))
                .Select(m => new { m.CreatedAt, m.SentAt, m.Attempts }).ToListAsync(ct);
            if (rows.Count != Emails || rows.Any(r => r.SentAt is null || r.Attempts != 0))
                throw new InvalidOperationException($"{run}: {rows.Count(r => r.SentAt is not null)} of {rows.Count} marked sent, {rows.Count(r => r.Attempts > 0)} with failed attempts");
            sent.AddRange(rows.Select(r => (r.CreatedAt, r.SentAt!.Value)));
        }, CancellationToken.None);

        // What the server says: exactly 1,000 arrived, each subject and Message-Id once.
        var emails = await maildev.EmailsAsync();
        var subjects = emails.Select(e => (string?)e["subject"]).Where(s => s?.StartsWith($"Bench {run} ", StringComparison.Ordinal) == true).ToList();
        var ids = emails.Select(e => (string?)e["messageId"] ?? (string?)e["headers"]?["message-id"]).Where(id => id is not null).Distinct().Count();
        if (emails.Count != Emails || subjects.Count != Emails || subjects.Distinct().Count() != Emails || ids != Emails)
            throw new InvalidOperationException($"{run}: maildev has {emails.Count} emails, {subjects.Count} of this run, {subjects.Distinct().Count()} distinct subjects, {ids} distinct Message-Ids");

        var latency = sent.Select(s => (s.Sent - s.Created).TotalSeconds).Order().ToArray();
        var order = sent.Select(s => s.Sent).Order().ToArray();
        var gaps = order.Zip(order.Skip(1), (a, b) => (b - a).TotalMilliseconds).Order().ToArray();
        double P(double[] xs, double q) => xs[Math.Min(xs.Length - 1, (int)(xs.Length * q))];
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        notes.Add($"Row \"{run}\": all {Emails:N0} queued at {queuedAt:HH:mm:ss} in one transaction before the clock started; maildev then held {emails.Count:N0} emails of the run, "
                  + $"{subjects.Distinct().Count():N0} distinct subjects, {ids:N0} distinct Message-Ids; the database {Emails:N0} sent, none retried; "
                  + $"between one email's SentAt and the next: p50 {P(gaps, 0.5):0.0} ms, p95 {P(gaps, 0.95):0.0} ms, max {gaps[^1]:0} ms.");
        return new Row(name, $"{seconds:0.00} s", $"{Emails / seconds:0.0} emails/s",
            $"{P(latency, 0.5):0.00} s / {P(latency, 0.95):0.00} s", $"{allocated / 1048576.0:0} MB allocated (all threads); process peak working set so far {peak / 1048576.0:0} MB",
            $"{rounds} rounds; {seconds * 1000 / Emails:0.0} ms an email; latency is queued to sent with the whole backlog queued at once, so it grows with place in the queue");
    }

    /// <summary>Queues the emails as the app does (one row each, the tenant's own), ordinary length and Markdown, each with its own subject.</summary>
    private static async Task<DateTimeOffset> QueueAsync(PerTenantRunner runner, TenantInfo tenant, string run, int count)
    {
        var at = DateTimeOffset.UtcNow;
        await runner.RunForAsync(tenant, async (sp, ct) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var clock = sp.GetRequiredService<TimeProvider>();
            for (var i = 0; i < count; i++)
                db.Outbox.Add(new OutboxMessage($"person.{i}@{Tenant}.example", $"Bench {run} {i:0000}: supervision is overdue",
                    $"Dear Person {i},\n\nYour safeguarding supervision is **overdue**: the last session was more than six weeks ago.\n\n"
                    + $"Please book one with your supervisor: [book a session](https://supervisionhub.example/{Tenant}/supervision).\n\n"
                    + "This email was sent by SupervisionHub on behalf of your organisation.\n", clock.GetUtcNow()));
            await db.SaveChangesAsync(ct);
        }, CancellationToken.None);
        return at;
    }

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;

    /// <summary>maildev (tools/maildev) on free ports, as tests/Web.Tests/Email/Maildev.cs starts it.</summary>
    private sealed class SmtpServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;
        public int SmtpPort { get; }

        private SmtpServer(Process process, int smtpPort, int webPort)
        {
            _process = process;
            SmtpPort = smtpPort;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(60) };
        }

        public static async Task<SmtpServer> StartAsync(string root)
        {
            var exe = Path.Combine(root, "tools", "maildev", "node_modules", ".bin", "maildev");
            if (!File.Exists(exe)) throw new InvalidOperationException($"maildev is not installed at {exe}: run npm ci --prefix tools/maildev (or ./test.sh).");
            int smtpPort = FreePort(), webPort = FreePort();
            var process = Process.Start(new ProcessStartInfo(exe, ["--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "-s", $"{smtpPort}", "-w", $"{webPort}"])
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true }) ?? throw new InvalidOperationException("maildev did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new SmtpServer(process, smtpPort, webPort);
            for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
            {
                if (process.HasExited) throw new InvalidOperationException($"maildev exited at start with code {process.ExitCode}");
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, smtpPort);
                    await server.ClearAsync();
                    return server;
                }
                catch (Exception ex) when (ex is SocketException or HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline) { /* not up yet */ }
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async Task ClearAsync() => (await _http.DeleteAsync(new Uri("/email/all", UriKind.Relative))).EnsureSuccessStatusCode();

        public async Task<List<JsonObject>> EmailsAsync() =>
            JsonNode.Parse(await _http.GetStringAsync(new Uri("/email", UriKind.Relative)))!.AsArray().OfType<JsonObject>().ToList();

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            _http.Dispose();
        }
    }
}
