using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Supervision;

public enum AgreementState { None, AwaitingSignatures, Signed, ReviewDue }

/// <summary>One supervisee in one supervision: where they stand against the tenant's frequency rule and agreement.</summary>
public sealed record SuperviseeStatus(
    string StaffId, string Name, string? Site, string? LineManagerId,
    Guid RelationshipId, string TypeId, string TypeName, string SupervisorId, string SupervisorName,
    ComplianceStatus Compliance, AgreementState Agreement, DateOnly? AgreementReviewDue, DateOnly? NextBooked);

/// <summary>
/// Everyone's status in a fixed number of queries, whatever the number of supervisees: the
/// people, their attended sessions, the agreements and the next bookings are each read once and
/// joined in memory, then the rule in <see cref="ComplianceCalculator"/> decides.
/// </summary>
public sealed class ComplianceService(AppDbContext db, ITenantContext tenant, TimeProvider clock, StatusCache cache)
{
    /// <summary>
    /// Everyone's statuses in the tenant: the same list as <c>StatusesAsync(null)</c>, from this
    /// node's <see cref="StatusCache"/>, which recomputes only the people changed since it last looked.
    /// </summary>
    /// <param name="seen">The tenant's change stamp read before (ADR 0049): with it, no look when nothing changed since.</param>
    public Task<IReadOnlyList<SuperviseeStatus>> EveryoneAsync(CancellationToken ct, TenantChanges.Stamp? seen = null) =>
        cache.GetAsync(this, db, tenant.Tenant, tenant.Tenant.Today(clock), ct, seen);

    /// <summary>
    /// A figure computed from everyone's data, kept with the list <see cref="EveryoneAsync"/> gave
    /// until the next status change, new day or new settings (<see cref="StatusCache.DerivedAsync"/>).
    /// </summary>
    public Task<T> DerivedAsync<T>(IReadOnlyList<SuperviseeStatus> everyone, string key, Func<CancellationToken, Task<T>> compute, CancellationToken ct) where T : class =>
        cache.DerivedAsync(tenant.Tenant.Id, everyone, key, compute, ct);

