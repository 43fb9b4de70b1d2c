using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Benchmarks;

// A request's first database read taken apart (issue 21, ADR 0044), in process, one thread, on the demo
// tenants: each step's processor time per operation (the process's, so other processes' load counts less
// than in a throughput run). `dotnet run -c Release --project bench/Benchmarks -- firstread`; SUITE_OPS (3000).
internal static partial class SuiteBenchmark
{
    public static void FirstRead() => FirstReadAsync().GetAwaiter().GetResult();

    private static async Task FirstReadAsync()
    {
        var root = Bench.FindRoot();
        var data = Path.Combine(Path.GetTempPath(), "shub-firstread-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        var ops = EnvInt("SUITE_OPS", 3000);
        // SUITE_DATABASE=postgres with SUITE_PG: a database of its own on that server, dropped at the end.
        var pgDatabase = Postgres ? "shub_firstread_" + Guid.NewGuid().ToString("N")[..12] : null;
        try
        {
            if (pgDatabase is not null) await PgExecuteAsync(PgServer, $"CREATE DATABASE \"{pgDatabase}\"");
            await using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b => ConfigureApp(b, root, pgDatabase, Path.Combine(data, "firstread.db")));
            app.UseKestrel(0);
            app.StartServer();
            var services = app.Services;
            var tenant = (await services.GetRequiredService<TenantRegistry>().FindAsync(PageTenant))!;
            Func<AppDbContext> newContext = Postgres
                ? () => new PostgresAppDbContext(services.GetRequiredService<DbContextOptions<PostgresAppDbContext>>())
                : () => new AppDbContext(services.GetRequiredService<DbContextOptions<AppDbContext>>());
            string userId;
            await using (var s = services.CreateAsyncScope())
            {
                s.ServiceProvider.GetRequiredService<ITenantContext>().Set(tenant);
                userId = await s.ServiceProvider.GetRequiredService<AppDbContext>().Staff.Select(x => x.Id).FirstAsync();
            }

            async Task InScope(Func<IServiceProvider, Task> work)
            {
                await using var s = services.CreateAsyncScope();
                s.ServiceProvider.GetRequiredService<ITenantContext>().Set(tenant);
                await work(s.ServiceProvider);
            }
            var steps = new (string Name, Func<Task> Op)[]
            {
                ("A scope with its tenant, nothing else", () => InScope(_ => Task.CompletedTask)),
                ("... and a context rented from the pool (ADR 0044)", () => InScope(sp => { sp.GetRequiredService<AppDbContext>(); return Task.CompletedTask; })),
                ("... and a context built, unpooled (before ADR 0044)", () => InScope(async sp =>
                {
                    await using var db = newContext().ForTenantOf(sp.GetRequiredService<ITenantContext>());
                    _ = db.Model; // what resolving the services of a new context does first
                })),
                ("Pooled: the person's row, no tracking", () => InScope(sp => sp.GetRequiredService<AppDbContext>().Staff.AsNoTracking().FirstOrDefaultAsync(x => x.Id == userId))),
                ("Pooled: the person's row, tracked (FindAsync)", () => InScope(async sp => await sp.GetRequiredService<AppDbContext>().Staff.FindAsync(userId))),
                ("Pooled: UserManager.FindByIdAsync (what GetUserAsync does)", () => InScope(sp => sp.GetRequiredService<UserManager<StaffMember>>().FindByIdAsync(userId))),
                ("Unpooled: UserManager-like FindAsync on a new context", () => InScope(async sp =>
                {
                    await using var db = newContext().ForTenantOf(sp.GetRequiredService<ITenantContext>());
                    await db.Staff.FindAsync(userId);
                })),
                ("Pooled: two reads of the person's row (the page's and a second)", () => InScope(async sp =>
                {
                    var db = sp.GetRequiredService<AppDbContext>();
                    await db.Staff.FindAsync(userId);
                    await db.Staff.AsNoTracking().Where(x => x.Id == userId).Select(x => x.LineManagerId).FirstOrDefaultAsync();
                })),
            };
            Console.WriteLine($"First read, {(Postgres ? "PostgreSQL" : "SQLite file")}, {ops:N0} operations a step, one thread, load {LoadAverage()}");
            Console.WriteLine("| Step | Processor time an operation | Wall time an operation | Load |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var (name, op) in steps)
            {
                for (var i = 0; i < 200; i++) await op(); // warm: compiled queries, pools
                GC.Collect();
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                for (var i = 0; i < ops; i++) await op();
                wall.Stop();
                process.Refresh();
                var used = process.TotalProcessorTime - cpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {used.TotalMicroseconds / ops:0} µs | {wall.Elapsed.TotalMicroseconds / ops:0} µs | {LoadAverage()} |"));
            }
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (pgDatabase is not null) await PgExecuteAsync(PgServer, $"DROP DATABASE IF EXISTS \"{pgDatabase}\" WITH (FORCE)");
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
