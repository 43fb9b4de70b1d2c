using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Benchmarks;

// Workflows benchmark: (1) events dispatched per second with 500 published definitions, first the
// pure engine (matching and WorkflowRunner.Start, no IO), then the real WorkflowHost on SQLite with
// 100+ definitions in one tenant; (2) the supervision sweep and a for-each schedule over 10,000
// supervisees. Writes its table between the WORKFLOWS markers.
internal static partial class WorkflowBenchmark
{
    private const int SyntheticTenants = 20;
    private const int DefinitionsPerTenant = 25;
    private const int EngineEvents = 20_000;
    private const int EngineRuns = 5;

    private const string DispatchTenant = "mse-icb";
    private const int ExtraCopies = 100;           // copies of the dispatch tenant's event workflows
    private const int DispatchRelationships = 150;
    private const int DispatchBatch = 200;         // what WorkflowWorker.RunOnceAsync passes

    private const string SweepTenant = "ralph-thoresby";
    private const string SweepSite = "Ralph Thoresby School";
    private const int Supervisees = 10_000;
    private const int Supervisors = 250;
    private const int Batch = 500;
    private const int ScheduleDays = 3;

    internal sealed record Row(string Name, string Runs, string Time, string Rate, string Note);

    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        var root = Bench.FindRoot();
        var loadBefore = LoadAverage();
        var rows = new List<Row>();
        var notes = new List<string>();
        rows.AddRange(EnginePath(root, notes));
        // SHUB_BENCH_WORKFLOWS=engine: the engine rows alone, printed and not written (to compare one change back to back).
        var engineOnly = Environment.GetEnvironmentVariable("SHUB_BENCH_WORKFLOWS") == "engine";
        if (!engineOnly) rows.AddRange(await ServicePathAsync(root, notes));

