using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// Each person's latest session of a type and length, kept by the database's triggers (ADR 0068), must be exactly what
/// grouping every present attendance row gives, whatever wrote the rows: the app's outcomes and corrections, and
/// statements that change or delete rows behind its back (a bulk fix, an erasure), on both databases.
/// </summary>
public sealed class LatestAttendanceTests(QuietSweepFactory app) : IClassFixture<QuietSweepFactory>
{
    private sealed record Key(Guid TenantId, string TypeId, string StaffId, int Minutes);

    private async Task<(Dictionary<Key, DateOnly> Kept, Dictionary<Key, DateOnly> Worked)> BothAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var kept = (await db.LatestAttendance.IgnoreQueryFilters().AsNoTracking().ToListAsync())
            .ToDictionary(l => new Key(l.TenantId, l.TypeId, l.StaffId, l.Minutes), l => l.Date);
        var worked = (await db.SessionAttendance.IgnoreQueryFilters().AsNoTracking().Where(a => a.Attendance == MemberAttendance.Present)
                .GroupBy(a => new { a.TenantId, a.TypeId, a.StaffId, a.Minutes }).Select(g => new { g.Key, Date = g.Max(a => a.Date) }).ToListAsync())
            .ToDictionary(g => new Key(g.Key.TenantId, g.Key.TypeId, g.Key.StaffId, g.Key.Minutes), g => g.Date);
        return (kept, worked);
    }

    private async Task AssertKeptAsync(string when)
    {
        var (kept, worked) = await BothAsync();
        var wrong = kept.Where(k => !worked.TryGetValue(k.Key, out var d) || d != k.Value).Select(k => $"{k.Key} kept {k.Value}")
            .Concat(worked.Where(w => !kept.ContainsKey(w.Key)).Select(w => $"{w.Key} missing ({w.Value})")).Take(5).ToList();
        Assert.True(wrong.Count == 0, $"{when}: {string.Join("; ", wrong)}");
        Assert.NotEmpty(kept);
    }

    [Fact]
    public async Task The_kept_latest_sessions_are_those_every_attendance_row_gives_after_outcomes_corrections_changes_and_deletes()
    {
        var seed = Environment.TickCount;
        foreach (var t in new[] { "ascent", "ralph-thoresby" })
            await app.InTenant(t, sp => SweepEventsTests.VariedAsync(sp, t, seed));
        await AssertKeptAsync($"outcomes (seed {seed})");

        // The app's corrections, both ways: the latest present session marked absent (its key falls back to the one
        // before, or goes), and an absence marked present.
        foreach (var t in new[] { "ascent", "ralph-thoresby" })
            await app.InTenant(t, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
                var latest = await db.Sessions.Include(s => s.Attendance).Where(s => s.Status == SessionStatus.Attended && s.RecordId == null)
                    .OrderByDescending(s => s.Date).Take(6).ToListAsync();
                foreach (var (s, i) in latest.Select((s, i) => (s, i)))
                {
                    var who = s.Attendance[0].StaffId;
                    s.CorrectAttendance(new Dictionary<string, MemberAttendance> { [who] = i % 2 == 0 ? MemberAttendance.Absent : MemberAttendance.Apologies },
                        "entered against the wrong person", who, now);
                }
                await db.SaveChangesAsync();
                var back = latest[2];
                back.CorrectAttendance(new Dictionary<string, MemberAttendance> { [back.Attendance[0].StaffId] = MemberAttendance.Present }, "they came after all", back.Attendance[0].StaffId, now);
                await db.SaveChangesAsync();
            });
        await AssertKeptAsync($"corrections (seed {seed})");

        // Statements behind the app's back: rows moved in date and length, turned absent, and deleted.
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            var rows = await db.SessionAttendance.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
            var moved = rows.Where((_, i) => i % 4 == 0).ToList();
            var shorter = rows.Where((_, i) => i % 5 == 1).ToList();
            var absent = rows.Where((_, i) => i % 6 == 2).ToList();
            var gone = rows.Where((_, i) => i % 7 == 3).ToList();
            await db.SessionAttendance.Where(a => moved.Contains(a.Id)).ExecuteUpdateAsync(u => u.SetProperty(a => a.Date, today.AddDays(-400)));
            await db.SessionAttendance.Where(a => shorter.Contains(a.Id)).ExecuteUpdateAsync(u => u.SetProperty(a => a.Minutes, 10));
            await db.SessionAttendance.Where(a => absent.Contains(a.Id)).ExecuteUpdateAsync(u => u.SetProperty(a => a.Attendance, MemberAttendance.Absent));
            await db.SessionAttendance.Where(a => gone.Contains(a.Id)).ExecuteDeleteAsync();
        });
        await AssertKeptAsync($"changes and deletes (seed {seed})");

        // Every row of one tenant deleted: nothing kept for it, and the other's untouched.
        var ascent = await app.InTenant("ascent", async sp =>
        {
            await sp.GetRequiredService<AppDbContext>().SessionAttendance.ExecuteDeleteAsync();
            return sp.GetRequiredService<ITenantContext>().Tenant.Id;
        });
        await AssertKeptAsync($"a tenant's attendance deleted (seed {seed})");
        var (left, _) = await BothAsync();
        Assert.DoesNotContain(left.Keys, k => k.TenantId == ascent);
    }

    /// <summary>
    /// Two corrections of one person's sessions of one length at once, each in its own transaction: the second must wait
    /// for the first and work the key out from what the first committed. Worked out from its own snapshot while the
    /// first was still open, it would keep the session the first had just marked absent (without the lock on the key's
    /// row). PostgreSQL only: SQLite has one writer at a time, so its triggers never interleave.
    /// </summary>
    [PostgresFact]
    public async Task Two_corrections_of_one_persons_sessions_at_once_leave_the_latest_that_is_still_present()
    {
        const string T = "ralph-thoresby";
        var (staffId, ids) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = sp.Today();
            var type = sp.GetRequiredService<ITenantContext>().Tenant.Settings.Supervision.Types.First(t => !t.IsGroup);
            var person = await sp.NewPersonAsync("Latest Two At Once", $"{Guid.NewGuid():N}@{T}.example", StaffRoles.Supervisee);
            var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
            var r = await sp.StartAsync(type.Id, supervisor, person.Id, today.AddDays(-200));
            var sessions = new[] { -90, -60, -30 }.Select(d => Session.RecordAdHoc(r, today.AddDays(d), new TimeOnly(10, 0), 60, null, supervisor, now, today)).ToList();
            db.Sessions.AddRange(sessions);
            await db.SaveChangesAsync();
            var rows = await db.SessionAttendance.Where(a => a.StaffId == person.Id).OrderBy(a => a.Date).Select(a => a.Id).ToListAsync();
            return (person.Id, rows);
        });

        await app.InTenant(T, async sp =>
        {
            var one = sp.GetRequiredService<AppDbContext>();
            await using var tx1 = await one.Database.BeginTransactionAsync();
            await one.SessionAttendance.Where(a => a.Id == ids[2]).ExecuteUpdateAsync(u => u.SetProperty(a => a.Attendance, MemberAttendance.Absent));
            var waiting = app.InTenant(T, async other =>
            {
                var two = other.GetRequiredService<AppDbContext>();
                await using var tx2 = await two.Database.BeginTransactionAsync();
                await two.SessionAttendance.Where(a => a.Id == ids[1]).ExecuteUpdateAsync(u => u.SetProperty(a => a.Attendance, MemberAttendance.Absent));
                await tx2.CommitAsync();
            });
            await Task.Delay(1000);
            Assert.False(waiting.IsCompleted, "the second correction did not wait for the first" + (waiting.Exception is { } e ? ": " + e : ""));
            await tx1.CommitAsync();
            await waiting;
        });

        await AssertKeptAsync("two corrections at once");
        var kept = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().LatestAttendance.Where(l => l.StaffId == staffId).Select(l => l.Date).SingleAsync());
        Assert.Equal(await app.InTenant(T, sp => Task.FromResult(sp.Today().AddDays(-90))), kept);
    }
}
