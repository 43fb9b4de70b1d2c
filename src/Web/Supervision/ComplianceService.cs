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
public sealed partial class ComplianceService(AppDbContext db, ITenantContext tenant, TimeProvider clock, StatusCache cache)
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

    /// <summary>
    /// Every attendance of these people, whatever it was, each with what the statuses count it by: a dispatch
    /// round reads it once for its histories and passes it to <see cref="StatusesAsync"/>, which then reads none.
    /// </summary>
    public async Task<List<AttendanceRow>> AttendanceOfAsync(List<string> staffIds, CancellationToken ct) =>
        staffIds.Count == 0 ? [] : await db.SessionAttendance.AsNoTracking().Where(a => EF.Parameter(staffIds).Contains(a.StaffId))
            .Select(a => new AttendanceRow(a.SessionId, a.StaffId, a.Attendance, a.TypeId, a.Date, a.Minutes)).ToListAsync(ct);

    /// <param name="scope">Which supervisees (memberships) to include; null for everyone in the tenant.</param>
    /// <param name="attendance">
    /// Every attendance of the people in <paramref name="scope"/> (and perhaps of others), already read by
    /// <see cref="AttendanceOfAsync"/>: the statuses count from it rather than read the attended sessions again.
    /// </param>
    public async Task<IReadOnlyList<SuperviseeStatus>> StatusesAsync(Expression<Func<RelationshipMember, bool>>? scope, CancellationToken ct,
        IReadOnlyList<AttendanceRow>? attendance = null)
    {
        var settings = tenant.Tenant.Settings;
        var today = tenant.Tenant.Today(clock);
        var inputs = new StatusInputs();

        var members = db.RelationshipMembers.AsNoTracking();
        if (scope is not null) members = members.Where(scope);
        var staffIds = members.Select(m => m.StaffId);

        // Every membership of these people, ended ones too: history continues across reallocation.
        // The memberships asked for: the people's other supervisions are read for history, not listed.
        if (scope is null)
        {
            // Everyone (the sweep, a cold cache): the people read once along the tenant index and joined
            // here. As part of the SQL join SQLite looked up the person and the supervisor by primary key
            // for every membership, twice the time of reading them all (ADR 0040).
            var people = await db.Staff.AsNoTracking()
                .Select(s => new Person(s.Id, s.FullName, s.Site, s.LineManagerId, s.StartDate, s.LeftOn)).ToDictionaryAsync(s => s.Id, StringComparer.Ordinal, ct);
            var joined = await db.RelationshipMembers.AsNoTracking()
                .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new JoinedRow(m.Id, m.StaffId, m.JoinedOn, m.LeftOn, r.Id, r.TypeId, r.SupervisorId, r.EndedOn))
                .ToListAsync(ct);
            inputs.AddMemberships(people, joined);
        }
        else
        {
            inputs.InScope.UnionWith(await members.Where(m => m.LeftOn == null).Select(m => m.Id).ToListAsync(ct));
            inputs.Memberships.AddRange(await db.RelationshipMembers.AsNoTracking().Where(m => staffIds.Contains(m.StaffId))
                .Join(db.Relationships, m => m.RelationshipId, r => r.Id, (m, r) => new MembershipRow(
                    m.Id, m.StaffId, m.JoinedOn, m.LeftOn, r.Id, r.TypeId, r.SupervisorId, r.Supervisor.FullName,
                    r.EndedOn, m.Staff.FullName, m.Staff.Site, m.Staff.LineManagerId, m.Staff.StartDate, m.Staff.LeftOn))
                .ToListAsync(ct));
        }
        if (inputs.Memberships.Count == 0) return [];

        // Present means the session took place (a missed one records absence). Two reads, both
        // bounded by the rules rather than by years of history:
        // - period rules ("1 per half term", "6 per academic year") count sessions inside periods,
        //   and the year before the current one is the oldest that can still decide a status;
        // - rolling rules ("every 6 weeks") need only each person's latest session that counts
        //   (long enough for its type), read from the latest of each length the database keeps (ADR 0068).
        // Rows already in hand (a dispatch round's) are counted in memory by the same filters (CountInHand).
        if (attendance is not null) CountInHand(attendance, settings, today, inputs);
        else await ReadAttendedAsync(scope is null ? null : staffIds, settings, today, inputs, ct);

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
            var theirs = inputs.Memberships.Where(m => m.EndedOn == null).Select(m => (Guid?)m.Id).Distinct().ToList();
            agreements = agreements.Where(s => EF.Parameter(theirs).Contains(s.RelationshipId));
            booked = booked.Where(s => EF.Parameter(theirs).Contains(s.RelationshipId));
        }
        // A tenant whose types have no agreement form never looks at one: nothing to read.
        if (NeedsAgreements(settings))
            inputs.Contracts.AddRange(await agreements.Select(s => new ContractRow(s.RelationshipId, s.FormId, s.FullySignedAt)).ToListAsync(ct));
        inputs.Booked.AddRange(await booked.Select(s => new Booking(s.RelationshipId, s.Date)).ToListAsync(ct));
        return Compute(settings, CalendarFor(tenant.Tenant), today, inputs);
    }

    /// <summary>The attended sessions the rules count, of everyone or of <paramref name="staffIds"/>'s people (see above).</summary>
    private async Task ReadAttendedAsync(IQueryable<string>? staffIds, TenantSettings settings, DateOnly today, StatusInputs inputs, CancellationToken ct)
    {
        var present = db.SessionAttendance.AsNoTracking().Where(a => a.Attendance == MemberAttendance.Present);
        if (staffIds is not null) present = present.Where(a => staffIds.Contains(a.StaffId));
        if (NeedsPeriodHistory(settings))
        {
            var since = today.AddYears(-HistoryYears);
            inputs.Period.AddRange(await present.Where(a => a.Date >= since).Select(a => new Attended(a.StaffId, a.TypeId, a.Date, a.Minutes)).ToListAsync(ct));
        }
        // Rolling types read together, one statement per distinct minimum length (usually one), not one per
        // type: at 500 tenants the statements' own cost was most of this read (ADR 0043).
        foreach (var (minimum, ids) in RollingByMinimum(settings))
        {
            // Each person's latest of each length (ADR 0068), the lengths that count taken here. One type (the usual
            // case) as a plain equality, not EF 10's IN over a padded list of parameters (ADR 0047).
            var one = ids[0];
            var latest = db.LatestAttendance.AsNoTracking().Where(l => l.Minutes >= minimum);
            latest = ids.Count == 1 ? latest.Where(l => l.TypeId == one) : latest.Where(l => ids.Contains(l.TypeId));
            if (staffIds is not null) latest = latest.Where(l => staffIds.Contains(l.StaffId));
            var rows = await latest.Select(l => new LatestRow(l.StaffId, l.TypeId, l.Minutes, l.Date)).ToListAsync(ct);
            // A latest session dated after today (a clock set back, a zone moved) is not counted yet: those people's
            // latest up to today is read from the sessions themselves, as it was before the kept rows.
            var ahead = rows.Where(r => r.Date > today).Select(r => r.StaffId).ToHashSet(StringComparer.Ordinal);
            if (ahead.Count > 0)
            {
                rows.RemoveAll(r => ahead.Contains(r.StaffId));
                var theirs = ahead.ToList();
                var ofTypes = ids.Count == 1 ? present.Where(a => a.TypeId == one) : present.Where(a => ids.Contains(a.TypeId));
                rows.AddRange(await ofTypes.Where(a => EF.Parameter(theirs).Contains(a.StaffId) && a.Minutes >= minimum && a.Date <= today)
                    .Select(a => new LatestRow(a.StaffId, a.TypeId, a.Minutes, a.Date)).ToListAsync(ct));
            }
            inputs.Rolling.AddRange(LatestOfEach(rows, minimum));
        }
    }

    /// <summary>A person's latest session of a type and length, as kept (<see cref="LatestAttendance"/>) or read.</summary>
    private sealed record LatestRow(string StaffId, string TypeId, int Minutes, DateOnly Date);

    /// <summary>
    /// Each person's latest counted session of each type, from rows of the lengths that count: the latest date, and the
    /// longest of them as the minutes (as the grouped read of every session gave them).
    /// </summary>
    private static IEnumerable<Attended> LatestOfEach(IEnumerable<LatestRow> rows, int minimum)
    {
        // A dictionary rather than LINQ's grouping: most people have one row, and the sweep passes 100,000 of them.
        var latest = new Dictionary<(string TypeId, string StaffId), (DateOnly Date, int Minutes)>();
        foreach (var r in rows)
            latest[(r.TypeId, r.StaffId)] = latest.TryGetValue((r.TypeId, r.StaffId), out var had)
                ? (r.Date > had.Date ? r.Date : had.Date, Math.Max(r.Minutes, had.Minutes))
                : (r.Date, r.Minutes);
        return latest.Select(l => new Attended(l.Key.StaffId, l.Key.TypeId, l.Value.Date, Math.Max(l.Value.Minutes, minimum)));
    }

    /// <summary>
    /// The two reads of attended sessions in <see cref="ReadAttendedAsync"/>, made from rows already in hand: the same filters, each
    /// person's latest of a rolling type taken here rather than grouped by the database. Change them together.
    /// </summary>
    private static void CountInHand(IReadOnlyList<AttendanceRow> attendance, TenantSettings settings, DateOnly today, StatusInputs inputs)
    {
        var present = attendance.Where(a => a.Attendance == MemberAttendance.Present).ToList();
        if (NeedsPeriodHistory(settings))
        {
            var since = today.AddYears(-HistoryYears);
            inputs.Period.AddRange(present.Where(a => a.Date >= since).Select(a => new Attended(a.StaffId, a.TypeId, a.Date, a.Minutes)));
        }
        foreach (var (minimum, ids) in RollingByMinimum(settings))
            inputs.Rolling.AddRange(present.Where(a => a.Minutes >= minimum && a.Date <= today && ids.Contains(a.TypeId))
                .GroupBy(a => (a.TypeId, a.StaffId))
                .Select(g => new Attended(g.Key.StaffId, g.Key.TypeId, g.Max(a => a.Date), Math.Max(g.Max(a => a.Minutes), minimum))));
    }

    /// <summary>
    /// Everyone's statuses in each of several tenants at once, as each tenant's own <c>StatusesAsync(null)</c> gives
    /// them (the compliance sweep, ADR 0061): each of the reads above made once for all of them rather than once a
    /// tenant, which at 500 tenants was most of the sweep's statements. <paramref name="db"/> must be a context of no
    /// tenant; its filters are set aside and each read names the tenants instead, every row comes with its tenant, and
    /// rows are joined only with rows of the same tenant (a membership with its relationship, a person, a session, an
    /// agreement), so what one tenant's rows point at in another is not found, as it is not found by the filters.
    /// The tenants must have the same today (a batch per zone's date: the reads are bounded by it). Each tenant's
    /// statuses are worked out when its function is called, so a tenant whose settings the calculator refuses fails alone.
    /// </summary>
    /// <param name="direct">On SQLite, read the big sets from the statement (ADR 0071); off for comparing with EF Core's reads.</param>
    internal static async Task<Dictionary<Guid, Func<IReadOnlyList<SuperviseeStatus>>>> EveryoneInAsync(AppDbContext db, IReadOnlyList<TenantInfo> tenants, DateOnly today, CancellationToken ct,
        bool direct = true)
    {
        var sqlite = direct ? db.Database.GetDbConnection() as Microsoft.Data.Sqlite.SqliteConnection : null;
        if (sqlite is null) return await EveryoneInAsync(db, null, tenants, today, ct);
        await db.Database.OpenConnectionAsync(ct);
        try { return await EveryoneInAsync(db, sqlite, tenants, today, ct); }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>
    /// The reads of <see cref="EveryoneInAsync(AppDbContext, IReadOnlyList{TenantInfo}, DateOnly, CancellationToken, bool)"/>:
    /// each of the big ones through <see cref="SqliteReads"/> when <paramref name="sqlite"/> is the open connection, else the LINQ beside it.
    /// </summary>
    private static async Task<Dictionary<Guid, Func<IReadOnlyList<SuperviseeStatus>>>> EveryoneInAsync(AppDbContext db, Microsoft.Data.Sqlite.SqliteConnection? sqlite,
        IReadOnlyList<TenantInfo> tenants, DateOnly today, CancellationToken ct)
    {
        var inputs = tenants.ToDictionary(t => t.Id, _ => new StatusInputs());
        var all = inputs.Keys.ToList();
        Dictionary<Guid, Dictionary<string, Person>> people;
        Dictionary<Guid, List<JoinedRow>> joined;
        if (sqlite is not null)
        {
            people = SqliteReads.People(sqlite, all, ct);
            joined = SqliteReads.Memberships(sqlite, all, people, ct);
        }
        else
        {
            people = tenants.ToDictionary(t => t.Id, _ => new Dictionary<string, Person>(StringComparer.Ordinal));
            joined = [];
            foreach (var s in await db.Staff.IgnoreQueryFilters().AsNoTracking().Where(s => all.Contains(s.TenantId))
                         .Select(s => new { s.TenantId, Person = new Person(s.Id, s.FullName, s.Site, s.LineManagerId, s.StartDate, s.LeftOn) }).ToListAsync(ct))
                people[s.TenantId][s.Person.Id] = s.Person;
            foreach (var m in await db.RelationshipMembers.IgnoreQueryFilters().AsNoTracking().Where(m => all.Contains(m.TenantId))
                         .Join(db.Relationships.Where(r => all.Contains(r.TenantId)), m => new { m.TenantId, m.RelationshipId }, r => new { r.TenantId, RelationshipId = r.Id },
                             (m, r) => new { m.TenantId, Row = new JoinedRow(m.Id, m.StaffId, m.JoinedOn, m.LeftOn, r.Id, r.TypeId, r.SupervisorId, r.EndedOn) })
                         .ToListAsync(ct))
            {
                if (!joined.TryGetValue(m.TenantId, out var rows)) joined[m.TenantId] = rows = [];
                rows.Add(m.Row);
            }
        }
        foreach (var (id, rows) in joined) inputs[id].AddMemberships(people[id], rows);
        joined.Clear();
        var busy = tenants.Where(t => inputs[t.Id].Memberships.Count > 0).ToList();
        if (busy.Count == 0) return tenants.ToDictionary(t => t.Id, _ => (Func<IReadOnlyList<SuperviseeStatus>>)(() => []));

        var present = db.SessionAttendance.IgnoreQueryFilters().AsNoTracking().Where(a => a.Attendance == MemberAttendance.Present);
        var periods = busy.Where(t => NeedsPeriodHistory(t.Settings)).Select(t => t.Id).ToList();
        if (periods.Count > 0)
        {
            var since = today.AddYears(-HistoryYears);
            if (sqlite is not null) SqliteReads.Period(sqlite, periods, since, people, inputs, ct);
            else
                foreach (var a in await present.Where(a => periods.Contains(a.TenantId) && a.Date >= since)
                             .Select(a => new { a.TenantId, Row = new Attended(a.StaffId, a.TypeId, a.Date, a.Minutes) }).ToListAsync(ct))
                    inputs[a.TenantId].Period.Add(a.Row);
        }
        // One statement per distinct minimum length over every tenant with a rolling type of it; a row
        // of a type that is not one of its own tenant's with that minimum is left out (the types are the union).
        var rolling = busy.SelectMany(t => RollingByMinimum(t.Settings).Select(r => (Tenant: t.Id, r.Minimum, r.Types))).ToList();
        foreach (var sameMinimum in rolling.GroupBy(r => r.Minimum))
        {
            var minimum = sameMinimum.Key;
            var theirs = sameMinimum.Select(r => r.Tenant).ToList();
            var types = sameMinimum.SelectMany(r => r.Types).Distinct(StringComparer.Ordinal).ToList();
            var wanted = sameMinimum.SelectMany(r => r.Types.Select(type => (r.Tenant, type))).ToHashSet();
            var one = types[0];
            List<(Guid TenantId, LatestRow Row)> rows;
            if (sqlite is not null) rows = SqliteReads.Latest(sqlite, theirs, minimum, types, people, ct);
            else
            {
                var latest = db.LatestAttendance.IgnoreQueryFilters().AsNoTracking().Where(l => theirs.Contains(l.TenantId) && l.Minutes >= minimum);
                latest = types.Count == 1 ? latest.Where(l => l.TypeId == one) : latest.Where(l => types.Contains(l.TypeId));
                rows = [.. (await latest.Select(l => new { l.TenantId, Row = new LatestRow(l.StaffId, l.TypeId, l.Minutes, l.Date) }).ToListAsync(ct)).Select(l => (l.TenantId, l.Row))];
            }
            rows.RemoveAll(l => !wanted.Contains((l.TenantId, l.Row.TypeId)));
            // As in ReadAttendedAsync: a latest dated after today sends that person's read back to the sessions.
            var ahead = rows.Where(r => r.Row.Date > today).Select(r => (r.TenantId, r.Row.StaffId)).ToHashSet();
            if (ahead.Count > 0)
            {
                rows.RemoveAll(r => ahead.Contains((r.TenantId, r.Row.StaffId)));
                var aheadTenants = ahead.Select(a => a.TenantId).Distinct().ToList();
                var aheadStaff = ahead.Select(a => a.StaffId).Distinct().ToList();
                var ofTypes = types.Count == 1 ? present.Where(a => a.TypeId == one) : present.Where(a => types.Contains(a.TypeId));
                rows.AddRange((await ofTypes.Where(a => aheadTenants.Contains(a.TenantId) && EF.Parameter(aheadStaff).Contains(a.StaffId) && a.Minutes >= minimum && a.Date <= today)
                        .Select(a => new { a.TenantId, Row = new LatestRow(a.StaffId, a.TypeId, a.Minutes, a.Date) }).ToListAsync(ct))
                    .Where(a => ahead.Contains((a.TenantId, a.Row.StaffId)) && wanted.Contains((a.TenantId, a.Row.TypeId))).Select(a => (a.TenantId, a.Row)));
            }
            foreach (var tenantRows in rows.GroupBy(r => r.TenantId))
                inputs[tenantRows.Key].Rolling.AddRange(LatestOfEach(tenantRows.Select(r => r.Row), minimum));
        }
        people.Clear();

        var contracts = busy.Where(t => NeedsAgreements(t.Settings)).Select(t => t.Id).ToList();
        if (contracts.Count > 0)
        {
            if (sqlite is not null) SqliteReads.Contracts(sqlite, contracts, inputs, ct);
            else
                foreach (var c in await db.Submissions.IgnoreQueryFilters().AsNoTracking().Where(s => contracts.Contains(s.TenantId) && s.SessionId == null)
                             .Select(s => new { s.TenantId, Row = new ContractRow(s.RelationshipId, s.FormId, s.FullySignedAt) }).ToListAsync(ct))
                    inputs[c.TenantId].Contracts.Add(c.Row);
        }
        var open = busy.Select(t => t.Id).ToList();
        foreach (var b in await db.Sessions.IgnoreQueryFilters().AsNoTracking().Where(s => open.Contains(s.TenantId) && s.Status == SessionStatus.Booked && s.Date >= today)
                     .Select(s => new { s.TenantId, Row = new Booking(s.RelationshipId, s.Date) }).ToListAsync(ct))
            inputs[b.TenantId].Booked.Add(b.Row);

        return tenants.ToDictionary(t => t.Id, t => (Func<IReadOnlyList<SuperviseeStatus>>)(() => Compute(t.Settings, CalendarFor(t), today, inputs[t.Id])));
    }

    private static bool NeedsPeriodHistory(TenantSettings settings) =>
        settings.Supervision.Types.Any(t => t.Frequency.Any(f => f.Per is not null));

    private static bool NeedsAgreements(TenantSettings settings) => settings.Supervision.Types.Any(t => t.ContractForm is not null);

    /// <summary>The types with a rolling rule ("every 6 weeks"), by the minimum length a session needs to count.</summary>
    private static IEnumerable<(int Minimum, List<string> Types)> RollingByMinimum(TenantSettings settings) =>
        settings.Supervision.Types.Where(t => t.Frequency.Any(f => f.Every is not null))
            .GroupBy(t => t.MinimumMinutes).Select(g => (g.Key, g.Select(t => t.Id).ToList()));

    /// <summary>Everyone's statuses from what was read: the one place the rows become statuses, whichever way they were read.</summary>
    private static List<SuperviseeStatus> Compute(TenantSettings tenantSettings, SchoolCalendar calendar, DateOnly today, StatusInputs inputs)
    {
        var settings = tenantSettings.Supervision;
        var memberships = inputs.Memberships;
        if (memberships.Count == 0) return [];
        // A day already read for the period rules is not added again from the rolling read: it would double a period's tally.
        var seen = inputs.Period.Count == 0 || inputs.Rolling.Count == 0 ? null : inputs.Period.Select(r => (r.StaffId, r.TypeId, r.Date)).ToHashSet();
        // Each person's sessions of a type as one list, handed to the calculator as it is (it only reads it):
        // at 100,000 supervisees a lookup's groupings and a copy of each list were tens of megabytes a sweep (ADR 0053).
        var history = new Dictionary<(string StaffId, string TypeId), List<AttendedSession>>(inputs.Period.Count + inputs.Rolling.Count);
        foreach (var (staffId, typeId, date, minutes) in inputs.Period.Concat(inputs.Rolling.Where(r => seen is null || !seen.Contains((r.StaffId, r.TypeId, r.Date)))))
        {
            if (!history.TryGetValue((staffId, typeId), out var sessions)) history[(staffId, typeId)] = sessions = [];
            sessions.Add(new AttendedSession(date, minutes));
        }

        var nextBooked = new Dictionary<Guid, DateOnly>();
        foreach (var b in inputs.Booked)
            if (!nextBooked.TryGetValue(b.RelationshipId, out var first) || b.Date < first) nextBooked[b.RelationshipId] = b.Date;
        var contractsOf = inputs.Contracts.ToLookup(c => c.RelationshipId, c => (c.FormId, c.FullySignedAt)); // not a scan per supervisee
        var firstJoined = new Dictionary<(string, string), DateOnly>(memberships.Count);
        foreach (var m in memberships)
            if (!firstJoined.TryGetValue((m.StaffId, m.TypeId), out var first) || m.JoinedOn < first) firstJoined[(m.StaffId, m.TypeId)] = m.JoinedOn;
        var result = new List<SuperviseeStatus>(inputs.InScope.Count);
        foreach (var m in memberships.Where(m => m.EndedOn is null && m.MemberLeft is null && inputs.InScope.Contains(m.MembershipId)))
        {
            if (settings.Type(m.TypeId) is not { } type) continue;
            var from = firstJoined[(m.StaffId, m.TypeId)];
            if (m.StartDate is { } started && started > from) from = started;
            var compliance = Evaluate(type, settings, calendar, from, m.StaffLeft, history.TryGetValue((m.StaffId, m.TypeId), out var attended) ? attended : NoSessions, today);
            var (agreement, review) = Agreement(type, settings, contractsOf[m.Id], today);
            result.Add(new SuperviseeStatus(m.StaffId, m.FullName, m.Site, m.LineManagerId, m.Id, m.TypeId, type.Name, m.SupervisorId, m.SupervisorName,
                compliance, agreement, review, nextBooked.TryGetValue(m.Id, out var next) ? next : null));
        }
        result.Sort(Order);
        return result;
    }

    /// <summary>What one tenant's statuses are worked out from (<see cref="Compute"/>), read for it alone or with others.</summary>
    private sealed class StatusInputs
    {
        public List<MembershipRow> Memberships { get; } = [];

        /// <summary>The memberships asked for; the rest are read for history only.</summary>
        public HashSet<int> InScope { get; } = [];

        /// <summary>Attended sessions of the last <see cref="HistoryYears"/> (period rules), and each person's latest of a rolling type.</summary>
        public List<Attended> Period { get; } = [];
        public List<Attended> Rolling { get; } = [];

        public List<ContractRow> Contracts { get; } = [];
        public List<Booking> Booked { get; } = [];

        /// <summary>
        /// Everyone's memberships, each with its person and supervisor from <paramref name="people"/> (the tenant's own):
        /// one whose person or supervisor is not there is left out, as the SQL join leaves it out.
        /// </summary>
        public void AddMemberships(Dictionary<string, Person> people, List<JoinedRow> joined)
        {
            Memberships.Capacity = joined.Count;
            foreach (var m in joined)
                if (people.TryGetValue(m.StaffId, out var p) && people.TryGetValue(m.SupervisorId, out var supervisor))
                    Memberships.Add(new MembershipRow(m.Id, m.StaffId, m.JoinedOn, m.LeftOn, m.RelationshipId, m.TypeId, m.SupervisorId, supervisor.FullName,
                        m.EndedOn, p.FullName, p.Site, p.LineManagerId, p.StartDate, p.LeftOn));
            foreach (var m in joined)
                if (m.LeftOn == null) InScope.Add(m.Id);
        }
    }

    private sealed record Person(string Id, string FullName, string? Site, string? LineManagerId, DateOnly? StartDate, DateOnly? LeftOn);

    private sealed record JoinedRow(int Id, string StaffId, DateOnly JoinedOn, DateOnly? LeftOn, Guid RelationshipId, string TypeId, string SupervisorId, DateOnly? EndedOn);

    private readonly record struct Attended(string StaffId, string TypeId, DateOnly Date, int Minutes);

    /// <summary>One person's attendance at one session (<see cref="AttendanceOfAsync"/>).</summary>
    public readonly record struct AttendanceRow(Guid SessionId, string StaffId, MemberAttendance Attendance, string TypeId, DateOnly Date, int Minutes);

    private readonly record struct Booking(Guid RelationshipId, DateOnly Date);

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
