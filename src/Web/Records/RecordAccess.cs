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
/// What one person may do to one record, decided once per request by <see cref="RecordAccess.Rights"/>.
/// Every write on the record page asks this and nothing else: save, autosave, add or remove a row
/// and submit need <see cref="CanEdit"/>; signing needs the role in <see cref="SignAs"/>; closing a
/// carried action needs <see cref="CanCloseActions"/>.
/// </summary>
/// <param name="CanReopen">May choose "Change this record" on a signed record (a party who could otherwise edit it).</param>
public sealed record RecordRights(bool IsParty, IReadOnlySet<string> EditableSections, IReadOnlyList<Filler> SignAs, bool CanCloseActions, string? Refusal, bool CanReopen = false)
{
    public static readonly RecordRights ReadOnly = new(false, new HashSet<string>(), [], false, null);

    public bool CanEdit => EditableSections.Count > 0;
}

/// <summary>
/// Who may read, fill and sign a record: the rule in one place, driven by the tenant's
/// <c>supervision.records</c> settings. A record's parties are its author and the supervisor and
/// supervisees of the supervision it belongs to, never the people its answers name (ADR 0021).
/// Line managers see attendance and compliance elsewhere, never content, unless the tenant grants
/// it (ralph-thoresby R6). Reading is granted more widely than writing: only parties write.
/// </summary>
public static class RecordAccess
{
    public const string SignedOffRefusal = "This record has been signed by everyone, so it is read-only. To change it, choose \"Change this record\": the signatures will be voided and everyone signs again.";

    /// <summary>
    /// The record's parties. An answer is what someone wrote, so it cannot make anyone a party: a
    /// supervisee who picked a colleague in a person question once let that colleague read the
    /// record and close its actions. A record outside any supervision belongs to its author alone.
    /// </summary>
    public static IReadOnlySet<string> Participants(Submission s, RecordParties parties)
    {
        var ids = new HashSet<string>();
        if (s.CreatedById is { } author) ids.Add(author);
        if (parties.SupervisorId is { } sup) ids.Add(sup);
        ids.UnionWith(parties.SuperviseeIds);
        return ids;
    }

    /// <param name="supervisorManagers">The supervisor's line managers up the chain (for the supervisor-line-managers grant).</param>
    /// <param name="managesAParticipant">Whether the reader is a participant's line manager (they get 403, not 404).</param>
    public static ReadDecision Read(Submission s, RecordParties parties, StaffMember me, TenantSettings tenant,
        IReadOnlySet<string> supervisorManagers, bool managesAParticipant)
    {
        var rules = tenant.Supervision.Records;
        var participant = Participants(s, parties).Contains(me.Id);
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

    /// <summary>
    /// What this reader may change. Only a party writes, and only while the record is not signed
    /// off: a grant to read (safeguarding leads, line management, a tenant role) is never a grant
    /// to write, and an auditor reads only. A record everyone has signed is read-only until someone
    /// deliberately reopens it (DESIGN.md), and so is a record anyone has signed: a change would void
    /// a signature, which only "Change this record" does. One exception keeps group records working:
    /// a member who has not signed yet still fills their own part, which no one else's signature covers.
    /// </summary>
    public static RecordRights Rights(Submission s, FormDefinition form, StaffMember me, RecordParties parties, ReadDecision read)
    {
        if (read != ReadDecision.Read || !Participants(s, parties).Contains(me.Id)) return RecordRights.ReadOnly;
        var mine = PartiesOf(me, parties);
        var editable = form.Sections.Where(sec => mine.Contains(sec.FilledBy)).Select(sec => sec.Id).ToHashSet();
        var canReopen = editable.Count > 0 && s.ValidSignatures.Any();
        if (s.FullySignedAt is not null) return RecordRights.ReadOnly with { IsParty = true, Refusal = SignedOffRefusal, CanReopen = canReopen };
        string? refusal = null;
        if (s.ValidSignatures.Any())
        {
            var signedMyself = s.ValidSignatures.Any(x => x.SignerId == me.Id);
            editable = form.Sections.Where(sec => sec.FilledBy == Filler.EachMember && mine.Contains(sec.FilledBy) && !signedMyself).Select(sec => sec.Id).ToHashSet();
            refusal = SignedRecordException.Text;
        }
        var signAs = s.Status == SubmissionStatus.Draft ? [] : form.Fields
            .Where(f => f.Type == FieldType.Signature && f.Signer is { } r && mine.Contains(r))
            .Select(f => f.Signer!.Value).Distinct()
            .Where(r => !s.ValidSignatures.Any(x => x.SignerId == me.Id && x.Role == r.ToString()))
            .ToList();
        return new RecordRights(true, editable, signAs, s.SessionId is not null, refusal, canReopen);
    }

    /// <summary>
    /// Starting a form of one's own: everyone but a person who is only an auditor or inspector,
    /// who reads and never writes (their own tasks excepted, which the tenant's rules give them).
    /// </summary>
    public static bool CanStart(StaffMember me) => me.Roles != StaffRoles.Auditor;

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
}
