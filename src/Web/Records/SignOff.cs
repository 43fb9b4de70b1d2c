using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Web.Records;

/// <summary>
/// Who still owes a signature on a record: each signature field's signer, and for an each-member
/// signature every member of the group. A record is signed off (ascent R3, ralph-thoresby R3)
/// only when nobody does. The people come from the supervision, never from the answers: a name
/// typed into a members table neither owes a signature nor is emailed a request (ADR 0021).
/// </summary>
public static class SignOff
{
    public static IReadOnlyList<string> Outstanding(FormDefinition form, Submission s, RecordParties parties)
    {
        var owed = new List<string>();
        var valid = s.ValidSignatures.ToList();
        foreach (var role in form.Fields.Where(f => f.Type == FieldType.Signature && f.Signer is not null).Select(f => f.Signer!.Value).Distinct())
        {
            switch (role)
            {
                case Filler.EachMember when parties.SuperviseeIds.Count > 0:
                    foreach (var member in parties.SuperviseeIds.Where(m => !valid.Any(v => v.SignerId == m && v.Role == role.ToString())))
                        owed.Add(member);
                    break;
                case Filler.Supervisor when parties.SupervisorId is { } sup:
                    if (!valid.Any(v => v.SignerId == sup && v.Role == role.ToString())) owed.Add(sup);
                    break;
                case Filler.Supervisee when parties.SuperviseeIds.Count > 0:
                    owed.AddRange(parties.SuperviseeIds.Where(id => !valid.Any(v => v.SignerId == id && v.Role == role.ToString())));
                    break;
                default:
                    if (!valid.Any(v => v.Role == role.ToString())) owed.Add(role.ToString());
                    break;
            }
        }
        return owed;
    }
}

/// <summary>The supervisor and supervisees of the supervision a record belongs to (empty for a stand-alone form).</summary>
public sealed record RecordParties(string? SupervisorId, IReadOnlySet<string> SuperviseeIds)
{
    public static readonly RecordParties None = new(null, new HashSet<string>());
}
