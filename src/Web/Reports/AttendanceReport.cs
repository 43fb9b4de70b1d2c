using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Reports;

/// <summary>One line of the attendance report: a supervision type or a site (member agency).</summary>
public sealed record AttendanceRow(string Key, string Name)
{
    /// <summary>People in supervision at any time in the period.</summary>
    public int Supervisees { get; set; }
    /// <summary>Of them, present at one session or more.</summary>
    public int Supervised { get; set; }
    public int NotSupervised => Supervisees - Supervised;
    public int Present { get; set; }
    public int Apologies { get; set; }
    public int DidNotAttend { get; set; }
    public int CancelledBySupervisee { get; set; }
    public int CancelledBySupervisor { get; set; }
    /// <summary>Sessions in the past still shown as booked: nobody recorded what happened.</summary>
    public int NotRecorded { get; set; }
    /// <summary>Present out of present plus did not attend: cancellations in advance and apologies are not misses.</summary>
    public int RateBase => Present + DidNotAttend;
}

public sealed record AttendanceResult(ReportPeriod Period, string By, IReadOnlyList<AttendanceRow> Rows, AttendanceRow Total,
    int SessionsHeld, int SessionsMissed, int SessionsCancelledBySupervisee, int SessionsCancelledBySupervisor, int SessionsNotRecorded);

/// <summary>
/// Attendance over a period (mse-icb quarterly report and annual audit; devon-torbay by member
/// agency): per person, each session they were due at counts once, as present, apologies, did not
/// attend, cancelled by either side, or not recorded. Four bounded queries whatever the size.
/// </summary>
public sealed class AttendanceReport(AppDbContext db, ITenantContext tenant, TimeProvider clock)
{
    public async Task<AttendanceResult> RunAsync(ReportSettings report, ReportPeriod period, CancellationToken ct)
    {
        var settings = tenant.Tenant.Settings;
        var today = tenant.Tenant.Today(clock);
        var (first, last) = (period.From, period.To);

        var members = await (from m in db.RelationshipMembers.AsNoTracking()
                             where m.JoinedOn <= last && (m.LeftOn == null || m.LeftOn >= first)
                             join r in db.Relationships.AsNoTracking() on m.RelationshipId equals r.Id
                             select new { m.StaffId, m.RelationshipId, m.JoinedOn, m.LeftOn, r.TypeId })
            .ToListAsync(ct);
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.Date >= first && s.Date <= last && s.Status != SessionStatus.Attended && s.Status != SessionStatus.DidNotAttend)
            .Select(s => new { s.RelationshipId, s.Date, s.Status, s.TypeId })
            .ToListAsync(ct);
        var attendance = await db.SessionAttendance.AsNoTracking()
            .Where(a => a.Date >= first && a.Date <= last)
            .Select(a => new { a.SessionId, a.StaffId, a.Attendance, a.TypeId })
            .ToListAsync(ct);
        var settled = await db.Sessions.AsNoTracking()
            .Where(s => s.Date >= first && s.Date <= last && (s.Status == SessionStatus.Attended || s.Status == SessionStatus.DidNotAttend))
            .GroupBy(s => s.Status).Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(ct);

