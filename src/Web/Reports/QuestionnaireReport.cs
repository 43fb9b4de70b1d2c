using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;
using TaskStatus = SupervisionHub.Web.Workflows.TaskStatus;

namespace SupervisionHub.Web.Reports;

public sealed record YesNoSummary(string Question, int Yes, int No) { public int Answered => Yes + No; }

public sealed record NumberSummary(string Question, int Answered, decimal? Mean, decimal? Median, decimal? Lowest, decimal? Highest, decimal Sum);

public sealed record ChoiceSummary(string Question, IReadOnlyList<(string Option, int Count)> Counts);

public sealed record QuestionnaireResult(ReportPeriod Period, string FormTitle, bool Anonymous, int Responses, int Requested, int RequestsDone, int RequestsOpen,
    IReadOnlyList<YesNoSummary> YesNo, IReadOnlyList<NumberSummary> Numbers, IReadOnlyList<ChoiceSummary> Choices, IReadOnlyList<RatingSummary> Ratings,
    IReadOnlyList<(string Question, IReadOnlyList<string> Answers)> Comments, IReadOnlyList<string> NotShown);

/// <summary>
/// Questionnaire results for any form, anonymous ones included (river-tees annual satisfaction
/// audit): how many were asked by email link and answered, then each question aggregated. Nothing
/// that could identify a respondent is shown: no names, dates or people's answers, no per-response
/// times, and written comments sorted rather than in the order they came in.
/// </summary>
public sealed class QuestionnaireReport(AppDbContext db, ITenantContext tenant, FormCatalog catalog)
{
    public async Task<QuestionnaireResult?> RunAsync(ReportSettings report, ReportPeriod period, CancellationToken ct)
    {
        var version = await catalog.LatestVersionAsync(report.Form!, ct);
        if (version is null) return null;
        var form = FormCatalog.Definition(version);
        var answered = await Answers.InAsync(db, tenant.Tenant, report.Form!, period.From, period.To, ct);
        var answers = answered.Where(a => period.Contains(a.Day)).Select(a => a.Answers).ToList();

        // The campaign: requests by email link (tasks) made in the period, and how many are done.
        var (start, end) = period.Instants(tenant.Tenant.TimeZone);
        var requests = await db.WorkTasks.AsNoTracking()
            .Where(t => t.FormId == report.Form && t.CreatedAt >= start && t.CreatedAt < end)
            .GroupBy(t => t.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);

        var yesNo = new List<YesNoSummary>();
        var numbers = new List<NumberSummary>();
        var choices = new List<ChoiceSummary>();
        var notShown = new List<string>();
        foreach (var f in form.Fields)
        {
            switch (f.Type)
            {
                case FieldType.YesNo:
                    yesNo.Add(new(f.Label, answers.Count(a => Text(a[f.Id]) == "yes"), answers.Count(a => Text(a[f.Id]) == "no")));
                    break;
                case FieldType.Number:
                    var values = answers.Select(a => decimal.TryParse(Text(a[f.Id]), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : (decimal?)null)
                        .OfType<decimal>().Order().ToList();
                    numbers.Add(new(f.Label, values.Count, values.Count == 0 ? null : Math.Round(values.Average(), 2),
                        values.Count == 0 ? null : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2,
                        values.Count == 0 ? null : values[0], values.Count == 0 ? null : values[^1], values.Sum()));
                    break;
                case FieldType.Choice:
                    choices.Add(new(f.Label, [.. f.Options.Select(o => (o.Label, answers.Count(a => Text(a[f.Id]) == o.Value)))]));
                    break;
                case FieldType.MultiChoice:
                    choices.Add(new(f.Label, [.. f.Options.Select(o => (o.Label, answers.Count(a => a[f.Id] is JsonArray picked && picked.Any(x => x?.ToString() == o.Value))))]));
                    break;
                case FieldType.Text or FieldType.Date or FieldType.Time or FieldType.Person or FieldType.CaseReference or FieldType.Table or FieldType.Signature:
                    notShown.Add(f.Label);
                    break;
            }
        }
        var ratings = RatingItem.Of(form).Select(item => RatingSummary.Of(item, answers)).ToList();
        return new QuestionnaireResult(period, form.Title, form.Anonymous, answers.Count,
            requests.Sum(r => r.Count), requests.Where(r => r.Status == TaskStatus.Done).Sum(r => r.Count), requests.Where(r => r.Status == TaskStatus.Open).Sum(r => r.Count),
            yesNo, numbers, choices, ratings, Answers.FreeText(form, answers), notShown);
    }

    private static string? Text(JsonNode? n) => n is JsonValue v ? v.ToString() : null;

    public static ReportOutput Output(ReportSettings report, QuestionnaireResult r)
    {
        var tables = new List<ReportTable>();
        if (r.YesNo.Count > 0)
            tables.Add(new("yes-no", "Yes or no questions", ["Question", "Answered", "Yes", "No", "Yes (%)"],
                [.. r.YesNo.Select(y => (IReadOnlyList<string>)[y.Question, Fmt.N(y.Answered), Fmt.N(y.Yes), Fmt.N(y.No), Fmt.Percent(y.Yes, y.Answered)])]));
        if (r.Numbers.Count > 0)
            tables.Add(new("numbers", "Number questions", ["Question", "Answered", "Average", "Median", "Lowest", "Highest", "Total"],
                [.. r.Numbers.Select(n => (IReadOnlyList<string>)[n.Question, Fmt.N(n.Answered), D(n.Mean), D(n.Median), D(n.Lowest), D(n.Highest), D(n.Sum)])]));
        foreach (var (c, i) in r.Choices.Select((c, i) => (c, i)))
            tables.Add(new($"choice-{i + 1}", c.Question, ["Option", "Chosen by"], [.. c.Counts.Select(x => (IReadOnlyList<string>)[x.Option, Fmt.N(x.Count)])]));
        if (r.Ratings.Count > 0)
        {
            var first = r.Ratings[0].Item;
            tables.Add(new("ratings", "Ratings", ["Statement", "Responses", "Average", .. Enumerable.Range(first.Min, first.Max - first.Min + 1).Select(v => $"Rated {v}")],
                [.. r.Ratings.Select(s => (IReadOnlyList<string>)[s.Item.Text, Fmt.N(s.Responses), Fmt.Mean(s.Mean), .. s.Distribution.Select(Fmt.N)])]));
        }
        tables.AddRange(Answers.CommentTables(r.Comments));
        var notes = new List<string>();
        if (r.NotShown.Count > 0)
            notes.Add($"Not shown, because they could identify who answered: {string.Join("; ", r.NotShown)}.");
        if (r.Anonymous) notes.Add("This questionnaire is anonymous: answers are stored without the person's identity, and no response's date or order is shown.");
        return new ReportOutput(report, r.Period,
        [
            ("Questionnaire", r.FormTitle),
            ("Asked by email link in the period", Fmt.N(r.Requested)),
            ("Of them, answered", Fmt.N(r.RequestsDone)),
            ("Still waiting for an answer", Fmt.N(r.RequestsOpen)),
            ("Responses received in the period", Fmt.N(r.Responses)),
            ("Response rate", Fmt.Percent(r.RequestsDone, r.Requested)),
        ], tables, notes);
    }

    private static string D(decimal? d) => d is { } v ? Answers.Number(v) : "–";
}