        var loadAfter = LoadAverage();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release build; the service rows on a SQLite file, in-process.");
        if (loadBefore is not null)
            table.AppendLine(CultureInfo.InvariantCulture, $"Machine load (1-minute load average, /proc/loadavg) {loadBefore} at the start and {loadAfter} at the end: on 2 shared cores, anything over 2 means other work competed for the CPU.");
        foreach (var n in notes) table.AppendLine(n);
        table.AppendLine();
        table.AppendLine("| What | Runs | Time | Rate | Notes |");
        table.AppendLine("|---|---|---|---|---|");
        foreach (var r in rows) table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Runs} | {r.Time} | {r.Rate} | {r.Note} |");
        Console.WriteLine(table);
        if (engineOnly) return;
        Bench.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), "WORKFLOWS", table.ToString());
    }

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;

    // ---------------------------------------------------------------- engine path (no database)

    private sealed record EngineEvent(string Tenant, WorkflowContext Context);

    internal static List<Row> EnginePath(string root, List<string> notes)
    {
        var files = Directory.GetFiles(Path.Combine(root, "tenants"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "workflows").Order(StringComparer.Ordinal).ToList();
        var texts = files.Select(File.ReadAllText).ToList();
        // 500 definitions: the founding files in turn, each copy loaded from its own text with a new id.
        var byTenant = new Dictionary<string, Dictionary<string, List<WorkflowDefinition>>>();
        var eventTriggered = 0;
        for (var n = 0; n < SyntheticTenants * DefinitionsPerTenant; n++)
        {
            var text = IdLine().Replace(texts[n % texts.Count], $"id: x-{n}", 1);
            var d = WorkflowLoader.Load(text, $"x-{n}.yaml").Definition ?? throw new InvalidOperationException($"copy of {files[n % files.Count]} does not load");
            if (d.Trigger.Event is not { } type) continue;
            eventTriggered++;
            var tenant = $"t{n / DefinitionsPerTenant:00}";
            var triggers = byTenant.TryGetValue(tenant, out var t) ? t : byTenant[tenant] = new(StringComparer.Ordinal);
            (triggers.TryGetValue(type, out var list) ? list : triggers[type] = []).Add(d);
        }

        var events = EngineEvents_(texts);
        var runner = new WorkflowRunner();
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var statuses = new Dictionary<RunStatus, int>();
        var jsEvaluations = 0;
        int Pass(int count, bool tally)
        {
            var runs = 0;
            for (var i = 0; i < count; i++)
            {
                var e = events[i];
                if (!byTenant[e.Tenant].TryGetValue(e.Context.Event.Type, out var matching)) continue;
                foreach (var d in matching)
                {
                    var result = runner.Start(d, e.Context, now);
                    runs++;
                    if (!tally) continue;
                    statuses[result.Status] = statuses.GetValueOrDefault(result.Status) + 1;
                    // Each condition, if, switch and where is one sandbox evaluation (a failing one ends the run as an incident).
                    jsEvaluations += result.Journal.Count(j => j.StepId == "condition" || j.What.StartsWith("if ", StringComparison.Ordinal)
                        || j.What.StartsWith("switch ", StringComparison.Ordinal)) + (result.Fault is not null ? 1 : 0);
                }
            }
            return runs;
        }

        Pass(2_000, tally: false); // warm-up: JIT, Jint
        var runsPerPass = Pass(events.Count, tally: true);
        var times = new double[EngineRuns];
        for (var i = 0; i < EngineRuns; i++)
        {
            var sw = Stopwatch.StartNew();
            Pass(events.Count, tally: false);
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Console.WriteLine($"engine: {string.Join(", ", times.Select(t => t.ToString("0.00", CultureInfo.InvariantCulture)))} s");
        var mean = times.Average();

        // The sandbox's share, estimated: the same conditions evaluated on their own, times how many the stream needs.
        var sandbox = new JsSandbox();
        var scope = new JsonObject
        {
            ["event"] = new JsonObject { ["type"] = "record.submitted", ["form"] = "supervision-record", ["detail"] = null },
            ["relationship"] = new JsonObject { ["type"] = "one-to-one", ["format"] = "one-to-one" },
            ["history"] = events[0].Context.History!.ToJson(forScript: true),
            ["vars"] = new JsonObject(), ["item"] = null, ["today"] = "2026-11-23",
            ["answers"] = events.First(e => e.Context.Answers is not null).Context.Answers!.DeepClone(),
        };
        var sample = new[] { "answers['unresolved-issue'] == 'yes' || answers['conduct-concern'] == 'yes'", "event.form == 'supervision-record'", "history.consecutiveMisses == 2" };
        foreach (var c in sample) sandbox.EvaluateBool(c, scope);
        var js = Stopwatch.StartNew();
        const int jsRuns = 3_000;
        for (var i = 0; i < jsRuns; i++) sandbox.EvaluateBool(sample[i % sample.Length], scope);
        var perEvaluation = js.Elapsed.TotalSeconds / jsRuns;
        var jsShare = jsEvaluations * perEvaluation / mean;

        notes.Add($"Engine rows: {SyntheticTenants} synthetic tenants x {DefinitionsPerTenant} definitions = {SyntheticTenants * DefinitionsPerTenant} copies of the {files.Count} founding workflows "
                  + $"({eventTriggered} event-triggered, the rest scheduled); {events.Count:N0} events, {runsPerPass:N0} runs a pass "
                  + $"({string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value:N0}"))}).");
        return
        [
            new("Engine only: match + `WorkflowRunner.Start` for 20,000 events, 500 definitions", $"{EngineRuns} (after warm-up)",
                $"{mean:0.00} s (min {times.Min():0.00}, max {times.Max():0.00})",
                $"{events.Count / mean:N0} events/s, {runsPerPass / mean:N0} runs/s",
                $"{(double)runsPerPass / events.Count:0.0} runs an event; contexts built beforehand; JavaScript (Jint) about {jsShare:P0} of the time "
                + $"({jsEvaluations:N0} evaluations a pass at about {perEvaluation * 1e6:0} µs each, a fresh sandbox engine per evaluation)"),
        ];
    }

    [GeneratedRegex("^id: .*$", RegexOptions.Multiline)]
    private static partial Regex IdLine();

    /// <summary>A mixed stream of events with everything a run reads, as the host would load it.</summary>
    private static List<EngineEvent> EngineEvents_(List<string> texts)
    {
        var random = new Random(20261123);
        var today = new DateOnly(2026, 11, 23);
        var now = new DateTimeOffset(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);
        var roles = texts.SelectMany(t => RoleWord().Matches(t).Select(m => m.Groups[2].Value + "|" + m.Groups[1].Value)).Distinct().ToList();
        Recipient P(string who) => new($"staff-{who}", $"Person {who}", $"{who}@example.test");
        var people = new PeopleDirectory
        {
            Supervisor = P("supervisor"),
            Supervisees = [P("supervisee")],
            LineManagersOfSupervisees = [P("manager")],
            LineManagerOfSupervisor = P("supervisor-manager"),
            Person = P("supervisee"),
            LineManagerOfPerson = P("manager"),
            RoleHolders = roles.Where(r => r.EndsWith("|role", StringComparison.Ordinal)).ToDictionary(r => r.Split('|')[0], r => (IReadOnlyList<Recipient>)[P(r.Split('|')[0])]),
            StaffRoleHolders = roles.Where(r => r.EndsWith("|staff-role", StringComparison.Ordinal)).ToDictionary(r => r.Split('|')[0], r => (IReadOnlyList<Recipient>)[P(r.Split('|')[0])]),
        };
        var kinds = new (string Type, int Weight)[]
        {
            ("session.booked", 20), ("session.attended", 20), ("session.missed", 8), ("session.cancelled", 8), ("record.submitted", 20),
            ("record.signed", 10), ("supervision.overdue", 6), ("contract.review-due", 3), ("action.overdue", 2), ("contract.signed", 1),
            ("staff.started", 1), ("staff.line-manager-changed", 1),
        };
        var total = kinds.Sum(k => k.Weight);
        var forms = new[] { "supervision-record", "one-to-one-record", "supervision-difficulty", "supervision-concern", "evaluation" };
        var list = new List<EngineEvent>(EngineEvents);
        for (var i = 0; i < EngineEvents; i++)
        {
            var pick = random.Next(total);
            var type = kinds.First(k => (pick -= k.Weight) < 0).Type;
            var group = random.Next(5) == 0;
            var detail = type switch
            {
                "session.cancelled" => new[] { "by-supervisor", "by-supervisee", "apologies" }[random.Next(3)],
                "session.missed" when group => "absent-from-group",
                _ => null,
            };
            var sessions = new List<PastSession>();
            for (var day = today.AddDays(-random.Next(300, 500)); day <= today; day = day.AddDays(random.Next(30, 60)))
                sessions.Add(new PastSession(day, random.Next(6) switch { 0 => SessionOutcome.DidNotAttend, 1 => SessionOutcome.CancelledBySupervisor, _ => SessionOutcome.Attended }, 60));
            var state = random.Next(4) switch { 0 => ComplianceState.Overdue, 1 => ComplianceState.DueSoon, _ => ComplianceState.OnTrack };
            JsonObject? answers = null;
            string? form = null;
            if (type is "record.submitted" or "record.signed")
            {
                form = forms[random.Next(forms.Length)];
                string YesNo(int oneIn) => random.Next(oneIn) == 0 ? "yes" : "no";
                answers = new JsonObject
                {
                    ["discussion"] = "An answer of ordinary length, as a person might type it in a supervision record.",
                    ["external-advice-needed"] = YesNo(8), ["unresolved-issue"] = YesNo(8), ["conduct-concern"] = YesNo(20),
                    ["confidentiality-broken"] = YesNo(20), ["safeguarding-concern"] = YesNo(6), ["unresolved-concern"] = YesNo(8),
                    ["stage"] = new[] { "first-conversation", "third-party", "line-management" }[random.Next(3)],
                    ["case-decisions"] = new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(k => (JsonNode?)new JsonObject
                        { ["child"] = $"C{k}", ["decision"] = "Refer to early help", ["on-case-file"] = YesNo(4) })]),
                };
            }
            var context = new WorkflowContext
            {
                Event = new EventInfo(type, detail, now, $"session-{i}", $"relationship-{i % 997}", "staff-supervisee") { Form = form },
                Relationship = new RelationshipInfo(group ? "group" : random.Next(4) == 0 ? "clinical-one-to-one" : "one-to-one", group ? "group" : "one-to-one", "staff-supervisor", ["staff-supervisee"]),
                History = SupervisionHistory.From(sessions, today, SchoolCalendar.None, new ComplianceStatus(state, today.AddDays(random.Next(-60, 60)), sessions.LastOrDefault()?.Date, "")),
                Answers = answers,
                People = people,
                Today = today,
                TenantName = "Bench",
            };
            list.Add(new EngineEvent($"t{random.Next(SyntheticTenants):00}", context));
        }
        return list;
    }

    [GeneratedRegex(@"\b(staff-role|role):([a-z0-9-]+)")]
    private static partial Regex RoleWord();

    // ---------------------------------------------------------------- service path (SQLite, in-process)

    private sealed class SettableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static async Task<List<Row>> ServicePathAsync(string root, List<string> notes)
    {
        var data = Path.Combine(Path.GetTempPath(), "shub-wfbench-" + Guid.NewGuid().ToString("N"));
        var tenants = Path.Combine(data, "tenants");
        foreach (var file in Directory.GetFiles(Path.Combine(root, "tenants"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(tenants, Path.GetRelativePath(Path.Combine(root, "tenants"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        // ~100 more published definitions in one tenant: copies of its own event workflows (its templates, forms and roles).
        var folder = Path.Combine(tenants, DispatchTenant, "workflows");
        var own = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText).Where(t => t.Contains("  event: ", StringComparison.Ordinal)).ToList();
        for (var n = 1; n <= ExtraCopies; n++)
            File.WriteAllText(Path.Combine(folder, $"x-{n}.yaml"), IdLine().Replace(own[n % own.Count], $"id: x-{n}", 1));
        // The cohort schedule: every morning, a training-expiry ladder for one site's supervisees.
        File.WriteAllText(Path.Combine(tenants, SweepTenant, "workflows", "bench-cohort-ladder.yaml"), $"""
            id: bench-cohort-ladder
            title: Benchmark - supervisees at {SweepSite} are reminded before their training lapses
            trigger:
              schedule: "0 8 * * *"
            steps:
              - id: remind
                for-each:
                  cohort: supervisees
                  where: item.site == '{SweepSite}' && item.trainingExpiresOn != null && [90, 60, 30, 7].indexOf(Math.round((Date.parse(item.trainingExpiresOn) - Date.parse(today)) / 86400000)) >= 0
                  steps:
                    - id: email
                      send-email: {"{"} to: [item], template: supervision-overdue {"}"}
            """);

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        try
        {
            using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Testing");
                b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(data, "bench.db")}");
                b.UseSetting("Tenants:Root", tenants);
                b.UseSetting("Demo:Seed", "true");
                b.UseSetting("Demo:Password", "Bench-password-1");
                b.UseSetting("Logging:LogLevel:Default", "Error"); // a faulted run logs a warning; thousands would swamp the console
                b.ConfigureTestServices(services =>
                {
                    services.AddSingleton<TimeProvider>(clock);
                    foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                                 && (d.ImplementationType == typeof(WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService))).ToList())
                        services.Remove(hosted);
                });
            });
            _ = app.Server; // migrate, import tenants (publishing their workflows), seed demo accounts
            var registry = app.Services.GetRequiredService<TenantRegistry>();
            var runner = app.Services.GetRequiredService<PerTenantRunner>();
            var dispatchTenant = await registry.FindAsync(DispatchTenant) ?? throw new InvalidOperationException($"No tenant {DispatchTenant}");
            var sweepTenant = await registry.FindAsync(SweepTenant) ?? throw new InvalidOperationException($"No tenant {SweepTenant}");

            async Task<T> In<T>(TenantInfo tenant, Func<IServiceProvider, CancellationToken, Task<T>> work)
            {
                T result = default!;
                await runner.RunForAsync(tenant, async (sp, ct) => result = await work(sp, ct), CancellationToken.None);
                return result;
            }
            Task<(int Events, int Instances, int Journal, int Outbox, int Tasks, int Incidents, int Waiting)> CountsAsync(TenantInfo tenant) => In(tenant, async (sp, ct) =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                return (await db.Events.CountAsync(e => e.DispatchedAt != null, ct), await db.WorkflowInstances.CountAsync(ct), await db.JournalEntries.CountAsync(ct),
                    await db.Outbox.CountAsync(ct), await db.WorkTasks.CountAsync(ct), await db.Incidents.CountAsync(ct),
                    await db.WorkflowInstances.CountAsync(i => i.Status == InstanceStatus.Waiting, ct));
            });
            async Task<int> DispatchAllAsync(TenantInfo tenant)
            {
                var total = 0;
                while (await In(tenant, (sp, ct) => sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(DispatchBatch, ct)) is var n and > 0) total += n;
                return total;
            }

            var rows = new List<Row>();

            // 1. Dispatch through the real host. Whatever start-up and demo seeding raised goes first, untimed (it also warms up).
            var published = await In(dispatchTenant, (sp, ct) => sp.GetRequiredService<AppDbContext>().WorkflowVersions.CountAsync(v => v.IsCurrent && v.TriggerEvent != null, ct));
            var warm = await DispatchAllAsync(dispatchTenant);
            var generation = Stopwatch.StartNew();
            var raised = await GenerateDispatchEventsAsync(runner, dispatchTenant, clock);
            Console.WriteLine($"{DispatchTenant}: {raised} in {generation.Elapsed.TotalSeconds:0.0} s; {warm} start-up events dispatched first");
            var before = await CountsAsync(dispatchTenant);
            var sw = Stopwatch.StartNew();
            var dispatched = await DispatchAllAsync(dispatchTenant);
            var seconds = sw.Elapsed.TotalSeconds;
            var after = await CountsAsync(dispatchTenant);
            var byType = await In(dispatchTenant, async (sp, ct) => (await sp.GetRequiredService<AppDbContext>().Events.AsNoTracking().GroupBy(e => e.Type)
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count}"));
            var instances = after.Instances - before.Instances;
            rows.Add(new($"Service: `WorkflowHost.DispatchEventsAsync({DispatchBatch})` rounds until none left, {published} event-triggered definitions in {DispatchTenant}", "1",
                $"{seconds:0.0} s", $"{dispatched / seconds:0.0} events/s, {instances / seconds:0.0} runs/s",
                $"{dispatched:N0} events ({raised}); wrote {instances:N0} instances ({after.Waiting - before.Waiting:N0} waiting), {after.Journal - before.Journal:N0} journal lines, "
                + $"{after.Outbox - before.Outbox:N0} outbox emails, {after.Tasks - before.Tasks:N0} tasks, {after.Incidents - before.Incidents:N0} incidents; a fresh scope a round as the worker does"));
            Console.WriteLine($"all events in {DispatchTenant} by type: {string.Join(", ", byType)}");

            // 2. The sweep and a cohort schedule over 10,000 supervisees.
            generation.Restart();
            var people = await GenerateCohortAsync(runner, sweepTenant, clock);
            var generated = generation.Elapsed;
            Console.WriteLine($"{SweepTenant}: {people} in {generated.TotalSeconds:0.0} s");
            notes.Add($"Service rows: {DispatchTenant} with {ExtraCopies} copies of its own event workflows added to a copy of the tenants folder; "
                      + $"{SweepTenant} with {people}, generated in {generated.TotalSeconds:0} s.");

            for (var run = 1; run <= 2; run++)
            {
                var eventsBefore = await In(sweepTenant, (sp, ct) => sp.GetRequiredService<AppDbContext>().Events.CountAsync(ct));
                sw.Restart();
                var (found, _) = await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => t.Id == sweepTenant.Id);
                seconds = sw.Elapsed.TotalSeconds;
                var byKind = await In(sweepTenant, async (sp, ct) => (await sp.GetRequiredService<AppDbContext>().Events.AsNoTracking().Where(e => e.DedupeKey != null)
                    .GroupBy(e => e.Type).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).Select(g => $"{g.Key} {g.Count:N0}"));
                rows.Add(new($"Service: `SweepRound.RunAsync` for {SweepTenant} alone, {Supervisees:N0} supervisees, {(run == 1 ? "first run" : "second run (nothing new)")}", "1",
                    $"{seconds:0.00} s", "", $"raised {found:N0} events" + (run == 1 ? $" ({string.Join(", ", byKind)})" : "; checks every status again, writes nothing")));
            }

            // The schedule: move the clock just past the next 08:00 in the tenant's zone (the workflow was published at start-up), one day at a time.
            var zone = sweepTenant.TimeZone;
            var local = TimeZoneInfo.ConvertTime(clock.Now, zone);
            var eight = new DateTime(local.Year, local.Month, local.Day, 8, 1, 0);
            if (local.DateTime >= eight) eight = eight.AddDays(1);
            var times = new List<double>();
            var emails = new List<int>();
            for (var day = 0; day < ScheduleDays; day++)
            {
                var at = eight.AddDays(day);
                clock.Now = new DateTimeOffset(at, zone.GetUtcOffset(at));
                var outbox = (await CountsAsync(sweepTenant)).Outbox;
                sw.Restart();
                var started = await In(sweepTenant, (sp, ct) => sp.GetRequiredService<WorkflowHost>().RunSchedulesAsync(ct));
                times.Add(sw.Elapsed.TotalSeconds);
                emails.Add((await CountsAsync(sweepTenant)).Outbox - outbox);
                Console.WriteLine($"schedule {at:yyyy-MM-dd HH:mm}: {started} started, {emails[^1]} emails, {times[^1]:0.00} s");
            }
            var faults = await In(sweepTenant, (sp, ct) => sp.GetRequiredService<AppDbContext>().Incidents.CountAsync(ct));
            rows.Add(new($"Service: `WorkflowHost.RunSchedulesAsync`, a daily for-each over {Supervisees:N0} supervisees with a `where` (site and training-expiry ladder)",
                $"{ScheduleDays} (consecutive days)", $"{times.Average():0.00} s mean ({string.Join(", ", times.Select(t => t.ToString("0.00", CultureInfo.InvariantCulture)))})",
                $"{Supervisees / times.Average():N0} members/s",
                $"{string.Join(", ", emails)} emails to the outbox; {faults} incidents; one sandbox evaluation per member; the first of the three includes JIT of the schedule path"));
            return rows;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>
    /// Supervisees with a line manager, a one-to-one each, and through the domain: a missed session,
    /// an attended one with its record submitted (answers that sometimes escalate), the next booked.
    /// Every domain event is kept: these are what the timed rounds dispatch.
    /// </summary>
    private static async Task<string> GenerateDispatchEventsAsync(PerTenantRunner runner, TenantInfo tenant, SettableClock clock)
    {
        var random = new Random(4242);
        var today = tenant.Today(clock);
        var now = clock.GetUtcNow();
        var type = tenant.Settings.Supervision.Type("one-to-one") ?? throw new InvalidOperationException($"{tenant.Identifier} has no one-to-one type");
        var sessions = 0;
        var records = 0;
        await runner.RunForAsync(tenant, async (sp, ct) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            var supervisor = await db.Staff.Where(s => s.Email == $"supervisor@{tenant.Identifier}.example").Select(s => s.Id).SingleAsync(ct);
            var manager = await db.Staff.Where(s => s.Email == $"lead@{tenant.Identifier}.example").Select(s => s.Id).SingleAsync(ct);
            var recordForm = type.RecordForm is { } f ? await sp.GetRequiredService<FormCatalog>().LatestVersionAsync(f, ct) : null;
            for (var i = 0; i < DispatchRelationships; i++)
            {
                var m = new StaffMember();
                m.Apply(new StaffDetails($"Dispatch Supervisee {i:000}", $"dispatch.{i}@{tenant.Identifier}.example", "Named Nurse", null, manager,
                    StaffRoles.Supervisee, today.AddYears(-2), null), normalizer);
                m.ClearEvents();
                db.Staff.Add(m);
                var relationship = Relationship.Start(type, supervisor, [m.Id], today.AddDays(-120));
                db.Relationships.Add(relationship);
                // Booked and marked "on the day" (the domain refuses to book the past), all raised now.
                var missed = Session.Book(relationship, today.AddDays(-20), new TimeOnly(10, 0), 60, null, supervisor, now, today: today.AddDays(-20));
                missed.MarkDidNotAttend([m.Id], null, supervisor, now, today: today.AddDays(-20));
                var attended = Session.Book(relationship, today.AddDays(-3), new TimeOnly(10, 0), 60, null, supervisor, now, today: today.AddDays(-3));
                attended.MarkAttended(new Dictionary<string, MemberAttendance> { [m.Id] = MemberAttendance.Present }, supervisor, now, today: today.AddDays(-3));
                db.Sessions.AddRange(missed, attended, Session.Book(relationship, today.AddDays(30), new TimeOnly(10, 0), 60, null, supervisor, now, today));
                sessions += 3;
                if (recordForm is not null)
                {
                    var record = new Submission(recordForm, supervisor, now);
                    record.LinkTo(relationship.Id, attended.Id);
                    record.Submit(new JsonObject
                    {
                        ["discussion"] = "An answer of ordinary length, as a person might type it in a supervision record.",
                        ["unresolved-issue"] = random.Next(6) == 0 ? "yes" : "no",
                        ["conduct-concern"] = random.Next(20) == 0 ? "yes" : "no",
                        ["confidentiality-broken"] = random.Next(10) == 0 ? "yes" : "no",
                    }, now);
                    db.Submissions.Add(record);
                    records++;
                }
            }
            await db.SaveChangesAsync(ct);
        }, CancellationToken.None);
        return $"{DispatchRelationships} one-to-ones, {sessions} sessions (one missed, one attended, one booked each), {records} records submitted";
    }

    /// <summary>
    /// 10,000 supervisees (half at the school's site, each with training expiring some time in the
    /// next year), 250 supervisors, a one-to-one each started a year ago and five sessions roughly
    /// six-weekly; one in five stopped 2-6 months ago (overdue). History events are dropped.
    /// </summary>
    private static async Task<string> GenerateCohortAsync(PerTenantRunner runner, TenantInfo tenant, SettableClock clock)
    {
        var random = new Random(20261123);
        var today = tenant.Today(clock);
        var now = clock.GetUtcNow();
        var started = today.AddYears(-1);
        var type = tenant.Settings.Supervision.Type("one-to-one") ?? throw new InvalidOperationException($"{tenant.Identifier} has no one-to-one type");
        var supervisors = new List<string>(Supervisors);
        var supervisees = new List<string>(Supervisees);
        await runner.RunForAsync(tenant, async (sp, ct) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < Supervisors; i++)
            {
                var m = new StaffMember();
                m.Apply(new StaffDetails($"Cohort Supervisor {i:000}", $"cohort.supervisor.{i}@{tenant.Identifier}.example", "Designated Safeguarding Lead", SweepSite, null,
                    StaffRoles.Supervisor, started.AddDays(-random.Next(3000)), null), normalizer);
                m.ClearEvents();
                db.Staff.Add(m);
                supervisors.Add(m.Id);
            }
            for (var i = 0; i < Supervisees; i++)
            {
                var m = new StaffMember();
                m.Apply(new StaffDetails($"Cohort Supervisee {i:00000}", $"cohort.supervisee.{i}@{tenant.Identifier}.example", "Pastoral Manager", i % 2 == 0 ? SweepSite : null, null,
                    StaffRoles.Supervisee, started.AddDays(-random.Next(3000)), null), normalizer);
                m.AddTraining("Safeguarding refresher", today.AddDays(-random.Next(400)), today.AddDays(random.Next(1, 366)));
                m.ClearEvents();
                db.Staff.Add(m);
                supervisees.Add(m.Id);
            }
            await db.SaveChangesAsync(ct);
        }, CancellationToken.None);

        var sessions = 0;
        for (var first = 0; first < Supervisees; first += Batch)
        {
            await runner.RunForAsync(tenant, async (sp, ct) =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                for (var i = first; i < Math.Min(first + Batch, Supervisees); i++)
                {
                    var supervisorId = supervisors[i % Supervisors];
                    var relationship = Relationship.Start(type, supervisorId, [supervisees[i]], started);
                    relationship.ClearEvents();
                    db.Relationships.Add(relationship);
                    var last = random.Next(5) == 0 ? today.AddDays(-random.Next(60, 180)) : today.AddDays(-random.Next(0, 35));
                    for (var k = 4; k >= 0; k--)
                    {
                        var day = last.AddDays(-k * random.Next(38, 46));
                        if (day < started) continue;
                        var session = Session.Book(relationship, day, new TimeOnly(9 + random.Next(8), 0), 60, null, supervisorId, now, today: day);
                        if (random.Next(10) == 0) session.MarkDidNotAttend([supervisees[i]], null, supervisorId, now, today: day);
                        else session.MarkAttended(new Dictionary<string, MemberAttendance> { [supervisees[i]] = MemberAttendance.Present }, supervisorId, now, today: day);
                        session.ClearEvents();
                        db.Sessions.Add(session);
                        sessions++;
                    }
                }
                await db.SaveChangesAsync(ct);
            }, CancellationToken.None);
            Console.Write('.');
        }
        Console.WriteLine();
        return $"{Supervisees:N0} supervisees (half at {SweepSite}, each with a training expiry in the next year), {Supervisors} generated supervisors, "
               + $"a one-to-one each, {sessions:N0} sessions over the last year (one in five people stopped 2-6 months ago)";
    }
}
