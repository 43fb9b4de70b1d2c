using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.DevData;

public sealed class DemoOptions
{
    /// <summary>Create demo accounts and fictional staff. Refused outside Development and Testing.</summary>
    public bool Seed { get; set; }
    public string Password { get; set; } = "";
    public string PlatformAdminEmail { get; set; } = "";

    /// <summary>A pause after each tenant is seeded, so a fault test can kill a start between two tenants (0: none).</summary>
    public int PauseAfterEachTenantMs { get; set; }
}

/// <summary>
/// Fills each founding tenant with the fictional staff in tenants/&lt;slug&gt;/demo/staff.csv,
/// through the same import admins use, and gives them the demo password. Runs per tenant through
/// PerTenantRunner. Never in Production: demo passwords there would be an open door.
/// The file's dates are moved from the day they were written (demo/written-on.txt) to the day of
/// seeding, so the demo looks the same whenever it is seeded (docs/adr/0010-demo-dates.md).
/// </summary>
public sealed class DemoSeeder(PerTenantRunner runner, IServiceScopeFactory scopes, IHostEnvironment env, ILogger<DemoSeeder> log)
{
    public static readonly string[] DemoAccounts = ["admin", "lead", "supervisor", "supervisee", "linemanager", "auditor"];

    /// <summary>The staff file's date columns, every one of which moves with the seeding day.</summary>
    public static readonly string[] DateColumns = ["training_date", "training_expiry", "start_date", "left_on"];

    public async Task SeedAsync(DemoOptions options, string tenantsRoot, CancellationToken ct)
    {
        if (!options.Seed) return;
        if (!env.IsDevelopment() && !env.IsEnvironment("Testing"))
        {
            log.LogWarning("Demo data is switched on but the environment is {Environment}; no demo accounts were created", env.EnvironmentName);
            return;
        }
        if (options.Password.Length < 12) throw new InvalidOperationException("Demo:Password must be at least 12 characters.");

        // One hash for every demo account: hashing is deliberately slow, and these are fictional people.
        // Made when a tenant is first seeded, not at every start (a tenth of a second each time).
        var hash = new Lazy<string>(() => new PasswordHasher<StaffMember>().HashPassword(null!, options.Password));
        await runner.RunForEachAsync("demo-seed", async (services, token) =>
        {
            var tenant = services.GetRequiredService<ITenantContext>().Tenant;
            var file = Path.Combine(tenantsRoot, tenant.Identifier, "demo", "staff.csv");
            var db = services.GetRequiredService<AppDbContext>();
            if (!File.Exists(file)) return;
            // One transaction per tenant: a start killed half-way leaves the tenant as it was, and the next
            // start seeds it whole (issue 16: one tenant kept its staff and never got its supervisions).
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            if (!await db.Staff.AnyAsync(token))
            {
                var csv = await File.ReadAllTextAsync(file, token);
                var writtenOn = await WrittenOnAsync(Path.Combine(tenantsRoot, tenant.Identifier, "demo", "written-on.txt"), token);
                if (writtenOn is { } written)
                    csv = ShiftDates(csv, ShiftDays(written, tenant.Today(services.GetRequiredService<TimeProvider>())));
                else
                    log.LogWarning("{File} has no written-on.txt beside it; its dates are used as written and will age", file);
                var result = await services.GetRequiredService<StaffDirectory>().ImportAsync(csv, token);
                if (!result.Succeeded)
                    throw new InvalidOperationException($"{file} does not import:\n{string.Join('\n', result.Errors)}");
                foreach (var member in await db.Staff.ToListAsync(token)) member.PasswordHash = hash.Value;
                await db.SaveChangesAsync(token);
                log.LogInformation("Demo staff created for tenant {Identifier}: {Count} people", tenant.Identifier, result.Added);
            }
            // Also finishes a tenant that an older version left with staff and no supervision.
            await SeedSupervisionAsync(services, tenant, token);
            await transaction.CommitAsync(token);
            if (options.PauseAfterEachTenantMs > 0) await Task.Delay(options.PauseAfterEachTenantMs, token);
        }, ct, only: t => File.Exists(Path.Combine(tenantsRoot, t.Identifier, "demo", "staff.csv")));

        if (options.PlatformAdminEmail.Length > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var normalized = options.PlatformAdminEmail.ToUpperInvariant();
            if (!await db.PlatformAdmins.AnyAsync(a => a.NormalizedEmail == normalized, ct))
            {
                var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<PlatformAdmin>>();
                db.PlatformAdmins.Add(new PlatformAdmin(options.PlatformAdminEmail, hasher.HashPassword(null!, options.Password)));
                await db.SaveChangesAsync(ct);
            }
        }
    }

