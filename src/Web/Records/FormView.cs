using System.Globalization;
using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Submissions;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Records;

/// <summary>What the form renderer needs: one version's definition, the answers, errors keyed by answer path, and who may edit what.</summary>
public sealed record FormView(
    FormDefinition Form,
    JsonObject Answers,
    IReadOnlyDictionary<string, string> Errors,
    IReadOnlySet<string> EditableSections,
    IReadOnlyList<(string Id, string Name, StaffRoles Roles)> People,
    IReadOnlyList<Signature> Signatures,
    IReadOnlyDictionary<string, string> SignerNames,
    string? MemberId = null,
    IReadOnlyCollection<string>? Members = null)
{
    /// <summary>The answers a section shows: for a section each member fills, that member's own (or the current person's).</summary>
    public JsonObject Scope(FormSection section, string? memberId = null) =>
        section.FilledBy == Filler.EachMember ? SubmissionValidator.ForMember(Answers, memberId ?? MemberId ?? "") : Answers;

    /// <summary>Members who have answered their own section, for showing each member's answers.</summary>
    public IEnumerable<string> AnsweredMembers => (Answers[SubmissionValidator.MembersKey] as JsonObject)?.Select(m => m.Key) ?? [];

    /// <summary>
    /// The group's members (the supervision's, not the people a table names: ADR 0021) who have not
    /// yet signed as members.
    /// </summary>
    public IEnumerable<string> MembersStillToSign(FieldDefinition signature)
    {
        var role = signature.Signer?.ToString();
        return (Members ?? []).Where(id => !Signatures.Any(s => s.VoidedAt is null && s.SignerId == id && s.Role == role));
    }

    public static string Name(string path) => AnswerBinder.Prefix + path;

    public string? Error(string path) => Errors.GetValueOrDefault(path);

    public static string? Text(JsonNode? node) => node is JsonValue v ? v.ToString() : null;

    /// <summary>Day, month and year of a date answer, whether stored as yyyy-mm-dd or as the parts typed.</summary>
    public static (string Day, string Month, string Year) DateParts(JsonNode? node)
    {
        if (node is JsonObject typed) return (Text(typed["day"]) ?? "", Text(typed["month"]) ?? "", Text(typed["year"]) ?? "");
        return DateOnly.TryParseExact(Text(node), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? (d.Day.ToString(CultureInfo.InvariantCulture), d.Month.ToString(CultureInfo.InvariantCulture), d.Year.ToString(CultureInfo.InvariantCulture))
            : ("", "", "");
    }

    public static string DisplayDate(JsonNode? node) =>
        DateOnly.TryParseExact(Text(node), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB")) : Text(node) ?? "";

    /// <summary>The people a person field offers: everyone, or only holders of the roles it names.</summary>
    public IEnumerable<(string Id, string Name, StaffRoles Roles)> PeopleFor(FieldDefinition field)
    {
        var wanted = StaffRoles.None;
        foreach (var name in field.Roles) if (StaffRoleNames.TryParse(name, out var role)) wanted |= role;
        return wanted == StaffRoles.None ? People : People.Where(p => (p.Roles & wanted) != 0);
    }

    /// <summary>A question whose answer is a person: a person field, or a table with a person column.</summary>
    public static bool NamesPeople(FieldDefinition f) =>
        f.Type == FieldType.Person || f.Type == FieldType.Table && f.Columns.Any(c => c.Type == FieldType.Person);

    /// <summary>Everyone the answers name: person fields, person columns of tables, and group members who answered.</summary>
    public static IEnumerable<string> PersonIds(FormDefinition form, JsonObject answers)
    {
        foreach (var f in form.Fields.Where(f => f.Type == FieldType.Person))
            if (Text(answers[f.Id]) is { Length: > 0 } id) yield return id;
        foreach (var table in form.Fields.Where(f => f.Type == FieldType.Table))
            foreach (var column in table.Columns.Where(c => c.Type == FieldType.Person))
                foreach (var row in answers[table.Id] as JsonArray ?? [])
                    if (Text((row as JsonObject)?[column.Id]) is { Length: > 0 } member) yield return member;
        foreach (var member in (answers[SubmissionValidator.MembersKey] as JsonObject)?.Select(m => m.Key) ?? []) yield return member;
    }

    public string PersonName(string? id) => People.FirstOrDefault(p => p.Id == id).Name ?? (id is null ? "" : "Unknown person");
}
