using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Cronos;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Benchmarks;

// The long fault run (issue 16): the built service as a real process on SQLite, killed with SIGKILL
// at random moments (during start-up and under load) at least 100 times while work keeps arriving:
// attended sessions whose rule emails and then waits, waits whose time-out falls due, a monthly
// scheduled rule made due again and again, and bursts of emails; with the SMTP server (maildev) down
// for ten minutes in the middle. Then one last start drains everything, and the run counts, from the
// database and from what maildev received (by Message-Id): emails created, delivered, delivered
// twice, lost; events dispatched twice, time-outs run twice, scheduled occurrences lost or run twice;
// cycles survived. Writes its table into docs/operations.md between the FAULTS markers.
//   dotnet run -c Release --project bench/Benchmarks -- faults            (100 cycles, 10-minute outage)
//   SHUB_FAULT_CYCLES=20 SHUB_FAULT_OUTAGE_MINUTES=2 ... -- faults         (a shorter run; not written to the docs)
internal static class FaultsBenchmark
{
    private const string Tenant = "river-tees";
    /// <summary>The scheduled rule lives here: the first tenant of each round, so the event backlog of the other cannot put it off until the kill.</summary>
    private const string ScheduleTenant = "ascent";
    private const string Attended = "fault-attended";
    private const string Scheduled = "fault-scheduled";
    private const string Cron = "0 9 1 * *";
    private const string From = "noreply@supervisionhub.example";
    private const int SessionsPerCycle = 8;
    private const int EmailsPerCycle = 40;

    private const string AttendedRule = $$"""
        id: {{Attended}}
        title: Fault run - email on attendance, then wait for the record
        trigger: { event: session.attended }
        steps:
          - id: tell-supervisor
            send-email: { to: [supervisor], template: {{Attended}} }
          - id: wait-for-record
            wait:
              for: record.submitted
              match: session
              timeout: { days: 7 }
              onTimeout:
                - id: timed-out
                  send-email: { to: [supervisor], template: {{Attended}}-late }
        """;

