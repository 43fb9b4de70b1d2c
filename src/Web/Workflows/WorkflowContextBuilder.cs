using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// Loads, before a run, everything it may read: the event, the supervision and its people, the
/// supervisee's history and a submitted record's answers. The runner itself does no IO, so what
/// it decided can be replayed from what it was given. The two lists that grow with the tenant
/// (for-each cohorts, staff-role holders) are read on first use instead, once per context, from
/// the same scope: most runs name neither.
/// </summary>
public sealed class WorkflowContextBuilder(AppDbContext db, ITenantContext tenant, TimeProvider clock, ComplianceService compliance, ILookupNormalizer normalizer)
{
    private EventRows? _prepared;

    /// <summary>
    /// Tasks added by earlier events of the dispatch group in hand and not yet committed (ADR 0039): runs
    /// read them with the saved ones, as they would if each event had been committed before the next.
    /// </summary>
    internal IReadOnlyList<WorkTask> Unsaved { get; set; } = [];

    /// <summary>
    /// Reads, in a few set-based queries, what the contexts of these events need (ADR 0038), for
    /// <see cref="ForEventAsync"/> to build each from. A dispatch round calls it once for its batch;
    /// an event it did not cover is read on its own. The rows are those the events' own reads would
    /// return; nothing a run writes (tasks, emails, journal) is among them, so a batch's earlier runs
    /// cannot make them stale.
    /// </summary>
    public async Task PrepareAsync(IReadOnlyList<DomainEvent> events, CancellationToken ct) =>
        _prepared = events.Count == 0 ? null : await ReadAsync(events, ct);

    /// <summary>Drops what <see cref="PrepareAsync"/> read: a later round reads afresh.</summary>
    public void Forget() => _prepared = null;

    public async Task<WorkflowContext> ForEventAsync(DomainEvent e, CancellationToken ct)
    {
        // One definition of a context: an event alone is a batch of one, read by the same queries.
        var rows = _prepared is { } prepared && prepared.Covers(e) ? prepared : await ReadAsync([e], ct);
        var settings = tenant.Tenant.Settings;
        var today = tenant.Tenant.Today(clock);
        var relationship = e.RelationshipId is { } rid ? rows.Relationships.GetValueOrDefault(rid) : null;
        var type = relationship is null ? null : settings.Supervision.Type(relationship.TypeId);
        var superviseeIds = SuperviseesOf(relationship);
        var subject = SubjectOf(e, superviseeIds);

        JsonObject? answers = null;
        string? formId = null;
        if (e.RecordId is { } recordId && rows.Records.TryGetValue(recordId, out var rec))
        {
            answers = JsonNode.Parse(rec.AnswersJson) as JsonObject;
            formId = rec.FormId;
        }

        // History as it stood when the event happened, not when it is dispatched: two misses
        // dispatched in one round must read one and two, not two and two.
        SupervisionHistory? history = null;
        if (relationship is not null && subject is null)
        {
            // A group event about nobody in particular (the supervisor cancelled the group): the
            // group's own history, session by session.
            var sessions = rows.Sessions[relationship.Id].Where(s => s.OutcomeAt <= e.OccurredAt);
            history = SupervisionHistory.From([.. sessions.Select(s => new PastSession(s.Date, Outcome(s.Status, null), s.DurationMinutes))],
                today, ComplianceService.CalendarFor(tenant.Tenant), null);
        }
        else if (relationship is not null && subject is not null)
        {
            // Every supervision of the person, for history.all; this type's are history itself. A
            // session counts for them if they were marked at it, or it was cancelled (nobody is marked).
            var all = rows.RelationshipsOf[subject].SelectMany(r => rows.Sessions[r]).OrderBy(s => s.Date).ThenBy(s => s.StartTime)
                .Where(s => s.OutcomeAt <= e.OccurredAt)
                .Select(s => (s.TypeId, s.Status, s.Date, s.DurationMinutes, Marked: rows.Attendance.TryGetValue((s.Id, subject), out var mine), Mine: mine))
                .Where(s => s.Marked || s.Status is SessionStatus.CancelledBySupervisee or SessionStatus.CancelledBySupervisor)
                .Select(s => (s.TypeId, Session: new PastSession(s.Date, Outcome(s.Status, s.Marked ? s.Mine : null), s.DurationMinutes))).ToList();
            var status = rows.Statuses.FirstOrDefault(x => x.RelationshipId == relationship.Id && x.StaffId == subject);
            history = SupervisionHistory.From([.. all.Where(s => s.TypeId == relationship.TypeId).Select(s => s.Session)], today,
                ComplianceService.CalendarFor(tenant.Tenant), status?.Compliance, [.. all.Select(s => s.Session)]);
        }

        var standing = e.SessionId is { } sessionOf && EventNames.IsAboutASession(e.Type) && rows.Standing.TryGetValue(sessionOf, out var st) ? st : null;
        return new WorkflowContext
        {
            Event = new EventInfo(e.Type, e.Detail, e.OccurredAt, e.SessionId?.ToString(), e.RelationshipId?.ToString(), e.StaffId)
                { Form = formId, RecordId = e.RecordId?.ToString(), SessionDate = standing?.Date, SessionVersion = standing?.Sequence, SessionTime = standing?.StartTime, RaisedAtVersion = standing is null ? null : e.SessionSequence },
            Relationship = relationship is null ? null : new RelationshipInfo(relationship.TypeId, type?.Format ?? "one-to-one", relationship.SupervisorId, superviseeIds),
            History = history,
            Answers = answers,
            People = Directory(rows.Staff, relationship, Addressed(e, superviseeIds, rows.Present), e.StaffId),
            Cohorts = Cohorts(),
            Today = today,
            Zone = tenant.Tenant.TimeZone,
            Days = Days(),
            TenantName = tenant.Tenant.Name,
            Settings = RuleSettings(),
        };
    }

