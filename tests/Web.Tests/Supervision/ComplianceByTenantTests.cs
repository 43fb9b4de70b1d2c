using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// Each founding tenant's real tenant.yaml (types, frequency, due-soon days, term dates) through the
/// calculator, against dates worked out by hand from that file. A change to a tenant's rules or term
/// dates that moves a deadline fails here, with the sum in the comment to check it against.
/// </summary>
public sealed class ComplianceByTenantTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static readonly DateOnly Monday23November2026 = D("2026-11-23");

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static AttendedSession S(string date, int minutes = 60) => new(D(date), minutes);

    private static TenantSettings Tenant(string slug)
    {
        var result = TenantConfigLoader.Load(File.ReadAllText(AppFactory.RepoPath($"tenants/{slug}/tenant.yaml")), $"{slug}/tenant.yaml");
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Settings!;
    }

    private static ComplianceStatus Evaluate(string slug, string typeId, DateOnly requiredFrom, DateOnly? leftOn, IReadOnlyList<AttendedSession> sessions, DateOnly? today = null)
    {
        var settings = Tenant(slug);
        var type = settings.Supervision.Type(typeId) ?? throw new InvalidOperationException($"{slug} has no type {typeId}");
        return ComplianceCalculator.Evaluate(type.Policy(settings.Supervision.DueSoonDays), settings.Calendar(), requiredFrom, leftOn, sessions, today ?? Monday23November2026);
    }

    // ---- ascent: at least 1 per half term and 6 per academic year, each at least 60 minutes ----

    // One 60-minute session in each half term of 2025-26, so the year before (6 needed) is met:
    // Autumn 1 (2 Sep - 26 Oct 2025), Autumn 2 (27 Oct - 19 Dec), Spring 1 (20 Dec - 15 Feb 2026),
    // Spring 2 (16 Feb - 27 Mar), Summer 1 (28 Mar - 24 May), Summer 2 (25 May - 17 Jul).
    private static readonly AttendedSession[] AscentYear2025To26 =
        [S("2025-10-01"), S("2025-12-01"), S("2026-02-02"), S("2026-03-16"), S("2026-05-04"), S("2026-07-06")];

    [Fact]
    public void At_ascent_the_october_half_term_break_divides_autumn_1_from_autumn_2()
    {
        var calendar = Tenant("ascent").Calendar();
        // Autumn 2026: 1 Sep - 18 Dec, break 26-30 Oct. Autumn 1 runs from the day after Summer 2025-26
        // ended (18 Jul) to the Sunday before the break; the break belongs to Autumn 2, which it prepares for.
        Assert.Equal(new Period("Autumn 1 2026-27", D("2026-07-18"), D("2026-10-25")), calendar.PeriodContaining(PeriodKind.HalfTerm, D("2026-10-22")));
        Assert.Equal(new Period("Autumn 2 2026-27", D("2026-10-26"), D("2026-12-18")), calendar.PeriodContaining(PeriodKind.HalfTerm, D("2026-10-26")));
    }

    [Fact]
    public void At_ascent_an_hour_on_the_last_teaching_day_before_the_october_break_counts_for_autumn_1()
    {
        // Friday 23 Oct 2026 is an INSET day, so Thursday 22 Oct is the last teaching day of Autumn 1.
        var status = Evaluate("ascent", "one-to-one", D("2025-09-01"), null, [.. AscentYear2025To26, S("2026-10-22", 60)]);
        // Half term: Autumn 1 2026-27 (ended 25 Oct) had 1 of 1: met. Autumn 2 (26 Oct - 18 Dec) has none
        // yet: due 18 Dec, 25 days away (> 14 due-soon days): on track.
        // Year: 2025-26 had 6 of 6; 2026-27 has 1 of 6, due 23 Jul 2027. The earlier deadline shows.
        Assert.Equal(ComplianceState.OnTrack, status.State);
        Assert.Equal(D("2026-12-18"), status.NextDue);
        Assert.Equal(D("2026-10-22"), status.LastSession);
    }

    [Fact]
    public void At_ascent_a_45_minute_session_does_not_count_so_autumn_1_was_missed()
    {
        var status = Evaluate("ascent", "one-to-one", D("2025-09-01"), null, [.. AscentYear2025To26, S("2026-10-22", 45)]);
        // 45 < minimumMinutes 60: Autumn 1 2026-27 had 0 of 1, so overdue since its last day, 25 Oct.
        Assert.Equal(ComplianceState.Overdue, status.State);
        Assert.Equal(D("2026-10-25"), status.NextDue);
        Assert.Contains("Autumn 1 2026-27", status.Reason, StringComparison.Ordinal);
        Assert.Equal(D("2026-07-06"), status.LastSession); // the short session is not a counted session
    }

    [Fact]
    public void At_ascent_a_session_in_the_october_break_counts_for_autumn_2_not_autumn_1()
    {
        var status = Evaluate("ascent", "one-to-one", D("2025-09-01"), null, [.. AscentYear2025To26, S("2026-10-26", 60)]);
        // Monday 26 Oct is the first day of the break, which is in Autumn 2: Autumn 1 had 0 of 1.
        Assert.Equal(ComplianceState.Overdue, status.State);
        Assert.Equal(D("2026-10-25"), status.NextDue);
    }

    [Fact]
    public void At_ascent_a_new_starter_part_way_through_autumn_2_is_first_due_at_the_end_of_spring_1()
    {
        // natalie.graham@ascent.example starts 2 Nov 2026 (demo/staff.csv): part-way through Autumn 2
        // (26 Oct - 18 Dec), so her first whole half term is Spring 1 2026-27 (19 Dec - 14 Feb 2027),
        // due 14 Feb 2027; her first whole academic year is 2027-28, due 21 Jul 2028. The earlier shows.
        var status = Evaluate("ascent", "one-to-one", D("2026-11-02"), null, []);
        Assert.Equal(ComplianceState.OnTrack, status.State);
        Assert.Equal(D("2027-02-14"), status.NextDue);
    }

    [Fact]
    public void At_ascent_a_leaver_is_not_required()
    {
        // craig.milburn@ascent.example left on 31 Aug 2026 (demo/staff.csv), with no session since.
        var status = Evaluate("ascent", "one-to-one", D("2025-09-01"), D("2026-08-31"), AscentYear2025To26);
        Assert.Equal(ComplianceState.NotRequired, status.State);
        Assert.Null(status.NextDue);
        Assert.Equal("Left on 31 August 2026", status.Reason);
    }

    // ---- river-tees: every 3 months (rolling), due soon within 14 days ----

    [Theory]
    [InlineData("2026-09-30", "2026-12-30", ComplianceState.OnTrack)]  // 37 days away
    [InlineData("2026-08-31", "2026-11-30", ComplianceState.DueSoon)]  // 7 days away (<= 14)
    [InlineData("2026-08-20", "2026-11-20", ComplianceState.Overdue)]  // 3 days ago
    [InlineData("2026-10-28", "2027-01-28", ComplianceState.OnTrack)]  // in the October break: term dates do not pause a rolling rule
    public void At_river_tees_the_next_session_is_due_three_months_after_the_last(string last, string due, ComplianceState expected)
    {
        var status = Evaluate("river-tees", "safeguarding-one-to-one", D("2021-09-01"), null, [S(last)]);
        Assert.Equal(expected, status.State);
        Assert.Equal(D(due), status.NextDue);
    }

    [Fact]
    public void At_river_tees_a_leaver_is_not_required()
    {
        // connor.blakey@river-tees.example left on 17 Jul 2026; his last session (1 Jun) would be overdue by now.
        var status = Evaluate("river-tees", "safeguarding-one-to-one", D("2022-04-19"), D("2026-07-17"), [S("2026-06-01")]);
        Assert.Equal(ComplianceState.NotRequired, status.State);
        Assert.Null(status.NextDue);
    }

    // ---- mse-icb: every 3 months, due soon within 21 days ----

    [Fact]
    public void At_mse_icb_three_months_falls_due_soon_three_weeks_ahead()
    {
        // 10 Sep + 3 months = 10 Dec 2026: 17 days from 23 Nov. mse-icb's dueSoonDays is 21 (the
        // default 14 would still say on track).
        var status = Evaluate("mse-icb", "one-to-one", D("2022-05-03"), null, [S("2026-09-10")]);
        Assert.Equal(ComplianceState.DueSoon, status.State);
        Assert.Equal(D("2026-12-10"), status.NextDue);
    }

    [Fact]
    public void At_mse_icb_three_months_from_30_november_is_the_last_day_of_february()
    {
        // 30 Nov 2026 + 3 months has no 30 Feb: 28 Feb 2027, 89 days from 1 Dec (> 21): on track.
        var status = Evaluate("mse-icb", "group", D("2022-05-03"), null, [S("2026-11-30")], D("2026-12-01"));
        Assert.Equal(ComplianceState.OnTrack, status.State);
        Assert.Equal(D("2027-02-28"), status.NextDue);
    }

    // ---- ralph-thoresby: every 6 weeks, due soon within 10 days ----

    [Theory]
    [InlineData("2026-10-19", "2026-11-30", ComplianceState.DueSoon)]  // + 42 days; 7 days away (<= 10)
    [InlineData("2026-10-28", "2026-12-09", ComplianceState.OnTrack)]  // in the October break; 16 days away (> 10)
    [InlineData("2026-10-05", "2026-11-16", ComplianceState.Overdue)]  // 7 days ago
    public void At_ralph_thoresby_the_next_session_is_due_six_weeks_after_the_last(string last, string due, ComplianceState expected)
    {
        var status = Evaluate("ralph-thoresby", "one-to-one", D("2021-09-01"), null, [S(last)]);
        Assert.Equal(expected, status.State);
        Assert.Equal(D(due), status.NextDue);
    }

    // ---- devon-torbay: every 8 weeks, and a new starter's first session within 28 days ----

    [Fact]
    public void At_devon_torbay_a_new_starter_is_first_due_28_days_after_starting()
    {
        // Started 9 Nov 2026: first session due 9 Nov + 28 = 7 Dec, 14 days from 23 Nov (<= 14: due
        // soon). The rolling rule alone would give 9 Nov + 56 = 4 Jan 2027.
        var status = Evaluate("devon-torbay", "one-to-one", D("2026-11-09"), null, []);
        Assert.Equal(ComplianceState.DueSoon, status.State);
        Assert.Equal(D("2026-12-07"), status.NextDue);
    }

    [Fact]
    public void At_devon_torbay_a_new_starter_without_a_first_session_after_28_days_is_overdue()
    {
        // Started 19 Oct 2026: first due 16 Nov, a week ago, though 8 weeks (14 Dec) have not passed.
        var status = Evaluate("devon-torbay", "one-to-one", D("2026-10-19"), null, []);
        Assert.Equal(ComplianceState.Overdue, status.State);
        Assert.Equal(D("2026-11-16"), status.NextDue);
    }

    [Fact]
    public void At_devon_torbay_once_the_first_session_is_held_the_8_week_rule_takes_over()
    {
        // Started 19 Oct, first session 2 Nov (within 28 days): next due 2 Nov + 56 = 28 Dec, 35 days away.
        var status = Evaluate("devon-torbay", "one-to-one", D("2026-10-19"), null, [S("2026-11-02")]);
        Assert.Equal(ComplianceState.OnTrack, status.State);
        Assert.Equal(D("2026-12-28"), status.NextDue);
    }

    [Fact]
    public void At_devon_torbay_someone_who_has_not_started_yet_is_not_required_but_their_first_deadline_is_known()
    {
        // Starts 1 Dec 2026: first session by 1 Dec + 28 = 29 Dec (before 1 Dec + 56 = 26 Jan 2027).
        var status = Evaluate("devon-torbay", "one-to-one", D("2026-12-01"), null, []);
        Assert.Equal(ComplianceState.NotRequired, status.State);
        Assert.Equal(D("2026-12-29"), status.NextDue);
    }

    // ---- through the database: a cancelled session does not count, its rebooking does ----

    [Fact]
    public async Task A_session_cancelled_then_rebooked_and_attended_puts_the_supervisee_back_on_track()
    {
        await app.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var compliance = sp.GetRequiredService<ComplianceService>();
            var clock = sp.GetRequiredService<TimeProvider>();
            var today = sp.Today();
            var supervisor = await db.StaffIdAsync("nadia.hussain@river-tees.example"); // trained until 2028 (river-tees refuses untrained)
            var supervisee = await db.StaffIdAsync("kirsty.lowther@river-tees.example");
            var started = today.AddMonths(-4);
            var relationship = await sp.StartAsync("safeguarding-one-to-one", supervisor, supervisee, started);
            Task<SuperviseeStatus> Status() => compliance.StatusesAsync(m => m.StaffId == supervisee, CancellationToken.None).ContinueWith(t => Assert.Single(t.Result));

            var first = Session.Book(relationship, today, new TimeOnly(9, 30), 60, "Room 4", supervisee, clock.GetUtcNow(), today);
            db.Sessions.Add(first);
            await db.SaveChangesAsync();
            Assert.Equal(today, (await Status()).NextBooked);

            first.Cancel(bySupervisor: false, "Covering a colleague's class", supervisee, clock.GetUtcNow());
            await db.SaveChangesAsync();
            var cancelled = await Status();
            // Started four months ago with no session: three months from the start has passed.
            Assert.Equal(ComplianceState.Overdue, cancelled.Compliance.State);
            Assert.Equal(started.AddMonths(3), cancelled.Compliance.NextDue);
            Assert.Null(cancelled.NextBooked);

            var rebooked = Session.Book(relationship, today, new TimeOnly(14, 0), 60, "Room 4", supervisee, clock.GetUtcNow(), today);
            db.Sessions.Add(rebooked);
            await db.SaveChangesAsync();
            rebooked.MarkAttended(new Dictionary<string, MemberAttendance> { [supervisee] = MemberAttendance.Present }, supervisor, clock.GetUtcNow(), today);
            await db.SaveChangesAsync();

            var status = await Status();
            Assert.Equal(ComplianceState.OnTrack, status.Compliance.State);
            Assert.Equal(today, status.Compliance.LastSession);
            Assert.Equal(today.AddMonths(3), status.Compliance.NextDue);
            Assert.Equal(SessionStatus.CancelledBySupervisee, first.Status);
        });
    }
}