    private const string ScheduledRule = $$"""
        id: {{Scheduled}}
        title: Fault run - the monthly reminder
        trigger: { schedule: "{{Cron}}" }
        steps:
          - id: remind
            send-email: { to: ["address:audit@ascent.example"], template: {{Scheduled}} }
        """;

    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        var root = Bench.FindRoot();
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("SHUB_FAULT_CYCLES"), out var c) ? c : 100;
        var outage = TimeSpan.FromMinutes(double.TryParse(Environment.GetEnvironmentVariable("SHUB_FAULT_OUTAGE_MINUTES"), CultureInfo.InvariantCulture, out var m) ? m : 10);
        var full = cycles >= 100 && outage >= TimeSpan.FromMinutes(10);
        var dll = Path.Combine(root, "src", "Web", "bin", "Release", "net10.0", "SupervisionHub.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build with -c Release first.");
        var data = Path.Combine(Path.GetTempPath(), "shub-faults-" + Guid.NewGuid().ToString("N"));
        var tenants = Path.Combine(data, "tenants");
        CopyTenants(Path.Combine(root, "tenants"), tenants);
        File.WriteAllText(Path.Combine(tenants, Tenant, "workflows", Attended + ".yaml"), AttendedRule);
        File.WriteAllText(Path.Combine(tenants, ScheduleTenant, "workflows", Scheduled + ".yaml"), ScheduledRule);
        File.WriteAllText(Path.Combine(tenants, Tenant, "emails", Attended + ".md"), "subject: Fault run: a session took place\n\nDear {{ recipient.name }},\n\nA session took place.\n\n[Open]({{ link }})\n");
        File.WriteAllText(Path.Combine(tenants, Tenant, "emails", Attended + "-late.md"), "subject: Fault run: no record yet\n\nDear {{ recipient.name }},\n\nNo record yet.\n\n[Open]({{ link }})\n");
        File.WriteAllText(Path.Combine(tenants, ScheduleTenant, "emails", Scheduled + ".md"), "subject: Fault run: the monthly reminder\n\nDear {{ recipient.name }},\n\nThe monthly reminder.\n\n[Open]({{ link }})\n");
        var database = Path.Combine(data, "faults.db");
        var run = Stopwatch.StartNew();
        var tally = new ConcurrentDictionary<string, int>(); // Message-Id -> deliveries, across maildev restarts

        var smtpPort = FreePort();
        var webPort = FreePort();
        var maildev = await Maildev.StartAsync(root, smtpPort, webPort);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        using var quiet = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={database}");
            b.UseSetting("Tenants:Root", tenants);
            b.UseSetting("Demo:Seed", "true");
            b.UseSetting("Demo:Password", "Fault-run-password-1");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.ConfigureTestServices(services =>
            {
                // The harness only queues work and reads outcomes, as an operator's tool would; the nodes do the work.
                foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)).ToList()) services.Remove(hosted);
            });
        });
        _ = quiet.Services; // migrate and seed once, before the first node

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={database}",
            ["Tenants:Root"] = tenants,
            ["Demo:Seed"] = "true",
            ["Demo:Password"] = "Fault-run-password-1",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Smtp:UseTls"] = "none",
            ["Smtp:From"] = From,
            ["Smtp:PollSeconds"] = "1",
            ["Smtp:BatchSize"] = "20",
            ["Smtp:TimeoutSeconds"] = "5",
            ["Smtp:ClaimSeconds"] = "15", // a killed node's email is free again in 15 s
            ["Workflows:PollSeconds"] = "1",
            ["Workflows:ClaimSeconds"] = "15",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var zone = await In(quiet, ScheduleTenant, sp => Task.FromResult(sp.GetRequiredService<ITenantContext>().Tenant.TimeZone));
        var now0 = DateTimeOffset.UtcNow;
        var occurrence = CronExpression.Parse(Cron).GetOccurrences(now0.AddDays(-40), now0, zone, fromInclusive: true, toInclusive: true).Last();
        int killedStarting = 0, resets = 0, failedStarts = 0;
        var outageStart = TimeSpan.FromMinutes(2);
        DateTimeOffset? outageBegan = null, outageEnded = null;
        var random = new Random(16);
        Console.WriteLine($"Fault run: {cycles} kill cycles, {outage.TotalMinutes:0} min SMTP outage from minute {outageStart.TotalMinutes:0}; data in {data}");

        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            // The SMTP outage: maildev killed (its inbox read first), brought back on the same port later.
            if (maildev is not null && outageBegan is null && run.Elapsed >= outageStart)
            {
                await maildev.TallyAsync(tally);
                await maildev.DisposeAsync();
                maildev = null;
                outageBegan = DateTimeOffset.UtcNow;
                Console.WriteLine($"[{run.Elapsed:hh\\:mm\\:ss}] SMTP server down");
            }
            if (maildev is null && outageBegan is { } began && DateTimeOffset.UtcNow - began >= outage)
            {
                maildev = await Maildev.StartAsync(root, smtpPort, webPort);
                outageEnded = DateTimeOffset.UtcNow;
                Console.WriteLine($"[{run.Elapsed:hh\\:mm\\:ss}] SMTP server up again");
            }

            await QueueWorkAsync(quiet, cycle);
            if (await ScheduledRunsAsync(quiet) >= resets)
            {
                await In(quiet, ScheduleTenant, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.Where(v => v.WorkflowId == Scheduled && v.IsCurrent)
                    .ExecuteUpdateAsync(u => u.SetProperty(v => v.LastScheduledAt, occurrence.AddDays(-20))));
                resets++;
            }

            await using var node = new Node(dll, settings);
            var ready = node.WaitReadyAsync(TimeSpan.FromMinutes(3));
            var failed = false;
            // A random moment: a quarter of the kills during start-up, the rest while it works.
            if (random.Next(4) == 0)
            {
                await Task.WhenAny(ready, Task.Delay(random.Next(500, 6000)));
                if (!ready.IsCompleted) killedStarting++;
            }
            else
            {
                try { await ready; }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
                {
                    failed = true;
                    Console.WriteLine($"Cycle {cycle}: the node did not start: {ex.Message}");
                }
                await Task.Delay(random.Next(1000, 8000));
            }
            if (node.Crashed) failed = true; // it stopped by itself before the kill
            if (failed) failedStarts++;
            await node.KillAsync();
            _ = ready.ContinueWith(t => t.Exception, TaskScheduler.Default); // a start cut short by the kill is expected
            if (cycle % 10 == 0) Console.WriteLine($"[{run.Elapsed:hh\\:mm\\:ss}] {cycle} cycles, {failedStarts} failed starts");
        }

        // Let the outage run its full length even if the cycles were quicker, then drain with one node left running.
        if (maildev is null)
        {
            if (outageBegan is { } b0 && DateTimeOffset.UtcNow - b0 < outage) await Task.Delay(outage - (DateTimeOffset.UtcNow - b0));
            maildev = await Maildev.StartAsync(root, smtpPort, webPort);
            outageEnded = DateTimeOffset.UtcNow;
        }
        Console.WriteLine($"[{run.Elapsed:hh\\:mm\\:ss}] Draining with one node");
        await using (var last = new Node(dll, settings))
        {
            await last.WaitReadyAsync(TimeSpan.FromMinutes(3));
            var drain = Stopwatch.StartNew();
            while (drain.Elapsed < TimeSpan.FromMinutes(45))
            {
                await In(quiet, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.Where(i => i.WorkflowId == Attended && i.Status == InstanceStatus.Waiting)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.DueAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
                var pending = await In(quiet, async sp =>
                {
                    var db = sp.GetRequiredService<AppDbContext>();
                    return await db.Outbox.CountAsync(o => o.SentAt == null && o.FailedAt == null)
                           + await db.Events.CountAsync(e => e.DispatchedAt == null)
                           + await db.WorkflowInstances.CountAsync(i => i.WorkflowId == Attended && i.Status == InstanceStatus.Waiting);
                }) + Math.Max(0, resets - await ScheduledRunsAsync(quiet));
                if (pending == 0) break;
                await Task.Delay(5000);
            }
            await Task.Delay(3000);
        }
        await maildev.TallyAsync(tally);
        await maildev.DisposeAsync();

        var figures = await In(quiet, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            // Every email of both tenants the run wrote to (the scheduled rule's go from the other).
            var outbox = (await db.Outbox.AsNoTracking().Select(o => new Email(o.Id, o.SentAt, o.FailedAt, o.Attempts)).ToListAsync())
                .Concat(await In(quiet, ScheduleTenant, other => other.GetRequiredService<AppDbContext>().Outbox.AsNoTracking()
                    .Select(o => new Email(o.Id, o.SentAt, o.FailedAt, o.Attempts)).ToListAsync())).ToList();
            var instances = await db.WorkflowInstances.AsNoTracking().Where(i => i.WorkflowId == Attended).Select(i => new { i.Id, i.TriggerEventId, i.Status }).ToListAsync();
            var timedOut = await db.JournalEntries.Where(j => j.StepId == "timed-out").GroupBy(j => j.InstanceId).Select(g => g.Count()).ToListAsync();
            return new
            {
                Created = outbox.Count,
                Sent = outbox.Count(o => o.SentAt != null),
                Unsent = outbox.Count(o => o.SentAt == null && o.FailedAt == null),
                GivenUp = outbox.Count(o => o.FailedAt != null),
                Retried = outbox.Count(o => o.SentAt != null && o.Attempts > 0),
                Ids = outbox.Select(o => o.Id).ToList(),
                Events = await db.Events.CountAsync(),
                Undispatched = await db.Events.CountAsync(e => e.DispatchedAt == null),
                Runs = instances.Count,
                EventsTwice = instances.GroupBy(i => i.TriggerEventId).Count(g => g.Count() > 1),
                Timers = timedOut.Count,
                TimersTwice = timedOut.Count(n => n > 1),
                StillWaiting = instances.Count(i => i.Status == InstanceStatus.Waiting),
            };
        });
        var scheduledRuns = await ScheduledRunsAsync(quiet);
        var delivered = figures.Ids.Count(id => tally.ContainsKey(MessageId(id)));
        var deliveries = figures.Ids.Sum(id => tally.TryGetValue(MessageId(id), out var n) ? n : 0);
        var twice = figures.Ids.Count(id => tally.TryGetValue(MessageId(id), out var n) && n > 1);
        var lost = figures.Created - delivered - figures.GivenUp;

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Last run {DateTime.UtcNow:yyyy-MM-dd}: `dotnet run -c Release --project bench/Benchmarks -- faults`, SQLite, one node at a time, {Environment.ProcessorCount} cores shared with other work, {run.Elapsed.TotalMinutes:0} minutes.");
        table.AppendLine();
        table.AppendLine("| What | Count |");
        table.AppendLine("|---|---|");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Kill -9 cycles (killed during start-up / while working) | {cycles} ({killedStarting} / {cycles - killedStarting}) |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Cycles the database survived (the next start came up ready) | {cycles - failedStarts} of {cycles} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| SMTP server down | {(outageEnded - outageBegan)?.TotalMinutes ?? 0:0.0} minutes |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Emails created | {figures.Created:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Emails delivered (distinct Message-Ids at the SMTP server) | {delivered:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Emails delivered twice (same Message-Id) | {twice:N0} ({deliveries - delivered:N0} extra deliveries) |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Emails lost (created, not given up, never delivered) | {lost:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Emails retried before delivery (a failed attempt visible to the admin) | {figures.Retried:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Emails given up | {figures.GivenUp:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Events raised / left undispatched | {figures.Events:N0} / {figures.Undispatched:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Attended sessions whose rule ran / ran twice for one event | {figures.Runs - figures.EventsTwice:N0} / {figures.EventsTwice:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Time-outs run / run twice | {figures.Timers:N0} / {figures.TimersTwice:N0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Scheduled occurrences made due / run | {resets} / {scheduledRuns} |");
        Console.WriteLine(table);
        if (full) Bench.WriteSection(Path.Combine(root, "docs", "operations.md"), "FAULTS", table.ToString());
        else Console.WriteLine("(A shorter run than 100 cycles and a 10-minute outage: docs/operations.md left as it was.)");
        try { Directory.Delete(data, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    private sealed record Email(Guid Id, DateTimeOffset? SentAt, DateTimeOffset? FailedAt, int Attempts);

    private static string MessageId(Guid id) => $"{id:N}@supervisionhub.example";

    /// <summary>Work arriving between kills: attended sessions of new supervisees, waits falling due, and a burst of emails.</summary>
    private static async Task QueueWorkAsync(WebApplicationFactory<global::Program> quiet, int cycle) => await In(quiet, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        var today = sp.GetRequiredService<ITenantContext>().Tenant.Today(TimeProvider.System);
        var supervisor = await db.Staff.Where(s => s.Email == $"supervisor@{Tenant}.example").Select(s => s.Id).SingleAsync();
        var normalizer = sp.GetRequiredService<ILookupNormalizer>();
        for (var i = 0; i < SessionsPerCycle; i++)
        {
            var person = new StaffMember();
            person.Apply(new StaffDetails($"Fault {cycle}-{i}", $"fault-{cycle}-{i}@{Tenant}.example", null, null, null, StaffRoles.Supervisee, null, null), normalizer);
            db.Staff.Add(person);
            await db.SaveChangesAsync();
            var relationship = (await sp.GetRequiredService<Allocation>().StartAsync("safeguarding-one-to-one", supervisor, [person.Id], today.AddMonths(-1), CancellationToken.None)).Relationship;
            await db.SaveChangesAsync();
            var session = Session.Book(relationship, today, new TimeOnly(10, 0), 60, null, supervisor, now, today);
            db.Sessions.Add(session);
            await db.SaveChangesAsync();
            session.MarkAttended(new Dictionary<string, MemberAttendance> { [person.Id] = MemberAttendance.Present }, supervisor, now, today);
            await db.SaveChangesAsync();
        }
        // The runs started in earlier cycles fall due now ("the database is the clock").
        await db.WorkflowInstances.Where(x => x.WorkflowId == Attended && x.Status == InstanceStatus.Waiting)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DueAt, now.AddMinutes(-1)));
        for (var i = 0; i < EmailsPerCycle; i++)
            db.Outbox.Add(new OutboxMessage($"person{i % 9}@{Tenant}.example", $"Fault run email {cycle}-{i}", $"Email {i} of cycle {cycle}.\n", now));
        await db.SaveChangesAsync();
    });

    private static Task<int> ScheduledRunsAsync(WebApplicationFactory<global::Program> quiet) =>
        In(quiet, ScheduleTenant, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.CountAsync(i => i.WorkflowId == Scheduled));

    private static Task<T> In<T>(WebApplicationFactory<global::Program> app, Func<IServiceProvider, Task<T>> work) => In(app, Tenant, work);

    private static async Task<T> In<T>(WebApplicationFactory<global::Program> app, string identifier, Func<IServiceProvider, Task<T>> work)
    {
        var tenant = await app.Services.GetRequiredService<TenantRegistry>().FindAsync(identifier) ?? throw new InvalidOperationException(identifier);
        T result = default!;
        await app.Services.GetRequiredService<PerTenantRunner>().RunForAsync(tenant, async (sp, _) => result = await work(sp), CancellationToken.None);
        return result;
    }

    private static Task<bool> In(WebApplicationFactory<global::Program> app, Func<IServiceProvider, Task> work) =>
        In<bool>(app, async sp => { await work(sp); return true; });

    private static void CopyTenants(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built service as a node: its own process, killed like a crashed machine.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;
        private readonly ConcurrentQueue<string> _output = new();
        private bool _killed;

        public Node(string dll, IDictionary<string, string?> settings)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Testing", ["DOTNET_ENVIRONMENT"] = "Testing" },
            };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
            foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
            _process = Process.Start(start) ?? throw new InvalidOperationException("The node did not start.");
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        }

        private void Keep(string? line)
        {
            if (line is null) return;
            _output.Enqueue(line);
            while (_output.Count > 100) _output.TryDequeue(out _);
        }

        public bool HasExited => _process.HasExited;

        /// <summary>It exited by itself, before we killed it: a crash.</summary>
        public bool Crashed => _process.HasExited && !_killed;

        public async Task WaitReadyAsync(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (_process.HasExited) throw new InvalidOperationException($"The node exited with {_process.ExitCode}:\n{string.Join('\n', _output)}");
                try
                {
                    using var response = await _http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (response.IsSuccessStatusCode) return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { /* not up yet */ }
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The node was not ready in time.");
                await Task.Delay(200);
            }
        }

        public async Task KillAsync()
        {
            if (!_process.HasExited)
            {
                _killed = true;
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await KillAsync();
            _process.Dispose();
            _http.Dispose();
        }
    }

    /// <summary>maildev on fixed ports, so it can be stopped for an outage and come back where the nodes expect it.</summary>
    private sealed class Maildev : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;

        private Maildev(Process process, int webPort)
        {
            _process = process;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(120) };
        }

        public static async Task<Maildev> StartAsync(string root, int smtpPort, int webPort)
        {
            var exe = Path.Combine(root, "tools", "maildev", "node_modules", ".bin", "maildev");
            if (!File.Exists(exe)) throw new InvalidOperationException($"maildev is not installed at {exe}: run npm ci --prefix tools/maildev (or ./test.sh).");
            var process = Process.Start(new ProcessStartInfo(exe, ["--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "-s", $"{smtpPort}", "-w", $"{webPort}"])
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true }) ?? throw new InvalidOperationException("maildev did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new Maildev(process, webPort);
            for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
            {
                if (process.HasExited) throw new InvalidOperationException($"maildev exited at start with code {process.ExitCode}");
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, smtpPort);
                    (await server._http.GetAsync(new Uri("/email", UriKind.Relative))).EnsureSuccessStatusCode();
                    return server;
                }
                catch (Exception ex) when (ex is SocketException or HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline) { /* not up yet */ }
            }
        }

        /// <summary>Adds what it received to the tally by Message-Id (its inbox lives only as long as it does).</summary>
        public async Task TallyAsync(ConcurrentDictionary<string, int> tally)
        {
            var emails = JsonNode.Parse(await _http.GetStringAsync(new Uri("/email", UriKind.Relative)))!.AsArray().OfType<JsonObject>();
            foreach (var e in emails)
                tally.AddOrUpdate(((string?)e["messageId"] ?? "").Trim('<', '>'), 1, (_, n) => n + 1);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            _http.Dispose();
        }
    }
}
