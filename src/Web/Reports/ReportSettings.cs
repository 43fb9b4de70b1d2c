using YamlDotNet.Serialization;

namespace SupervisionHub.Web.Reports;

/// <summary>
/// One periodic report a tenant switches on in tenant.yaml (<c>reports:</c>), named for the
/// committee that receives it. The kinds are generic; the tenant chooses which it runs, over
/// which period, and for whom.
/// </summary>
public sealed record ReportSettings
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";

    /// <summary>attendance | evaluation | questionnaire | action-sample.</summary>
    public string Kind { get; init; } = "";

    /// <summary>month | quarter | year | financial-year | academic-year.</summary>
    public string Period { get; init; } = "quarter";

    /// <summary>The tenant role that receives it (a committee, a board); its name heads the report.</summary>
    public string? Audience { get; init; }

    public string? Description { get; init; }

    /// <summary>evaluation and questionnaire: the form whose answers are counted.</summary>
    public string? Form { get; init; }

    /// <summary>attendance: type | site (a member agency, academy or alliance).</summary>
    public string By { get; init; } = "type";

    /// <summary>action-sample: how many records with actions are drawn each period.</summary>
    public int SampleSize { get; init; } = 10;

    /// <summary>evaluation: figures per supervisor only from this many responses (never fewer than 5).</summary>
    public int MinimumResponses { get; init; } = 5;

    public static readonly IReadOnlyList<string> Kinds = ["attendance", "evaluation", "questionnaire", "action-sample"];

    [YamlIgnore] public ReportKind ParsedKind => Kind switch
    {
        "attendance" => ReportKind.Attendance,
        "evaluation" => ReportKind.Evaluation,
        "questionnaire" => ReportKind.Questionnaire,
        "action-sample" => ReportKind.ActionSample,
        _ => ReportKind.Unknown,
    };

    [YamlIgnore] public PeriodKind ParsedPeriod => ReportPeriod.Parse(Period) ?? PeriodKind.Quarter;

    /// <summary>Every problem, at the path of the setting it is about (see <see cref="Tenancy.ConfigProblem"/>).</summary>
    public IEnumerable<(string At, string Message)> Check(IReadOnlyCollection<string> tenantRoleIds)
    {
        var at = $"reports.{Id}";
        var path = $"reports[{Id}]";
        if (!Tenancy.TenantConfigLoader.SlugPattern().IsMatch(Id)) yield return ($"{path}.id", $"reports: id '{Id}' must be lower-case letters, digits and hyphens.");
        if (string.IsNullOrWhiteSpace(Title)) yield return (path, $"{at}.title: a title is required (what the committee calls it).");
        if (ParsedKind == ReportKind.Unknown) yield return ($"{path}.kind", $"{at}.kind: '{Kind}' must be {string.Join(", ", Kinds)}.");
        if (ReportPeriod.Parse(Period) is null) yield return ($"{path}.period", $"{at}.period: '{Period}' must be month, quarter, year, financial-year or academic-year.");
        if (Audience is { } a && !tenantRoleIds.Contains(a)) yield return ($"{path}.audience", $"{at}.audience: there is no tenant role '{a}'.");
        if (ParsedKind is ReportKind.Evaluation or ReportKind.Questionnaire && string.IsNullOrWhiteSpace(Form))
            yield return (path, $"{at}.form: name the form whose answers this report counts.");
        if (ParsedKind is ReportKind.Attendance or ReportKind.ActionSample && Form is not null)
            yield return ($"{path}.form", $"{at}.form: only evaluation and questionnaire reports read a form.");
        if (By is not ("type" or "site")) yield return ($"{path}.by", $"{at}.by: '{By}' must be type or site.");
        if (SampleSize is < 1 or > 200) yield return ($"{path}.sampleSize", $"{at}.sampleSize: give a number from 1 to 200.");
        if (MinimumResponses is < 5 or > 100) yield return ($"{path}.minimumResponses", $"{at}.minimumResponses: give a number from 5 to 100; fewer than five could identify who answered.");
    }

    public static IEnumerable<(string At, string Message)> CheckAll(IReadOnlyList<ReportSettings> reports, IReadOnlyCollection<string> tenantRoleIds)
    {
        foreach (var dup in reports.GroupBy(r => r.Id).Where(g => g.Count() > 1))
            yield return ($"reports[{reports.ToList().FindLastIndex(r => r.Id == dup.Key)}]", $"reports: the id '{dup.Key}' is used more than once.");
        foreach (var r in reports)
            foreach (var p in r.Check(tenantRoleIds)) yield return p;
    }
}

public enum ReportKind { Unknown, Attendance, Evaluation, Questionnaire, ActionSample }
