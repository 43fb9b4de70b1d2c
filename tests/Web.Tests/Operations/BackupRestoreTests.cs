using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Operations;

/// <summary>The app on the database settings it is given (a live database, or one restored from a backup).</summary>
public sealed class DatabaseAppFactory(string databaseFile, IDictionary<string, string?> database) : AppFactory
{
    protected override string DatabaseFile => databaseFile;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(database)
    {
        ["Tenants:Root"] = RepoPath("tenants"),
        ["Demo:Seed"] = "true",
        ["Demo:Password"] = DemoPassword,
        ["Demo:PlatformAdminEmail"] = "operator@supervisionhub.example",
        ["RateLimits:SignInPerMinute"] = "1000",
        ["RateLimits:SignInPerAddressPerMinute"] = "1000",
    };

    /// <summary>A client whose cookies live in <paramref name="cookies"/>, so a sign-in made on one app can be presented to another.</summary>
    public HttpClient Client(CookieContainer cookies) => CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
}

/// <summary>
/// Issue 9, item 5: the backups of docs/operations.md, taken while the service runs and restored
/// into a second app, for both databases. The restored app has the same people and the same audit
/// chain (it verifies, same head), and a sign-in made before the backup still works on it (the
/// data-protection keys are in the database).
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private const string T = "ralph-thoresby";
    private const string Person = "backup-person@ralph-thoresby.example";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shub-backup", Guid.NewGuid().ToString("N"));

    public BackupRestoreTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    private sealed record State(long? Head, string? HeadHash, long Entries, string PersonId);

    /// <summary>Writes what a backup must keep: a person, and audit entries on the chain; signs in with the cookies.</summary>
    private static async Task<State> WriteAsync(DatabaseAppFactory app, CookieContainer cookies)
    {
        var personId = await app.InTenant(T, async sp => (await sp.NewPersonAsync("Backup Person", Person, Staff.StaffRoles.Supervisee)).Id);
        for (var i = 0; i < 5; i++)
            await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                db.AuditEntries.Add(new AuditEntry($"backup-actor-{i}", "read", "record", Guid.NewGuid().ToString(), false, "127.0.0.1", Seasons.UtcNow));
                await db.SaveChangesAsync();
            });
        var client = app.Client(cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"supervisor@{T}.example", AppFactory.DemoPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/{T}/")).StatusCode);
        return await ReadAsync(app, personId);
    }

    private static Task<State> ReadAsync(DatabaseAppFactory app, string personId) => app.InTenant(T, async sp =>
    {
        var report = await sp.GetRequiredService<AuditChain>().VerifyAsync();
        Assert.True(report.Intact, report.Break?.Problem);
        var person = await sp.GetRequiredService<AppDbContext>().Staff.SingleAsync(s => s.Email == Person);
        Assert.Equal(personId, person.Id);
        return new State(report.HeadSequence, report.HeadHash, report.Entries, person.Id);
    });

    /// <summary>The restored app has what the live one had, and honours the sign-in cookie made before the backup.</summary>
    private static async Task CheckRestoredAsync(DatabaseAppFactory restored, State before, CookieContainer cookies)
    {
        Assert.Equal(before, await ReadAsync(restored, before.PersonId));
        Assert.True(before.Entries >= 5);
        Assert.Equal(HttpStatusCode.OK, (await restored.Client(cookies).GetAsync($"/{T}/")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await restored.Client(new CookieContainer()).GetAsync($"/{T}/")).StatusCode); // and the page does need one
    }

    [Fact]
    public async Task SQLite_VACUUM_INTO_while_running_then_a_second_app_on_the_copy_has_the_same_data_chain_and_sign_ins()
    {
        var live = Path.Combine(_dir, "live.db");
        var backup = Path.Combine(_dir, "backup.db");
        var cookies = new CookieContainer();
        await using var app = new DatabaseAppFactory(live, new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Sqlite"] = $"Data Source={live}" });
        var before = await WriteAsync(app, cookies);

        // docs/operations.md: VACUUM INTO from a connection of its own, the service still running.
        await using (var connection = new SqliteConnection($"Data Source={live};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $path";
            command.Parameters.AddWithValue("$path", backup);
            await command.ExecuteNonQueryAsync();
        }
        await app.InTenant(T, async sp => // the live database goes on; the backup does not see what came after it
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.AuditEntries.Add(new AuditEntry("after-backup", "read", "record", Guid.NewGuid().ToString(), false, "127.0.0.1", Seasons.UtcNow));
            await db.SaveChangesAsync();
        });

        await using var restored = new DatabaseAppFactory(backup, new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Sqlite"] = $"Data Source={backup}" });
        await CheckRestoredAsync(restored, before, cookies);
    }

    [PostgresFact]
    [Trait("Database", "Postgres")]
    public async Task PostgreSQL_pg_dump_while_running_then_pg_restore_into_an_empty_database_has_the_same_data_chain_and_sign_ins()
    {
        var liveFile = Path.Combine(_dir, "live.db");
        var restoredFile = Path.Combine(_dir, "restored.db");
        var dump = Path.Combine(_dir, "backup.dump");
        try
        {
            var cookies = new CookieContainer();
            var liveSettings = TestDatabase.Settings(liveFile);
            await using var app = new DatabaseAppFactory(liveFile, liveSettings);
            var before = await WriteAsync(app, cookies);

            // docs/operations.md: pg_dump in the custom format, the service still running (one consistent snapshot).
            var live = new NpgsqlConnectionStringBuilder(liveSettings["ConnectionStrings:Postgres"]);
            await RunAsync("pg_dump", live, "-Fc", "-f", dump, "-d", live.Database!);
            await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                db.AuditEntries.Add(new AuditEntry("after-backup", "read", "record", Guid.NewGuid().ToString(), false, "127.0.0.1", Seasons.UtcNow));
                await db.SaveChangesAsync();
            });

            // Restore into a new, empty database, then start the service on it.
            var restoredSettings = TestDatabase.Settings(restoredFile);
            var target = new NpgsqlConnectionStringBuilder(restoredSettings["ConnectionStrings:Postgres"]);
            await RunAsync("pg_restore", target, "--no-owner", "--exit-on-error", "-d", target.Database!, dump);
            await using var restored = new DatabaseAppFactory(restoredFile, restoredSettings);
            await CheckRestoredAsync(restored, before, cookies);
        }
        finally
        {
            TestDatabase.Drop(liveFile);
            TestDatabase.Drop(restoredFile);
        }
    }

    /// <summary>The newest PostgreSQL client programs, where ./test.sh finds its server's (Debian's layout), else the PATH.</summary>
    private static string PgProgram(string name)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, name)))
                .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0)).LastOrDefault()
            : null;
        return bin is null ? name : Path.Combine(bin, name);
    }

    private static async Task RunAsync(string program, NpgsqlConnectionStringBuilder server, params string[] args)
    {
        var start = new ProcessStartInfo(PgProgram(program)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", server.Host!, "-p", server.Port.ToString(), "-U", server.Username! }.Concat(args)) start.ArgumentList.Add(a);
        if (server.Password is { Length: > 0 } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
