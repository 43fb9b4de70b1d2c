using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Reports;

public sealed record SampledRecord(Guid RecordId, string FormTitle, DateOnly SubmittedOn, DateOnly? SessionDate, string Supervisor, string Supervisees,
    int Actions, int Open, int Done, int Dropped, int Overdue);

public sealed record ActionSampleResult(ReportPeriod Period, int Population, string Seed, IReadOnlyList<SampledRecord> Sample);

/// <summary>
/// A random sample of the period's records with agreed actions, for the safeguarding team to
/// review (river-tees sample audit of action plans). The sample is deterministic: each record's
/// place in the draw is a hash of the tenant, the report, the period and the record's id, so the
/// team sees the same sample whenever they come back, and a record added late to the period only
/// enters the sample if it draws a lower number than one already in it. Nothing is stored.
/// </summary>
public sealed class ActionSampleReport(AppDbContext db, ITenantContext tenant, TimeProvider clock)
{
    public static string SeedFor(Guid tenantId, string reportId, ReportPeriod period) => $"{tenantId:N}|{reportId}|{period.Key}";

    public static string Draw(string seed, Guid recordId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed + "|" + recordId.ToString("N"))));

    public async Task<ActionSampleResult> RunAsync(ReportSettings report, ReportPeriod period, CancellationToken ct)
    {
        var (start, end) = period.Instants(tenant.Tenant.TimeZone);
        var population = await db.Submissions.AsNoTracking()
            .Where(s => s.Status != SubmissionStatus.Draft && s.SubmittedAt >= start && s.SubmittedAt < end && db.Actions.Any(a => a.SourceRecordId == s.Id))
            .Select(s => new { s.Id, s.FormVersion.Title, s.SubmittedAt, s.RelationshipId, s.SessionId })
            .ToListAsync(ct);
        var seed = SeedFor(tenant.Tenant.Id, report.Id, period);
        var sample = population.OrderBy(p => Draw(seed, p.Id), StringComparer.Ordinal).Take(report.SampleSize).ToList();

        var ids = sample.Select(s => s.Id).ToList();
        var actions = await db.Actions.AsNoTracking().Where(a => ids.Contains(a.SourceRecordId))
            .Select(a => new { a.SourceRecordId, a.Status, a.DueOn }).ToListAsync(ct);
        var relationshipIds = sample.Select(s => s.RelationshipId).OfType<Guid>().Distinct().ToList();
        var relationships = await db.Relationships.AsNoTracking().Where(r => relationshipIds.Contains(r.Id))
            .Select(r => new { r.Id, r.SupervisorId, Members = r.Members.Select(m => m.StaffId).ToList() }).ToListAsync(ct);
        var sessionIds = sample.Select(s => s.SessionId).OfType<Guid>().Distinct().ToList();
        var sessionDates = await db.Sessions.AsNoTracking().Where(s => sessionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Date, ct);
        var peopleIds = relationships.SelectMany(r => r.Members.Append(r.SupervisorId)).Distinct().ToList();
        var names = await db.Staff.AsNoTracking().Where(s => peopleIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        var today = tenant.Tenant.Today(clock);

        var rows = sample.Select(s =>
        {
            var mine = actions.Where(a => a.SourceRecordId == s.Id).ToList();
            var r = relationships.FirstOrDefault(x => x.Id == s.RelationshipId);
            return new SampledRecord(s.Id, s.Title, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(s.SubmittedAt!.Value, tenant.Tenant.TimeZone).DateTime),
                s.SessionId is { } sid && sessionDates.TryGetValue(sid, out var d) ? d : null,
                r is null ? "–" : names.GetValueOrDefault(r.SupervisorId) ?? "Unknown",
                r is null ? "–" : string.Join(", ", r.Members.Select(m => names.GetValueOrDefault(m) ?? "Unknown").Order(StringComparer.OrdinalIgnoreCase)),
                mine.Count, mine.Count(a => a.Status == ActionStatus.Open), mine.Count(a => a.Status == ActionStatus.Done), mine.Count(a => a.Status == ActionStatus.Dropped),
                mine.Count(a => a.Status == ActionStatus.Open && a.DueOn is { } due && due < today));
        })
        // Shown in date order so the list reads naturally; the draw decided membership, not order.
        .OrderBy(x => x.SessionDate ?? x.SubmittedOn).ThenBy(x => x.RecordId).ToList();
        return new ActionSampleResult(period, population.Count, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..12], rows);
    }

    public static ReportOutput Output(ReportSettings report, ActionSampleResult r, string tenantRoot)
    {
        var table = new ReportTable("sample", "Records in the sample",
            ["Record", "Session date", "Supervisor", "Supervisees", "Actions", "Open", "Done", "No longer needed", "Overdue"],
            [.. r.Sample.Select(s => (IReadOnlyList<string>)[$"{s.FormTitle} ({s.RecordId.ToString()[..8]})", (s.SessionDate ?? s.SubmittedOn).ToString("yyyy-MM-dd"),
                s.Supervisor, s.Supervisees, Fmt.N(s.Actions), Fmt.N(s.Open), Fmt.N(s.Done), Fmt.N(s.Dropped), Fmt.N(s.Overdue)])],
            "Open each record to review its action plan; opening it is logged like any other read.")
        { Links = [.. r.Sample.Select(s => (string?)$"{tenantRoot}/records/{s.RecordId}")], NumericFrom = 4 };
        return new ReportOutput(report, r.Period,
        [
            ("Records with actions in the period", Fmt.N(r.Population)),
            ("Sample size", $"{Fmt.N(r.Sample.Count)} (up to {Fmt.N(report.SampleSize)})"),
            ("Sample reference", r.Seed),
        ], [table],
        ["The sample is drawn from the records submitted in the period that agreed at least one action. The same period always gives the same sample; a record submitted late joins it only if it draws a lower number than one already chosen."]);
    }
}
