using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// Raises the events that come from the passing of time rather than from a change: an action past
/// its date, an agreement due for review, supervisor training about to lapse, a supervisee whose
/// supervision is overdue. Each fact is raised once (a dedupe key, unique per tenant), so running
/// the sweep again, or on two nodes at once, adds nothing. This works out one tenant's facts in its
/// own scope; <see cref="SweepRound"/> runs it for every tenant and writes what is new.
/// </summary>
public sealed class SupervisionSweep(AppDbContext db, ITenantContext tenant, TimeProvider clock, ComplianceService compliance)
{
    /// <summary>How far ahead training expiry and agreement reviews are announced (ascent R6: reminders before DSL training lapses).</summary>
    public const int WarnDaysAhead = 60;

    /// <summary>Where this tenant's reads spent their time (the round adds it up for the benchmark suite).</summary>
    public SweepProfile Profile { get; } = new();

    /// <summary>
    /// Status changes are read by the caches within minutes; a day's worth and more is history nobody
    /// reads. Once a round (<see cref="SweepRound"/>), in a scope of no tenant: every tenant's rows, by
    /// age alone, which is what each tenant's own prune would delete.
    /// </summary>
    internal static Task PruneStatusChangesAsync(AppDbContext db, CancellationToken ct)
    {
        // The wall clock, not the app's: the rows' times are when they were committed (AppDbContext, StatusCache's window).
        var stale = DateTimeOffset.UtcNow - StatusChange.KeepFor;
        return db.StatusChanges.IgnoreQueryFilters().Where(c => c.At < stale).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// Every fact the sweep would raise in this tenant now, raised or not: which are new is for the
    /// database's unique (tenant, key) index to say when they are written (<see cref="SweepInsert"/>).
    /// </summary>
    public async Task<IReadOnlyList<DomainEvent>> CandidatesAsync(CancellationToken ct)
    {
        // One connection for the tenant's eight or so reads, not one opened and closed for each (ADR 0047).
        await db.Database.OpenConnectionAsync(ct);
        try { return await ReadCandidatesAsync(ct); }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    private async Task<IReadOnlyList<DomainEvent>> ReadCandidatesAsync(CancellationToken ct)
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var today = tenant.Tenant.Today(clock);
        var now = clock.GetUtcNow();
        var actions = await OverdueActions(db.Actions.AsNoTracking(), today).ToListAsync(ct);
        var training = await CurrentTraining(db.TrainingRecords.AsNoTracking(), db.Staff, today).ToListAsync(ct);
        Profile.Reads += phase.Elapsed;
        phase.Restart();
        var facts = Facts(today, now, actions, training, await compliance.EveryoneAsync(ct));
        Profile.Statuses += phase.Elapsed; // with the facts read off them
        return facts;
    }

    /// <summary>
    /// The facts of several tenants at once (ADR 0061), each tenant's as its own <see cref="CandidatesAsync"/> would
    /// give them, from statuses worked out together (<see cref="ComplianceService.EveryoneInAsync"/>): the overdue
    /// actions and current training read once for all of them. <paramref name="db"/> is a context of no tenant (see
    /// EveryoneInAsync); each row is stamped with its tenant and training joins its holder in the same tenant only.
    /// </summary>
    internal static async Task<Dictionary<Guid, (List<ActionRow> Actions, List<TrainingRow> Training)>> ReadInAsync(AppDbContext db, IReadOnlyList<TenantInfo> tenants, DateOnly today, CancellationToken ct)
    {
        var ids = tenants.Select(t => t.Id).ToList();
        var rows = tenants.ToDictionary(t => t.Id, _ => (Actions: new List<ActionRow>(), Training: new List<TrainingRow>()));
        foreach (var a in await OverdueActions(db.Actions.IgnoreQueryFilters().AsNoTracking().Where(a => ids.Contains(a.TenantId)), today).ToListAsync(ct))
            rows[a.TenantId].Actions.Add(a);
        foreach (var t in await CurrentTraining(db.TrainingRecords.IgnoreQueryFilters().AsNoTracking().Where(t => ids.Contains(t.TenantId)), db.Staff.Where(s => ids.Contains(s.TenantId)), today).ToListAsync(ct))
            rows[t.TenantId].Training.Add(t);
        return rows;
    }

    internal sealed record ActionRow(Guid TenantId, Guid Id, Guid RelationshipId, Guid? SourceRecordId);

    internal sealed record TrainingRow(Guid TenantId, int Id, string StaffMemberId, DateOnly? ExpiresOn, StaffRoles Roles, DateOnly? LeftOn);

    private static IQueryable<ActionRow> OverdueActions(IQueryable<ActionItem> actions, DateOnly today) =>
        actions.Where(a => a.Status == ActionStatus.Open && a.DueOn < today).Select(a => new ActionRow(a.TenantId, a.Id, a.RelationshipId, a.SourceRecordId));

    /// <summary>Training still current, read once with each holder (one range of the tenant's records, was two), the holder in the record's own tenant.</summary>
    private static IQueryable<TrainingRow> CurrentTraining(IQueryable<TrainingRecord> records, IQueryable<StaffMember> staff, DateOnly today) =>
        records.Where(t => t.ExpiresOn == null || t.ExpiresOn >= today)
            .Join(staff, t => new { t.TenantId, Id = t.StaffMemberId }, s => new { s.TenantId, s.Id }, (t, s) => new TrainingRow(t.TenantId, t.Id, t.StaffMemberId, t.ExpiresOn, s.Roles, s.LeftOn));

    /// <summary>Every fact one tenant's rows and statuses raise now: the one place the sweep's rules are, however the rows were read.</summary>
    internal static List<DomainEvent> Facts(DateOnly today, DateTimeOffset now, IEnumerable<ActionRow> overdueActions, IReadOnlyCollection<TrainingRow> training, IReadOnlyList<SuperviseeStatus> everyone)
    {
        var candidates = new List<DomainEvent>();
        candidates.AddRange(overdueActions.Select(a => new DomainEvent(EventTypes.ActionOverdue, now, a.RelationshipId, recordId: a.SourceRecordId, dedupeKey: $"action.overdue:{a.Id:N}")));

        // Within the horizon training is announced, unless its holder already has a later or lasting record
        // (only the latest expiry counts: someone who has already renewed is not reminded).
        var horizon = today.AddDays(WarnDaysAhead);
        var renewed = training.Where(t => t.ExpiresOn is not { } expires || expires > horizon).Select(t => t.StaffMemberId).ToHashSet(StringComparer.Ordinal);
        candidates.AddRange(training
            .Where(t => t.ExpiresOn <= horizon && (t.LeftOn == null || t.LeftOn >= today)
                && (t.Roles & (StaffRoles.Supervisor | StaffRoles.SafeguardingLead)) != 0 && !renewed.Contains(t.StaffMemberId))
            .Select(t => new DomainEvent(EventTypes.TrainingExpiring, now, staffId: t.StaffMemberId, dedupeKey: $"training.expiring:{t.Id}")));

        foreach (var s in everyone)
        {
            if (s.Compliance.State == ComplianceState.Overdue && s.Compliance.NextDue is { } due)
                candidates.Add(new DomainEvent(EventTypes.SupervisionOverdue, now, s.RelationshipId, staffId: s.StaffId,
                    dedupeKey: $"supervision.overdue:{s.RelationshipId:N}:{s.StaffId}:{due:yyyy-MM-dd}"));
            if (s.AgreementReviewDue is { } review && review <= horizon)
                candidates.Add(new DomainEvent(EventTypes.ContractReviewDue, now, s.RelationshipId,
                    dedupeKey: $"contract.review-due:{s.RelationshipId:N}:{review:yyyy-MM-dd}"));
        }
        return candidates;
    }
}

/// <summary>
/// Where a round's time went. The phases are summed over the tenants worked out at once (ADR 0050), so with
/// several readers they add up to more than <see cref="Wall"/>; the new events are written by one writer
/// while the readers go on, and <see cref="AfterReads"/> is what the writing added after the last read.
/// </summary>
public sealed class SweepProfile
{
    public TimeSpan Reads { get; set; }
    public TimeSpan Statuses { get; set; }
    public TimeSpan Insert { get; set; }

