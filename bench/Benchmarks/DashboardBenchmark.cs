using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Benchmarks;

// Dashboard benchmark: the real database path. One tenant (ralph-thoresby, every six weeks) with
// 10,000 supervisees and five years of sessions in SQLite, through the real app in-process:
// ComplianceService.StatusesAsync for everyone, the safeguarding lead's overview page, and a busy
// supervisor's home page. Writes its table between the DASHBOARD markers.
internal static class DashboardBenchmark
{
    private const string TenantSlug = "ralph-thoresby";
    private const string TypeId = "one-to-one";
    private const string Password = "Bench-password-1";
    private const int Supervisees = 10_000;
    private const int Supervisors = 250;          // generated, on top of the demo supervisors
    private const int DemoSupervisorShare = 200;  // relationships supervised by supervisor@ (their home page)
    private const int Batch = 500;                // relationships per SaveChanges
    private const int Runs = 5;

    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private sealed record Row(string Name, Stats Stats, long AllocatedPerRun, string Note);

    private static async Task RunAsync()
    {
        var root = Bench.FindRoot();
        var data = Path.Combine(Path.GetTempPath(), "shub-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        try
        {
            using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Testing");
                b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(data, "bench.db")}");
                b.UseSetting("Tenants:Root", Path.Combine(root, "tenants"));
                b.UseSetting("Demo:Seed", "true");
                b.UseSetting("Demo:Password", Password);
                b.UseSetting("RateLimits:SignInPerMinute", "100000");
                b.UseSetting("RateLimits:SignInPerAddressPerMinute", "100000");
                // Measure the pages alone: no background workflow rounds or sweeps competing for the database.
                Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(b, services =>
                {
                    foreach (var hosted in services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
                                 && (d.ImplementationType == typeof(SupervisionHub.Web.Workflows.WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService))).ToList())
                        services.Remove(hosted);
                });
            });
            _ = app.Server; // start the host: migrate, import tenants, seed demo accounts

            var tenant = await app.Services.GetRequiredService<TenantRegistry>().FindAsync(TenantSlug)
                         ?? throw new InvalidOperationException($"No tenant {TenantSlug}");
            var runner = app.Services.GetRequiredService<PerTenantRunner>();

            var generation = Stopwatch.StartNew();
            var counts = await GenerateAsync(runner, tenant);
            var generated = generation.Elapsed;
            Console.WriteLine($"Generated {counts} in {generated.TotalSeconds:0.0} s");

            var rows = new List<Row>();
            var mix = "";
            rows.Add(await MeasureAsync($"ComplianceService.StatusesAsync(null): everyone in the tenant, fresh scope", Runs, async () =>
            {
                IReadOnlyList<SuperviseeStatus> statuses = [];
                await runner.RunForAsync(tenant, async (sp, ct) => statuses = await sp.GetRequiredService<ComplianceService>().StatusesAsync(null, ct), CancellationToken.None);
                mix = string.Join(", ", statuses.GroupBy(s => s.Compliance.State).OrderBy(g => ComplianceService.Rank(g.Key)).Select(g => $"{g.Key} {g.Count():N0}"))
                      + "; agreements " + string.Join(", ", statuses.GroupBy(s => s.Agreement).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count():N0}"));
                return $"{statuses.Count:N0} statuses";
            }));
            rows[^1] = rows[^1] with { Note = rows[^1].Note + "; " + mix };

            rows.Add(await PageAsync(app, "lead", $"/{TenantSlug}/supervision", "Overview page GET /ralph-thoresby/supervision (safeguarding lead, every row)"));
            rows.Add(await PageAsync(app, "supervisor", $"/{TenantSlug}", $"Home page GET /ralph-thoresby (supervisor of {DemoSupervisorShare + 5})"));

            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release build, SQLite file, in-process.");
            table.AppendLine(CultureInfo.InvariantCulture, $"Data: {counts}; generated in {generated.TotalSeconds:0} s.");
            table.AppendLine();
            table.AppendLine("| What | Runs | Mean | p50 | p95 | Allocated per run | Notes |");
            table.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var r in rows)
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {r.Stats.Runs} | {r.Stats.Mean:0.0} ms | {r.Stats.P50:0.0} ms | {r.Stats.P95:0.0} ms | {r.AllocatedPerRun / 1024.0 / 1024.0:0.0} MB | {r.Note} |");
            Console.WriteLine(table);
            Bench.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), "DASHBOARD", table.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>
    /// Staff, relationships started five years ago and about 40 sessions each, straight through the
    /// domain (Relationship.Start, Session.Book, MarkAttended with the session's own date as
    /// "today"), bypassing only the allocation's training check. A fresh scope per batch. The
    /// history's domain events are dropped before saving (nothing reads them on these pages).
    /// </summary>
    private static async Task<string> GenerateAsync(PerTenantRunner runner, TenantInfo tenant)
    {
        var random = new Random(20261123);
        var clock = TimeProvider.System;
        var today = tenant.Today(clock);
        var now = clock.GetUtcNow();
        var started = today.AddYears(-5);
        var type = tenant.Settings.Supervision.Type(TypeId) ?? throw new InvalidOperationException($"{TenantSlug} has no {TypeId} type");

        string demoSupervisor = "";
        var supervisors = new List<string>(Supervisors);
        var supervisees = new List<string>(Supervisees);
        await runner.RunForAsync(tenant, async (sp, ct) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            demoSupervisor = await db.Staff.Where(s => s.Email == $"supervisor@{TenantSlug}.example").Select(s => s.Id).SingleAsync(ct);
            var site = tenant.Settings.Sites.FirstOrDefault();
            for (var i = 0; i < Supervisors; i++)
            {
                var m = new StaffMember();
                m.Apply(new StaffDetails($"Bench Supervisor {i:000}", $"bench.supervisor.{i}@{TenantSlug}.example", "Designated Safeguarding Lead", site, null,
                    StaffRoles.Supervisor, started.AddDays(-random.Next(3000)), null), normalizer);
                db.Staff.Add(m);
                supervisors.Add(m.Id);
            }
            for (var i = 0; i < Supervisees; i++)
            {
                var m = new StaffMember();
                m.Apply(new StaffDetails($"Bench Supervisee {i:00000}", $"bench.supervisee.{i}@{TenantSlug}.example", "Pastoral Manager", site, null,
                    StaffRoles.Supervisee, started.AddDays(-random.Next(3000)), null), normalizer);
                db.Staff.Add(m);
                supervisees.Add(m.Id);
            }
            await db.SaveChangesAsync(ct);
        }, CancellationToken.None);

        int sessions = 0, contracts = 0;
        for (var first = 0; first < Supervisees; first += Batch)
        {
            await runner.RunForAsync(tenant, async (sp, ct) =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                var contract = type.ContractForm is { } form ? await sp.GetRequiredService<FormCatalog>().LatestVersionAsync(form, ct) : null;
                for (var i = first; i < Math.Min(first + Batch, Supervisees); i++)
                {
                    var staffId = supervisees[i];
                    var supervisorId = i < DemoSupervisorShare ? demoSupervisor : supervisors[i % Supervisors];
                    var relationship = Relationship.Start(type, supervisorId, [staffId], started);
                    db.Relationships.Add(relationship);

                    // Roughly every six weeks for five years, sometimes late, one in ten missed;
                    // one in ten stopped a while ago (overdue), a third with the next one booked.
                    var stop = random.Next(10) == 0 ? today.AddDays(-random.Next(45, 200)) : today;
                    for (var day = started.AddDays(random.Next(7, 40)); day < stop; day = day.AddDays(random.Next(35, random.Next(8) == 0 ? 70 : 50)))
                    {
                        var session = Session.Book(relationship, day, new TimeOnly(9 + random.Next(8), 0), 60, null, supervisorId, now, today: day);
                        if (random.Next(10) == 0) session.MarkDidNotAttend([staffId], null, supervisorId, now, today: day);
                        else session.MarkAttended(new Dictionary<string, MemberAttendance> { [staffId] = MemberAttendance.Present }, supervisorId, now, today: day);
                        session.ClearEvents(); // history is old news; a million event rows would double the generation time
                        db.Sessions.Add(session);
                        sessions++;
                    }
                    if (random.Next(3) == 0)
                    {
                        var booked = Session.Book(relationship, today.AddDays(random.Next(1, 30)), new TimeOnly(10, 0), 60, null, supervisorId, now, today);
                        booked.ClearEvents();
                        db.Sessions.Add(booked);
                        sessions++;
                    }

                    // The agreement: most signed at some point in the last 15 months (some now due
                    // for review), some awaiting signatures, some never started.
                    if (contract is not null && random.Next(10) > 0)
                    {
                        var agreement = new Submission(contract, supervisorId, now);
                        agreement.LinkTo(relationship.Id, null);
                        agreement.Submit(new System.Text.Json.Nodes.JsonObject(), now);
                        if (random.Next(8) > 0) agreement.MarkFullySigned(isAgreement: true, now.AddDays(-random.Next(450)));
                        agreement.ClearEvents();
                        db.Submissions.Add(agreement);
                        contracts++;
                    }
                }
                await db.SaveChangesAsync(ct);
            }, CancellationToken.None);
            Console.Write('.');
        }
        Console.WriteLine();

        return $"{Supervisees:N0} supervisees, {Supervisors} generated supervisors plus the demo ones, {Supervisees:N0} one-to-one relationships started {started:yyyy-MM-dd}, "
               + $"{sessions:N0} sessions (attendance row each), {contracts:N0} agreements";
    }

    private static async Task<Row> PageAsync(WebApplicationFactory<global::Program> app, string account, string url, string name)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.Timeout = TimeSpan.FromMinutes(5);
        var token = Token(await client.GetStringAsync($"/{TenantSlug}/account/sign-in"));
        var signIn = await client.PostAsync($"/{TenantSlug}/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["Input.Email"] = $"{account}@{TenantSlug}.example", ["Input.Password"] = Password, ["__RequestVerificationToken"] = token }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in as {account}: {signIn.StatusCode}");
        return await MeasureAsync(name, Runs, async () =>
        {
            var r = await client.GetAsync(url);
            if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {url}: {r.StatusCode}");
            var body = await r.Content.ReadAsByteArrayAsync();
            return $"{body.Length / 1024.0:N0} KB of HTML";
        });
    }

    /// <summary>Warm-up, then timed runs; allocation is every thread's (the server's too), measured outside the timing.</summary>
    private static async Task<Row> MeasureAsync(string name, int runs, Func<Task<string>> action)
    {
        var note = "";
        note = await action(); // warm-up: JIT, caches, SQLite pages
        var times = new double[runs];
        long allocated = 0;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            note = await action();
            times[i] = sw.Elapsed.TotalMilliseconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        Console.WriteLine($"{name}: {string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} ms");
        Array.Sort(times);
        return new Row(name, new Stats(runs, times.Average(), times[runs / 2], times[(int)(runs * 0.95)]), allocated / runs, note);
    }

    private static string Token(string html) => WebUtility.HtmlDecode(Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
}
