using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Reports;

/// <summary>Which supervisees a report counts: each filter empty for all.</summary>
public sealed record ReportFilter(string? Site, string? Type, string? Supervisor)
{
    public static readonly ReportFilter None = new(null, null, null);

    public bool Matches(string? site, string typeId, string supervisorId) =>
        (string.IsNullOrEmpty(Site) || site == Site)
        && (string.IsNullOrEmpty(Type) || typeId == Type)
        && (string.IsNullOrEmpty(Supervisor) || supervisorId == Supervisor);

    public bool IsEmpty => string.IsNullOrEmpty(Site) && string.IsNullOrEmpty(Type) && string.IsNullOrEmpty(Supervisor);
}

/// <summary>
/// One row of a breakdown. Supervisees counts everyone whose supervision is required that day (one per
/// person and type); in date are those on track or due soon; overdue are past a deadline; unknown are
/// those the rule cannot judge (term dates missing), counted as not in date. Beside the sessions, the
/// agreement (ADR 0028): agreement signed counts those whose agreement is signed and not due for
/// review (a type that asks for no agreement counts as signed), and in date with a signed agreement
/// counts those who are both.
/// </summary>
public sealed record Tally(string Key, string Label, int Supervisees, int InDate, int Overdue, int Unknown, int AgreementSigned, int InDateWithAgreement)
{
    /// <summary>In date as a share of supervisees; null when nobody is counted.</summary>
    public double? Share => ShareOf(InDate);

    /// <summary>The share as a whole percentage (rounded half away from zero), or "–" when nobody is counted.</summary>
    public string Percent => PercentOf(InDate);

    public double? AgreementShare => ShareOf(AgreementSigned);
    public string AgreementPercent => PercentOf(AgreementSigned);

    /// <summary>In date and with a signed agreement: the figure that says supervision is what policy asks.</summary>
    public double? WithAgreementShare => ShareOf(InDateWithAgreement);
    public string WithAgreementPercent => PercentOf(InDateWithAgreement);

    private double? ShareOf(int count) => Supervisees == 0 ? null : (double)count / Supervisees;

    private string PercentOf(int count) => ShareOf(count) is { } s ? $"{Math.Round(s * 100, MidpointRounding.AwayFromZero):0}%" : "–";

    public static Tally Of(string key, string label, IEnumerable<(ComplianceState State, AgreementState Agreement)> rows)
    {
        int count = 0, inDate = 0, overdue = 0, unknown = 0, signed = 0, both = 0;
        foreach (var (s, agreement) in rows)
        {
            if (s == ComplianceState.NotRequired) continue;
            count++;
            var isInDate = s is ComplianceState.OnTrack or ComplianceState.DueSoon;
            if (isInDate) inDate++;
            else if (s == ComplianceState.Overdue) overdue++;
            else unknown++;
            if (agreement == AgreementState.Signed)
            {
                signed++;
                if (isInDate) both++;
            }
        }
        return new(key, label, count, inDate, overdue, unknown, signed, both);
    }
}

public sealed record OverdueLine(string StaffId, string Name, string? Site, string TypeName, string SupervisorName, Guid RelationshipId,
    DateOnly? LastSession, DateOnly DueDate, int DaysOverdue, string Reason);

/// <summary>The share in date at the end of one month, as the rule judged it that day.</summary>
public sealed record TrendPoint(DateOnly Day, Tally Tally);

public sealed record ComplianceReportResult(
    DateOnly Today, ReportFilter Filter, Tally Total,
    IReadOnlyList<Tally> BySite, IReadOnlyList<Tally> ByType, IReadOnlyList<Tally> BySupervisor,
    IReadOnlyList<OverdueLine> Overdue, IReadOnlyList<TrendPoint> Trend,
    IReadOnlyList<(string Id, string Name)> Supervisors, IReadOnlyList<string> Sites);

/// <summary>
/// The compliance report: today's share of supervisees in date against their frequency rule, by site,
/// type and supervisor, the overdue list, and the share at the end of each of the last 12 months.
/// Today's figures are <see cref="ComplianceService"/>'s (the same as the supervision page); each month
/// end is judged by the same rule (<see cref="ComplianceService.Evaluate"/>) with that day as today,
/// over the supervisions in force that day and the sessions attended by then. A fixed number of
/// queries whatever the number of supervisees (a test counts them). What the figures mean: docs/reports.md.
/// </summary>
public sealed class ComplianceReport(AppDbContext db, ITenantContext tenant, TimeProvider clock, ComplianceService compliance)
{
    public const int TrendMonths = 12;
    public const string NoSite = "No site recorded";