    private static List<string> SuperviseesOf(Relationship? relationship) =>
        relationship?.Members.Where(m => m.LeftOn is null || relationship.EndedOn is not null).Select(m => m.StaffId).Distinct().ToList() ?? [];

    /// <summary>The person the history is about: the event's person, else the one supervisee of a one-to-one.</summary>
    private static string? SubjectOf(DomainEvent e, List<string> superviseeIds) =>
        e.StaffId is { } sid && superviseeIds.Contains(sid) ? sid : superviseeIds.Count == 1 ? superviseeIds[0] : null;

    /// <summary>
    /// Whom "supervisee(s)" means for this event: the member it is about (a group member who missed
    /// or sent apologies), those present at an attended session, else every member.
    /// </summary>
    private static List<string> Addressed(DomainEvent e, List<string> superviseeIds, ILookup<Guid, string> present) =>
        e.StaffId is { } about && superviseeIds.Contains(about) ? [about]
        : e.Type == EventTypes.SessionAttended && e.SessionId is { } sessionId ? [.. present[sessionId]]
        : superviseeIds;

    /// <summary>
    /// What the contexts of these events read, each kind in one query whatever the number of events
    /// (a few thousand rows for a round of 200): before, each event ran its own nine or so, and the
    /// history's and the status's cost 17 ms an event at 20,000 supervisees (docs/benchmarks.md).
    /// </summary>
    /// <remarks>
    /// Each id list goes as one parameter (<c>EF.Parameter</c>: a JSON array on SQLite, an array on PostgreSQL)
    /// rather than EF Core 10's default of one parameter per id, padded: there every new length of a list made
    /// a new statement for EF to generate and the database to prepare, which was most of a round's reading
    /// (ADR 0048), and a round of 1,000 events took 14 times a round of 200's allocations.
    /// </remarks>
    private async Task<EventRows> ReadAsync(IReadOnlyList<DomainEvent> events, CancellationToken ct)
    {
        var relationshipIds = events.Select(e => e.RelationshipId).OfType<Guid>().Distinct().ToList();
        var relationships = relationshipIds.Count == 0 ? [] : await db.Relationships.AsNoTracking().Include(r => r.Members)
            .Where(r => EF.Parameter(relationshipIds).Contains(r.Id)).AsSplitQuery().ToDictionaryAsync(r => r.Id, ct);
        var recordIds = events.Select(e => e.RecordId).OfType<Guid>().Distinct().ToList();
        var records = recordIds.Count == 0 ? [] : await db.Submissions.AsNoTracking().Where(s => EF.Parameter(recordIds).Contains(s.Id))
            .Select(s => new { s.Id, s.AnswersJson, s.FormId }).ToDictionaryAsync(s => s.Id, s => (s.AnswersJson, s.FormId), ct);

        // Who each event is about, and which relationships' sessions their histories read.
        var about = events.Where(e => e.RelationshipId is { } r && relationships.ContainsKey(r))
            .Select(e => (Event: e, Relationship: relationships[e.RelationshipId!.Value], Supervisees: SuperviseesOf(relationships[e.RelationshipId!.Value])))
            .ToList();
        var subjects = about.Select(a => SubjectOf(a.Event, a.Supervisees)).OfType<string>().Distinct().ToList();
        var memberships = subjects.Count == 0 ? [] : await db.RelationshipMembers.AsNoTracking().Where(m => EF.Parameter(subjects).Contains(m.StaffId))
            .Select(m => new { m.StaffId, m.RelationshipId }).Distinct().ToListAsync(ct);
        var relationshipsOf = memberships.ToLookup(m => m.StaffId, m => m.RelationshipId);
        var groups = about.Where(a => SubjectOf(a.Event, a.Supervisees) is null).Select(a => a.Relationship.Id);
        var histories = memberships.Select(m => m.RelationshipId).Concat(groups).Distinct().ToList();
        // As of the latest event: each event keeps those up to its own time (ForEventAsync).
        var latest = events.Max(e => e.OccurredAt);
        // Ordered here, not by the database: with ORDER BY Date, SQLite cannot size the id list (json_each) and
        // walks the tenant's (TenantId, Date) index in date order, every session of the tenant, to skip a sort
        // (723 ms at 1.5M sessions; docs/benchmarks.md, "History read"). Without it each id is an index range.
        // Same-day sessions in the order they were held, so "in a row" counts do not depend on a plan.
        var sessions = (histories.Count == 0 ? [] : await db.Sessions.AsNoTracking()
                .Where(s => EF.Parameter(histories).Contains(s.RelationshipId) && s.Status != SessionStatus.Booked && s.OutcomeAt <= latest)
                .Select(s => new SessionRow(s.Id, s.RelationshipId, s.TypeId, s.Date, s.StartTime, s.Status, s.DurationMinutes, s.OutcomeAt)).ToListAsync(ct))
            .OrderBy(s => s.Date).ThenBy(s => s.StartTime).ToLookup(s => s.RelationshipId);
        // The subjects' attendance, read once for their histories and their statuses.
        var attended = await compliance.AttendanceOfAsync(subjects, ct);
        var attendance = attended.ToDictionary(a => (a.SessionId, a.StaffId), a => a.Attendance);
        // The statuses of the (relationship, subject) pairs, from a scope that covers them all: each
        // membership's status depends only on its own person's data, so a wider scope gives the same rows.
        var pairRelationships = about.Where(a => SubjectOf(a.Event, a.Supervisees) is not null).Select(a => a.Relationship.Id).Distinct().ToList();
        var statuses = subjects.Count == 0 ? [] : await compliance.StatusesAsync(m => EF.Parameter(pairRelationships).Contains(m.RelationshipId) && EF.Parameter(subjects).Contains(m.StaffId), ct,
            attended);

        var heldSessions = events.Where(e => e.Type == EventTypes.SessionAttended && e.SessionId is not null).Select(e => e.SessionId!.Value).Distinct().ToList();
        var present = (heldSessions.Count == 0 ? [] : await db.SessionAttendance.AsNoTracking()
            .Where(a => EF.Parameter(heldSessions).Contains(a.SessionId) && a.Attendance == MemberAttendance.Present).Select(a => new { a.SessionId, a.StaffId }).ToListAsync(ct))
            .ToLookup(a => a.SessionId, a => a.StaffId);
        // The day of the session a session.* event is about: a booking says which day it booked.
        // Its version too (one more at each move or cancellation), so a reminder timed from an earlier one lapses.
        var standingIds = events.Where(e => e.SessionId is not null && EventNames.IsAboutASession(e.Type)).Select(e => e.SessionId!.Value).Distinct().ToList();
        var standing = standingIds.Count == 0 ? [] : await db.Sessions.AsNoTracking().Where(x => EF.Parameter(standingIds).Contains(x.Id))
            .Select(x => new { x.Id, x.Date, x.Sequence, x.StartTime }).ToDictionaryAsync(x => x.Id, x => new Standing(x.Date, x.Sequence, x.StartTime), ct);

        var named = events.SelectMany(e =>
        {
            var relationship = e.RelationshipId is { } rid ? relationships.GetValueOrDefault(rid) : null;
            return Addressed(e, SuperviseesOf(relationship), present).Append(relationship?.SupervisorId).Append(e.StaffId);
        });
        return new EventRows(events.Select(e => e.Id).ToHashSet(), relationships, records, relationshipsOf, sessions, attendance, statuses, present, standing,
            await StaffAsync(named, ct));
    }

