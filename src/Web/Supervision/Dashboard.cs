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

    public async Task<SuperviseeView> ForSuperviseeAsync(string me, CancellationToken ct)
    {
        var statuses = await compliance.StatusesAsync(m => m.StaffId == me && m.LeftOn == null, ct);
        var mine = db.RelationshipMembers.Where(m => m.StaffId == me).Select(m => m.RelationshipId);
        var mineList = await mine.ToListAsync(ct); // a list, not a subquery: see SessionsAsync
        var sessions = await SessionsAsync(db.Sessions.Where(s => mineList.Contains(s.RelationshipId)), ct);
        var actions = await db.Actions.AsNoTracking().Where(a => mine.Contains(a.RelationshipId) && a.Status == ActionStatus.Open)
            .OrderBy(a => a.DueOn == null).ThenBy(a => a.DueOn).Take(50).ToListAsync(ct);
        var toSign = await RecordsAsync(mine, ct);
        return new(statuses,
            sessions.Where(s => s.Status == SessionStatus.Booked && s.Date >= Today).OrderBy(s => s.Date).ToList(),
            sessions.Where(s => s.Status != SessionStatus.Booked || s.Date < Today).OrderByDescending(s => s.Date).Take(5).ToList(),
            actions.Select(ToLine).ToList(),
            toSign.Where(r => r.Owed.Contains(me)).Select(r => new RecordLine(r.Record.Id, r.Record.FormVersion.Title, r.Record.CreatedAt, "Read and sign")).ToList());
    }

    public async Task<SupervisorView> ForSupervisorAsync(string me, CancellationToken ct)
    {
        var mine = db.Relationships.Where(r => r.SupervisorId == me).Select(r => r.Id);
        var statuses = await compliance.StatusesAsync(m => mine.Contains(m.RelationshipId) && m.LeftOn == null, ct);
        var mineList = await mine.ToListAsync(ct); // a list, not a subquery: see SessionsAsync
        var sessions = await SessionsAsync(db.Sessions.Where(s => mineList.Contains(s.RelationshipId)
            && (s.Status == SessionStatus.Booked || s.Status == SessionStatus.Attended && s.Date >= Today.AddDays(-90))), ct);
        var records = await RecordsAsync(mine, ct);
        var drafts = records.Where(r => r.Record.Status == SubmissionStatus.Draft).Select(r => r.Record.Id).ToHashSet();
        var types = tenant.Tenant.Settings.Supervision;
        var toRecord = sessions.Where(s => s.Status == SessionStatus.Booked && s.Date <= Today
                                           || s.Status == SessionStatus.Attended && (s.RecordId is null && types.Type(s.TypeId) is { RecordForm: not null } || s.RecordId is { } id && drafts.Contains(id)))
            .OrderBy(s => s.Date).ToList();
        var overdue = await db.Actions.AsNoTracking().Where(a => mine.Contains(a.RelationshipId) && a.Status == ActionStatus.Open && a.DueOn < Today)
            .OrderBy(a => a.DueOn).Take(50).ToListAsync(ct);
        return new(statuses, toRecord, sessions.Where(s => s.Status == SessionStatus.Booked && s.Date > Today).OrderBy(s => s.Date).Take(10).ToList(),
            records.Where(r => r.Record.Status != SubmissionStatus.Draft && r.Owed.Count > 0)
                .Select(r => new RecordLine(r.Record.Id, r.Record.FormVersion.Title, r.Record.CreatedAt, r.Owed.Contains(me) ? "Your signature is needed" : $"Waiting for {r.Owed.Count} signature{(r.Owed.Count == 1 ? "" : "s")}")).ToList(),
            overdue.Select(ToLine).ToList());
    }

    /// <summary>Attendance and compliance of the manager's own staff: never what was discussed (mse-icb R2).</summary>
    public async Task<LineManagerView> ForLineManagerAsync(string me, CancellationToken ct)
    {
        var today = Today;
        var members = await db.Staff.AsNoTracking().Where(s => s.LineManagerId == me && (s.LeftOn == null || s.LeftOn >= today))
            .OrderBy(s => s.FullName).Select(s => new TeamMember(s.Id, s.FullName, s.Site)).ToListAsync(ct);
        var current = members.Select(t => t.Id).ToHashSet();
        // A leaver whose supervision was never ended is no longer on the team: not counted, so not listed.
        var statuses = (await compliance.StatusesAsync(m => m.Staff.LineManagerId == me && m.LeftOn == null, ct)).Where(s => current.Contains(s.StaffId)).ToList();
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
    /// Sorted here, not in SQL, and the members' names read by a second query: ordered by date in
    /// SQL, SQLite chose the (tenant, date) index to avoid a sort and walked every session of the
    /// tenant newest first looking for this person's, and the names as a nested collection joined
    /// every membership of the tenant (seconds at 20,000 supervisees). The callers' filters (one
    /// person's sessions; a supervisor's booked ones and last 90 days) keep the rows few.
    /// </remarks>
    private async Task<List<SessionLine>> SessionsAsync(IQueryable<Session> query, CancellationToken ct)
    {
        var rows = (await query.AsNoTracking()
                .Select(s => new { s.Id, s.RelationshipId, s.Date, s.StartTime, s.Status, s.RecordId, s.Relationship.TypeId, Supervisor = s.Relationship.Supervisor.FullName })
                .ToListAsync(ct))
            .OrderByDescending(s => s.Date).Take(200).ToList();
        var relationships = rows.Select(s => s.RelationshipId).Distinct().ToList();
        var members = (await db.RelationshipMembers.AsNoTracking().Where(m => relationships.Contains(m.RelationshipId) && m.LeftOn == null)
                .Select(m => new { m.RelationshipId, m.Staff.FullName }).ToListAsync(ct))
            .ToLookup(m => m.RelationshipId, m => m.FullName);
        return rows.Select(s => new SessionLine(s.Id, s.RelationshipId, s.TypeId, s.Date, s.StartTime, s.Status, $"{s.Supervisor} with {string.Join(", ", members[s.RelationshipId])}", s.RecordId,
            s.Status == SessionStatus.Booked && s.Date <= Today ? "Record attendance" : s.RecordId is null ? "Write the record" : "Finish the record")).ToList();
    }

    /// <summary>Records of these supervisions not yet signed off, with who still owes a signature.</summary>
    private async Task<List<(Submission Record, IReadOnlyList<string> Owed)>> RecordsAsync(IQueryable<Guid> relationships, CancellationToken ct)
    {
        var ids = relationships.Select(id => (Guid?)id);
        var open = await db.Submissions.AsNoTracking().Include(s => s.FormVersion).Include(s => s.Signatures)
            .Where(s => ids.Contains(s.RelationshipId) && s.FullySignedAt == null).OrderByDescending(s => s.CreatedAt).Take(100).ToListAsync(ct);
        var relIds = open.Select(s => s.RelationshipId!.Value).Distinct().ToList();
        // Two flat reads: as one with a nested member list, SQLite walked the whole relationships table in key order.
        var members = (await db.RelationshipMembers.AsNoTracking().Where(m => relIds.Contains(m.RelationshipId))
            .Select(m => new { m.RelationshipId, m.StaffId }).ToListAsync(ct)).ToLookup(m => m.RelationshipId, m => m.StaffId);
        var parties = (await db.Relationships.AsNoTracking().Where(r => relIds.Contains(r.Id)).Select(r => new { r.Id, r.SupervisorId }).ToListAsync(ct))
            .ToDictionary(r => r.Id, r => new RecordParties(r.SupervisorId, members[r.Id].ToHashSet()));
        return open.Select(s => (s, s.Status == SubmissionStatus.Draft ? (IReadOnlyList<string>)[] : SignOff.Outstanding(FormCatalog.Definition(s.FormVersion), s, parties[s.RelationshipId!.Value]))).ToList();
    }

    private ActionLine ToLine(ActionItem a) => new(a.Id, a.Text, a.Owner, a.DueOn, a.IsOverdueOn(Today));
}