    /// <summary>
    /// The day a demo folder's dates were written: the first line of written-on.txt that is not
    /// blank or a # comment, as yyyy-MM-dd. Null when there is no such file.
    /// </summary>
    public static async Task<DateOnly?> WrittenOnAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) return null;
        var line = (await File.ReadAllLinesAsync(path, ct)).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        return DateOnly.TryParseExact(line, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : throw new InvalidOperationException($"{path} must give the day the demo dates were written, as yyyy-MM-dd (found '{line}').");
    }

    /// <summary>
    /// How far to move the demo dates: the days from writing to seeding, to the nearest whole week,
    /// so every date keeps its weekday (people start on Mondays, not Saturdays) and lands within
    /// three days of exactly where it was meant to be relative to today. Negative when seeding with
    /// a clock before the day the dates were written.
    /// </summary>
    public static int ShiftDays(DateOnly writtenOn, DateOnly seedingDay) =>
        (int)Math.Round((seedingDay.DayNumber - writtenOn.DayNumber) / 7.0, MidpointRounding.AwayFromZero) * 7;

    /// <summary>
    /// The staff CSV with every yyyy-MM-dd value in <see cref="DateColumns"/> moved by
    /// <paramref name="days"/>; everything else, and any value that is not such a date, as it was
    /// (rows are written back with Csv.Line, whose guard against a leading = + - @ the demo files never need).
    /// </summary>
    public static string ShiftDates(string csv, int days)
    {
        var rows = Csv.Read(csv);
        if (days == 0 || rows.Count == 0) return csv;
        var header = rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var columns = DateColumns.Select(c => header.IndexOf(c)).Where(i => i >= 0).ToHashSet();
        string Moved(string value, int column) =>
            columns.Contains(column) && DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : value;
        var lines = rows.Select((row, r) => Csv.Line(r == 0 ? row.Fields : row.Fields.Select(Moved)));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// A year of fictional supervision so every dashboard has something to show: the demo
    /// supervisor with the demo supervisee and a few colleagues, sessions at roughly the policy's
    /// pace with the odd miss. Agreements are left for people to start. The history's events are
    /// marked as handled: old news must not set workflows emailing anyone.
    /// </summary>
    private static async Task SeedSupervisionAsync(IServiceProvider services, TenantInfo tenant, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (await db.Relationships.AnyAsync(ct)) return;
        var type = tenant.Settings.Supervision.Types.FirstOrDefault(t => !t.IsGroup && t.ParsedFormat != SupervisionFormat.AdHoc);
        if (type is null) return;
        var today = tenant.Today(clock);
        var now = clock.GetUtcNow();
        var staff = await db.Staff.AsNoTracking().Where(s => s.LeftOn == null).OrderBy(s => s.Email).ToListAsync(ct);
        var supervisor = staff.FirstOrDefault(s => s.Email == $"supervisor@{tenant.Identifier}.example");
        var supervisee = staff.FirstOrDefault(s => s.Email == $"supervisee@{tenant.Identifier}.example");
        if (supervisor is null || supervisee is null) return;
        var others = staff.Where(s => s.Has(StaffRoles.Supervisee) && s.Id != supervisee.Id && s.Id != supervisor.Id).Take(4).ToList();
        var random = new Random(tenant.Identifier.Length * 7919);
        var gapDays = type.Frequency.FirstOrDefault() is { Every: { } every } f
            ? f.ToRequirement().Unit switch { global::SupervisionHub.Workflows.Supervision.IntervalUnit.Months => every * 30, global::SupervisionHub.Workflows.Supervision.IntervalUnit.Weeks => every * 7, _ => every }
            : 42;
        var i = 0;
        foreach (var person in others.Prepend(supervisee))
        {
            var started = today.AddYears(-1);
            var relationship = Relationship.Start(type, supervisor.Id, [person.Id], started);
            db.Relationships.Add(relationship);
            // Each person's last session a little further back, so statuses vary: on track, due soon, overdue.
            var day = started.AddDays(7 + i * 5);
            var stopBefore = today.AddDays(-(gapDays / 3) - i * (gapDays / 3));
            while (day < stopBefore)
            {
                var session = Session.Book(relationship, Weekday(day), new TimeOnly(10 + random.Next(5), 0), Math.Max(type.MinimumMinutes, 60), "Meeting room", supervisor.Id, now, Weekday(day));
                if (random.Next(10) == 0) session.MarkDidNotAttend([person.Id], null, supervisor.Id, now, session.Date);
                else session.MarkAttended(new Dictionary<string, MemberAttendance> { [person.Id] = MemberAttendance.Present }, supervisor.Id, now, session.Date);
                db.Sessions.Add(session);
                day = day.AddDays(gapDays - 7 + random.Next(10));
            }
            i++;
        }
        await db.SaveChangesAsync(ct);
        await db.Events.Where(e => e.DispatchedAt == null).ExecuteUpdateAsync(u => u.SetProperty(e => e.DispatchedAt, now), ct);
    }

    private static DateOnly Weekday(DateOnly d) => d.DayOfWeek switch
    {
        DayOfWeek.Saturday => d.AddDays(2),
        DayOfWeek.Sunday => d.AddDays(1),
        _ => d,
    };
}