    /// <param name="seen">The tenant's change stamp read before (ADR 0049): with it, the status cache makes no look when nothing changed.</param>
    public async Task<ComplianceReportResult> BuildAsync(ReportFilter filter, CancellationToken ct, TenantChanges.Stamp? seen = null)
    {
        var settings = tenant.Tenant.Settings;
        var today = tenant.Tenant.Today(clock);

        var all = await compliance.EveryoneAsync(ct, seen);
        // The whole report is counted from everyone's statuses (and the trend), so it is kept with them
        // like the trend (ADR 0041): a view after the first costs a lookup, not a pass over 20,000 people.
        // A filter nobody matches (any text can be typed into the address) is answered without being kept.
        if (!filter.IsEmpty && !all.Any(s => filter.Matches(s.Site, s.TypeId, s.SupervisorId)))
        {
            keptWith = null;
            return await ComputeAsync(all, filter, settings, today, ct);
        }
        keptWith = all;
        return await compliance.DerivedAsync(all, Key("compliance-report", filter), c => ComputeAsync(all, filter, settings, today, c), ct);
    }

    /// <summary>The statuses the last <see cref="BuildAsync"/> of this scope counted, when its result may be kept.</summary>
    private IReadOnlyList<SuperviseeStatus>? keptWith;

    /// <summary>
    /// Something made purely from the last built report (its page rendered: ADR 0046), kept with the same
    /// statuses under <paramref name="key"/>, which must name everything it depends on; made afresh and not
    /// kept when the report was not (a filter that matches nobody).
    /// </summary>
    public Task<string> KeptWithReportAsync(string key, Func<CancellationToken, Task<string>> make, CancellationToken ct) =>
        keptWith is { } all ? compliance.DerivedAsync(all, StatusCache.RenderedPrefix + key, make, ct) : make(ct);

    /// <summary>A key for kept figures from its parts, each length-prefixed so that no two filters share one ("a|b" + "" is not "a" + "b|").</summary>
    public static string Key(string kind, params string?[] parts) =>
        string.Concat(parts.Select(p => $"|{p?.Length ?? -1}:{p}").Prepend(kind));

    private static string Key(string kind, ReportFilter filter) => Key(kind, filter.Site, filter.Type, filter.Supervisor);

