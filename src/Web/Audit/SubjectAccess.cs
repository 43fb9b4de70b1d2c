using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Audit;

/// <summary>One person's subject access bundle: a .zip and what to call it.</summary>
public sealed record SubjectAccessBundle(string PersonId, string PersonName, string FileName, byte[] Zip);

/// <summary>
/// Gathers everything the current tenant holds about one person into one .zip (a UK GDPR subject
/// access request): their directory entry and training, the supervisions they are in, those
/// sessions and their own attendance, the records and agreements they wrote or are a party to (as
/// RecordAccess decides), their signatures, the actions from those records, their tasks, their
/// email links (never the token or code hashes), the emails addressed to them (never bodies), and
/// what they did according to the audit log.
/// <para>Every query is keyed on the person (or on the supervisions and records found for them) and
/// runs inside the tenant's query filter, so nothing of another tenant can be reached.</para>
/// <para>Anonymous questionnaire answers (no author) are never included, even when they name the
/// person: they cannot be attributed, and including them would attribute them.</para>
/// </summary>
public sealed class SubjectAccess(AppDbContext db, ITenantContext tenant, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The bundle for <paramref name="staffId"/>, or null when there is no such person in this tenant.</summary>
    public async Task<SubjectAccessBundle?> BuildAsync(string staffId, CancellationToken ct)
    {
        var person = await db.Staff.AsNoTracking().Include(s => s.Training).Include(s => s.LineManagerHistory)
            .FirstOrDefaultAsync(s => s.Id == staffId, ct);
        if (person is null) return null;
        var email = person.Email ?? "";

        // People named in the person's own details (their line managers): names, for reading.
        var managerIds = person.LineManagerHistory.SelectMany(c => new[] { c.FromId, c.ToId }).Append(person.LineManagerId)
            .OfType<string>().Distinct().ToList();

        // Supervisions they supervise or are (or were) a member of.
        var relationships = await db.Relationships.AsNoTracking().Include(r => r.Members)
            .Where(r => r.SupervisorId == staffId || r.Members.Any(m => m.StaffId == staffId)).ToListAsync(ct);
        var relationshipIds = relationships.Select(r => r.Id).ToList();
        var names = await NamesAsync(managerIds.Concat(relationships.Select(r => r.SupervisorId)).Distinct().ToList(), ct);

        // Sessions of those supervisions: all of them for a supervisor; for a member, those while they were in it or that list them.
        var sessions = await db.Sessions.AsNoTracking().Include(s => s.Attendance)
            .Where(s => relationshipIds.Contains(s.RelationshipId)).OrderBy(s => s.Date).ThenBy(s => s.StartTime).ToListAsync(ct);
        sessions = sessions.Where(s =>
        {
            var r = relationships.First(x => x.Id == s.RelationshipId);
            if (r.SupervisorId == staffId || s.BookedById == staffId || s.Attendance.Any(a => a.StaffId == staffId)) return true;
            return r.Members.Any(m => m.StaffId == staffId && m.JoinedOn <= s.Date && (m.LeftOn is null || s.Date <= m.LeftOn));
        }).ToList();

        // Records: candidates by author, supervision, signature or mention in the answers; then kept if they
        // are a party, a signer or named. Anonymous answers (no author) are never candidates.
        var signedIds = db.Signatures.Where(s => s.SignerId == staffId).Select(s => s.SubmissionId);
        var candidates = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Include(s => s.Signatures)
            .Where(s => s.CreatedById != null && (s.CreatedById == staffId
                                                  || (s.RelationshipId != null && relationshipIds.Contains(s.RelationshipId.Value))
                                                  || signedIds.Contains(s.Id)
                                                  || s.AnswersJson.Contains(staffId)))
            .OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var records = new List<(Submission Record, IReadOnlyList<string> Parts)>();
        foreach (var s in candidates)
        {
            var parties = s.RelationshipId is { } rid && relationships.FirstOrDefault(r => r.Id == rid) is { } rel
                ? new RecordParties(rel.SupervisorId, rel.Members.Select(m => m.StaffId).ToHashSet())
                : await PartiesAsync(s.RelationshipId, ct);
            var form = FormCatalog.Definition(s.FormVersion);
            // What is held about a person includes a record that merely names them, though naming
            // gives them no access to it (RecordAccess); so this is wider than the record's parties.
            if (!RecordAccess.Participants(s, parties).Contains(staffId) && !s.Signatures.Any(x => x.SignerId == staffId)
                && !FormView.PersonIds(form, s.Answers).Contains(staffId)) continue;
            var parts = new List<string>();
            if (s.CreatedById == staffId) parts.Add("author");
            if (parties.SupervisorId == staffId) parts.Add("supervisor");
            if (parties.SuperviseeIds.Contains(staffId)) parts.Add("supervisee");
            if (s.Signatures.Any(x => x.SignerId == staffId)) parts.Add("signer");
            if (parts.Count == 0) parts.Add("named in the record");
            records.Add((s, parts));
        }
        var recordIds = records.Select(r => r.Record.Id).ToList();

        var signatures = await db.Signatures.AsNoTracking()
            .Where(s => s.SignerId == staffId && db.Submissions.Any(x => x.Id == s.SubmissionId && x.CreatedById != null))
            .OrderBy(s => s.SignedAt).ToListAsync(ct);
        var actions = await db.Actions.AsNoTracking().Where(a => recordIds.Contains(a.SourceRecordId) || a.ClosedById == staffId)
            .OrderBy(a => a.SourceRecordId).ThenBy(a => a.Row).ToListAsync(ct);
        var tasks = await db.WorkTasks.AsNoTracking().Where(t => t.AssigneeId == staffId).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var taskSubmissions = tasks.Select(t => t.SubmissionId).OfType<Guid>().Distinct().ToList();
        var anonymous = (await db.Submissions.AsNoTracking().Where(s => taskSubmissions.Contains(s.Id) && s.CreatedById == null)
            .Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        var links = await db.EmailLinks.AsNoTracking().Where(l => l.StaffId == staffId).OrderBy(l => l.CreatedAt).ToListAsync(ct);
        var lower = email.ToLowerInvariant();
#pragma warning disable CA1862 // EF Core translates ToLower().Contains to SQL; the StringComparison overload does not translate
        var emailCandidates = lower.Length == 0 ? new List<Email.OutboxMessage>() : await db.Outbox.AsNoTracking()
            .Where(m => m.To.ToLower() == lower || (m.Cc != null && m.Cc.ToLower().Contains(lower))).OrderBy(m => m.CreatedAt).ToListAsync(ct);
#pragma warning restore CA1862
        var emails = emailCandidates.Where(m => string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase) || CopiedTo(m.Cc, email)).ToList();
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.ActorId == staffId).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(ct);

        string? Name(string? id) => id is null ? null : names.GetValueOrDefault(id) ?? (id == staffId ? person.FullName : null);
        var t = tenant.Tenant;
        var now = clock.GetUtcNow();

        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, object value) => Text(path, JsonSerializer.Serialize(value, Json));
            void Text(string path, string text)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                entry.LastWriteTime = now;
                using var w = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                w.Write(text);
            }

            Text("README.txt", Readme(person.FullName, t.Name, now, records.Count));
            Add("person.json", new
            {
                person.Id, person.FullName, person.Email, person.JobTitle, person.Site,
                LineManager = person.LineManagerId is { } lm ? new { Id = lm, Name = Name(lm) } : null,
                Roles = StaffRoleNames.Split(person.Roles).Select(r => StaffRoleNames.All.First(x => x.Role == r).Label).ToList(),
                person.StartDate, person.LeftOn,
                SignInAccount = new { person.EmailConfirmed, TwoFactor = person.TwoFactorEnabled, person.LockoutEnd, FailedSignIns = person.AccessFailedCount },
                Training = person.Training.OrderBy(x => x.CompletedOn).Select(x => new { x.Course, x.CompletedOn, x.ExpiresOn }),
                LineManagerChanges = person.LineManagerHistory.OrderBy(c => c.ChangedAt)
                    .Select(c => new { c.ChangedAt, From = Name(c.FromId), To = Name(c.ToId) }),
            });
            Add("supervision.json", relationships.OrderBy(r => r.StartedOn).Select(r =>
            {
                var own = r.Members.FirstOrDefault(m => m.StaffId == staffId);
                return new
                {
                    r.Id, Type = r.TypeId, Role = r.SupervisorId == staffId ? "supervisor" : "supervisee",
                    Supervisor = new { Id = r.SupervisorId, Name = Name(r.SupervisorId) },
                    r.StartedOn, r.EndedOn, r.EndReason, r.PreviousId, r.HandoverNote,
                    JoinedOn = own?.JoinedOn, LeftOn = own?.LeftOn,
                    Supervisees = r.Members.Count,
                };
            }));
            Add("sessions.json", sessions.Select(s => new
            {
                s.Id, s.RelationshipId, Type = s.TypeId, s.Date, s.StartTime, s.DurationMinutes, s.Location, s.AdHoc, s.SeriesId,
                BookedByThisPerson = s.BookedById == staffId, s.BookedAt, s.Status, s.Reason, s.OutcomeAt,
                OutcomeRecordedByThisPerson = s.OutcomeById == staffId, s.RecordId,
                // Their own attendance only; a supervisor sees how many attended, not who.
                Attendance = s.Attendance.FirstOrDefault(a => a.StaffId == staffId)?.Attendance,
                MembersPresent = s.Attendance.Count(a => a.Attendance == Supervision.MemberAttendance.Present),
            }));
            Add("records.json", records.Select(r => new
            {
                r.Record.Id, File = $"records/{r.Record.Id}.json", Form = r.Record.FormVersion.Title, Version = r.Record.FormVersion.Version,
                r.Record.Status, Part = r.Parts, r.Record.CreatedAt, r.Record.SubmittedAt,
            }));
            foreach (var (s, parts) in records)
            {
                var v = s.FormVersion;
                Add($"records/{s.Id}.json", new
                {
                    s.Id,
                    Form = new { v.FormId, v.Title, v.Version, v.ContentHash, Definition = $"forms/{FormFile(v)}" },
                    ThisPersonsPart = parts, s.Status, AuthoredByThisPerson = s.CreatedById == staffId,
                    s.CreatedAt, s.UpdatedAt, s.SubmittedAt, s.FullySignedAt, s.VoidNotice, s.RelationshipId, s.SessionId,
                    Answers = JsonNode.Parse(s.AnswersJson),
                    Signatures = s.Signatures.OrderBy(x => x.SignedAt).Select(x => new
                    {
                        x.Role, ByThisPerson = x.SignerId == staffId, x.SignedAt, x.VoidedAt, x.ContentHash,
                    }),
                });
            }
            foreach (var v in records.Select(r => r.Record.FormVersion).DistinctBy(v => v.Id))
                Text($"forms/{FormFile(v)}", v.DefinitionText);
            Add("signatures.json", signatures.Select(s => new { RecordId = s.SubmissionId, s.Role, s.SignedAt, s.VoidedAt, s.ContentHash }));
            Add("actions.json", actions.Select(a => new
            {
                a.Id, RecordId = a.SourceRecordId, a.RelationshipId, a.Text, a.Owner, a.DueOn, a.Status, a.ClosedOn,
                ClosedByThisPerson = a.ClosedById == staffId, a.ClosedInRecordId,
            }));
            Add("tasks.json", tasks.Select(x => new
            {
                x.Id, x.Title, x.DueOn, x.Escalation, x.FormId, x.Status, x.CreatedAt, x.DoneAt, x.RelationshipId, x.SessionId,
                // An anonymous questionnaire's answers are never joined back to the person.
                RecordId = x.SubmissionId is { } sid && !anonymous.Contains(sid) ? sid : (Guid?)null,
            }));
            Add("email-links.json", links.Select(l => new
            {
                l.Id, l.TaskId, SentTo = l.Email, l.CreatedAt, l.ExpiresAt, l.UsedAt, CodeSentUntil = l.CodeExpiresAt, WrongCodes = l.CodeFailures,
            }));
            Add("emails.json", emails.Select(m => new
            {
                m.Id, m.Subject, Addressed = string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase) ? "to" : "copied",
                m.Status, m.CreatedAt, m.SentAt, m.Attempts, m.FailedAt,
            }));
            Add("audit.json", audit.Select(a => new
            {
                Entry = a.Sequence, a.At, a.Action, a.Entity, a.EntityId, a.ByAuditor, a.From, a.Hash,
            }));
        }

        var file = $"subject-access-{t.Identifier}-{Slug(person.FullName)}-{now:yyyyMMdd}.zip";
        return new SubjectAccessBundle(person.Id, person.FullName, file, buffer.ToArray());
    }

    private async Task<Dictionary<string, string>> NamesAsync(List<string> ids, CancellationToken ct) =>
        await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);

    private async Task<RecordParties> PartiesAsync(Guid? relationshipId, CancellationToken ct)
    {
        if (relationshipId is not { } id) return RecordParties.None;
        var r = await db.Relationships.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new { x.SupervisorId, Members = x.Members.Select(m => m.StaffId).ToList() }).FirstOrDefaultAsync(ct);
        return r is null ? RecordParties.None : new RecordParties(r.SupervisorId, r.Members.ToHashSet());
    }

    private static bool CopiedTo(string? cc, string email) =>
        cc is not null && cc.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(a => string.Equals(a, email, StringComparison.OrdinalIgnoreCase));

    private static string FormFile(FormVersion v) => $"{v.FormId}-v{v.Version}.yaml";

    private static string Slug(string name)
    {
        var s = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        while (s.Contains("--", StringComparison.Ordinal)) s = s.Replace("--", "-", StringComparison.Ordinal);
        return s.Length == 0 ? "person" : s;
    }

    private static string Readme(string name, string organisation, DateTimeOffset at, int records) => $"""
        Subject access export: {name}
        Organisation: {organisation}
        Made: {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC by SupervisionHub, at a tenant administrator's request.
        The export itself is recorded in the organisation's audit log (action "export", about "person").

        Everything SupervisionHub holds about this person in this organisation, as JSON files (UTF-8).
        Times are UTC (ISO 8601); dates are calendar dates.

        person.json        Their staff directory entry: name, email, job title, site, line manager, roles,
                           start and leaving dates, sign-in account settings, supervision training with
                           expiry dates, and every change of line manager. Never their password.
        supervision.json   Every supervision they are or were in, as supervisor or supervisee: its type,
                           supervisor, start and end, handover note, and when they joined and left.
        sessions.json      The sessions of those supervisions (for a supervisee, while they were in it):
                           date, time, length, place, outcome, cancellation reason, and their own attendance.
        records.json       A list of the {records} record(s) and agreement(s) they wrote or are a party to
                           (author, supervisor, supervisee, signer, or named in it), with their part.
        records/<id>.json  Each of those records: the form and version it was made with, status, dates,
                           the answers exactly as stored, and its signatures.
        forms/<form>-v<n>.yaml  The published form version each record was made with, so the answers can
                           be read against the questions as they were then.
        signatures.json    Every signature they gave: record, role, when, the hash of what they signed,
                           and whether a later change voided it.
        actions.json       Actions agreed in those records, and any action they closed.
        tasks.json         Tasks the service gave them (sign a record, complete a form, escalations).
        email-links.json   Links emailed to them: the task, the address, when sent, expiry and use. The
                           link tokens and one-time codes are stored only as hashes and are not included.
        emails.json        Emails addressed or copied to them: subject, status and dates (not the body).
        audit.json         Every audit log entry for something they did: read, printed, submitted or
                           signed a record, opened or used an email link, exported data; with when and
                           the address it came from.

        Not included:
        - Answers to anonymous questionnaires. They are stored with no author, so they cannot be
          attributed to anyone, and this export does not try.
        - Other people's audit entries, tasks, emails and training.

        Before disclosing: records are shared documents. They may contain other people's information
        (the other party's answers, names of colleagues, case references). Review and redact third-party
        information as your data protection policy requires before sending this bundle to the person.
        """;
}
