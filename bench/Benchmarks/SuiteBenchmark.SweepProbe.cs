using System.Diagnostics;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Benchmarks;

internal static partial class SuiteBenchmark
{
    /// <summary>
    /// `-- sweepprobe` (ADR 0053): the sweep's first run again and again on a suite database kept with SUITE_KEEP_DATA=1
    /// (PROBE_DB, its bench.db, or with SUITE_DATABASE=postgres the kept database's name), without generating anything. PROBE_MODE=round runs <see cref="SweepRound"/> (events deleted
    /// and statuses forgotten before each turn, as the suite's turns); PROBE_MODE=insert writes the events a first round raised
    /// again, alone (deleted first, each turn); PROBE_MODE=statuses only works out every tenant's
    /// statuses, PROBE_DEGREES at once, and writes nothing, so readers can be compared without a writer beside them.
    /// Each turn prints its monotonic start and end (the clock `perf record -k CLOCK_MONOTONIC` stamps samples with),
    /// processor time, allocation and collections, and the time summed over the tenants.
    /// </summary>
    public static void SweepProbe() => SweepProbeAsync().GetAwaiter().GetResult();

    /// <summary>The app on a kept suite database (no demo seeding, PROBE_SETTING's settings), started on Kestrel with its tenant registry read: what each probe runs on.</summary>
    private static async Task<WebApplicationFactory<global::Program>> ProbeAppAsync(string root, string file, Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null)
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            ConfigureApp(b, root, Postgres ? file : null, file); // PROBE_DB names the kept PostgreSQL database with SUITE_DATABASE=postgres
            b.UseSetting("Demo:Seed", "false");
            foreach (var setting in (Environment.GetEnvironmentVariable("PROBE_SETTING") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
                if (setting.Split('=', 2) is [var key, var value]) b.UseSetting(key, value); // several as key=value;key=value
            configure?.Invoke(b);
        });
        app.UseKestrel(0);
        app.StartServer();
        await app.Services.GetRequiredService<TenantRegistry>().RefreshAsync(CancellationToken.None);
        return app;
    }

    private static async Task SweepProbeAsync()
    {
        var root = Bench.FindRoot();
        var file = Environment.GetEnvironmentVariable("PROBE_DB") ?? throw new InvalidOperationException("PROBE_DB: a kept suite database (SUITE_KEEP_DATA=1)");
        var mode = Environment.GetEnvironmentVariable("PROBE_MODE") ?? "statuses";
        var degrees = (Environment.GetEnvironmentVariable("PROBE_DEGREES") ?? "1,2").Split(',').Select(int.Parse).ToList();
        var turns = EnvInt("PROBE_TURNS", 3);
        await using var app = await ProbeAppAsync(root, file, b =>
        {
            if (Environment.GetEnvironmentVariable("PROBE_QUERYLOG") == "1")
                b.ConfigureTestServices(LogQueries);
        });
        var registry = app.Services.GetRequiredService<TenantRegistry>();
        var tenants = registry.All.ToList();
        var runner = app.Services.GetRequiredService<PerTenantRunner>();
        // PROBE_ALLOC=1: each turn's methods compiled, and the last turn's allocation by type (RuntimeProfile).
        using var runtime = RuntimeProfile.FromEnvironment();
        Console.WriteLine($"probe: {tenants.Count} tenants, mode {mode}, degrees {string.Join(",", degrees)}, {turns} turns, server GC {System.Runtime.GCSettings.IsServerGC}, load {LoadAverage()}");
        // PROBE_WARMUP=n: a round over the n smallest tenants first, untimed, to see how much of a fresh process's first
        // turn a small sweep pays for (compiling the code and queries) and how much is the size of the work.
        if (EnvInt("PROBE_WARMUP", 0) is > 0 and var few)
        {
            var small = new HashSet<Guid>();
            foreach (var tenant in tenants)
                await runner.RunForAsync(tenant, async (sp, ct) => { if (await sp.GetRequiredService<SupervisionHub.Web.Data.AppDbContext>().Staff.CountAsync(ct) < 100) small.Add(tenant.Id); }, CancellationToken.None);
            var chosen = tenants.Where(t => small.Contains(t.Id)).Take(few).ToList();
            await ForgetSweepAsync(app.Services, chosen, keepPageTenants: false);
            var warm = Stopwatch.StartNew();
            var (warmRaised, _) = await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, t => chosen.Any(c => c.Id == t.Id));
            Console.WriteLine($"probe warm-up: {chosen.Count} tenants under 100 staff, raised {warmRaised}, {warm.Elapsed.TotalSeconds:0.00} s");
        }
        for (var turn = 1; turn <= turns; turn++)
            foreach (var degree in degrees)
            {
                if (mode == "round") await ForgetSweepAsync(app.Services, tenants, keepPageTenants: false);
                var gc = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var paused = GC.GetTotalPauseDuration();
                var alloc = GC.GetTotalAllocatedBytes(precise: true);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var start = Stopwatch.GetTimestamp();
                var summed = 0L;
                string detail;
                // PROBE_QUERYLOG=1: the last turn's statements by shape, as the suite logs the sweep's.
                var logged = turn == turns && Environment.GetEnvironmentVariable("PROBE_QUERYLOG") == "1";
                if (logged) QueryLog.Instance.Start();
                runtime?.Start();
                if (mode == "reads")
                {
                    // The readers' statements alone: every tenant's statuses read together (ComplianceService.EveryoneInAsync) in
                    // batches of PROBE_BATCH tenants (the round's are about 2,500 supervisees), PROBE_DEGREES at once, nothing written.
                    var clock = app.Services.GetRequiredService<TimeProvider>();
                    var statuses = 0;
                    var batches = tenants.GroupBy(t => t.Today(clock)).SelectMany(g => g.Chunk(EnvInt("PROBE_BATCH", 16))).ToList();
                    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = degree }, async (batch, token) =>
                    {
                        await using var scope = app.Services.CreateAsyncScope();
                        var db = scope.ServiceProvider.GetRequiredService<SupervisionHub.Web.Data.AppDbContext>();
                        var found = await ComplianceService.EveryoneInAsync(db, batch, batch[0].Today(clock), token, app.Services.GetRequiredService<SweepRound>().DirectReads);
                        Interlocked.Add(ref statuses, found.Values.Sum(f => f().Count));
                    });
                    detail = $"{statuses:N0} statuses in {batches.Count} batches";
                }
                else if (mode == "insert")
                {
                    // The writer alone (ADR 0069): the events a round raised, read back, deleted and written again by
                    // SweepInsert in groups of about SweepRound.GroupRows, tenants whole, as the round's writer groups them.
                    var (inserted, write, commits) = await InsertAgainAsync(app.Services, tenants);
                    detail = $"inserted {inserted:N0}; statements {write.TotalSeconds:0.00} s, commits {commits.TotalSeconds:0.00} s";
                }
                else if (mode == "round")
                {
                    var (raised, profile) = await app.Services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None, null, degree);
                    detail = $"raised {raised:N0}; statuses {profile.Statuses.TotalSeconds:0.00} s, reads {profile.Reads.TotalSeconds:0.00} s, insert {profile.Insert.TotalSeconds:0.00} s, after reads {profile.AfterReads.TotalSeconds:0.00} s";
                }
                else
                {
                    var statuses = 0;
                    await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = degree }, async (tenant, token) =>
                    {
                        var one = Stopwatch.GetTimestamp();
                        await runner.RunForAsync(tenant, async (sp, ct) => Interlocked.Add(ref statuses, (await sp.GetRequiredService<ComplianceService>().StatusesAsync(null, ct)).Count), token);
                        Interlocked.Add(ref summed, Stopwatch.GetTimestamp() - one);
                    });
                    detail = $"{statuses:N0} statuses; summed over tenants {Stopwatch.GetElapsedTime(0, summed).TotalSeconds:0.00} s";
                }
                var end = Stopwatch.GetTimestamp();
                if (logged)
                    foreach (var g in QueryLog.Instance.Stop().GroupBy(c => c.Sql).OrderByDescending(g => g.Sum(c => c.Ms)).Take(12))
                        Console.WriteLine($"  probe query log: {g.Sum(c => c.Ms),8:0} ms {g.Count(),5}x  {g.Key}");
                runtime?.Report("  probe ", types: turn == turns, top: 20);
                Console.WriteLine($"probe {mode} turn {turn} degree {degree}: wall {Stopwatch.GetElapsedTime(start, end).TotalSeconds:0.00} s, "
                                  + $"processor {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s, {(GC.GetTotalAllocatedBytes(precise: true) - alloc) / 1024.0 / 1024.0:N0} MB, "
                                  + $"gc {GC.CollectionCount(0) - gc.Item1}/{GC.CollectionCount(1) - gc.Item2}/{GC.CollectionCount(2) - gc.Item3} (paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:0.00} s); {detail}; "
                                  + $"monotonic {start / (double)Stopwatch.Frequency:0.000}-{end / (double)Stopwatch.Frequency:0.000}; load {LoadAverage()}");
            }
    }

    /// <summary>
    /// PROBE_MODE=insert: every event a sweep raised (one round first if there are none), read back as rows, deleted,
    /// and inserted again by <see cref="SweepInsert"/> in groups of whole tenants of about <see cref="SweepRound.GroupRows"/>.
    /// </summary>
    private static async Task<(int Inserted, TimeSpan Write, TimeSpan Commit)> InsertAgainAsync(IServiceProvider services, List<TenantInfo> tenants, bool swept = false)
    {
        var runner = services.GetRequiredService<PerTenantRunner>();
        var raised = new List<SweepInsert.TenantEvents>();
        foreach (var tenant in tenants)
            await runner.RunForAsync(tenant, async (sp, ct) =>
            {
                var db = sp.GetRequiredService<SupervisionHub.Web.Data.AppDbContext>();
                var events = await db.Events.AsNoTracking().Where(e => e.DedupeKey != null).ToListAsync(ct);
                if (events.Count > 0) raised.Add(new SweepInsert.TenantEvents(tenant.Id, events));
            }, CancellationToken.None);
        if (raised.Count == 0)
        {
            // A database on which a round raises nothing has nothing to write again.
            if (swept) throw new InvalidOperationException("PROBE_MODE=insert: a sweep round raised no events on this database");
            await services.GetRequiredService<SweepRound>().RunAsync(CancellationToken.None);
            return await InsertAgainAsync(services, tenants, swept: true);
        }
        await ForgetSweepAsync(services, tenants, keepPageTenants: false);
        var (inserted, write, commit) = (0, TimeSpan.Zero, TimeSpan.Zero);
        var group = new List<SweepInsert.TenantEvents>();
        async Task FlushAsync()
        {
            await using var scope = services.CreateAsyncScope();
            var (n, timing) = await SweepInsert.InsertNewAsync(scope.ServiceProvider.GetRequiredService<SupervisionHub.Web.Data.AppDbContext>(), group, CancellationToken.None);
            (inserted, write, commit) = (inserted + n, write + timing.Write, commit + timing.Commit);
            group.Clear();
        }
        foreach (var tenant in raised)
        {
            group.Add(tenant);
            if (group.Sum(g => g.Events.Count) >= SweepRound.GroupRows) await FlushAsync();
        }
        if (group.Count > 0) await FlushAsync();
        return (inserted, write, commit);
    }
}
