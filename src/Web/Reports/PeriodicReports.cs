using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Reports;

/// <summary>The tenant's configured reports (tenant.yaml <c>reports:</c>), each run by the class for its kind.</summary>
public sealed class PeriodicReports(ITenantContext tenant, AttendanceReport attendance, EvaluationReport evaluation, QuestionnaireReport questionnaire, ActionSampleReport sample)
{
    public IReadOnlyList<ReportSettings> Configured => tenant.Tenant.Settings.Reports;

    public ReportSettings? Find(string id) => Configured.FirstOrDefault(r => r.Id == id);

    public string? AudienceName(ReportSettings report) =>
        report.Audience is { } a ? tenant.Tenant.Settings.Roles.FirstOrDefault(r => r.Id == a)?.Name ?? a : null;

    /// <summary>The period the report opens on: the last complete one (a committee reviews the quarter just ended).</summary>
    public static ReportPeriod DefaultPeriod(ReportSettings report, DateOnly today) => ReportPeriod.Containing(report.ParsedPeriod, today).Previous;

    /// <summary>Null when the report's form has never been published.</summary>
    public async Task<ReportOutput?> RunAsync(ReportSettings report, ReportPeriod period, CancellationToken ct) => report.ParsedKind switch
    {
        ReportKind.Attendance => AttendanceReport.Output(report, await attendance.RunAsync(report, period, ct)),
        ReportKind.Evaluation => await evaluation.RunAsync(report, period, ct) is { } e ? EvaluationReport.Output(report, e) : null,
        ReportKind.Questionnaire => await questionnaire.RunAsync(report, period, ct) is { } q ? QuestionnaireReport.Output(report, q) : null,
        ReportKind.ActionSample => ActionSampleReport.Output(report, await sample.RunAsync(report, period, ct), "/" + tenant.Tenant.Identifier),
        _ => null,
    };
}
