using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// What each person's home page shows about supervision, by the part they play. Each panel is a
/// fixed number of queries whatever the number of supervisees (a test counts them).
/// </summary>
public sealed class Dashboard(AppDbContext db, ITenantContext tenant, TimeProvider clock, ComplianceService compliance)
{
    public sealed record SessionLine(Guid Id, Guid RelationshipId, string TypeId, DateOnly Date, TimeOnly Time, SessionStatus Status, string With, Guid? RecordId, string Todo);
    public sealed record RecordLine(Guid Id, string Title, DateTimeOffset CreatedAt, string Todo);
    public sealed record ActionLine(Guid Id, string Text, string? Owner, DateOnly? DueOn, bool Overdue);
    public sealed record AttendanceLine(string StaffId, int Attended, int Missed, int Cancelled);

    public sealed record SuperviseeView(IReadOnlyList<SuperviseeStatus> Statuses, IReadOnlyList<SessionLine> Upcoming, IReadOnlyList<SessionLine> Recent,
        IReadOnlyList<ActionLine> Actions, IReadOnlyList<RecordLine> ToSign);

    public sealed record SupervisorView(IReadOnlyList<SuperviseeStatus> Statuses, IReadOnlyList<SessionLine> ToRecord, IReadOnlyList<SessionLine> Upcoming,
        IReadOnlyList<RecordLine> AwaitingSignature, IReadOnlyList<ActionLine> OverdueActions);

    public sealed record TeamMember(string Id, string Name, string? Site);

    /// <summary>
    /// A line manager's team: everyone who reports to them and has not left, and the supervision
    /// statuses of those of them who are in supervision. The count a manager reads is the team's, and
    /// the people in no supervision at all are listed apart, so the count and the lists agree.
    /// </summary>
    public sealed record LineManagerView(IReadOnlyList<TeamMember> Team, IReadOnlyList<SuperviseeStatus> Statuses, IReadOnlyDictionary<string, AttendanceLine> Attendance)
    {
        public IReadOnlyList<TeamMember> NotInSupervision => Team.Where(t => Statuses.All(s => s.StaffId != t.Id)).ToList();
    }

    private DateOnly Today => tenant.Tenant.Today(clock);

    /// <summary>One member of one of the person's supervisions (members who left too), with that supervision's supervisor.</summary>
    private sealed record Party(Guid RelationshipId, string SupervisorId, string StaffId, string Name, DateOnly? LeftOn);

    private (string Person, List<Party> Rows)? parties;

