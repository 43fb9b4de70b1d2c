using System.Diagnostics;
using System.Text.Json.Nodes;
using Cronos;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// Runs one tenant's workflows: starts them from domain events and schedules, resumes waits when
/// their event arrives or their timer falls due, and carries out what the runner asked (emails to
/// the outbox, tasks) in the same transaction as saving the run's new state, so a step that sends is
/// never repeated. The database is the truth about what is due; a due timer is claimed first, so two
/// workers never run it twice. In a worker round the host has a time budget (<see cref="LimitRound"/>):
/// one tenant whose rules are slow takes its share, and the rest of its work waits for the next round
/// while the other tenants' rules run.
/// </summary>
public sealed class WorkflowHost(AppDbContext db, ITenantContext tenant, TimeProvider clock, WorkflowContextBuilder contexts,
    EmailTemplates templates, IConfiguration config, TaskLinks links, ILogger<WorkflowHost> log)
{
    private static readonly WorkflowRunner Runner = new();

    private Stopwatch? _round;
    private TimeSpan _roundBudget;
    private readonly Stopwatch _rendering = new();

    /// <summary>
    /// What a dispatch round reads once and its runs then share (ADR 0039): templates, and the
    /// supervisions and people a booking request checks. Runs write none of these; null outside a round.
    /// </summary>
    private sealed class RoundReads
    {
        public Dictionary<string, EmailTemplate> Templates { get; } = new(StringComparer.Ordinal);
        public Dictionary<Guid, Relationship?> Relationships { get; } = [];
        public Dictionary<string, Staff.StaffMember?> Staff { get; } = new(StringComparer.Ordinal);

        /// <summary>The supervisions the batch's events are about: read together at the round's first booking request.</summary>
        public List<Guid>? BookingRelationships { get; set; }

        /// <summary>The waits for the batch's event types and correlations as the round began, by (type, match, correlation).</summary>
        public HashSet<(string Type, string? Match, string? Correlation)> Waits { get; set; } = [];

        /// <summary>Event types a run of this round (started or resumed) waits for: not in <see cref="Waits"/>, so read each time.</summary>
        public HashSet<string> WaitedInRound { get; } = new(StringComparer.Ordinal);

        /// <summary>The runs and tasks the round's context has tracked, heard as the tracker took them (<see cref="Tracked{T}"/>).</summary>
        public Dictionary<Type, HeardEntries> Entries { get; } = new()
        {
            [typeof(WorkflowInstance)] = new(), [typeof(WorkTask)] = new(),
        };

        public void Heard(object? sender, Microsoft.EntityFrameworkCore.ChangeTracking.EntityTrackedEventArgs e)
        {
            if (Entries.TryGetValue(e.Entry.Metadata.ClrType, out var heard)) heard.Add(e.Entry);
        }
    }

    /// <summary>
    /// One entry per entity, in the order the tracker took them: an entity tracked again (after a run's take-back)
    /// replaces its earlier entry where it stood. Kept free of repeats as entries arrive, so that a look,
    /// made three times an event, copies a list rather than building a set of the whole group (a seventh of a round's
    /// allocation when it did).
    /// </summary>
    internal sealed class HeardEntries
    {
        private readonly List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> _entries = [];
        private readonly HashSet<object> _entities = new(ReferenceEqualityComparer.Instance);

        public void Add(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry)
        {
            if (_entities.Add(entry.Entity)) _entries.Add(entry);
            else _entries[_entries.FindIndex(e => ReferenceEquals(e.Entity, entry.Entity))] = entry;
        }

        /// <summary>Forgets everything heard: call it with the tracker's Clear(), which leaves its entries' states as they were.</summary>
        public void Clear()
        {
            _entries.Clear();
            _entities.Clear();
        }

        /// <summary>The entries still tracked: one detached since (a run's take-back) is forgotten.</summary>
        public List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> Current()
        {
            _entries.RemoveAll(e =>
            {
                if (e.State != EntityState.Detached) return false;
                _entities.Remove(e.Entity);
                return true;
            });
            return [.. _entries];
        }
    }

    private RoundReads? _reads;

    /// <summary>
    /// Bounds what this host takes on from now (one tenant's worker round): once the budget is spent it
    /// starts no further event, timer or schedule; they stay due for the next round. Without a limit
    /// (an admin's retry, a test driving one call) everything due is taken.
    /// </summary>
    public void LimitRound(TimeSpan budget) => (_round, _roundBudget) = (Stopwatch.StartNew(), budget);

    private bool RoundSpent => _round is not null && _round.Elapsed >= _roundBudget;

    /// <summary>
    /// How long a claimed event or timer stays ours (Workflows:ClaimSeconds, five minutes by default, at
    /// least ten seconds): a worker that dies mid-run releases it by expiry. A claim that lapses under a
    /// live worker costs repeated work, never repeated effects (the saves are fenced), so it must outlast
    /// the longest run, not more.
    /// </summary>
    public TimeSpan ClaimFor => TimeSpan.FromSeconds(Math.Max(10, config.GetValue("Workflows:ClaimSeconds", 300)));

    private string BaseUrl => links.Root;

    /// <summary>
    /// Dispatches events not yet handled, oldest first, in one batch (ADR 0030). The batch is claimed by
    /// one conditional update with one token (ADR 0024's fence: only rows nobody holds match) and read in
    /// one query; the event-triggered rules are read once; an event that no rule and no waiting run
    /// listens for is marked dispatched with the others like it in one statement. Events that start or
    /// resume runs are run in memory and committed in groups (ADR 0039), the events' marks fenced by the
    /// token their rows hold (ADR 0058): a stalled node whose claim was taken over saves nothing of it, and a group whose
    /// commit fails is done again one event at a time, so one event's failure is that event's alone (it
    /// stays claimed, so it is tried again when the claim lapses, not at once in a loop). While running,
    /// the node holds claims but no transaction, so a node that stalls there blocks nobody. A round runs
    /// under the tenant's dispatch lease: while another node holds it, this one dispatches nothing.
    /// </summary>
    public async Task<int> DispatchEventsAsync(int max, CancellationToken ct, string? workerId = null)
    {
        workerId ??= WorkflowWorker.WorkerId;
        var now = clock.GetUtcNow();
        // The first in claim order rather than EXISTS: ordered, the pending-events index answers it; as EXISTS,
        // PostgreSQL chose to scan the table for a first match (ADR 0066).
        if (await InClaimOrder(db.Events.Where(ClaimableAt(now))).Select(e => (Guid?)e.Id).FirstOrDefaultAsync(ct) is null) return 0;
        // One node dispatches a tenant at a time (ADR 0045). The lease outlasts the claims this round
        // takes, so a node that stalls holding both gives the tenant up only once its claims have lapsed too.
        var leases = new DispatchLeases(db, tenant, clock);
        if (await leases.TryTakeAsync(workerId, now + ClaimFor + LeaseMargin, ct) is not { } lease) return 0;
        try
        {
            return await DispatchRoundAsync(max, workerId, ct);
        }
        finally
        {
            await leases.ReleaseAsync(lease);
        }
    }

    /// <summary>Not dispatched, and nobody's claim on it holds at <paramref name="at"/>.</summary>
    private static System.Linq.Expressions.Expression<Func<DomainEvent, bool>> ClaimableAt(DateTimeOffset at) =>
        e => e.DispatchedAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < at);

    /// <summary>Oldest first, as they happened: the order events are claimed and run in, and the order of the waiting events' index (ADR 0066).</summary>
    private static IOrderedQueryable<DomainEvent> InClaimOrder(IQueryable<DomainEvent> events) =>
        events.OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence);

    /// <summary>How much longer a dispatch lease lasts than the claims taken under it (taken a moment after it).</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private async Task<int> DispatchRoundAsync(int max, string workerId, CancellationToken ct)
    {
        var claimStarted = DispatchProfile.Mark.Now;
        var start = clock.GetUtcNow();
        var ids = await InClaimOrder(db.Events.Where(ClaimableAt(start))).Select(e => e.Id).Take(max).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        ClearTracker();
        var token = Guid.NewGuid();
        var claimedAt = clock.GetUtcNow();
        var until = claimedAt + ClaimFor;
        await db.Events.Where(e => EF.Parameter(ids).Contains(e.Id) && e.DispatchedAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < claimedAt))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.ClaimedBy, workerId).SetProperty(e => e.ClaimedUntil, until).SetProperty(e => e.ClaimToken, token), ct);
        // What this worker holds now: another worker's claim in between leaves its events out.
        var batch = await InClaimOrder(db.Events.AsNoTracking().Where(e => EF.Parameter(ids).Contains(e.Id) && e.ClaimToken == token)).ToListAsync(ct);
        var types = batch.Select(e => e.Type).Distinct().ToList();
        var versions = (await db.WorkflowVersions.AsNoTracking().Where(v => v.IsCurrent && v.TriggerEvent != null && types.Contains(v.TriggerEvent)).ToListAsync(ct))
            .ToLookup(v => v.TriggerEvent!);
        // The event types some run waits for; a run started by this batch adds its own (below).
        var awaited = (await db.WorkflowInstances.Where(i => i.Status == InstanceStatus.Waiting && i.WaitEvent != null && types.Contains(i.WaitEvent))
            .Select(i => i.WaitEvent!).Distinct().ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        _reads = new RoundReads
        {
            Waits = await WaitsAsync([.. batch.Where(e => awaited.Contains(e.Type))], ct),
            BookingRelationships = [.. batch.Where(e => versions.Contains(e.Type) || awaited.Contains(e.Type)).Select(e => e.RelationshipId).OfType<Guid>().Distinct()],
        };
        var reads = _reads;
        db.ChangeTracker.Tracked += reads.Heard;
        try
        {
            return await RunBatchAsync(batch, versions, awaited, token, claimStarted, ct);
        }
        finally
        {
            db.ChangeTracker.Tracked -= reads.Heard;
        }
    }

    /// <summary>The claimed batch's events run in groups and committed (<see cref="DispatchRoundAsync"/>).</summary>
    private async Task<int> RunBatchAsync(List<DomainEvent> batch, ILookup<string, WorkflowVersion> versions, HashSet<string> awaited, Guid token,
        DispatchProfile.Mark claimStarted, CancellationToken ct)
    {
        Profile.AddClaim(claimStarted);
        await PrepareContextsAsync([.. batch.Where(e => versions.Contains(e.Type) || awaited.Contains(e.Type))], ct);
        var dispatched = 0;
        var quiet = new List<Guid>();
        var group = new Group();
        var next = 0;
        for (; next < batch.Count; next++)
        {
            var e = batch[next];
            if (!versions.Contains(e.Type) && !awaited.Contains(e.Type))
            {
                quiet.Add(e.Id); // nothing listens: no context to build, marked with the others below
                continue;
            }
            if (RoundSpent) break;
            if (group.Events.Count > 0 && group.MustEndBefore(e, Tracked<WorkflowInstance>())) dispatched += await CommitGroupAsync(group, versions, awaited, token, ct);
            // A fault test's hook (Workflows:PauseBetweenEventsMs, 0 by default): room to freeze this node
            // holding its batch's claims outside a transaction (a group's runs are in memory until its commit).
            if (config.GetValue("Workflows:PauseBetweenEventsMs", 0) is > 0 and var pause) await Task.Delay(pause, ct);
            if (group.Events.Count == 0) StartUnit(versions);
            try
            {
                // What the group's earlier events added and has not saved: their runs' tasks, read as if saved.
                contexts.Unsaved = [.. Tracked<WorkTask>().Where(t => t.State == EntityState.Added).Select(t => (WorkTask)t.Entity)];
                db.Events.Attach(e);
                await DispatchAsync(e, versions[e.Type].ToList(), save: false, ct);
                group.Add(e);
                Listen(awaited);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // Nothing is saved yet; the group is done again one event at a time, where this failure is this event's alone.
                group.Add(e);
                group.Failed = true;
            }
            if (group.Failed || group.Events.Count >= GroupSize) dispatched += await CommitGroupAsync(group, versions, awaited, token, ct);
        }
        if (group.Events.Count > 0) dispatched += await CommitGroupAsync(group, versions, awaited, token, ct);
        ClearTracker();
        contexts.Forget();
        contexts.Unsaved = []; // all committed or dropped: a timer run in this scope after the round reads the database alone
        _reads = null;
        if (next < batch.Count)
        {
            // The round's budget is spent: what is left goes back, for the next round rather than after the claim lapses.
            var rest = batch.Skip(next).Select(e => e.Id).ToList();
            await ReleaseAsync(db.Events.Where(x => EF.Parameter(rest).Contains(x.Id) && x.ClaimToken == token), ct);
        }
        if (quiet.Count > 0)
        {
            // Fenced like a save: only rows still holding this batch's token.
            var now = clock.GetUtcNow();
            var saving = DispatchProfile.Mark.Now;
            dispatched += await db.Events.Where(e => EF.Parameter(quiet).Contains(e.Id) && e.ClaimToken == token)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.DispatchedAt, now).SetProperty(e => e.ClaimedBy, (string?)null)
                    .SetProperty(e => e.ClaimedUntil, (DateTimeOffset?)null).SetProperty(e => e.ClaimToken, Guid.NewGuid()), ct);
            Profile.AddSave(saving);
        }
        return dispatched;
    }

    /// <summary>
    /// At most this many events' runs are held in memory and committed together (ADR 0039): a failed
    /// commit is done again one event at a time, so the cap bounds that repeated work. Each commit writes the
    /// pages its rows touch (the tables' indexes) once, so fewer, larger commits write less (ADR 0059: 50 to 250).
    /// </summary>
    private const int GroupSize = 250;

    /// <summary>
    /// Events run in memory, one after another, whose effects are committed together (ADR 0039). An event
    /// joins only if it cannot read what an earlier one of the group wrote and has not yet saved: it is
    /// about none of the sessions, supervisions and people the group's events were about, and no run the
    /// group started or resumed waits for its type. (Tasks the group added are read through the change
    /// tracker as well as the database, so a run sees them as if they were saved.)
    /// </summary>
    private sealed class Group
    {
        private readonly HashSet<(char Kind, string Id)> _about = [];

        public List<DomainEvent> Events { get; } = [];

        /// <summary>An event's run failed before the commit: the group is done again one event at a time.</summary>
        public bool Failed { get; set; }

        public void Add(DomainEvent e)
        {
            Events.Add(e);
            foreach (var key in About(e)) _about.Add(key);
        }

        public bool MustEndBefore(DomainEvent e, List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> instances) =>
            About(e).Any(_about.Contains)
            || instances.Any(i => i.State is EntityState.Added or EntityState.Modified
                && i.Entity is WorkflowInstance { Status: InstanceStatus.Waiting } w && w.WaitEvent == e.Type);

        public List<DomainEvent> Take()
        {
            var taken = Events.ToList();
            Events.Clear();
            _about.Clear();
            Failed = false;
            return taken;
        }

        private static IEnumerable<(char, string)> About(DomainEvent e)
        {
            if (e.SessionId is { } s) yield return ('s', s.ToString());
            if (e.RelationshipId is { } r) yield return ('r', r.ToString());
            if (e.StaffId is { } p) yield return ('p', p);
        }
    }

    /// <summary>
    /// The runs or tasks (<typeparamref name="T"/>) the unit of work tracks, each brought up to date by its own
    /// DetectChanges. In a round they are the ones the tracker was heard taking (<see cref="RoundReads.Heard"/>): the
    /// tracker's own Entries() scans every tracked row, and a group holds thousands (journal lines, emails, links);
    /// done before and after each event, that scan grew with the square of the group's size (ADR 0059; before it, a
    /// third of a round's allocations, ADR 0042). An added entry is not detected: it stays added whatever changed in
    /// it, and callers read only states and the entities themselves (ADR 0057).
    /// </summary>
    private List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> Tracked<T>() where T : class
    {
        var auto = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> entries;
            if (_reads?.Entries[typeof(T)] is { } heard) entries = heard.Current();
            else entries = [.. db.ChangeTracker.Entries<T>()];
            foreach (var entry in entries)
                if (entry.State != EntityState.Added) entry.DetectChanges();
            return entries;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>
    /// Empties the tracker and what the round heard it take. Every clear in this host goes through here: EF Core's
    /// Clear() leaves the entries it held saying what they were (an added task still says added), so a list of them
    /// would carry the last unit's runs and tasks into the next as if unsaved, each look going over the round so far.
    /// </summary>
    private void ClearTracker()
    {
        db.ChangeTracker.Clear();
        if (_reads is { } reads)
            foreach (var heard in reads.Entries.Values) heard.Clear();
    }

    /// <summary>A new unit of work: no rows of the last one, the batch's current rules attached (so the waits' reads find the same objects).</summary>
    private void StartUnit(ILookup<string, WorkflowVersion> versions)
    {
        ClearTracker();
        contexts.Unsaved = [];
        db.WorkflowVersions.AttachRange(versions.SelectMany(v => v));
    }

    /// <summary>The event types the runs of this unit wait for now: an event of such a type later in the batch is not quiet.</summary>
    private void Listen(HashSet<string> awaited)
    {
        var waiting = Tracked<WorkflowInstance>().Where(i => i.Entity is WorkflowInstance { Status: InstanceStatus.Waiting, WaitEvent: not null }).ToList();
        awaited.UnionWith(waiting.Select(i => ((WorkflowInstance)i.Entity).WaitEvent!));
        _reads?.WaitedInRound.UnionWith(waiting.Where(i => i.State is EntityState.Added or EntityState.Modified).Select(i => ((WorkflowInstance)i.Entity).WaitEvent!));
    }

    /// <summary>
    /// Commits a group's effects in one short transaction; the events' marks are fenced by the batch's
    /// token on every row, so a lost claim or any other failure fails the whole commit. Then nothing of the group was
    /// saved, and it is done again one event at a time, where a failure is that event's alone.
    /// </summary>
    private async Task<int> CommitGroupAsync(Group group, ILookup<string, WorkflowVersion> versions, HashSet<string> awaited, Guid token, CancellationToken ct)
    {
        var failed = group.Failed;
        var events = group.Take();
        if (!failed)
        {
            var saving = DispatchProfile.Mark.Now;
            try
            {
                await SaveOnceDetectedAsync(events, token, ct);
                return events.Count;
            }
            catch (Exception ex) when (events.Count > 1 && ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                log.LogInformation("A group of {Count} events could not be committed together ({Error}); each is dispatched on its own", events.Count, ex.GetType().Name);
            }
            finally
            {
                Profile.AddSave(saving);
            }
        }
        // Done again from the rows as they stand: one whose claim was taken over meanwhile is no longer ours and is left alone.
        ClearTracker();
        var ids = events.Select(e => e.Id).ToList();
        var ours = await InClaimOrder(db.Events.AsNoTracking().Where(e => EF.Parameter(ids).Contains(e.Id) && e.ClaimToken == token)).ToListAsync(ct);
        foreach (var lost in ids.Except(ours.Select(e => e.Id)))
            log.LogInformation("Event {EventId} was not dispatched by this worker: its claim changed meanwhile", lost);
        var dispatched = 0;
        foreach (var e in ours)
        {
            StartUnit(versions);
            try
            {
                db.Events.Attach(e);
                await DispatchAsync(e, versions[e.Type].ToList(), save: true, ct);
                Listen(awaited);
                dispatched++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Nothing of this dispatch was saved: our claim lapsed and another worker took the event, or a
                // run it resumes was moved on meanwhile (a timer, an admin). Let the next round look again.
                log.LogInformation("Event {EventId} was not dispatched by this worker: its claim or a run it resumes changed meanwhile", e.Id);
                await ReleaseAsync(db.Events.Where(x => x.Id == e.Id && x.ClaimToken == token), ct);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // One event's failure is that event's: nothing of it was saved, the batch goes on, and it
                // is tried again when its claim lapses.
                ClearTracker();
                log.LogError(ex, "Event {EventId} could not be dispatched; it is tried again when its claim lapses", e.Id);
            }
        }
        return dispatched;
    }

    /// <summary>What a group's commit appends in bulk: what its runs made, none of it read back after the commit.</summary>
    private static readonly Type[] AppendOnly = [typeof(WorkflowInstance), typeof(WorkTask), typeof(EmailLink), typeof(JournalEntry), typeof(OutboxMessage)];

    /// <summary>
    /// Saves a group with the tracker's changes detected once. AppDbContext's save detects them itself before it
    /// checks tenants (EnforceTenant); with automatic detection on, each of its later passes over the tracker
    /// (events raised, status changes, tenant checks, audit entries) and EF's own save scanned every row of
    /// the group again, six scans of up to 50 events' rows (ADR 0048). Nothing changes an entity between
    /// that first detection and the save except through the tracker's own entries.
    /// The group's events are marked by one statement fenced by the batch's token (every one still ours, or
    /// the commit fails as a lost claim would), and its new runs, tasks, links, journal lines and emails,
    /// never read back once saved, are written the quickest way the database has (ADR 0058, 0059).
    /// </summary>
    private async Task SaveOnceDetectedAsync(List<DomainEvent> events, Guid token, CancellationToken ct)
    {
        var auto = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var e in events) db.Entry(e).State = EntityState.Detached; // marked below, not one UPDATE each
            var ids = events.Select(e => e.Id).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var marked = await db.Events.Where(e => EF.Parameter(ids).Contains(e.Id) && e.ClaimToken == token)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.DispatchedAt, now).SetProperty(e => e.ClaimedBy, (string?)null)
                    .SetProperty(e => e.ClaimedUntil, (DateTimeOffset?)null).SetProperty(e => e.ClaimToken, Guid.NewGuid()), ct);
            if (marked != ids.Count)
                throw new DbUpdateConcurrencyException($"{ids.Count - marked} of the group's {ids.Count} events are no longer this batch's: their claim was taken over.");
            await db.SaveAppendingAsync(AppendOnly, ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>
    /// Reads the contexts of the batch's listened-for events in bulk (ADR 0038). If that fails, each
    /// event reads its own as before, so one bad row costs its event, not the round.
    /// </summary>
    private async Task PrepareContextsAsync(List<DomainEvent> listened, CancellationToken ct)
    {
        var reading = DispatchProfile.Mark.Now;
        try
        {
            await contexts.PrepareAsync(listened, ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            contexts.Forget();
            log.LogWarning(ex, "The batch's contexts could not be read together; each event reads its own");
        }
        Profile.AddContextRead(reading);
    }

    /// <summary>Runs what listens for the event and marks it; with <paramref name="save"/>, commits it alone, else leaves it tracked for its group's commit.</summary>
    private async Task DispatchAsync(DomainEvent e, List<WorkflowVersion> versions, bool save, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var phase = DispatchProfile.Mark.Now;
        var waitingFor = await WaitingForAsync(e, ct);
        if (waitingFor.Count == 0 && versions.Count == 0)
        {
            e.MarkDispatched(now); // nothing listens: no context to build
            if (save) await db.SaveChangesAsync(ct);
            return;
        }
        var context = await contexts.ForEventAsync(e, ct);
        phase = Profile.AddContext(phase);
        // Waits first: an instance waiting for this event goes on before new ones start.
        // The columns found the waits for this event and subject; the wait itself decides (only a
        // record of its form, only a booking for a day its where accepts).
        foreach (var waiting in waitingFor)
        {
            var definition = WorkflowCatalog.Definition(waiting.Version);
            var decision = Runner.Accepts(definition, waiting.StateJson, context.Event, context);
            if (decision.Problem is { } problem)
                db.JournalEntries.Add(new JournalEntry(waiting.Id, now, WorkflowRunner.WaitingStep(definition, waiting.StateJson)?.Id ?? "wait", "wait", Clip(problem, 1000)));
            if (decision.Accepted)
                await ApplyAsync(waiting, Runner.Resume(definition, waiting.StateJson, new EventArrived(context.Event), context, now), context, now);
        }
        foreach (var version in versions)
        {
            var result = Runner.Start(WorkflowCatalog.Definition(version), context, now);
            if (result.Status == RunStatus.Skipped) continue; // its condition was false: nothing to keep
            var instance = new WorkflowInstance(version, e.Id, e.RelationshipId, e.SessionId, e.StaffId, now);
            db.WorkflowInstances.Add(instance);
            await ApplyAsync(instance, result, context, now);
        }
        phase = Profile.AddRuns(phase);
        // One save: the event's mark (fenced by our claim's token), the resumed runs (each fenced by the
        // token it was read with), the new runs and every email and task they made. All or nothing.
        e.MarkDispatched(now);
        if (!save) return;
        await db.SaveChangesAsync(ct);
        Profile.AddSave(phase);
    }

    /// <summary>Where this host's dispatch time went (the benchmark suite prints it: docs/benchmarks.md).</summary>
    public DispatchProfile Profile { get; } = new();

    /// <summary>Gives back a claim that did not lead to a save, if it is still ours, so the work is tried at the next round rather than when the claim lapses.</summary>
    private async Task ReleaseAsync<T>(IQueryable<T> stillOurs, CancellationToken ct) where T : class
    {
        ClearTracker();
        await stillOurs.ExecuteUpdateAsync(u => u.SetProperty(x => EF.Property<string?>(x, "ClaimedBy"), (string?)null)
            .SetProperty(x => EF.Property<DateTimeOffset?>(x, "ClaimedUntil"), (DateTimeOffset?)null), ct);
    }

    /// <summary>The correlation of each kind of match, as the simulator computes it (WorkflowSimulator.Correlation): a group member's own run waits for the same session (or supervision) and that member.</summary>
    private static (string? Session, string? Relationship, string? Person, string? SessionPerson, string? RelationshipPerson) Correlations(DomainEvent e)
    {
        var info = new EventInfo(e.Type, e.Detail, e.OccurredAt, e.SessionId?.ToString(), e.RelationshipId?.ToString(), e.StaffId);
        return (WorkflowSimulator.Correlation("session", info), WorkflowSimulator.Correlation("relationship", info), e.StaffId,
            WorkflowSimulator.Correlation("session+person", info), WorkflowSimulator.Correlation("relationship+person", info));
    }

    /// <summary>
    /// The waits the batch's events may resume, read once for the round (type, match and correlation only):
    /// an event none of them matches, and whose type no run of this round waits for, reads no waits of its own.
    /// </summary>
    private async Task<HashSet<(string, string?, string?)>> WaitsAsync(List<DomainEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return [];
        var types = events.Select(e => e.Type).Distinct().ToList();
        var correlations = events.Select(Correlations)
            .SelectMany(c => new[] { c.Session, c.Relationship, c.Person, c.SessionPerson, c.RelationshipPerson }).OfType<string>().Distinct().ToList();
        return (await db.WorkflowInstances.AsNoTracking()
                .Where(i => i.Status == InstanceStatus.Waiting && i.WaitEvent != null && types.Contains(i.WaitEvent) && EF.Parameter(correlations).Contains(i.WaitCorrelation!))
                .Select(i => new { i.WaitEvent, i.WaitMatch, i.WaitCorrelation }).Distinct().ToListAsync(ct))
            .Select(w => (w.WaitEvent!, w.WaitMatch, w.WaitCorrelation)).ToHashSet();
    }

    private async Task<List<WorkflowInstance>> WaitingForAsync(DomainEvent e, CancellationToken ct)
    {
        var (session, relationship, person, sessionPerson, relationshipPerson) = Correlations(e);
        if (_reads is { } reads && !reads.WaitedInRound.Contains(e.Type)
            && !reads.Waits.Contains((e.Type, "session", session)) && !reads.Waits.Contains((e.Type, "relationship", relationship))
            && !reads.Waits.Contains((e.Type, "person", person)) && !reads.Waits.Contains((e.Type, "session+person", sessionPerson))
            && !reads.Waits.Contains((e.Type, "relationship+person", relationshipPerson)))
            return [];
        return (await db.WorkflowInstances.Include(i => i.Version)
            .Where(i => i.Status == InstanceStatus.Waiting && i.WaitEvent == e.Type
                        && (i.WaitMatch == "session" && i.WaitCorrelation == session
                            || i.WaitMatch == "relationship" && i.WaitCorrelation == relationship
                            || i.WaitMatch == "person" && i.WaitCorrelation == e.StaffId
                            || i.WaitMatch == "session+person" && i.WaitCorrelation == sessionPerson
                            || i.WaitMatch == "relationship+person" && i.WaitCorrelation == relationshipPerson))
            .ToListAsync(ct))
            // As the rows stand in this unit of work: a run an earlier event of the group resumed is read as it left it.
            .Where(i => i.Status == InstanceStatus.Waiting && i.WaitEvent == e.Type).ToList();
    }

    /// <summary>
    /// Runs every wait whose timeout has passed. Each is claimed with a conditional update first
    /// (only one worker's update can match), and the save of the new state is fenced by the claim's
    /// token: it applies only if nothing (another worker after a lapse, an event, an admin) changed
    /// the instance since, and the claim ends with it.
    /// </summary>
    public async Task<int> RunDueTimersAsync(string workerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.WorkflowInstances.Where(i => i.Status == InstanceStatus.Waiting && i.DueAt <= now && (i.ClaimedUntil == null || i.ClaimedUntil < now))
            .OrderBy(i => i.DueAt).Select(i => i.Id).Take(100).ToListAsync(ct);
        var ran = 0;
        foreach (var id in due)
        {
            if (RoundSpent) break;
            ClearTracker(); // the claim is written behind the tracker: read the instance afresh
            var token = Guid.NewGuid();
            var claimedAt = clock.GetUtcNow();
            var until = claimedAt + ClaimFor;
            var claimed = await db.WorkflowInstances
                .Where(i => i.Id == id && i.Status == InstanceStatus.Waiting && i.DueAt <= claimedAt && (i.ClaimedUntil == null || i.ClaimedUntil < claimedAt))
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.ClaimedBy, workerId).SetProperty(i => i.ClaimedUntil, until).SetProperty(i => i.ClaimToken, token), ct);
            if (claimed != 1) continue; // another worker has it
            var instance = await db.WorkflowInstances.Include(i => i.Version).FirstAsync(i => i.Id == id, ct);
            if (instance.ClaimToken != token) continue;
            var trigger = instance.TriggerEventId is { } t ? await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == t, ct) : null;
            var context = trigger is null ? await contexts.ForScheduleAsync(claimedAt, ct) : await contexts.ForEventAsync(trigger, ct);
            try
            {
                await ApplyAsync(instance, Runner.Resume(WorkflowCatalog.Definition(instance.Version), instance.StateJson, new TimedOut(), context, clock.GetUtcNow()), context, clock.GetUtcNow());
                await db.SaveChangesAsync(ct);
                ran++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Our claim lapsed and the instance was run by another worker, or resumed by its event, or cancelled: nothing of ours was saved.
                log.LogInformation("Timer of workflow instance {InstanceId} was not run by this worker: the instance changed meanwhile", id);
                await ReleaseAsync(db.WorkflowInstances.Where(i => i.Id == id && i.ClaimToken == token), ct);
            }
        }
        return ran;
    }

    /// <summary>
    /// Starts scheduled workflows whose cron time has come, in the tenant's zone. After downtime
    /// only the latest missed occurrence runs (a campaign sent once, late, not five times). The
    /// occurrence is claimed in the same transaction that saves its run: a conditional update of
    /// LastScheduledAt from the value this round read, then the run, then one commit. Two nodes cannot
    /// both commit it (the second's update matches no row and it rolls back), and a crash or an error
    /// before the commit leaves the occurrence unclaimed, to run at the next round.
    /// </summary>
    public async Task<int> RunSchedulesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var started = 0;
        foreach (var version in await db.WorkflowVersions.AsNoTracking().Where(v => v.IsCurrent && v.Schedule != null).ToListAsync(ct))
        {
            if (RoundSpent) break;
            var cron = CronExpression.Parse(version.Schedule!);
            var from = version.LastScheduledAt ?? version.PublishedAt;
            DateTimeOffset? latest = null;
            for (var next = cron.GetNextOccurrence(from, tenant.Tenant.TimeZone); next is { } n && n <= now; next = cron.GetNextOccurrence(n, tenant.Tenant.TimeZone))
                latest = n;
            if (latest is not { } occurrence) continue;
            ClearTracker();
            log.LogInformation("Running scheduled workflow {Workflow} version {Version} for its occurrence at {Occurrence:o}", version.WorkflowId, version.Version, occurrence);
            var tracked = await db.WorkflowVersions.FirstAsync(v => v.Id == version.Id, ct);
            var context = await contexts.ForScheduleAsync(occurrence, ct);
            var result = Runner.Start(WorkflowCatalog.Definition(tracked), context, now);
            if (result.Status != RunStatus.Skipped)
            {
                var instance = new WorkflowInstance(tracked, null, null, null, null, now);
                db.WorkflowInstances.Add(instance);
                await ApplyAsync(instance, result, context, now);
            }
            var previous = version.LastScheduledAt;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                var claimed = await db.WorkflowVersions.Where(v => v.Id == version.Id && v.LastScheduledAt == previous)
                    .ExecuteUpdateAsync(u => u.SetProperty(v => v.LastScheduledAt, occurrence), ct);
                if (claimed != 1)
                {
                    // Another node ran this occurrence (or a later one) first: ours is discarded, unsaved.
                    await transaction.RollbackAsync(ct);
                    ClearTracker();
                    continue;
                }
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            started++;
        }
        return started;
    }

    /// <summary>An admin retries a faulted run from the step that failed.</summary>
    public async Task RetryAsync(WorkflowInstance instance, CancellationToken ct)
    {
        var trigger = instance.TriggerEventId is { } t ? await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == t, ct) : null;
        var context = trigger is null ? await contexts.ForScheduleAsync(clock.GetUtcNow(), ct) : await contexts.ForEventAsync(trigger, ct);
        var now = clock.GetUtcNow();
        await ApplyAsync(instance, Runner.Resume(WorkflowCatalog.Definition(instance.Version), instance.StateJson, new Retry(), context, now), context, now);
    }

    /// <summary>Records the run's outcome on the instance and turns its effects into outbox emails, tasks, journal lines and incidents.</summary>
    private async Task ApplyAsync(WorkflowInstance instance, RunResult result, WorkflowContext context, DateTimeOffset now)
    {
        // A reminder about a session goes with each person's own link to what they still have to do
        // there (sign the record, complete the evaluation), so it opens that task, not a sign-in page.
        var openTasks = instance.SessionId is { } sid && result.Effects.OfType<EmailEffect>().Any()
            ? (await db.WorkTasks.Where(t => t.SessionId == sid && t.Status == TaskStatus.Open).ToListAsync())
                .Concat(contexts.Unsaved.Where(t => t.SessionId == sid && t.Status == TaskStatus.Open))
                .GroupBy(t => t.AssigneeId).ToDictionary(g => g.Key, g => g.OrderBy(t => t.CreatedAt).First())
            : [];
        // Asking again for a form someone has not completed reminds them of the same task with a fresh
        // link, rather than giving them a second task (a campaign's reminder, a repeated request).
        var asked = result.Effects.OfType<TaskEffect>().Where(t => t.FormId is not null && t.For.StaffId is not null).Select(t => t.For.StaffId!).Distinct().ToList();
        // People see the form's title on their task, not its id.
        var formIds = result.Effects.OfType<TaskEffect>().Select(t => t.FormId).OfType<string>().Distinct().ToList();
        var titles = formIds.Count == 0 ? new Dictionary<string, string>()
            : (await db.FormVersions.Where(v => formIds.Contains(v.FormId)).Select(v => new { v.FormId, v.Version, v.Title }).ToListAsync())
                .GroupBy(v => v.FormId).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Version)!.Title);
        List<WorkTask> openForms = asked.Count == 0 ? []
            : [.. await db.WorkTasks.Where(t => t.Status == TaskStatus.Open && t.FormId != null && t.SessionId == instance.SessionId && asked.Contains(t.AssigneeId)).ToListAsync(),
                .. contexts.Unsaved.Where(t => t.Status == TaskStatus.Open && t.FormId != null && t.SessionId == instance.SessionId && asked.Contains(t.AssigneeId))];
        foreach (var line in result.Journal)
            db.JournalEntries.Add(new JournalEntry(instance.Id, line.At, line.StepId, Clip(line.What, 500), Clip(line.Decision, 1000)));
        // The emails of one run share the run's time budget, and go out all together or not at all:
        // a template that cannot be written (a limit, a loop, a missing template) takes back what this
        // run had added and becomes the run's incident, rather than failing the tenant's round again every round.
        // What it added is heard as the tracker takes it, not found by scanning everything tracked before and after.
        var added = new List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry>();
        void Track(object? sender, Microsoft.EntityFrameworkCore.ChangeTracking.EntityTrackedEventArgs e)
        {
            if (e.Entry.State == EntityState.Added) added.Add(e.Entry);
        }
        _rendering.Restart();
        db.ChangeTracker.Tracked += Track;
        try
        {
            await ApplyEffectsAsync(instance, result, context, now, openTasks, openForms, titles);
        }
        catch (TemplateRenderException ex)
        {
            db.ChangeTracker.Tracked -= Track;
            foreach (var entry in added.Where(e => e.State == EntityState.Added))
                entry.State = EntityState.Detached;
            var message = ex.Message + " Nothing from this run was sent.";
            instance.Finished(InstanceStatus.Faulted, result.StateJson, now);
            db.JournalEntries.Add(new JournalEntry(instance.Id, now, "email", "incident", Clip(message, 1000)));
            db.Incidents.Add(new Incident(instance.Id, "email", Clip(message, 1000), now));
            log.LogWarning("Workflow {Workflow} instance {Instance} faulted writing an email", instance.WorkflowId, instance.Id);
            return;
        }
        finally
        {
            db.ChangeTracker.Tracked -= Track;
        }
        // A for-each whose steps wait: each member's steps are an instance of their own, so a member's
        // answer ends only their wait and a retry retries only them.
        foreach (var branch in result.Branches)
        {
            var own = new WorkflowInstance(instance.Version, instance.TriggerEventId, instance.RelationshipId, instance.SessionId, branch.Member.Id, now);
            db.WorkflowInstances.Add(own);
            await ApplyAsync(own, branch.Result, context, now);
        }
        switch (result.Status)
        {
            case RunStatus.Waiting when result.Waiting is { } b:
                var correlation = b.CorrelationId;
                instance.Waiting(result.StateJson, b.EventType, b.Match, correlation, b.DueAt, now);
                break;
            case RunStatus.Faulted:
                instance.Finished(InstanceStatus.Faulted, result.StateJson, now);
                db.Incidents.Add(new Incident(instance.Id, result.Fault?.StepId ?? "", Clip(result.Fault?.Message ?? "The step failed.", 1000), now));
                log.LogWarning("Workflow {Workflow} instance {Instance} faulted at step {Step}", instance.WorkflowId, instance.Id, result.Fault?.StepId);
                break;
            default:
                instance.Finished(InstanceStatus.Completed, result.StateJson, now);
                break;
        }
    }

    /// <summary>The run's effects as outbox emails, tasks and links (added to the context, saved by the caller).</summary>
    private async Task ApplyEffectsAsync(WorkflowInstance instance, RunResult result, WorkflowContext context, DateTimeOffset now,
        Dictionary<string, WorkTask> openTasks, List<WorkTask> openForms, Dictionary<string, string> titles)
    {
        foreach (var effect in result.Effects)
        {
            switch (effect)
            {
                case EmailEffect email:
                    foreach (var to in email.To)
                    {
                        var own = to.StaffId is { } id && openTasks.TryGetValue(id, out var open) ? links.Issue(open, id, to.Email) : null;
                        await SendAsync(to, email.Cc, email.Template, email.Model, context, instance, own);
                    }
                    break;
                case TaskEffect task:
                    string? link = null;
                    if (task.For.StaffId is { } assignee)
                    {
                        if (task.FormId is { } form && openForms.FirstOrDefault(t => t.AssigneeId == assignee && t.FormId == form) is { } already)
                        {
                            if (task is { Template: { } again, Model: { } againModel })
                                await SendAsync(task.For, [], again, againModel, context, instance, task.For.Email.Length > 0 ? links.Issue(already, assignee, task.For.Email) : null);
                            break;
                        }
                        var title = task.FormId is { } f && titles.TryGetValue(f, out var formTitle) ? $"Complete: {formTitle}" : task.Title;
                        var work = new WorkTask(assignee, Clip(title, 300), task.Due, task.Escalation, task.FormId, instance.Id, instance.RelationshipId, now)
                            .About(null, instance.SessionId);
                        if (task.Booking && !await MayBookAsync(instance.RelationshipId, assignee)) // their type of supervision is booked by others
                        {
                            if (task is { Template: { } t, Model: { } m }) await SendAsync(task.For, [], t, m, context, instance);
                            break;
                        }
                        if (task.Booking) work.ForBooking();
                        db.WorkTasks.Add(work);
                        // A requested form or booking is done from its own email link (Links/TaskLinks).
                        if ((task.FormId is not null || task.Booking && instance.RelationshipId is not null) && task.For.Email.Length > 0)
                            link = links.Issue(work, assignee, task.For.Email);
                    }
                    else if (task.Template is null) // a shared mailbox has no home page: the task comes by email
                        db.Outbox.Add(new OutboxMessage(task.For.Email, $"{(task.Escalation ? "Escalation" : "A task")} from SupervisionHub: {Clip(task.Title, 200)}",
                            $"{task.Title}.{(task.Due is { } due ? $" Please do this by {due:d MMMM yyyy}." : "")}\n\n[Open SupervisionHub]({BaseUrl})\n", now));
                    if (task is { Template: { } template, Model: { } model }) await SendAsync(task.For, [], template, model, context, instance, link);
                    break;
            }
        }
    }

    /// <summary>Whether a person asked to book may book this supervision themselves (SupervisionAccess.CanBook's rule for them).</summary>
    private async Task<bool> MayBookAsync(Guid? relationshipId, string staffId)
    {
        if (relationshipId is not { } id) return false;
        if (_reads is { BookingRelationships: { Count: > 0 } batch } reads)
        {
            // The round's first booking request reads those of the whole batch: the supervisions and their members.
            reads.BookingRelationships = null;
            foreach (var read in await db.Relationships.AsNoTracking().Include(x => x.Members).Where(x => EF.Parameter(batch).Contains(x.Id)).AsSplitQuery().ToListAsync())
                reads.Relationships[read.Id] = read;
            foreach (var missing in batch.Where(b => !reads.Relationships.ContainsKey(b))) reads.Relationships[missing] = null;
            var people = reads.Relationships.Values.OfType<Relationship>().SelectMany(x => x.Members.Select(m => m.StaffId)).Distinct().ToList();
            foreach (var person in await db.Staff.AsNoTracking().Where(x => EF.Parameter(people).Contains(x.Id)).ToListAsync())
                reads.Staff[person.Id] = person;
        }
        Relationship? r = null;
        if (_reads?.Relationships.TryGetValue(id, out r) is not true)
        {
            r = await db.Relationships.AsNoTracking().Include(x => x.Members).FirstOrDefaultAsync(x => x.Id == id);
            _reads?.Relationships.Add(id, r);
        }
        Staff.StaffMember? me = null;
        if (_reads?.Staff.TryGetValue(staffId, out me) is not true)
        {
            me = await db.Staff.AsNoTracking().FirstOrDefaultAsync(s => s.Id == staffId);
            _reads?.Staff.Add(staffId, me);
        }
        return r is not null && me is not null && tenant.Tenant.Settings.Supervision.Type(r.TypeId) is { } type && SupervisionAccess.CanBook(r, type, me);
    }

    /// <summary>One email per recipient, rendered from the tenant's template (the newest published version, else the file); names, dates and a link only.</summary>
    private async Task SendAsync(Recipient to, IReadOnlyList<Recipient> cc, string templateName, JsonObject model, WorkflowContext context, WorkflowInstance instance, string? link = null)
    {
        var full = (JsonObject)model.DeepClone();
        full["recipient"] = new JsonObject { ["name"] = to.Name };
        full["tenant"] = new JsonObject { ["name"] = context.TenantName };
        full["link"] = link ?? (instance.SessionId is { } s ? $"{BaseUrl}/sessions/{s}" : instance.RelationshipId is { } r ? $"{BaseUrl}/supervision/{r}" : BaseUrl);
        // Links by name, to what the rule is about. The record's page opens only for someone allowed to
        // read it, after they sign in (RecordGate), so the address itself gives nothing away.
        full["links"] = new JsonObject
        {
            ["record"] = context.Event.RecordId is { } record ? $"{BaseUrl}/records/{record}" : null,
            ["session"] = instance.SessionId is { } session ? $"{BaseUrl}/sessions/{session}" : null,
            ["supervision"] = instance.RelationshipId is { } supervision ? $"{BaseUrl}/supervision/{supervision}" : null,
            ["home"] = BaseUrl,
        };
        if (_reads?.Templates.GetValueOrDefault(templateName) is not { } template)
        {
            template = await templates.GetAsync(db, tenant.Tenant.Identifier, templateName);
            _reads?.Templates.Add(templateName, template);
        }
        var rendered = EmailTemplates.Render(template, full, WorkflowRunner.RunBudget - _rendering.Elapsed);
        db.Outbox.Add(new OutboxMessage(to.Email, rendered.Subject, rendered.Text, clock.GetUtcNow(), string.Join(", ", cc.Select(c => c.Email).Distinct(StringComparer.OrdinalIgnoreCase))));
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

/// <summary>
/// Time spent by one host's dispatches: claiming and reading the batch, building contexts (with the waits' read), running rules and
/// turning their effects into rows, saving and committing; and the bytes the process allocated meanwhile (to find a round's
/// allocations without a profiler; the process's, so other threads' work counts too).
/// </summary>
public sealed class DispatchProfile
{
    public TimeSpan Claim { get; set; }
    public TimeSpan Context { get; set; }

    /// <summary>The part of <see cref="Context"/> spent reading the batch's rows (ADR 0038), apart from building each event's context.</summary>
    public TimeSpan ContextRead { get; set; }
    public TimeSpan Runs { get; set; }
    public TimeSpan Save { get; set; }
    public long ClaimBytes { get; set; }
    public long ContextBytes { get; set; }
    public long ContextReadBytes { get; set; }
    public long RunsBytes { get; set; }
    public long SaveBytes { get; set; }

    public readonly record struct Mark(long Timestamp, long Allocated)
    {
        public static Mark Now => new(Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes());
    }

    public Mark AddClaim(Mark since) => Add(since, (t, b) => (Claim, ClaimBytes) = (Claim + t, ClaimBytes + b));
    public Mark AddContext(Mark since) => Add(since, (t, b) => (Context, ContextBytes) = (Context + t, ContextBytes + b));
    public Mark AddContextRead(Mark since) => Add(since, (t, b) => (Context, ContextBytes, ContextRead, ContextReadBytes) = (Context + t, ContextBytes + b, ContextRead + t, ContextReadBytes + b));
    public Mark AddRuns(Mark since) => Add(since, (t, b) => (Runs, RunsBytes) = (Runs + t, RunsBytes + b));
    public Mark AddSave(Mark since) => Add(since, (t, b) => (Save, SaveBytes) = (Save + t, SaveBytes + b));

    private static Mark Add(Mark since, Action<TimeSpan, long> to)
    {
        var now = Mark.Now;
        to(Stopwatch.GetElapsedTime(since.Timestamp, now.Timestamp), now.Allocated - since.Allocated);
        return now;
    }
}
