using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Reports;

/// <summary>Submitted answers to one form over whole days, read in one query; shared by the evaluation and questionnaire reports.</summary>
internal static class Answers
{
    public sealed record Answered(DateOnly Day, JsonObject Answers, Guid? RelationshipId);

    /// <summary>Submitted (or signed) answers whose submission falls on a day from <paramref name="from"/> to <paramref name="to"/> in the tenant's zone.</summary>
    public static async Task<IReadOnlyList<Answered>> InAsync(AppDbContext db, TenantInfo tenant, string formId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = new ReportPeriod(PeriodKind.Month, from, to).Instants(tenant.TimeZone);
        var rows = await db.Submissions.AsNoTracking()
            .Where(s => s.FormId == formId && s.Status != SubmissionStatus.Draft && s.SubmittedAt != null && s.SubmittedAt >= start && s.SubmittedAt < end)
            .Select(s => new { s.AnswersJson, s.RelationshipId, s.SubmittedAt })
            .ToListAsync(ct);
        return [.. rows.Select(r => new Answered(
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.SubmittedAt!.Value, tenant.TimeZone).DateTime),
            JsonNode.Parse(r.AnswersJson) as JsonObject ?? [],
            r.RelationshipId))];
    }

    /// <summary>
    /// The written answers (long text, and the comments beside yes/no answers), per question, sorted
    /// alphabetically: never in the order they arrived, which could tell who wrote which.
    /// </summary>
    public static IReadOnlyList<(string Question, IReadOnlyList<string> Answers)> FreeText(FormDefinition form, IEnumerable<JsonObject> answers)
    {
        var list = answers.ToList();
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var f in form.Fields)
        {
            var key = f.Type == FieldType.LongText ? f.Id : f.Type == FieldType.YesNo && f.Comments ? f.Id + ".comments" : null;
            if (key is null) continue;
            var texts = list.Select(a => a[key] is JsonValue v ? v.ToString().Trim() : null).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!)
                .Order(StringComparer.OrdinalIgnoreCase).ThenBy(t => t, StringComparer.Ordinal).ToList();
            result.Add((f.Type == FieldType.YesNo ? $"{f.Label} (comments)" : f.Label, texts));
        }
        return result;
    }

    public static IEnumerable<ReportTable> CommentTables(IReadOnlyList<(string Question, IReadOnlyList<string> Answers)> comments) =>
        comments.Select((c, i) => new ReportTable($"comments-{i + 1}", c.Question, ["Comment"], [.. c.Answers.Select(a => (IReadOnlyList<string>)[a])],
            c.Answers.Count == 0 ? null : "In alphabetical order, not the order they were written.") { NumericFrom = 1 });

    public static string Number(decimal d) => d.ToString("0.##", CultureInfo.InvariantCulture);
}