    private sealed record SessionRow(Guid Id, Guid RelationshipId, string TypeId, DateOnly Date, TimeOnly StartTime, SessionStatus Status, int DurationMinutes, DateTimeOffset? OutcomeAt);
    private sealed record Standing(DateOnly Date, int Sequence, TimeOnly StartTime);
    internal sealed record StaffRow(string Id, string FullName, string? Email, string? NormalizedEmail, string? LineManagerId, string? Site);

    private sealed record EventRows(HashSet<Guid> Events, Dictionary<Guid, Relationship> Relationships, Dictionary<Guid, (string AnswersJson, string FormId)> Records,
        ILookup<string, Guid> RelationshipsOf, ILookup<Guid, SessionRow> Sessions, Dictionary<(Guid, string), MemberAttendance> Attendance, IReadOnlyList<SuperviseeStatus> Statuses,
        ILookup<Guid, string> Present, Dictionary<Guid, Standing> Standing, Dictionary<string, StaffRow> Staff)
    {
        public bool Covers(DomainEvent e) => Events.Contains(e.Id);
    }

    private DayCounter? _days;
    private JsonObject? _settings;

    /// <summary>Calendar, working and school days as this tenant counts them: one counter for the scope (a round's events share it; it holds no state a run changes).</summary>
    private DayCounter Days() =>
        _days ??= new(new WorkingDays(tenant.Tenant.Settings.ClosureDays.Select(c => c.Date)), ComplianceService.CalendarFor(tenant.Tenant));

