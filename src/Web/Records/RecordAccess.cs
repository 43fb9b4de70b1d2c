using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Records;

/// <summary>
/// Who may read, fill and sign a record: the rule in one place. Until supervision relationships
/// exist, the participants of a record are its author and the people its person fields and group tables name.
/// Safeguarding leads may read every record; line managers and everyone else see none unless
/// they take part (content stays between supervisor and supervisee).
/// </summary>
public static class RecordAccess
{
    public static IReadOnlySet<string> Participants(Submission s, FormDefinition form)
    {
        var ids = new HashSet<string>();
        if (s.CreatedById is { } author) ids.Add(author);
        var answers = s.Answers;
        foreach (var f in form.Fields.Where(f => f.Type == FieldType.Person))
            if (answers[f.Id] is JsonValue v && v.ToString() is { Length: > 0 } id) ids.Add(id);
        // A group is a table with a person column: every member named there takes part.
        foreach (var table in form.Fields.Where(f => f.Type == FieldType.Table))
            foreach (var column in table.Columns.Where(c => c.Type == FieldType.Person))
                foreach (var row in answers[table.Id] as JsonArray ?? [])
                    if ((row as JsonObject)?[column.Id] is JsonValue cell && cell.ToString() is { Length: > 0 } member) ids.Add(member);
        foreach (var sig in s.Signatures) ids.Add(sig.SignerId);
        return ids;
    }

    public static bool CanRead(Submission s, FormDefinition form, StaffMember me) =>
        me.Has(StaffRoles.SafeguardingLead) || Participants(s, form).Contains(me.Id);

    /// <summary>The parties a person may act as on this form: by the roles they hold.</summary>
    public static IReadOnlySet<Filler> PartiesOf(StaffMember me)
    {
        var parties = new HashSet<Filler> { Filler.Anyone };
        if (me.Has(StaffRoles.Supervisor)) parties.Add(Filler.Supervisor);
        if (me.Has(StaffRoles.Supervisee)) { parties.Add(Filler.Supervisee); parties.Add(Filler.EachMember); }
        return parties;
    }

    public static IReadOnlySet<string> EditableSections(Submission s, FormDefinition form, StaffMember me)
    {
        if (!Participants(s, form).Contains(me.Id)) return new HashSet<string>();
        var parties = PartiesOf(me);
        return form.Sections.Where(sec => parties.Contains(sec.FilledBy)).Select(sec => sec.Id).ToHashSet();
    }

    /// <summary>Signature roles this person could sign now (not already signed by them in that role).</summary>
    public static IReadOnlyList<Filler> CanSignAs(Submission s, FormDefinition form, StaffMember me)
    {
        if (s.Status == SubmissionStatus.Draft || !Participants(s, form).Contains(me.Id)) return [];
        var parties = PartiesOf(me);
        return form.Fields.Where(f => f.Type == FieldType.Signature && f.Signer is { } r && parties.Contains(r))
            .Select(f => f.Signer!.Value).Distinct()
            .Where(r => !s.ValidSignatures.Any(x => x.SignerId == me.Id && x.Role == r.ToString()))
            .ToList();
    }
}