    /// <summary>Within <see cref="Insert"/>: the statements, then the commit.</summary>
    public TimeSpan Write { get; set; }
    public TimeSpan Commit { get; set; }

    /// <summary>How many transactions wrote new events (a synced commit each on SQLite).</summary>
    public int Transactions { get; set; }

    /// <summary>The round from start to end, and the part of it after the last tenant's facts were worked out.</summary>
    public TimeSpan Wall { get; set; }
    public TimeSpan AfterReads { get; set; }

    /// <summary>Tenants worked out at once.</summary>
    public int Degree { get; set; } = 1;

    /// <summary>The phases' times and the transactions (a round's own wall time and degree are not added).</summary>
    public void Add(SweepProfile other)
    {
        Reads += other.Reads;
        Statuses += other.Statuses;
        Insert += other.Insert;
        Write += other.Write;
        Commit += other.Commit;
        Transactions += other.Transactions;
    }
}

/// <summary>Runs the sweep for every tenant every hour (<see cref="SweepRound"/>).</summary>
public sealed class SupervisionSweepService(SweepRound round, IServiceScopeFactory scopes, ILogger<SupervisionSweepService> log) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>The first sweep waits for start-up (migrations, imports, demo data) to settle.</summary>
    private static readonly TimeSpan FirstAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(FirstAfter, stoppingToken);
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await round.RunAsync(stoppingToken);
                await using var scope = scopes.CreateAsyncScope(); // the hour's new rows, for the query planner
                await Data.DatabaseStatistics.RefreshAsync(scope.ServiceProvider.GetRequiredService<Data.AppDbContext>(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "The supervision sweep failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
