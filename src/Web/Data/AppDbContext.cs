using System.Linq.Expressions;
using System.Reflection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Data;

/// <summary>
/// The one place tenant isolation is enforced for data: every tenant-owned entity gets a query
/// filter that reads the current tenant on each query, and SaveChanges stamps new rows and
/// refuses any row of another tenant. Nothing else filters by tenant.
/// </summary>
/// <remarks>
/// This type is the SQLite context (its migrations are in Data/Migrations);
/// <see cref="PostgresAppDbContext"/> is the same model on PostgreSQL with its own migrations.
/// Everything else asks for <see cref="AppDbContext"/> and gets whichever the configuration chose
/// (<see cref="Databases"/>; docs/adr/0011-postgresql.md).
/// </remarks>
public partial class AppDbContext : IdentityUserContext<StaffMember, string, StaffClaim, StaffLogin, StaffToken>, IDataProtectionKeyContext
{
    /// <summary>
    /// The scope's tenant, given after construction because contexts are pooled (ADR 0044): the scope that
    /// rents a context sets it (<see cref="Databases.AddAppDbContext"/>), and returning the context to the pool
    /// clears it, so a context never carries one request's tenant into another and one rented without a
    /// tenant reads and writes no tenant's rows (<see cref="TenantNotSetException"/>).
    /// </summary>
    private ITenantContext? tenantContext;

    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>For a provider's own context type (its own migrations), with options built for that type.</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    /// <summary>Gives this context its scope's tenant; once per rental (a rented context already given another scope's is refused).</summary>
    public AppDbContext ForTenantOf(ITenantContext scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (tenantContext is not null && !ReferenceEquals(tenantContext, scope))
            throw new InvalidOperationException("This context already works for another scope's tenant.");
        tenantContext = scope;
        return this;
    }

    // Disposing a pooled context returns it to the pool: its tenant goes first.
    public override void Dispose()
    {
        tenantContext = null;
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override async ValueTask DisposeAsync()
    {
        tenantContext = null;
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Entity types that deliberately belong to no tenant. Anything else must be <see cref="ITenantOwned"/>.</summary>
    public static readonly IReadOnlySet<Type> SharedEntityTypes = new HashSet<Type>
    {
        typeof(Tenant),        // resolved before any tenant is known
        typeof(PlatformAdmin), // the operator, outside every tenant
        typeof(DataProtectionKey), // the keys of sign-in cookies and tokens, shared by every node (Databases.AddAppDataProtection)
        typeof(Health.HealthProbe), // the readiness check's write, one row for every node
    };

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<PlatformAdmin> PlatformAdmins => Set<PlatformAdmin>();
    public DbSet<StaffMember> Staff => Set<StaffMember>();
    public DbSet<TrainingRecord> TrainingRecords => Set<TrainingRecord>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<FormVersion> FormVersions => Set<FormVersion>();
    public DbSet<Submission> Submissions => Set<Submission>();
    public DbSet<Signature> Signatures => Set<Signature>();
    public DbSet<LineManagerChange> LineManagerChanges => Set<LineManagerChange>();
    public DbSet<Relationship> Relationships => Set<Relationship>();
    public DbSet<RelationshipMember> RelationshipMembers => Set<RelationshipMember>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<SessionAttendance> SessionAttendance => Set<SessionAttendance>();
    public DbSet<LatestAttendance> LatestAttendance => Set<LatestAttendance>();
    public DbSet<ActionItem> Actions => Set<ActionItem>();
    public DbSet<DomainEvent> Events => Set<DomainEvent>();
    public DbSet<StatusChange> StatusChanges => Set<StatusChange>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Workflows.WorkflowVersion> WorkflowVersions => Set<Workflows.WorkflowVersion>();
    public DbSet<Workflows.WorkflowInstance> WorkflowInstances => Set<Workflows.WorkflowInstance>();
    public DbSet<Workflows.JournalEntry> JournalEntries => Set<Workflows.JournalEntry>();
    public DbSet<Workflows.Incident> Incidents => Set<Workflows.Incident>();
    public DbSet<Workflows.WorkTask> WorkTasks => Set<Workflows.WorkTask>();
    public DbSet<Links.EmailLink> EmailLinks => Set<Links.EmailLink>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<EmailTemplateVersion> EmailTemplateVersions => Set<EmailTemplateVersion>();
    public DbSet<Health.HealthProbe> HealthProbes => Set<Health.HealthProbe>();

    /// <summary>Read by the query filters at query time (EF Core parameterises this member per query).</summary>
    private Guid CurrentTenantId => (tenantContext ?? throw new TenantNotSetException()).Tenant.Id;

    /// <summary>The tenant this context works for, or null in a scope of none (<see cref="TenantChanges"/>: which tenant a save changed).</summary>
    internal Guid? TenantIdOrNull => tenantContext is { HasTenant: true } t ? t.Tenant.Id : null;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        UtcTimes.Configure(configurationBuilder, Database.IsSqlite()); // every time stored is UTC, on either database

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

        var apply = typeof(AppDbContext).GetMethod(nameof(ApplyTenantFilter), BindingFlags.Instance | BindingFlags.NonPublic)!;
        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType) && t.BaseType is null))
            apply.MakeGenericMethod(type.ClrType).Invoke(this, [builder]);
    }

    private void ApplyTenantFilter<T>(ModelBuilder builder) where T : class, ITenantOwned
    {
        Expression<Func<T, bool>> filter = e => e.TenantId == CurrentTenantId;
        builder.Entity<T>().HasQueryFilter(filter);
        builder.Entity<T>().HasIndex(e => e.TenantId);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        EnforceTenant();
        if (!AddsAuditEntries()) return base.SaveChanges(acceptAllChangesOnSuccess);
        if (Database.CurrentTransaction is not null)
        {
            LockChain();
            ChainAuditEntries(AuditHead());
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        // One save at a time appends to a tenant's chain on this node (ADR 0030): savers queue here
        // instead of colliding on the next number and retrying after random pauses.
        var gate = AuditGroupCommit.For(Database.GetConnectionString(), CurrentTenantId).Gate;
        gate.Wait();
        try
        {
            using var transaction = Database.BeginTransaction();
            LockChain();
            ChainAuditEntries(AuditHead());
            var saved = base.SaveChanges(acceptAllChangesOnSuccess);
            transaction.Commit();
            return saved;
        }
        finally
        {
            gate.Release();
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        EnforceTenant();
        TakeAppends();
        if (!AddsAuditEntries()) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (Database.CurrentTransaction is not null)
        {
            // The caller's transaction: the chain's lock is held until the caller commits.
            await LockChainAsync(cancellationToken);
            ChainAuditEntries(await AuditHeadAsync(cancellationToken));
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        var chain = AuditGroupCommit.For(Database.GetConnectionString(), CurrentTenantId);
        if (acceptAllChangesOnSuccess && AuditGroupCommit.Enabled && OnlyAddedAuditEntries() is { } views)
        {
            await SaveInGroupAsync(chain, views);
            return views.Count;
        }
        var gate = chain.Gate;
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
            await LockChainAsync(cancellationToken);
            ChainAuditEntries(await AuditHeadAsync(cancellationToken));
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return saved;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// This save's new audit entries when they are all it carries (a record viewed), in time order;
    /// null when it changes anything else, which then commits on its own as before (ADR 0036).
    /// </summary>
    private List<AuditEntry>? OnlyAddedAuditEntries()
    {
        var entries = new List<AuditEntry>();
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State != EntityState.Added || entry.Entity is not AuditEntry audit) return null;
            entries.Add(audit);
        }
        return entries.Count == 0 ? null : [.. entries.OrderBy(e => e.At)];
    }

    /// <summary>
    /// Group commit (ADR 0036): the entries leave this context while they wait, the group's leader adds
    /// every queued save's entries to its own context and commits them in one transaction under the
    /// chain's lock, and each context then tracks its own entries again as saved. When the commit
    /// fails, the entries stay out of the context and the save throws: nothing of the group was written.
    /// </summary>
    private async Task SaveInGroupAsync(AuditGroupCommit chain, List<AuditEntry> entries)
    {
        foreach (var e in entries) Entry(e).State = EntityState.Detached;
        await chain.SaveAsync(new AuditGroupCommit.Saver(entries), CommitAuditGroupAsync);
        foreach (var e in entries) Entry(e).State = EntityState.Unchanged; // their ids are the stored rows' now
    }

    /// <summary>The leader's part: one transaction, the chain's lock, the head read once, every entry of the group chained in turn.</summary>
    private async Task CommitAuditGroupAsync(IReadOnlyList<AuditGroupCommit.Saver> group)
    {
        var all = group.SelectMany(s => s.Entries).ToList();
        foreach (var e in all) Entry(e).State = EntityState.Added;
        try
        {
            // Not the leader's own request's token: the group is other requests' saves too.
            await using var transaction = await Database.BeginTransactionAsync(CancellationToken.None);
            await LockChainAsync(CancellationToken.None);
            var head = await HeadQuery().FirstOrDefaultAsync(CancellationToken.None) ?? new ChainHead(0, null);
            var (sequence, previous) = (head.Sequence, head.Hash);
            foreach (var e in all)
            {
                e.Chain(++sequence, previous);
                previous = e.Hash;
            }
            await base.SaveChangesAsync(true, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var e in all) Entry(e).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Serialises appends to the tenant's chain across nodes, inside the save's transaction, before the
    /// head is read: on PostgreSQL a transaction-scoped advisory lock keyed by the tenant; on SQLite the
    /// transaction already holds the database's one write lock (Microsoft.Data.Sqlite begins IMMEDIATE).
    /// </summary>
    private void LockChain()
    {
        if (Database.IsNpgsql()) Database.ExecuteSqlRaw("SELECT pg_advisory_xact_lock({0})", ChainLockKey);
    }

    private async Task LockChainAsync(CancellationToken ct)
    {
        if (Database.IsNpgsql()) await Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [ChainLockKey], ct);
    }

    private long ChainLockKey => BitConverter.ToInt64(CurrentTenantId.ToByteArray(), 0) ^ 0x5348554241554449; // "SHUBAUDI": apart from the start-up lock's key

    /// <summary>The last chained audit entry of the current tenant; sequence 0 when there is none yet.</summary>
    private sealed record ChainHead(long Sequence, string? Hash);

    /// <summary>The head, read only when this save adds audit entries (null otherwise: no query).</summary>
    private ChainHead? AuditHead() => AddsAuditEntries() ? HeadQuery().FirstOrDefault() ?? new ChainHead(0, null) : null;

    private async Task<ChainHead?> AuditHeadAsync(CancellationToken ct) =>
        AddsAuditEntries() ? await HeadQuery().FirstOrDefaultAsync(ct) ?? new ChainHead(0, null) : null;

    private bool AddsAuditEntries() => ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added);

    private IQueryable<ChainHead> HeadQuery() => AuditEntries.AsNoTracking().Where(a => a.Sequence > 0)
        .OrderByDescending(a => a.Sequence).Select(a => new ChainHead(a.Sequence, a.Hash));

    /// <summary>
    /// Numbers and hashes this save's new audit entries after <paramref name="head"/>, in time order.
    /// The one place entries are chained, so no caller can forget (docs/adr/0008-audit-chain.md).
    /// </summary>
    private void ChainAuditEntries(ChainHead? head)
    {
        if (head is null) return;
        var (sequence, previous) = (head.Sequence, head.Hash);
        foreach (var entry in ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).OrderBy(e => e.At).ToList())
        {
            entry.Chain(++sequence, previous);
            previous = entry.Hash;
        }
    }

    private static int _eventSequence;

    /// <summary>
    /// Domain events raised by entities become rows in this same save, so an event exists exactly
    /// when the change that raised it was committed.
    /// </summary>
    private void CollectEvents()
    {
        foreach (var entry in ChangeTracker.Entries<IRaisesEvents>().ToList())
        {
            if (entry.Entity.PendingEvents.Count == 0) continue;
            // Numbered across saves, not only within one: two changes saved one after the other at the same
            // instant (a booking, then its cancellation) must be dispatched in that order, and OccurredAt ties.
            foreach (var e in entry.Entity.PendingEvents) e.Order(Interlocked.Increment(ref _eventSequence));
            Events.AddRange(entry.Entity.PendingEvents);
            entry.Entity.ClearEvents();
        }
    }

    private void EnforceTenant()
    {
        if (_appendKinds is null) ChangeTracker.DetectChanges();
        else DetectChangesExceptAppends();
        CollectEvents();
        // Every node's status cache learns what to recompute from these rows, committed with the change itself.
        StatusChanges.AddRange(StatusChange.From(ChangeTracker, DateTimeOffset.UtcNow));
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            var current = CurrentTenantId; // throws TenantNotSetException when no tenant is set
            var property = entry.Property(e => e.TenantId);
            if (entry.State == EntityState.Added && property.CurrentValue == Guid.Empty)
            {
                property.CurrentValue = current;
                continue;
            }
            if (property.CurrentValue != current || (entry.State != EntityState.Added && property.OriginalValue != current))
                throw new CrossTenantWriteException(entry.Metadata.ClrType.Name, property.CurrentValue, current);
            if (entry.Entity is AuditEntry && entry.State != EntityState.Added)
                throw new InvalidOperationException("Audit entries are append-only: they are never changed or deleted.");
        }
    }
}

public sealed class CrossTenantWriteException(string entity, Guid rowTenant, Guid currentTenant)
    : InvalidOperationException($"Refused to save a {entity} of tenant {rowTenant} while working for tenant {currentTenant}.");

public sealed class StaffClaim : IdentityUserClaim<string>, ITenantOwned
{
    public Guid TenantId { get; private set; }
}

public sealed class StaffLogin : IdentityUserLogin<string>, ITenantOwned
{
    public Guid TenantId { get; private set; }
}

/// <summary>Authenticator keys and recovery codes live here: tenant-owned like everything about a person.</summary>
public sealed class StaffToken : IdentityUserToken<string>, ITenantOwned
{
    public Guid TenantId { get; private set; }
}
