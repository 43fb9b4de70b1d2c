using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Records;

public enum ReadDecision
{
    /// <summary>Not theirs to know about: answered 404 so the record's existence is not confirmed.</summary>
    NotFound,

    /// <summary>They know the session happened (a line manager sees attendance) but may not read what was said: 403.</summary>
    Forbidden,
    Read,

    /// <summary>Read-only access granted by an audit role: every read is logged and stands out.</summary>
    ReadAsAuditor,
}

/// <summary>
/// Who may read, fill and sign a record: the rule in one place, driven by the tenant's
/// <c>supervision.records</c> settings. Participants are the record's author, the supervision's
/// supervisor and supervisees, and the people the form names. Line managers see attendance and
/// compliance elsewhere, never content, unless the tenant grants it (ralph-thoresby R6).
/// </summary>
public static class RecordAccess
{
    public static IReadOnlySet<string> Participants(Submission s, FormDefinition form, RecordParties parties)
    {
        var ids = new HashSet<string>();
        if (s.CreatedById is { } author) ids.Add(author);
        if (parties.SupervisorId is { } sup) ids.Add(sup);
        ids.UnionWith(parties.SuperviseeIds);
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

    /// <param name="supervisorManagers">The supervisor's line managers up the chain (for the supervisor-line-managers grant).</param>
    /// <param name="managesAParticipant">Whether the reader is a participant's line manager (they get 403, not 404).</param>
    public static ReadDecision Read(Submission s, FormDefinition form, RecordParties parties, StaffMember me, TenantSettings tenant,
        IReadOnlySet<string> supervisorManagers, bool managesAParticipant)
    {
        var rules = tenant.Supervision.Records;
        var participant = Participants(s, form, parties).Contains(me.Id);
        var allowedAtAll = rules.OnlyHoldersOf is not { } only || Holds(tenant, only, me);
        if (allowedAtAll)
        {
            foreach (var grant in rules.Readers)
            {
                var granted = grant switch
                {
                    RecordAccessSettings.Participants => participant,
                    RecordAccessSettings.SupervisorLineManagers => supervisorManagers.Contains(me.Id),
                    RecordAccessSettings.SafeguardingLeads => me.Has(StaffRoles.SafeguardingLead),
                    RecordAccessSettings.Auditors => false, // below: auditors are always told apart
                    _ when grant.StartsWith(RecordAccessSettings.RolePrefix, StringComparison.Ordinal) => Holds(tenant, grant[RecordAccessSettings.RolePrefix.Length..], me),
                    _ => false,
                };
                if (granted) return ReadDecision.Read;
            }
            if (rules.Readers.Contains(RecordAccessSettings.Auditors) && me.Has(StaffRoles.Auditor)) return ReadDecision.ReadAsAuditor;
        }
        return participant || managesAParticipant ? ReadDecision.Forbidden : ReadDecision.NotFound;
    }

    private static bool Holds(TenantSettings tenant, string roleId, StaffMember me) =>
        tenant.Roles.FirstOrDefault(r => r.Id == roleId) is { } role && role.AllHolders.Contains(me.Email ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>The parties a person may act as on this form: their part in the supervision, else the roles they hold.</summary>
    public static IReadOnlySet<Filler> PartiesOf(StaffMember me, RecordParties parties)
    {
        var result = new HashSet<Filler> { Filler.Anyone };
        var inSupervision = parties.SupervisorId is not null;
        if (inSupervision ? parties.SupervisorId == me.Id : me.Has(StaffRoles.Supervisor)) result.Add(Filler.Supervisor);
        if (inSupervision ? parties.SuperviseeIds.Contains(me.Id) : me.Has(StaffRoles.Supervisee)) { result.Add(Filler.Supervisee); result.Add(Filler.EachMember); }
        return result;
    }

    public static IReadOnlySet<string> EditableSections(Submission s, FormDefinition form, StaffMember me, RecordParties parties, ReadDecision read)
    {
        if (read == ReadDecision.ReadAsAuditor || !Participants(s, form, parties).Contains(me.Id)) return new HashSet<string>();
        var mine = PartiesOf(me, parties);
        return form.Sections.Where(sec => mine.Contains(sec.FilledBy)).Select(sec => sec.Id).ToHashSet();
    }

    /// <summary>Signature roles this person could sign now (not already signed by them in that role).</summary>
    public static IReadOnlyList<Filler> CanSignAs(Submission s, FormDefinition form, StaffMember me, RecordParties parties, ReadDecision read)
    {
        if (s.Status == SubmissionStatus.Draft || read == ReadDecision.ReadAsAuditor || !Participants(s, form, parties).Contains(me.Id)) return [];
        var mine = PartiesOf(me, parties);
        return form.Fields.Where(f => f.Type == FieldType.Signature && f.Signer is { } r && mine.Contains(r))
            .Select(f => f.Signer!.Value).Distinct()
            .Where(r => !s.ValidSignatures.Any(x => x.SignerId == me.Id && x.Role == r.ToString()))
            .ToList();
    }
}