    /// <summary>tenant.settings for rules, made once for the scope: the runner copies it into each scope it builds, never changes it.</summary>
    private JsonObject RuleSettings() => _settings ??= tenant.Tenant.Settings.Supervision.ForRules();

    /// <summary>A session's outcome for one person: the session's own, refined by their attendance in a group.</summary>
    internal static SessionOutcome Outcome(SessionStatus status, MemberAttendance? mine) => status switch
    {
        SessionStatus.CancelledBySupervisee => SessionOutcome.CancelledBySupervisee,
        SessionStatus.CancelledBySupervisor => SessionOutcome.CancelledBySupervisor,
        SessionStatus.DidNotAttend => SessionOutcome.DidNotAttend,
        _ => mine switch { MemberAttendance.Absent => SessionOutcome.DidNotAttend, MemberAttendance.Apologies => SessionOutcome.Apologies, _ => SessionOutcome.Attended },
    };

    /// <summary>A scheduled run: no event of the supervision kind, only the clock and the cohorts.</summary>
    public async Task<WorkflowContext> ForScheduleAsync(DateTimeOffset occurrence, CancellationToken ct) => new()
    {
        Event = new EventInfo("schedule", null, occurrence),
        People = await PeopleAsync(null, [], null, ct),
        Cohorts = Cohorts(),
        Today = tenant.Tenant.Today(clock),
        Zone = tenant.Tenant.TimeZone,
        Days = Days(),
        TenantName = tenant.Tenant.Name,
        Settings = RuleSettings(),
    };

    /// <summary>
    /// The people this event can name, and nobody else: read by id and by role holders' emails, so
    /// an event costs the same in a tenant of 20,000 staff as in one of 200 (the whole directory
    /// took 0.66 s an event there, and the sweep raises tens of thousands). Holders of a staff role
    /// (staff-role:) may be most of the tenant, so they are read only if a run asks for them.
    /// </summary>
    internal async Task<PeopleDirectory> PeopleAsync(Relationship? relationship, IReadOnlyList<string> supervisees, string? personId, CancellationToken ct) =>
        Directory(await StaffAsync(supervisees.Append(relationship?.SupervisorId).Append(personId), ct), relationship, supervisees, personId);

