using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.Tests;

/// <summary>Builds a valid set of answers for any form definition, so every form can be tested alike.</summary>
public static class SampleAnswers
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    public const string Member = "member-1";

    /// <summary>Valid answers; sections filled by each member are answered by <see cref="Member"/>.</summary>
    public static JsonObject ValidFor(FormDefinition form)
    {
        var answers = new JsonObject();
        var mine = new JsonObject();
        foreach (var section in form.Sections)
        {
            var into = section.FilledBy == Filler.EachMember ? mine : answers;
            foreach (var field in section.Fields.Where(f => f.HoldsAnswer && f.Type != FieldType.Signature))
            {
                if (field.ShowWhen is { } c && form.Field(c.Field) is { } target && answers[c.Field] is null && mine[c.Field] is null)
                    into[c.Field] = c.EqualTo ?? c.In?[0] ?? Value(target);
                into[field.Id] ??= Value(field);
                if (field.Comments) into[field.Id + ".comments"] = "Some comments.";
            }
        }
        if (mine.Count > 0) answers[Submissions.SubmissionValidator.MembersKey] = new JsonObject { [Member] = mine };
        return answers;
    }

    public static JsonNode Value(FieldDefinition f) => f.Type switch
    {
        FieldType.Text or FieldType.LongText => "An answer.",
        FieldType.CaseReference => "CASE-1234",
        FieldType.Number => f.Min ?? (f.Max is { } max && max < 1 ? max : 1),
        FieldType.Date => SubmissionDate(f),
        FieldType.Time => "14:30",
        FieldType.YesNo => "yes",
        FieldType.Choice => f.Options[0].Value,
        FieldType.MultiChoice => new JsonArray(f.Options.Take(Math.Max(1, f.MinSelected ?? 1)).Select(o => (JsonNode)o.Value).ToArray()),
        FieldType.Rating => f.Scale!.Max,
        FieldType.RatingMatrix => new JsonObject(f.Statements.Select(s => KeyValuePair.Create(s.Id, (JsonNode?)f.Scale!.Min))),
        FieldType.Person => "person-1",
        FieldType.Table => new JsonArray(Enumerable.Range(0, Math.Max(1, f.MinRows ?? 1))
            .Select(_ => (JsonNode)new JsonObject(f.Columns.Select(c => KeyValuePair.Create(c.Id, (JsonNode?)Value(c))))).ToArray()),
        _ => throw new NotSupportedException(f.Type.ToString()),
    };

    private static string SubmissionDate(FieldDefinition f)
    {
        var min = f.DateMin is { } a ? Submissions.SubmissionValidator.Resolve(a, Today) : DateOnly.MinValue;
        var max = f.DateMax is { } b ? Submissions.SubmissionValidator.Resolve(b, Today) : DateOnly.MaxValue;
        var date = Today < min ? min : Today > max ? max : Today;
        return date.ToString("yyyy-MM-dd");
    }
}