    /// <summary>
    /// Every supervision the person is in, on either side, with all its members: one read a view (ADR 0046), which
    /// the panels share for their supervisions' ids, the names a session is "with" and who owes a signature,
    /// where each panel read its ids, members and supervisors again. Kept for this scope (one request) only.
    /// </summary>
    private async Task<List<Party>> PartiesAsync(string me, CancellationToken ct)
    {
        if (parties is { } known && known.Person == me) return known.Rows;
        // Both sides' ids as one subquery (UNION ALL), each by its own index; every supervision has a member row.
        var ids = db.Relationships.Where(r => r.SupervisorId == me).Select(r => r.Id)
            .Concat(db.RelationshipMembers.Where(m => m.StaffId == me).Select(m => m.RelationshipId));
        var rows = await db.RelationshipMembers.AsNoTracking().Where(m => ids.Contains(m.RelationshipId))
            .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new Party(m.RelationshipId, r.SupervisorId, m.StaffId, m.Staff.FullName, m.LeftOn))
            .ToListAsync(ct);
        parties = (me, rows);
        return rows;
    }

    /// <summary>Whether the person is in a supervision as a supervisee, and as a supervisor (ended ones too): their panels follow these, whatever their roles say.</summary>
    public async Task<(bool Supervised, bool Supervises)> PartsAsync(string me, CancellationToken ct)
    {
        var rows = await PartiesAsync(me, ct);
        return (rows.Any(p => p.StaffId == me), rows.Any(p => p.SupervisorId == me));
    }

    /// <param name="everyone">Everyone's statuses when the page already has them (a lead's home): the
    /// panel's are taken from that list, the same rows the scoped computation would give, instead of computing them again.</param>
    public async Task<SuperviseeView> ForSuperviseeAsync(string me, CancellationToken ct, IReadOnlyList<SuperviseeStatus>? everyone = null)
    {
        var statuses = everyone is not null ? everyone.Where(s => s.StaffId == me).ToList()
            : await compliance.StatusesAsync(m => m.StaffId == me && m.LeftOn == null, ct);
        var parties = await PartiesAsync(me, ct);
        var mineList = parties.Where(p => p.StaffId == me).Select(p => p.RelationshipId).Distinct().ToList(); // a list, not a subquery: see SessionsAsync
        var sessions = await SessionsAsync(db.Sessions.Where(s => mineList.Contains(s.RelationshipId)), parties, ct);
        var actions = await db.Actions.AsNoTracking().Where(a => mineList.Contains(a.RelationshipId) && a.Status == ActionStatus.Open)
            .OrderBy(a => a.DueOn == null).ThenBy(a => a.DueOn).Take(50).ToListAsync(ct);
        var toSign = await RecordsAsync(mineList, parties, ct);
        return new(statuses,
            sessions.Where(s => s.Status == SessionStatus.Booked && s.Date >= Today).OrderBy(s => s.Date).ToList(),
            sessions.Where(s => s.Status != SessionStatus.Booked || s.Date < Today).OrderByDescending(s => s.Date).Take(5).ToList(),
            actions.Select(ToLine).ToList(),
            toSign.Where(r => r.Owed.Contains(me)).Select(r => new RecordLine(r.Record.Id, r.Record.FormVersion.Title, r.Record.CreatedAt, "Read and sign")).ToList());
    }

    public async Task<SupervisorView> ForSupervisorAsync(string me, CancellationToken ct, IReadOnlyList<SuperviseeStatus>? everyone = null)
    {
        var parties = await PartiesAsync(me, ct);
        var mineList = parties.Where(p => p.SupervisorId == me).Select(p => p.RelationshipId).Distinct().ToList(); // a list, not a subquery: see SessionsAsync
        var statuses = everyone is not null ? everyone.Where(s => s.SupervisorId == me).ToList()
            : await compliance.StatusesAsync(m => mineList.Contains(m.RelationshipId) && m.LeftOn == null, ct);
        var sessions = await SessionsAsync(db.Sessions.Where(s => mineList.Contains(s.RelationshipId)
            && (s.Status == SessionStatus.Booked || s.Status == SessionStatus.Attended && s.Date >= Today.AddDays(-90))), parties, ct);
        var records = await RecordsAsync(mineList, parties, ct);
        var drafts = records.Where(r => r.Record.Status == SubmissionStatus.Draft).Select(r => r.Record.Id).ToHashSet();
        var types = tenant.Tenant.Settings.Supervision;
        var toRecord = sessions.Where(s => s.Status == SessionStatus.Booked && s.Date <= Today
                                           || s.Status == SessionStatus.Attended && (s.RecordId is null && types.Type(s.TypeId) is { RecordForm: not null } || s.RecordId is { } id && drafts.Contains(id)))
            .OrderBy(s => s.Date).ToList();
        var overdue = await db.Actions.AsNoTracking().Where(a => mineList.Contains(a.RelationshipId) && a.Status == ActionStatus.Open && a.DueOn < Today)
            .OrderBy(a => a.DueOn).Take(50).ToListAsync(ct);
        return new(statuses, toRecord, sessions.Where(s => s.Status == SessionStatus.Booked && s.Date > Today).OrderBy(s => s.Date).Take(10).ToList(),
            records.Where(r => r.Record.Status != SubmissionStatus.Draft && r.Owed.Count > 0)
                .Select(r => new RecordLine(r.Record.Id, r.Record.FormVersion.Title, r.Record.CreatedAt, r.Owed.Contains(me) ? "Your signature is needed" : $"Waiting for {r.Owed.Count} signature{(r.Owed.Count == 1 ? "" : "s")}")).ToList(),
            overdue.Select(ToLine).ToList());
    }

    /// <summary>Attendance and compliance of the manager's own staff: never what was discussed (mse-icb R2).</summary>
    public async Task<LineManagerView> ForLineManagerAsync(string me, CancellationToken ct, IReadOnlyList<SuperviseeStatus>? everyone = null)
    {
        var today = Today;
        var members = await db.Staff.AsNoTracking().Where(s => s.LineManagerId == me && (s.LeftOn == null || s.LeftOn >= today))
            .OrderBy(s => s.FullName).Select(s => new TeamMember(s.Id, s.FullName, s.Site)).ToListAsync(ct);
        var current = members.Select(t => t.Id).ToHashSet();
        // A leaver whose supervision was never ended is no longer on the team: not counted, so not listed.
        var statuses = (everyone is not null ? everyone.Where(s => s.LineManagerId == me).ToList()
            : await compliance.StatusesAsync(m => m.Staff.LineManagerId == me && m.LeftOn == null, ct)).Where(s => current.Contains(s.StaffId)).ToList();
        var since = Today.AddMonths(-12);
        var team = db.Staff.Where(s => s.LineManagerId == me).Select(s => s.Id);
        var rows = await db.SessionAttendance.AsNoTracking().Where(a => team.Contains(a.StaffId))
            .Join(db.Sessions.Where(s => s.Date >= since), a => a.SessionId, s => s.Id, (a, s) => new { a.StaffId, a.Attendance, s.Status })
            .ToListAsync(ct);
        var cancelled = await db.Sessions.AsNoTracking()
            .Where(s => s.Date >= since && (s.Status == SessionStatus.CancelledBySupervisee || s.Status == SessionStatus.CancelledBySupervisor))
            .SelectMany(s => db.RelationshipMembers.Where(m => m.RelationshipId == s.RelationshipId && team.Contains(m.StaffId)).Select(m => m.StaffId))
            .ToListAsync(ct);
        var attendance = rows.GroupBy(r => r.StaffId).Select(g => g.Key).Union(cancelled).ToDictionary(id => id, id => new AttendanceLine(id,
            rows.Count(r => r.StaffId == id && r.Status == SessionStatus.Attended && r.Attendance == MemberAttendance.Present),
            rows.Count(r => r.StaffId == id && r.Attendance == MemberAttendance.Absent),
            cancelled.Count(c => c == id) + rows.Count(r => r.StaffId == id && r.Attendance == MemberAttendance.Apologies)));
        return new(members, statuses, attendance);
    }

    /// <remarks>
    /// Sorted here, not in SQL: ordered by date in SQL, SQLite chose the (tenant, date) index to avoid a sort
    /// and walked every session of the tenant newest first looking for this person's. The members' names come
    /// from the person's supervisions already read (as a nested collection they joined every membership of the
    /// tenant: seconds at 20,000 supervisees). The callers' filters (one person's sessions; a supervisor's booked
    /// ones and last 90 days) keep the rows few.
    /// </remarks>
    private async Task<List<SessionLine>> SessionsAsync(IQueryable<Session> query, List<Party> parties, CancellationToken ct)
    {
        var rows = (await query.AsNoTracking()
                .Select(s => new { s.Id, s.RelationshipId, s.Date, s.StartTime, s.Status, s.RecordId, s.Relationship.TypeId, Supervisor = s.Relationship.Supervisor.FullName })
                .ToListAsync(ct))
            .OrderByDescending(s => s.Date).Take(200).ToList();
        var members = parties.Where(p => p.LeftOn == null).ToLookup(p => p.RelationshipId, p => p.Name);
        return rows.Select(s => new SessionLine(s.Id, s.RelationshipId, s.TypeId, s.Date, s.StartTime, s.Status, $"{s.Supervisor} with {string.Join(", ", members[s.RelationshipId])}", s.RecordId,
            s.Status == SessionStatus.Booked && s.Date <= Today ? "Record attendance" : s.RecordId is null ? "Write the record" : "Finish the record")).ToList();
    }

    /// <summary>Records of these supervisions not yet signed off, with who still owes a signature.</summary>
    /// <remarks>The supervisions as a list, not a subquery (as in SessionsAsync): SQLite then looks records up by supervision.
    /// Who is party to each (its supervisor and members, left ones too) comes from the person's supervisions already read.</remarks>
    private async Task<List<(Submission Record, IReadOnlyList<string> Owed)>> RecordsAsync(List<Guid> relationships, List<Party> parties, CancellationToken ct)
    {
        var ids = relationships.Select(id => (Guid?)id).ToList();
        var open = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Include(s => s.Signatures)
            .Where(s => ids.Contains(s.RelationshipId) && s.FullySignedAt == null).OrderByDescending(s => s.CreatedAt).Take(100).ToListAsync(ct);
        var byRelationship = parties.GroupBy(p => p.RelationshipId)
            .ToDictionary(g => g.Key, g => new RecordParties(g.First().SupervisorId, g.Select(p => p.StaffId).ToHashSet()));
        return open.Select(s => (s, s.Status == SubmissionStatus.Draft ? (IReadOnlyList<string>)[] : SignOff.Outstanding(FormCatalog.Definition(s.FormVersion), s, byRelationship[s.RelationshipId!.Value]))).ToList();
    }

    private ActionLine ToLine(ActionItem a) => new(a.Id, a.Text, a.Owner, a.DueOn, a.IsOverdueOn(Today));
}