    /// <summary>
    /// The named people (of one event or of a batch), their line managers and the holders of the
    /// tenant's roles, in one query. More rows than one event names change nothing: a directory
    /// looks people up by id and by email, which is unique in a tenant.
    /// </summary>
    private async Task<Dictionary<string, StaffRow>> StaffAsync(IEnumerable<string?> named, CancellationToken ct)
    {
        var today = tenant.Tenant.Today(clock);
        var ids = named.OfType<string>().Distinct().ToList();
        var holders = tenant.Tenant.Settings.Roles.SelectMany(r => r.AllHolders).Select(normalizer.NormalizeEmail).Distinct().ToList();
        var active = db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today);
        // Two statements: the named, then their managers not among them and the role holders (two arms rather
        // than one OR, so each is a lookup by key or by email and none a scan of the tenant's staff). As one
        // statement of three arms, PostgreSQL planned a round's (500 named) as a parallel append, and starting
        // its workers made a 5 ms read 50-80 ms (ADR 0067).
        var staff = ids.Count == 0 ? [] : await Rows(active.Where(s => EF.Parameter(ids).Contains(s.Id))).ToListAsync(ct);
        var found = staff.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var managers = staff.Select(s => s.LineManagerId).OfType<string>().Where(m => !found.Contains(m)).Distinct().ToList();
        if (managers.Count > 0 || holders.Count > 0)
            staff.AddRange(await Rows(active.Where(s => EF.Parameter(managers).Contains(s.Id)).Concat(active.Where(s => holders.Contains(s.NormalizedEmail)))).ToListAsync(ct));
        return staff.DistinctBy(s => s.Id).ToDictionary(s => s.Id);

        static IQueryable<StaffRow> Rows(IQueryable<StaffMember> people) =>
            people.Select(s => new StaffRow(s.Id, s.FullName, s.Email, s.NormalizedEmail, s.LineManagerId, s.Site));
    }

    private PeopleDirectory Directory(Dictionary<string, StaffRow> byId, Relationship? relationship, IReadOnlyList<string> supervisees, string? personId)
    {
        var today = tenant.Tenant.Today(clock);
        var active = db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today);
        Recipient? Person(string? id) => id is not null && byId.TryGetValue(id, out var p) && p.Email is not null ? new Recipient(p.Id, p.FullName, p.Email, p.Site) : null;
        Recipient? ManagerOf(string? id) => id is not null && byId.TryGetValue(id, out var p) ? Person(p.LineManagerId) : null;
        var holders = HoldersOf(byId);
        return new PeopleDirectory
        {
            Supervisor = Person(relationship?.SupervisorId),
            Supervisees = supervisees.Select(Person).OfType<Recipient>().ToList(),
            LineManagersOfSupervisees = supervisees.Select(ManagerOf).OfType<Recipient>().DistinctBy(r => r.StaffId).ToList(),
            LineManagerOfSupervisor = ManagerOf(relationship?.SupervisorId),
            Person = Person(personId),
            LineManagerOfPerson = ManagerOf(personId),
            RoleHolders = holders.Roles,
            SiteRoleHolders = holders.Sites,
            StaffRoleHolders = new StaffRoleHolders(role => active.Where(s => (s.Roles & role) == role && s.Email != null)
                .Select(s => new Recipient(s.Id, s.FullName, s.Email!, s.Site)).ToList()),
        };
    }

    private (Dictionary<string, StaffRow> For, RoleHolders Holders)? _holders;

    /// <summary>
    /// The tenant's role holders among these people, worked out once for the rows of a batch (ADR 0048): they
    /// depend on the rows and the tenant's roles only, and every event's directory of a round reads the same
    /// rows, so building them per event rebuilt the same dictionaries (an email index over the batch's people) 200 times.
    /// </summary>
    private RoleHolders HoldersOf(Dictionary<string, StaffRow> byId)
    {
        if (_holders is { } kept && ReferenceEquals(kept.For, byId)) return kept.Holders;
        var roles = tenant.Tenant.Settings.Roles;
        // NormalizedEmail is unique in a tenant, so an address names at most one person.
        var byEmail = byId.Values.Where(s => s.NormalizedEmail is not null && s.Email is not null).ToDictionary(s => s.NormalizedEmail!);
        // A holder may be a shared mailbox rather than a person (mse-icb's administration team):
        // still written to, by address, under the role's name.
        IReadOnlyList<Recipient> Holders(TenantRole r, IEnumerable<string> emails) => [.. emails
            .Select(email => byEmail.TryGetValue(normalizer.NormalizeEmail(email), out var p) ? new Recipient(p.Id, p.FullName, p.Email!, p.Site) : new Recipient(null, r.Name, email))];
        var holders = new RoleHolders(roles.ToDictionary(r => r.Id, r => Holders(r, r.AllHolders)),
            roles.Where(r => r.HeldPerSite).ToDictionary(r => r.Id,
                r => (IReadOnlyDictionary<string, IReadOnlyList<Recipient>>)r.Sites.ToDictionary(kv => kv.Key, kv => Holders(r, kv.Value), StringComparer.OrdinalIgnoreCase)));
        _holders = (byId, holders);
        return holders;
    }

    private sealed record RoleHolders(IReadOnlyDictionary<string, IReadOnlyList<Recipient>> Roles,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Recipient>>> Sites);

    /// <summary>
    /// Cohorts for for-each, with each member's latest training expiry (reminder ladders read it).
    /// Loaded on first use: most runs have no for-each, and the directory is not read for them.
    /// </summary>
    internal Func<string, IReadOnlyList<CohortMember>> Cohorts()
    {
        List<(StaffRoles Roles, CohortMember Member)>? members = null;
        var roles = tenant.Tenant.Settings.Roles;
        return cohort =>
        {
            members ??= Members();
            return cohort switch
            {
                "supervisees" => members.Where(m => m.Roles.HasFlag(StaffRoles.Supervisee)).Select(m => m.Member).ToList(),
                "supervisors" => members.Where(m => m.Roles.HasFlag(StaffRoles.Supervisor)).Select(m => m.Member).ToList(),
                "staff" => members.Select(m => m.Member).ToList(),
                _ when cohort.StartsWith("role:", StringComparison.Ordinal) && roles.FirstOrDefault(r => r.Id == cohort[5..]) is { } role =>
                    members.Where(m => m.Member.Email is not null && role.AllHolders.Contains(m.Member.Email, StringComparer.OrdinalIgnoreCase)).Select(m => m.Member).ToList(),
                _ => [],
            };
        };

        List<(StaffRoles, CohortMember)> Members()
        {
            var today = tenant.Tenant.Today(clock);
            // Forms each person has been asked for and not completed, in one query, for reminders (item.openForms).
            var unsaved = Unsaved;
            var open = db.WorkTasks.AsNoTracking().Where(t => t.Status == TaskStatus.Open && t.FormId != null)
                .Select(t => new { t.AssigneeId, t.FormId }).AsEnumerable()
                .Concat(unsaved.Where(t => t.Status == TaskStatus.Open && t.FormId != null).Select(t => new { t.AssigneeId, t.FormId }))
                .GroupBy(t => t.AssigneeId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(t => t.FormId!).Distinct().ToList());
            return db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today)
                .Select(s => new { s.Id, s.FullName, s.Email, s.Site, s.Roles, Expires = s.Training.Max(t => t.ExpiresOn) }).AsEnumerable()
                .Select(s => (s.Roles, new CohortMember(s.Id, s.FullName, s.Email, StaffRoleNames.Split(s.Roles).Select(StaffRoleNames.Name).ToList(), s.Site, s.Expires,
                    open.GetValueOrDefault(s.Id))))
                .ToList();
        }
    }
}