    private async Task<ComplianceReportResult> ComputeAsync(IReadOnlyList<SuperviseeStatus> all, ReportFilter filter, TenantSettings settings, DateOnly today, CancellationToken ct)
    {
        var statuses = all.Where(s => filter.Matches(s.Site, s.TypeId, s.SupervisorId)).ToList();
        // The trend reads everyone's memberships and two years of sessions and judges each person at
        // twelve month ends: as costly as today's statuses, so it is kept with them and computed again
        // only after a status change, a new day or new settings (StatusCache.DerivedAsync).
        var (trend, supervisors) = await compliance.DerivedAsync(all, Key("compliance-trend", filter),
            c => TrendAsync(filter, today, c), ct);

        var siteOrder = settings.Sites.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var typeOrder = settings.Supervision.Types.Select((t, i) => (t.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var required = statuses.Where(s => s.Compliance.State != ComplianceState.NotRequired).ToList();

        var bySite = required.GroupBy(s => s.Site ?? NoSite)
            .OrderBy(g => siteOrder.TryGetValue(g.Key, out var i) ? i : int.MaxValue).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Tally.Of(g.Key, g.Key, g.Select(Judged))).ToList();
        var byType = required.GroupBy(s => s.TypeId)
            .OrderBy(g => typeOrder.TryGetValue(g.Key, out var i) ? i : int.MaxValue)
            .Select(g => Tally.Of(g.Key, g.First().TypeName, g.Select(Judged))).ToList();
        var bySupervisor = required.GroupBy(s => s.SupervisorId)
            .Select(g => Tally.Of(g.Key, g.First().SupervisorName, g.Select(Judged)))
            .OrderBy(t => t.Label, StringComparer.CurrentCulture).ToList();

        var overdue = required.Where(s => s.Compliance.State == ComplianceState.Overdue && s.Compliance.NextDue is not null)
            .Select(s => new OverdueLine(s.StaffId, s.Name, s.Site, s.TypeName, s.SupervisorName, s.RelationshipId, s.Compliance.LastSession,
                s.Compliance.NextDue!.Value, today.DayNumber - s.Compliance.NextDue!.Value.DayNumber, s.Compliance.Reason))
            .OrderByDescending(o => o.DaysOverdue).ThenBy(o => o.Name, StringComparer.CurrentCulture).ToList();

        // Sites to filter by: the tenant's list, then any other a person's record names (an import may carry one).
        var sites = settings.Sites.Concat(all.Select(s => s.Site).OfType<string>().Where(s => !siteOrder.ContainsKey(s)).Distinct().Order(StringComparer.Ordinal)).ToList();
        return new(today, filter, Tally.Of("all", "All supervisees", statuses.Select(Judged)),
            bySite, byType, bySupervisor, overdue, trend, supervisors, sites);
    }

    private static (ComplianceState, AgreementState) Judged(SuperviseeStatus s) => (s.Compliance.State, s.Agreement);

    /// <summary>The last day of each of the <see cref="TrendMonths"/> whole months before today's, oldest first.</summary>
    public static IReadOnlyList<DateOnly> MonthEnds(DateOnly today)
    {
        var first = new DateOnly(today.Year, today.Month, 1);
        return Enumerable.Range(0, TrendMonths).Select(i => first.AddMonths(i - TrendMonths + 1).AddDays(-1)).ToList();
    }

    private sealed record TrendResult(IReadOnlyList<TrendPoint> Points, IReadOnlyList<(string, string)> Supervisors);

    private async Task<TrendResult> TrendAsync(ReportFilter filter, DateOnly today, CancellationToken ct)
    {
        var settings = tenant.Tenant.Settings;
        var calendar = ComplianceService.CalendarFor(tenant.Tenant);
        var ends = MonthEnds(today);
        DateOnly firstEnd = ends[0], lastEnd = ends[^1];

        // Every membership, ended ones too: who was supervised on a past day, and since when (history
        // continues across reallocation, as on the dashboards).
        var memberships = await db.RelationshipMembers.AsNoTracking()
            .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new
            {
                m.StaffId, m.JoinedOn, m.LeftOn, RelationshipId = r.Id, r.TypeId, r.SupervisorId, SupervisorName = r.Supervisor.FullName,
                m.Staff.Site, m.Staff.StartDate, StaffLeft = m.Staff.LeftOn,
            })
            .ToListAsync(ct);

        // Supervisors to filter by: anyone supervising now or during the trend's months.
        var supervisors = memberships.Where(m => m.LeftOn is null || m.LeftOn > firstEnd)
            .Select(m => (m.SupervisorId, m.SupervisorName)).Distinct()
            .OrderBy(s => s.SupervisorName, StringComparer.CurrentCulture).ToList();

        // Sessions attended, read as the dashboards read them but from the first month end's
        // history window: period rules count sessions inside periods up to HistoryYears back;
        // rolling rules need only the latest counted session, which for someone with none in the
        // window is the latest before it (one grouped row per person and rolling type).
        var since = firstEnd.AddYears(-ComplianceService.HistoryYears);
        var present = db.SessionAttendance.AsNoTracking().Where(a => a.Attendance == MemberAttendance.Present);
        var rows = (await present.Where(a => a.Date >= since && a.Date <= lastEnd).Select(a => new { a.StaffId, a.TypeId, a.Date, a.Minutes }).ToListAsync(ct))
            .Select(a => (a.StaffId, a.TypeId, Session: new AttendedSession(a.Date, a.Minutes))).ToList();
        foreach (var type in settings.Supervision.Types.Where(t => t.Frequency.Any(f => f.Every is not null)))
        {
            var before = await present.Where(a => a.TypeId == type.Id && a.Minutes >= type.MinimumMinutes && a.Date < since)
                .GroupBy(a => a.StaffId).Select(g => new { StaffId = g.Key, Date = g.Max(a => a.Date) }).ToListAsync(ct);
            rows.AddRange(before.Select(b => (b.StaffId, type.Id, new AttendedSession(b.Date, type.MinimumMinutes))));
        }
        var history = rows.GroupBy(r => (r.StaffId, r.TypeId))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<AttendedSession>)g.Select(r => r.Session).OrderBy(s => s.Date).ToList());

        // Agreements signed by each supervision, to judge each month end's agreement as it stood then.
        var agreements = (await db.Submissions.AsNoTracking().Where(x => x.SessionId == null && x.RelationshipId != null && x.FullySignedAt != null)
                .Select(x => new { x.RelationshipId, x.FormId, x.FullySignedAt }).ToListAsync(ct))
            .ToLookup(x => x.RelationshipId!.Value, x => (x.FormId, Signed: x.FullySignedAt!.Value));

        var firstJoined = memberships.GroupBy(m => (m.StaffId, m.TypeId)).ToDictionary(g => g.Key, g => g.Min(m => m.JoinedOn));
        var counted = memberships.Where(m => filter.Matches(m.Site, m.TypeId, m.SupervisorId) && settings.Supervision.Type(m.TypeId) is not null).ToList();

        var points = new List<TrendPoint>(ends.Count);
        foreach (var day in ends)
        {
            var states = new List<(ComplianceState, AgreementState)>();
            // In force that day: joined by then and not yet left (a reallocation's old membership
            // ends the day the new one starts, so nobody is counted twice).
            foreach (var m in counted.Where(m => m.JoinedOn <= day && (m.LeftOn is null || m.LeftOn > day)))
            {
                var type = settings.Supervision.Type(m.TypeId)!;
                var from = firstJoined[(m.StaffId, m.TypeId)];
                if (m.StartDate is { } started && started > from) from = started;
                var state = ComplianceService.Evaluate(type, settings.Supervision, calendar, from, m.StaffLeft,
                    history.GetValueOrDefault((m.StaffId, m.TypeId)) ?? [], day).State;
                // Only agreements fully signed by that day (in UTC days, as ComplianceService.Agreement reckons the review).
                var (agreement, _) = ComplianceService.Agreement(type, settings.Supervision, agreements[m.RelationshipId]
                    .Where(a => DateOnly.FromDateTime(a.Signed.UtcDateTime) <= day).Select(a => (a.FormId, (DateTimeOffset?)a.Signed)), day);
                states.Add((state, agreement));
            }
            points.Add(new TrendPoint(day, Tally.Of(day.ToString("yyyy-MM-dd"), day.ToString("MMM yyyy"), states)));
        }
        return new(points, supervisors);
    }
}