        var bySite = report.By == "site";
        var sites = new Dictionary<string, string?>();
        if (bySite)
        {
            var ids = members.Select(m => m.StaffId).Concat(attendance.Select(a => a.StaffId)).Distinct().ToList();
            sites = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Site, ct);
        }
        const string NoSite = "(no site recorded)";
        string Key(string staffId, string typeId) => bySite ? sites.GetValueOrDefault(staffId) ?? NoSite : typeId;

        // Every configured type or site has a row, so a committee sees the ones with nothing to report.
        var rows = new Dictionary<string, AttendanceRow>(StringComparer.Ordinal);
        foreach (var (key, name) in bySite ? settings.Sites.Select(s => (s, s)) : settings.Supervision.Types.Select(t => (t.Id, t.Name)))
            rows[key] = new AttendanceRow(key, name);
        AttendanceRow Row(string key) => rows.TryGetValue(key, out var r) ? r
            : rows[key] = new AttendanceRow(key, bySite ? key : settings.Supervision.Type(key)?.Name ?? key);
        var total = new AttendanceRow("total", "Total");

        // Who was in supervision, and who was present at least once: distinct people per row and overall.
        var inSupervision = members.Select(m => (Key(m.StaffId, m.TypeId), m.StaffId)).ToHashSet();
        var present = attendance.Where(a => a.Attendance == MemberAttendance.Present).Select(a => (Key(a.StaffId, a.TypeId), a.StaffId)).ToHashSet();
        foreach (var group in inSupervision.GroupBy(p => p.Item1)) Row(group.Key).Supervisees = group.Count();
        foreach (var group in present.GroupBy(p => p.Item1)) Row(group.Key).Supervised = group.Count();
        total.Supervisees = inSupervision.Select(p => p.StaffId).Distinct().Count();
        total.Supervised = present.Select(p => p.StaffId).Distinct().Count();

        foreach (var a in attendance)
        {
            foreach (var r in new[] { Row(Key(a.StaffId, a.TypeId)), total })
            {
                switch (a.Attendance)
                {
                    case MemberAttendance.Present: r.Present++; break;
                    case MemberAttendance.Apologies: r.Apologies++; break;
                    default: r.DidNotAttend++; break;
                }
            }
        }

        // A cancelled or unrecorded session has no attendance rows: it counts for each member on its day.
        var membersOf = members.ToLookup(m => m.RelationshipId);
        foreach (var s in sessions)
        {
            if (s.Status == SessionStatus.Booked && s.Date >= today) continue; // still to come
            foreach (var m in membersOf[s.RelationshipId].Where(m => m.JoinedOn <= s.Date && (m.LeftOn is null || m.LeftOn >= s.Date)))
            {
                foreach (var r in new[] { Row(Key(m.StaffId, s.TypeId)), total })
                {
                    switch (s.Status)
                    {
                        case SessionStatus.CancelledBySupervisee: r.CancelledBySupervisee++; break;
                        case SessionStatus.CancelledBySupervisor: r.CancelledBySupervisor++; break;
                        default: r.NotRecorded++; break;
                    }
                }
            }
        }

        return new AttendanceResult(period, report.By,
            [.. rows.Values],
            total,
            settled.Where(x => x.Status == SessionStatus.Attended).Sum(x => x.Count),
            settled.Where(x => x.Status == SessionStatus.DidNotAttend).Sum(x => x.Count),
            sessions.Count(s => s.Status == SessionStatus.CancelledBySupervisee),
            sessions.Count(s => s.Status == SessionStatus.CancelledBySupervisor),
            sessions.Count(s => s.Status == SessionStatus.Booked && s.Date < today));
    }

    public static ReportOutput Output(ReportSettings report, AttendanceResult r)
    {
        static IReadOnlyList<string> Cells(AttendanceRow x) =>
        [
            x.Name, Fmt.N(x.Supervisees), Fmt.N(x.Supervised), Fmt.N(x.NotSupervised), Fmt.N(x.Present), Fmt.N(x.DidNotAttend), Fmt.N(x.Apologies),
            Fmt.N(x.CancelledBySupervisee), Fmt.N(x.CancelledBySupervisor), Fmt.N(x.NotRecorded), Fmt.Percent(x.Present, x.RateBase),
        ];
        var table = new ReportTable("attendance", r.By == "site" ? "Attendance by site" : "Attendance by type of supervision",
            [r.By == "site" ? "Site" : "Type of supervision", "In supervision", "Supervised in the period", "Not supervised in the period", "Present", "Did not attend",
                "Apologies", "Cancelled by supervisee", "Cancelled by supervisor", "Not recorded", "Attendance rate"],
            [.. r.Rows.Select(Cells), Cells(r.Total)],
            "Each person counts once for each session they were due at. Attendance rate: present out of present and did not attend (cancellations and apologies are not misses). A person in two types of supervision counts once in the total.");
        return new ReportOutput(report, r.Period,
        [
            ("People in supervision", Fmt.N(r.Total.Supervisees)),
            ("Supervised in the period", $"{Fmt.N(r.Total.Supervised)} ({Fmt.Percent(r.Total.Supervised, r.Total.Supervisees)})"),
            ("Not supervised in the period", Fmt.N(r.Total.NotSupervised)),
            ("Sessions held", Fmt.N(r.SessionsHeld)),
            ("Sessions not attended", Fmt.N(r.SessionsMissed)),
            ("Sessions cancelled by the supervisee", Fmt.N(r.SessionsCancelledBySupervisee)),
            ("Sessions cancelled by the supervisor", Fmt.N(r.SessionsCancelledBySupervisor)),
            ("Past sessions with no outcome recorded", Fmt.N(r.SessionsNotRecorded)),
            ("Attendance rate", Fmt.Percent(r.Total.Present, r.Total.RateBase)),
        ], [table], []);
    }
}