/// <summary>
/// Holders of each staff role, read the first time a run names the role (staff-role:supervisee may
/// be most of the tenant; most events name no staff role at all). Like cohorts, read from the
/// run's own scope, before any of its effects are saved.
/// </summary>
internal sealed class StaffRoleHolders(Func<StaffRoles, IReadOnlyList<Recipient>> read) : IReadOnlyDictionary<string, IReadOnlyList<Recipient>>
{
    private readonly Dictionary<string, IReadOnlyList<Recipient>> _read = [];

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IReadOnlyList<Recipient> value)
    {
        if (_read.TryGetValue(key, out value)) return true;
        if (!StaffRoleNames.TryParse(key, out var role) || StaffRoleNames.Name(role) != key) return false; // names are exact, as in the directory before
        value = _read[key] = read(role);
        return true;
    }

    public IReadOnlyList<Recipient> this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
    public bool ContainsKey(string key) => StaffRoleNames.All.Any(r => r.Name == key);
    public IEnumerable<string> Keys => StaffRoleNames.All.Select(r => r.Name);
    public IEnumerable<IReadOnlyList<Recipient>> Values => Keys.Select(k => this[k]);
    public int Count => StaffRoleNames.All.Count;
    public IEnumerator<KeyValuePair<string, IReadOnlyList<Recipient>>> GetEnumerator() => Keys.Select(k => KeyValuePair.Create(k, this[k])).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
