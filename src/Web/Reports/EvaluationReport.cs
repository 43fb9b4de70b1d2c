using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Reports;

/// <summary>A rating question: a rating field, or one statement of a rating matrix.</summary>
public sealed record RatingItem(string FieldId, string? StatementId, string Text, int Min, int Max)
{
    public int? Read(JsonObject answers)
    {
        var node = StatementId is null ? answers[FieldId] : (answers[FieldId] as JsonObject)?[StatementId];
        return node is JsonValue v && int.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= Min && n <= Max ? n : null;
    }

    public static IReadOnlyList<RatingItem> Of(FormDefinition form) =>
    [
        .. form.Fields.SelectMany(f => f.Type switch
        {
            FieldType.Rating => [new RatingItem(f.Id, null, f.Label, f.Scale!.Min, f.Scale.Max)],
            FieldType.RatingMatrix => f.Statements.Select(s => new RatingItem(f.Id, s.Id, s.Text, f.Scale!.Min, f.Scale.Max)),
            _ => [],
        }),
    ];
}

public sealed record RatingSummary(RatingItem Item, int Responses, double? Mean, IReadOnlyList<int> Distribution)
{
    public static RatingSummary Of(RatingItem item, IEnumerable<JsonObject> answers)
    {
        var values = answers.Select(item.Read).OfType<int>().ToList();
        var distribution = Enumerable.Range(item.Min, item.Max - item.Min + 1).Select(v => values.Count(x => x == v)).ToList();
        return new(item, values.Count, values.Count == 0 ? null : values.Average(), distribution);
    }
}

public sealed record SupervisorSummary(string SupervisorId, string Name, int Responses, IReadOnlyList<double?> Means);

public sealed record EvaluationResult(ReportPeriod Period, string FormTitle, int Responses, IReadOnlyList<RatingSummary> Items,
    IReadOnlyList<(ReportPeriod Period, int Responses, IReadOnlyList<double?> Means)> Trend,
    IReadOnlyList<SupervisorSummary> Supervisors, int SupervisorsWithheld, int ResponsesWithheld, int MinimumResponses,
    IReadOnlyList<(string Question, IReadOnlyList<string> Answers)> Comments);

/// <summary>
/// Evaluation analytics over any form's rating questions (mse-icb quarterly audit of evaluation
/// forms): per statement the mean and the spread of answers, the trend over the last four periods,
/// and per supervisor only where at least five responses keep each supervisee's answers anonymous.
/// </summary>
public sealed class EvaluationReport(AppDbContext db, ITenantContext tenant, FormCatalog catalog)
{
    public const int TrendPeriods = 4;

    public async Task<EvaluationResult?> RunAsync(ReportSettings report, ReportPeriod period, CancellationToken ct)
    {
        var version = await catalog.LatestVersionAsync(report.Form!, ct);
        if (version is null) return null;
        var form = FormCatalog.Definition(version);
        var items = RatingItem.Of(form);
        var oldest = period;
        for (var i = 1; i < TrendPeriods; i++) oldest = oldest.Previous;
        var answered = await Answers.InAsync(db, tenant.Tenant, report.Form!, oldest.From, period.To, ct);

        var now = answered.Where(a => period.Contains(a.Day)).ToList();
        var summaries = items.Select(item => RatingSummary.Of(item, now.Select(a => a.Answers))).ToList();

        var trend = new List<(ReportPeriod, int, IReadOnlyList<double?>)>();
        for (var p = oldest; p.From <= period.From; p = p.Next)
        {
            var inP = answered.Where(a => p.Contains(a.Day)).Select(a => a.Answers).ToList();
            trend.Add((p, inP.Count, items.Select(item => RatingSummary.Of(item, inP).Mean).ToList()));
        }

        // Whose supervision each evaluation is about: the supervision it belongs to, else the form's supervisor field.
        var relationshipIds = now.Select(a => a.RelationshipId).OfType<Guid>().Distinct().ToList();
        var supervisorOf = await db.Relationships.AsNoTracking().Where(r => relationshipIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.SupervisorId, ct);
        var field = form.Session?.Supervisor;
        string? Supervisor(Answers.Answered a) =>
            a.RelationshipId is { } rid && supervisorOf.TryGetValue(rid, out var s) ? s
            : field is not null && a.Answers[field] is JsonValue v ? v.ToString() : null;
        var groups = now.GroupBy(Supervisor).Where(g => g.Key is not null).ToList();
        var minimum = Math.Max(5, report.MinimumResponses);
        var shown = groups.Where(g => g.Count() >= minimum).ToList();
        var shownIds = shown.Select(g => g.Key!).ToList();
        var names = await db.Staff.AsNoTracking().Where(s => shownIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        var supervisors = shown
            .Select(g => new SupervisorSummary(g.Key!, names.GetValueOrDefault(g.Key!) ?? "Unknown", g.Count(), items.Select(item => RatingSummary.Of(item, g.Select(a => a.Answers)).Mean).ToList()))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var withheld = groups.Where(g => g.Count() < minimum).ToList();

        return new EvaluationResult(period, form.Title, now.Count, summaries, trend, supervisors, withheld.Count, withheld.Sum(g => g.Count()), minimum,
            Answers.FreeText(form, now.Select(a => a.Answers)));
    }

    public static ReportOutput Output(ReportSettings report, EvaluationResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var first = r.Items.Count > 0 ? r.Items[0].Item : null;
        var scale = first is null ? [] : Enumerable.Range(first.Min, first.Max - first.Min + 1).ToList();
        var tables = new List<ReportTable>
        {
            new("statements", "Answers per statement",
                ["Statement", "Responses", "Average", .. scale.Select(v => $"Rated {v}")],
                [.. r.Items.Select(s => (IReadOnlyList<string>)[s.Item.Text, Fmt.N(s.Responses), Fmt.Mean(s.Mean), .. s.Distribution.Select(Fmt.N)])],
                first is null ? "This form has no rating questions." : $"Ratings from {first.Min} to {first.Max}; the columns count how many chose each."),
            new("trend", $"Average per statement over the last {r.Trend.Count} periods",
                ["Statement", .. r.Trend.Select(t => $"{t.Period.Label} ({t.Responses} responses)")],
                [.. r.Items.Select((s, i) => (IReadOnlyList<string>)[s.Item.Text, .. r.Trend.Select(t => Fmt.Mean(t.Means[i]))])]),
            new("supervisors", "Average per supervisor",
                ["Supervisor", "Responses", .. r.Items.Select(s => s.Item.Text)],
                [.. r.Supervisors.Select(s => (IReadOnlyList<string>)[s.Name, Fmt.N(s.Responses), .. s.Means.Select(Fmt.Mean)])],
                $"Shown only for supervisors with at least {r.MinimumResponses} responses in the period, so no one supervisee's answers can be picked out."
                + (r.SupervisorsWithheld > 0 ? $" Not shown: {r.SupervisorsWithheld} {(r.SupervisorsWithheld == 1 ? "supervisor" : "supervisors")} with fewer ({r.ResponsesWithheld} responses, counted in the totals above)." : "")),
        };
        tables.AddRange(Answers.CommentTables(r.Comments));
        return new ReportOutput(report, r.Period,
        [
            ("Form", r.FormTitle),
            ("Responses in the period", Fmt.N(r.Responses)),
            ("Average of all ratings", Fmt.Mean(r.Items.Sum(i => i.Responses) is var n and > 0 ? r.Items.Sum(i => (i.Mean ?? 0) * i.Responses) / n : null)),
        ], tables, []);
    }
}