    /// <param name="scope">Which supervisees (memberships) to include; null for everyone in the tenant.</param>
    public async Task<IReadOnlyList<SuperviseeStatus>> StatusesAsync(Expression<Func<RelationshipMember, bool>>? scope, CancellationToken ct)
    {
        var settings = tenant.Tenant.Settings;
        var today = tenant.Tenant.Today(clock);
        var calendar = CalendarFor(tenant.Tenant);

        var members = db.RelationshipMembers.AsNoTracking();
        if (scope is not null) members = members.Where(scope);
        var staffIds = members.Select(m => m.StaffId);

        // Every membership of these people, ended ones too: history continues across reallocation.
        // The memberships asked for: the people's other supervisions are read for history, not listed.
        HashSet<int> inScope;
        List<MembershipRow> memberships;
        if (scope is null)
        {
            // Everyone (the sweep, a cold cache): the people read once along the tenant index and joined
            // here. As part of the SQL join SQLite looked up the person and the supervisor by primary key
            // for every membership, twice the time of reading them all (ADR 0040).
            var people = await db.Staff.AsNoTracking()
                .Select(s => new { s.Id, s.FullName, s.Site, s.LineManagerId, s.StartDate, s.LeftOn }).ToDictionaryAsync(s => s.Id, StringComparer.Ordinal, ct);
            var joined = await db.RelationshipMembers.AsNoTracking()
                .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new { m.Id, m.StaffId, m.JoinedOn, m.LeftOn, RelationshipId = r.Id, r.TypeId, r.SupervisorId, r.EndedOn })
                .ToListAsync(ct);
            memberships = new List<MembershipRow>(joined.Count);
            foreach (var m in joined)
                if (people.TryGetValue(m.StaffId, out var p) && people.TryGetValue(m.SupervisorId, out var supervisor))
                    memberships.Add(new MembershipRow(m.Id, m.StaffId, m.JoinedOn, m.LeftOn, m.RelationshipId, m.TypeId, m.SupervisorId, supervisor.FullName,
                        m.EndedOn, p.FullName, p.Site, p.LineManagerId, p.StartDate, p.LeftOn));
            inScope = joined.Where(m => m.LeftOn == null).Select(m => m.Id).ToHashSet();
        }
        else
        {
            inScope = (await members.Where(m => m.LeftOn == null).Select(m => m.Id).ToListAsync(ct)).ToHashSet();
            memberships = await db.RelationshipMembers.AsNoTracking().Where(m => staffIds.Contains(m.StaffId))
                .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new MembershipRow(
                    m.Id, m.StaffId, m.JoinedOn, m.LeftOn, r.Id, r.TypeId, r.SupervisorId, r.Supervisor.FullName,
                    r.EndedOn, m.Staff.FullName, m.Staff.Site, m.Staff.LineManagerId, m.Staff.StartDate, m.Staff.LeftOn))
                .ToListAsync(ct);
        }
        if (memberships.Count == 0) return [];

        // Present means the session took place (a missed one records absence). Two reads, both
        // bounded by the rules rather than by years of history:
        // - period rules ("1 per half term", "6 per academic year") count sessions inside periods,
        //   and the year before the current one is the oldest that can still decide a status;
        // - rolling rules ("every 6 weeks") need only each person's latest session that counts
        //   (long enough for its type), read as one grouped row per person and type.
        var present = db.SessionAttendance.AsNoTracking().Where(a => a.Attendance == MemberAttendance.Present);
        if (scope is not null) present = present.Where(a => staffIds.Contains(a.StaffId));
        var rows = new List<(string StaffId, string TypeId, AttendedSession Session)>();
        var types = settings.Supervision.Types.Where(t => t.Frequency.Count > 0).ToList();
        if (types.Any(t => t.Frequency.Any(f => f.Per is not null)))
        {
            var since = today.AddYears(-HistoryYears);
            rows.AddRange((await present.Where(a => a.Date >= since).Select(a => new { a.StaffId, a.TypeId, a.Date, a.Minutes }).ToListAsync(ct))
                .Select(a => (a.StaffId, a.TypeId, new AttendedSession(a.Date, a.Minutes))));
        }
        // Rolling types read together, one grouped statement per distinct minimum length (usually one),
        // not one per type: at 500 tenants the statements' own cost was most of this read (ADR 0043).
        // Grouped by type first, the covering (tenant, attendance, type, person, date, minutes) index's order.
        var rolling = types.Where(t => t.Frequency.Any(f => f.Every is not null)).ToList();
        if (rolling.Count > 0)
        {
            // A day already read for the period rules is not added again: it would double a period's tally.
            var seen = rows.Select(r => (r.StaffId, r.TypeId, r.Session.Date)).ToHashSet();
            foreach (var sameMinimum in rolling.GroupBy(t => t.MinimumMinutes))
            {
                var minimum = sameMinimum.Key;
                var ids = sameMinimum.Select(t => t.Id).ToList();
                // One type (the usual case) as a plain equality, not EF 10's IN over a padded list of parameters:
                // the covering index's (tenant, attendance, type) prefix with nothing for the planner to weigh (ADR 0047).
                var one = ids[0];
                var ofTypes = ids.Count == 1 ? present.Where(a => a.TypeId == one) : present.Where(a => ids.Contains(a.TypeId));
                var latest = await ofTypes.Where(a => a.Minutes >= minimum && a.Date <= today)
                    .GroupBy(a => new { a.TypeId, a.StaffId })
                    .Select(g => new { g.Key.TypeId, g.Key.StaffId, Date = g.Max(a => a.Date), Minutes = g.Max(a => a.Minutes) }).ToListAsync(ct);
                rows.AddRange(latest.Where(l => !seen.Contains((l.StaffId, l.TypeId, l.Date)))
                    .Select(l => (l.StaffId, l.TypeId, new AttendedSession(l.Date, Math.Max(l.Minutes, minimum)))));
            }
        }
        // Each person's sessions of a type as one list, handed to the calculator as it is (it only reads it):
        // at 100,000 supervisees a lookup's groupings and a copy of each list were tens of megabytes a sweep (ADR 0053).
        var history = new Dictionary<(string StaffId, string TypeId), List<AttendedSession>>(rows.Count);
        foreach (var (staffId, typeId, session) in rows)
        {
            if (!history.TryGetValue((staffId, typeId), out var sessions)) history[(staffId, typeId)] = sessions = [];
            sessions.Add(session);
        }

        // Everyone: every agreement and every future booking of the tenant, each one index range
        // (agreements are the submissions without a session; bookings are dated from today), looked up
        // below by open relationship only. Filtering by "open" in SQL made SQLite probe both indexes once
        // per relationship, five times the time (ADR 0040). A few people: their open relationships are
        // already in hand (memberships), passed as a list so the lookups go through the relationship
        // index; as a subquery SQLite walked every relationship and agreement of the tenant (tens of ms
        // each at 20,000 supervisees, on every home page).
        var agreements = db.Submissions.AsNoTracking().Where(s => s.SessionId == null);
        var booked = db.Sessions.AsNoTracking().Where(s => s.Status == SessionStatus.Booked && s.Date >= today);
        if (scope is not null)
        {
            // One parameter, not one per id (ADR 0048, 0051): a dispatch round's batch passes a couple of hundred
            // relationships, a new length each round, and each new length was a new statement to generate and prepare.
            var theirs = memberships.Where(m => m.EndedOn == null).Select(m => (Guid?)m.Id).Distinct().ToList();
            agreements = agreements.Where(s => EF.Parameter(theirs).Contains(s.RelationshipId));
            booked = booked.Where(s => EF.Parameter(theirs).Contains(s.RelationshipId));
        }
        // A tenant whose types have no agreement form never looks at one: nothing to read.
        var contracts = settings.Supervision.Types.Any(t => t.ContractForm is not null)
            ? await agreements.Select(s => new ContractRow(s.RelationshipId, s.FormId, s.FullySignedAt)).ToListAsync(ct)
            : [];
        var nextBooked = new Dictionary<Guid, DateOnly>();
        foreach (var b in await booked.Select(s => new { s.RelationshipId, s.Date }).ToListAsync(ct))
            if (!nextBooked.TryGetValue(b.RelationshipId, out var first) || b.Date < first) nextBooked[b.RelationshipId] = b.Date;

        var contractsOf = contracts.ToLookup(c => c.RelationshipId, c => (c.FormId, c.FullySignedAt)); // not a scan per supervisee
        var firstJoined = new Dictionary<(string, string), DateOnly>(memberships.Count);
        foreach (var m in memberships)
            if (!firstJoined.TryGetValue((m.StaffId, m.TypeId), out var first) || m.JoinedOn < first) firstJoined[(m.StaffId, m.TypeId)] = m.JoinedOn;
        var result = new List<SuperviseeStatus>(inScope.Count);
        foreach (var m in memberships.Where(m => m.EndedOn is null && m.MemberLeft is null && inScope.Contains(m.MembershipId)))
        {
            if (settings.Supervision.Type(m.TypeId) is not { } type) continue;
            var from = firstJoined[(m.StaffId, m.TypeId)];
            if (m.StartDate is { } started && started > from) from = started;
            var compliance = Evaluate(type, settings.Supervision, calendar, from, m.StaffLeft, history.TryGetValue((m.StaffId, m.TypeId), out var attended) ? attended : NoSessions, today);
            var (agreement, review) = Agreement(type, settings.Supervision, contractsOf[m.Id], today);
            result.Add(new SuperviseeStatus(m.StaffId, m.FullName, m.Site, m.LineManagerId, m.Id, m.TypeId, type.Name, m.SupervisorId, m.SupervisorName,
                compliance, agreement, review, nextBooked.TryGetValue(m.Id, out var next) ? next : null));
        }
        result.Sort(Order);
        return result;
    }

    /// <summary>
    /// Most pressing first (overdue, then due soon ...), soonest due, then by name; relationship and
    /// person break the remaining ties so the order is total (the cache merges partial updates into it).
    /// </summary>
    public static readonly IComparer<SuperviseeStatus> Order = Comparer<SuperviseeStatus>.Create((a, b) =>
    {
        var c = Rank(a.Compliance.State).CompareTo(Rank(b.Compliance.State));
        if (c == 0) c = Nullable.Compare(a.Compliance.NextDue, b.Compliance.NextDue);
        if (c == 0) c = string.CompareOrdinal(a.Name, b.Name);
        if (c == 0) c = a.RelationshipId.CompareTo(b.RelationshipId);
        if (c == 0) c = string.CompareOrdinal(a.StaffId, b.StaffId);
        return c;
    });

    /// <summary>
    /// One person's status in one type on <paramref name="day"/>: the type's frequency rule through
    /// <see cref="ComplianceCalculator"/>, or "not required" for a type with no set frequency. The
    /// dashboards (today) and the compliance report (today and past month ends) both call this.
    /// </summary>
    public static ComplianceStatus Evaluate(SupervisionTypeSettings type, SupervisionSettings settings, SchoolCalendar calendar,
        DateOnly requiredFrom, DateOnly? requiredUntil, IReadOnlyList<AttendedSession> history, DateOnly day) =>
        type.Frequency.Count == 0
            ? new ComplianceStatus(ComplianceState.NotRequired, null, history.Where(h => h.Date <= day).Select(h => (DateOnly?)h.Date).Max(), "No set frequency: as needed")
            : ComplianceCalculator.Evaluate(type.Policy(settings.DueSoonDays), calendar, requiredFrom, requiredUntil, history, day);

    /// <summary>An agreement is in force from its last signature until the review date (yearly unless the tenant says otherwise).</summary>
    public static (AgreementState, DateOnly?) Agreement(SupervisionTypeSettings type, SupervisionSettings settings,
        IEnumerable<(string FormId, DateTimeOffset? FullySignedAt)> submissions, DateOnly today)
    {
        if (type.ContractForm is not { } form) return (AgreementState.Signed, null); // the type has no agreement to sign
        var mine = submissions.Where(s => s.FormId == form).ToList();
        if (mine.Count == 0) return (AgreementState.None, null);
        if (mine.Where(s => s.FullySignedAt is not null).Select(s => s.FullySignedAt!.Value).DefaultIfEmpty().Max() is var signed && signed == default)
            return (AgreementState.AwaitingSignatures, null);
        var review = DateOnly.FromDateTime(signed.UtcDateTime).AddMonths(type.AgreementReviewMonths ?? settings.AgreementReviewMonths);
        return (review <= today ? AgreementState.ReviewDue : AgreementState.Signed, review);
    }

    /// <summary>A membership with its relationship and the two people, as <see cref="StatusesAsync"/> joins them.</summary>
    private sealed record MembershipRow(int MembershipId, string StaffId, DateOnly JoinedOn, DateOnly? MemberLeft, Guid Id, string TypeId,
        string SupervisorId, string SupervisorName, DateOnly? EndedOn, string FullName, string? Site, string? LineManagerId, DateOnly? StartDate, DateOnly? StaffLeft);

    private sealed record ContractRow(Guid? RelationshipId, string FormId, DateTimeOffset? FullySignedAt);

    private static readonly IReadOnlyList<AttendedSession> NoSessions = [];

    /// <summary>How far back attended sessions are read for period rules (see the query).</summary>
    public const int HistoryYears = 2;

    public static int Rank(ComplianceState s) => s switch
    {
        ComplianceState.Overdue => 0, ComplianceState.DueSoon => 1, ComplianceState.Unknown => 2, ComplianceState.OnTrack => 3, _ => 4,
    };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TenantSettings, SchoolCalendar> Calendars = new();

    /// <summary>Built once per loaded settings: a reloaded tenant gets a new settings object and so a fresh calendar.</summary>
    public static SchoolCalendar CalendarFor(TenantInfo t) => Calendars.GetValue(t.Settings, s => s.Calendar());
}
