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
    public async Task<WorkflowContext> ForEventAsync(DomainEvent e, CancellationToken ct)
    {
        var settings = tenant.Tenant.Settings;
        var today = tenant.Tenant.Today(clock);
        Relationship? relationship = e.RelationshipId is { } rid
            ? await db.Relationships.AsNoTracking().Include(r => r.Members).FirstOrDefaultAsync(r => r.Id == rid, ct)
            : null;
        var type = relationship is null ? null : settings.Supervision.Type(relationship.TypeId);
        // The person the history is about: the event's person, else the one supervisee of a one-to-one.
        var superviseeIds = relationship?.Members.Where(m => m.LeftOn is null || relationship.EndedOn is not null).Select(m => m.StaffId).Distinct().ToList() ?? [];
        var subject = e.StaffId is { } sid && superviseeIds.Contains(sid) ? sid : superviseeIds.Count == 1 ? superviseeIds[0] : null;

        JsonObject? answers = null;
        string? formId = null;
        if (e.RecordId is { } recordId && await db.Submissions.AsNoTracking().Where(s => s.Id == recordId).Select(s => new { s.AnswersJson, s.FormId }).FirstOrDefaultAsync(ct) is { } rec)
        {
            answers = JsonNode.Parse(rec.AnswersJson) as JsonObject;
            formId = rec.FormId;
        }

        SupervisionHistory? history = null;
        if (relationship is not null && subject is null)
        {
            // A group event about nobody in particular (the supervisor cancelled the group): the
            // group's own history, session by session.
            var sessions = await db.Sessions.AsNoTracking()
                .Where(s => s.RelationshipId == relationship.Id && s.Status != SessionStatus.Booked && s.OutcomeAt <= e.OccurredAt)
                .Select(s => new { s.Date, s.Status, s.DurationMinutes }).ToListAsync(ct);
            history = SupervisionHistory.From(sessions.Select(s => new PastSession(s.Date, Outcome(s.Status, null), s.DurationMinutes)).ToList(),
                today, ComplianceService.CalendarFor(tenant.Tenant), null);
        }
        else if (relationship is not null && subject is not null)
        {
            var sessions = await db.Sessions.AsNoTracking()
                // History as it stood when the event happened, not when it is dispatched: two misses
                // dispatched in one round must read one and two, not two and two. Every supervision
                // of the person, for history.all; this type's are history itself.
                .Where(s => s.Status != SessionStatus.Booked && s.OutcomeAt <= e.OccurredAt
                            && (s.Attendance.Any(a => a.StaffId == subject) || s.Status == SessionStatus.CancelledBySupervisee || s.Status == SessionStatus.CancelledBySupervisor)
                            && s.Relationship.Members.Any(m => m.StaffId == subject))
                .Select(s => new { s.TypeId, s.Date, s.Status, s.DurationMinutes, Mine = s.Attendance.Where(a => a.StaffId == subject).Select(a => (MemberAttendance?)a.Attendance).FirstOrDefault() })
                .ToListAsync(ct);
            var all = sessions.Select(s => (s.TypeId, Session: new PastSession(s.Date, Outcome(s.Status, s.Mine), s.DurationMinutes))).ToList();
            var statuses = await compliance.StatusesAsync(m => m.RelationshipId == relationship.Id && m.StaffId == subject, ct);
            var status = statuses.Count > 0 ? statuses[0] : null;
            history = SupervisionHistory.From([.. all.Where(s => s.TypeId == relationship.TypeId).Select(s => s.Session)], today,
                ComplianceService.CalendarFor(tenant.Tenant), status?.Compliance, [.. all.Select(s => s.Session)]);
        }

        // Whom "supervisee(s)" means for this event: the member it is about (a group member who
        // missed or sent apologies), those present at an attended session, else every member.
        var addressed = superviseeIds;
        if (e.StaffId is { } about && superviseeIds.Contains(about)) addressed = [about];
        else if (e.Type == EventTypes.SessionAttended && e.SessionId is { } sessionId)
            addressed = await db.SessionAttendance.AsNoTracking().Where(a => a.SessionId == sessionId && a.Attendance == MemberAttendance.Present)
                .Select(a => a.StaffId).ToListAsync(ct);

        // The day of the session a session.* event is about: a booking says which day it booked.
        // Its version too (one more at each move or cancellation), so a reminder timed from an earlier one lapses.
        var standing = e.SessionId is { } sessionOf && EventNames.IsAboutASession(e.Type)
            ? await db.Sessions.AsNoTracking().Where(x => x.Id == sessionOf).Select(x => new { x.Date, x.Sequence, x.StartTime }).FirstOrDefaultAsync(ct)
            : null;

        return new WorkflowContext
        {
            Event = new EventInfo(e.Type, e.Detail, e.OccurredAt, e.SessionId?.ToString(), e.RelationshipId?.ToString(), e.StaffId)
                { Form = formId, RecordId = e.RecordId?.ToString(), SessionDate = standing?.Date, SessionVersion = standing?.Sequence, SessionTime = standing?.StartTime },
            Relationship = relationship is null ? null : new RelationshipInfo(relationship.TypeId, type?.Format ?? "one-to-one", relationship.SupervisorId, superviseeIds),
            History = history,
            Answers = answers,
            People = await PeopleAsync(relationship, addressed, e.StaffId, ct),
            Cohorts = Cohorts(),
            Today = today,
            Zone = tenant.Tenant.TimeZone,
            Days = Days(),
            TenantName = tenant.Tenant.Name,
            Settings = tenant.Tenant.Settings.Supervision.ForRules(),
        };
    }

    /// <summary>Calendar, working and school days as this tenant counts them.</summary>
    private DayCounter Days() =>
        new(new WorkingDays(tenant.Tenant.Settings.ClosureDays.Select(c => c.Date)), ComplianceService.CalendarFor(tenant.Tenant));

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
        Settings = tenant.Tenant.Settings.Supervision.ForRules(),
    };

    /// <summary>
    /// The people this event can name, and nobody else: read by id and by role holders' emails, so
    /// an event costs the same in a tenant of 20,000 staff as in one of 200 (the whole directory
    /// took 0.66 s an event there, and the sweep raises tens of thousands). Holders of a staff role
    /// (staff-role:) may be most of the tenant, so they are read only if a run asks for them.
    /// </summary>
    internal async Task<PeopleDirectory> PeopleAsync(Relationship? relationship, IReadOnlyList<string> supervisees, string? personId, CancellationToken ct)
    {
        var today = tenant.Tenant.Today(clock);
        var roles = tenant.Tenant.Settings.Roles;
        var ids = supervisees.Append(relationship?.SupervisorId).Append(personId).OfType<string>().Distinct().ToList();
        var holders = roles.SelectMany(r => r.AllHolders).Select(normalizer.NormalizeEmail).Distinct().ToList();
        var active = db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today);
        var named = active.Where(s => ids.Contains(s.Id));
        // Three arms rather than one OR, and the managers by a join rather than IN (subquery), so
        // each is a lookup by key or by email and none a scan of the tenant's staff.
        var staff = await named
            .Concat(named.Join(active, p => p.LineManagerId, m => m.Id, (_, m) => m))
            .Concat(active.Where(s => holders.Contains(s.NormalizedEmail)))
            .Select(s => new { s.Id, s.FullName, s.Email, s.NormalizedEmail, s.LineManagerId, s.Site }).ToListAsync(ct);
        var byId = staff.DistinctBy(s => s.Id).ToDictionary(s => s.Id);
        // NormalizedEmail is unique in a tenant, so an address names at most one person.
        var byEmail = byId.Values.Where(s => s.NormalizedEmail is not null && s.Email is not null).ToDictionary(s => s.NormalizedEmail!);
        Recipient? Person(string? id) => id is not null && byId.TryGetValue(id, out var p) && p.Email is not null ? new Recipient(p.Id, p.FullName, p.Email, p.Site) : null;
        // A holder may be a shared mailbox rather than a person (mse-icb's administration team):
        // still written to, by address, under the role's name.
        IReadOnlyList<Recipient> Holders(TenantRole r, IEnumerable<string> emails) => [.. emails
            .Select(email => byEmail.TryGetValue(normalizer.NormalizeEmail(email), out var p) ? new Recipient(p.Id, p.FullName, p.Email!, p.Site) : new Recipient(null, r.Name, email))];
        Recipient? ManagerOf(string? id) => id is not null && byId.TryGetValue(id, out var p) ? Person(p.LineManagerId) : null;
        return new PeopleDirectory
        {
            Supervisor = Person(relationship?.SupervisorId),
            Supervisees = supervisees.Select(Person).OfType<Recipient>().ToList(),
            LineManagersOfSupervisees = supervisees.Select(ManagerOf).OfType<Recipient>().DistinctBy(r => r.StaffId).ToList(),
            LineManagerOfSupervisor = ManagerOf(relationship?.SupervisorId),
            Person = Person(personId),
            LineManagerOfPerson = ManagerOf(personId),
            RoleHolders = roles.ToDictionary(r => r.Id, r => Holders(r, r.AllHolders)),
            SiteRoleHolders = roles.Where(r => r.HeldPerSite).ToDictionary(r => r.Id,
                r => (IReadOnlyDictionary<string, IReadOnlyList<Recipient>>)r.Sites.ToDictionary(kv => kv.Key, kv => Holders(r, kv.Value), StringComparer.OrdinalIgnoreCase)),
            StaffRoleHolders = new StaffRoleHolders(role => active.Where(s => (s.Roles & role) == role && s.Email != null)
                .Select(s => new Recipient(s.Id, s.FullName, s.Email!, s.Site)).ToList()),
        };
    }

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
            var open = db.WorkTasks.AsNoTracking().Where(t => t.Status == TaskStatus.Open && t.FormId != null)
                .Select(t => new { t.AssigneeId, t.FormId }).AsEnumerable()
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
