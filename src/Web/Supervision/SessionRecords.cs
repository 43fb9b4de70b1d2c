using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Records and agreements as parts of a supervision: started from a session (or relationship) with
/// the people and date filled in, their actions followed up, and the earlier records of the same
/// supervision found for the next session (mse-icb R5: "available at the next one").
/// </summary>
public sealed class SessionRecords(AppDbContext db, FormCatalog catalog, TimeProvider clock)
{
    /// <summary>Starts the type's record form for a session that took place, or returns the one already started.</summary>
    public async Task<Submission> StartRecordAsync(Session session, SupervisionTypeSettings type, string authorId, CancellationToken ct)
    {
        if (session.RecordId is { } existing) return await db.Submissions.FirstAsync(s => s.Id == existing, ct);
        if (type.RecordForm is not { } formId) throw new SupervisionRuleException($"{type.Name} has no record form.");
        var version = await catalog.LatestVersionAsync(formId, ct) ?? throw new SupervisionRuleException($"The record form '{formId}' is not published.");
        var record = new Submission(version, authorId, clock.GetUtcNow());
        record.LinkTo(session.RelationshipId, session.Id);
        record.SaveDraft(Prefill(FormCatalog.Definition(version), session.Relationship, session.Date, session.DurationMinutes, session.Attendance
            .Where(a => a.Attendance == MemberAttendance.Present).Select(a => a.StaffId).ToList()), clock.GetUtcNow());
        db.Submissions.Add(record);
        session.AttachRecord(record.Id);
        return record;
    }

    /// <summary>Starts the type's agreement for a relationship (a new one replaces an old one at review).</summary>
    public Task<Submission> StartAgreementAsync(Relationship relationship, SupervisionTypeSettings type, string authorId, CancellationToken ct) =>
        type.ContractForm is { } formId ? StartFormAsync(relationship, formId, authorId, ct)
            : throw new SupervisionRuleException($"{type.Name} has no agreement form.");

    /// <summary>
    /// Starts a form that belongs to the supervision but to no session (the agreement, a self-care
    /// plan, a case proforma): its parties are the supervision's, so the people it is about can
    /// fill and sign it. Anonymous questionnaires and guidance are not records of a supervision.
    /// </summary>
    public async Task<Submission> StartFormAsync(Relationship relationship, string formId, string authorId, CancellationToken ct)
    {
        var version = await catalog.LatestVersionAsync(formId, ct) ?? throw new SupervisionRuleException($"The form '{formId}' is not published.");
        if (FormCatalog.Definition(version) is { Anonymous: true } or { Purpose: FormPurpose.Guidance })
            throw new SupervisionRuleException("That form is not filled in as part of a supervision.");
        var record = new Submission(version, authorId, clock.GetUtcNow());
        record.LinkTo(relationship.Id, null);
        record.SaveDraft(Prefill(FormCatalog.Definition(version), relationship, null, null, relationship.CurrentMembers.Select(m => m.StaffId).ToList()), clock.GetUtcNow());
        db.Submissions.Add(record);
        return record;
    }

    /// <summary>The answers the service already knows: who met, and when. Everything else is for people to write.</summary>
    public static JsonObject Prefill(FormDefinition form, Relationship relationship, DateOnly? date, int? minutes, IReadOnlyList<string> members)
    {
        var answers = new JsonObject();
        if (form.Session is not { } links) return answers;
        if (links.Supervisor is { } sup) answers[sup] = relationship.SupervisorId;
        if (links.Supervisee is { } see && members.Count == 1) answers[see] = members[0];
        if (links.Date is { } d && date is { } day) answers[d] = day.ToString("yyyy-MM-dd");
        if (links.Duration is { } len && minutes is { } m0) answers[len] = m0;
        if (links.Members is { } m && m.Split('.') is [var table, var column])
            answers[table] = new JsonArray(members.Select(id => (JsonNode)new JsonObject { [column] = id }).ToArray());
        return answers;
    }

    /// <summary>
    /// Makes the supervision's actions match the record's actions table: a new row is a new action,
    /// a changed row updates its open action, a removed row's open action goes. Closed actions are history and stay.
    /// </summary>
    public async Task SyncActionsAsync(Submission record, FormDefinition form, CancellationToken ct)
    {
        if (record.RelationshipId is not { } relationshipId || form.Session?.Actions is null) return;
        var existing = await db.Actions.Where(a => a.SourceRecordId == record.Id).ToListAsync(ct);
        var rows = ActionItem.Read(form, record.Answers).ToList();
        foreach (var (row, text, owner, due) in rows)
        {
            if (existing.FirstOrDefault(a => a.Row == row) is { } action) action.Update(text, owner, due);
            else db.Actions.Add(new ActionItem(relationshipId, record.Id, row, text, owner, due));
        }
        foreach (var gone in existing.Where(a => a.Status == ActionStatus.Open && rows.All(r => r.Row != a.Row)))
            db.Actions.Remove(gone);
    }

    /// <summary>This relationship and the ones it took over from: a new supervisor inherits the open actions and the last record.</summary>
    public async Task<IReadOnlyList<Guid>> LineageAsync(Guid relationshipId, CancellationToken ct)
    {
        var ids = new List<Guid> { relationshipId };
        for (var depth = 0; depth < 20; depth++)
        {
            var current = ids[^1];
            var previous = await db.Relationships.Where(r => r.Id == current).Select(r => r.PreviousId).FirstOrDefaultAsync(ct);
            if (previous is not { } p || ids.Contains(p)) break;
            ids.Add(p);
        }
        return ids;
    }

    public async Task<IReadOnlyList<ActionItem>> OpenActionsAsync(IReadOnlyList<Guid> lineage, CancellationToken ct) =>
        await db.Actions.Where(a => lineage.Contains(a.RelationshipId) && a.Status == ActionStatus.Open)
            .OrderBy(a => a.DueOn == null).ThenBy(a => a.DueOn).ToListAsync(ct);

    /// <summary>An earlier record and the day of the session it records (what people call it by).</summary>
    public sealed record EarlierRecord(Submission Record, DateOnly SessionDate);

    /// <summary>
    /// The record of the latest earlier session of the same supervision, if any: earlier by the
    /// sessions' dates and times, not by when the records were written (a record written late
    /// is still the record of its own session).
    /// </summary>
    public async Task<EarlierRecord?> PreviousRecordAsync(IReadOnlyList<Guid> lineage, Submission current, CancellationToken ct)
    {
        if (current.SessionId is not { } sessionId) return null;
        var ids = lineage.Select(id => (Guid?)id).ToList();
        var at = await db.Sessions.AsNoTracking().Where(x => x.Id == sessionId).Select(x => new { x.Date, x.StartTime }).FirstOrDefaultAsync(ct);
        if (at is null) return null;
        var created = current.CreatedAt;
        var latest = await db.Submissions.AsNoTracking()
            .Where(s => ids.Contains(s.RelationshipId) && s.SessionId != null && s.Id != current.Id && s.FormId == current.FormId)
            .Join(db.Sessions, s => s.SessionId, x => (Guid?)x.Id, (s, x) => new { s.Id, s.CreatedAt, x.Date, x.StartTime })
            .Where(r => r.Date < at.Date || r.Date == at.Date && (r.StartTime < at.StartTime || r.StartTime == at.StartTime && r.CreatedAt < created))
            .OrderByDescending(r => r.Date).ThenByDescending(r => r.StartTime).ThenByDescending(r => r.CreatedAt)
            .FirstOrDefaultAsync(ct);
        if (latest is null) return null;
        var record = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Include(s => s.Signatures).FirstAsync(s => s.Id == latest.Id, ct);
        return new(record, latest.Date);
    }
}
