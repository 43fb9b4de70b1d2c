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
public class AppDbContext : IdentityUserContext<StaffMember, string, StaffClaim, StaffLogin, StaffToken>, IDataProtectionKeyContext
{
    private readonly ITenantContext tenantContext;

    public AppDbContext(DbContextOptions<AppDbContext> options, ITenantContext tenantContext) : this((DbContextOptions)options, tenantContext) { }

    /// <summary>For a provider's own context type (its own migrations), with options built for that type.</summary>
    protected AppDbContext(DbContextOptions options, ITenantContext tenantContext) : base(options) => this.tenantContext = tenantContext;

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
    private Guid CurrentTenantId => tenantContext.Tenant.Id;

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

    /// <summary>
    /// How many times a save tries when other saves keep taking the audit chain's next number. Every
    /// record view appends an entry, so busy pages contend: the benchmark suite (8 readers at once on
    /// 2 loaded cores) saw 1 view in 2,841 run out of 10 tries.
    /// </summary>
    private const int AuditChainAttempts = 30;

    /// <summary>A random pause before trying again, growing with each try up to a quarter second, so savers that collided do not collide again in step.</summary>
    private static TimeSpan AuditChainBackoff(int attempt) => TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(250, 10 * attempt * attempt)));

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        EnforceTenant();
        for (var attempt = 1; ; attempt++)
        {
            var head = ChainAuditEntries(AuditHead());
            try
            {
                return base.SaveChanges(acceptAllChangesOnSuccess);
            }
            catch (DbUpdateException) when (head is not null && attempt < AuditChainAttempts && Database.CurrentTransaction is null
                                             && AuditHead()?.Sequence != head.Sequence)
            {
                // Another save appended to this tenant's chain meanwhile: the unique (TenantId, Sequence)
                // index refused ours and nothing was written. Chain again after the new head.
                Thread.Sleep(AuditChainBackoff(attempt));
            }
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        EnforceTenant();
        for (var attempt = 1; ; attempt++)
        {
            var head = ChainAuditEntries(await AuditHeadAsync(cancellationToken));
            try
            {
                return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            catch (DbUpdateException) when (head is not null && attempt < AuditChainAttempts && Database.CurrentTransaction is null)
            {
                // As above, when the head moved; otherwise the failure was something else.
                if ((await AuditHeadAsync(cancellationToken))?.Sequence == head.Sequence) throw;
                await Task.Delay(AuditChainBackoff(attempt), cancellationToken);
            }
        }
    }

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
    private ChainHead? ChainAuditEntries(ChainHead? head)
    {
        if (head is null) return null;
        var (sequence, previous) = (head.Sequence, head.Hash);
        foreach (var entry in ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).OrderBy(e => e.At).ToList())
        {
            entry.Chain(++sequence, previous);
            previous = entry.Hash;
        }
        return head;
    }

    /// <summary>
    /// Domain events raised by entities become rows in this same save, so an event exists exactly
    /// when the change that raised it was committed.
    /// </summary>
    private void CollectEvents()
    {
        var sequence = 0;
        foreach (var entry in ChangeTracker.Entries<IRaisesEvents>().ToList())
        {
            if (entry.Entity.PendingEvents.Count == 0) continue;
            foreach (var e in entry.Entity.PendingEvents) e.Order(sequence++);
            Events.AddRange(entry.Entity.PendingEvents);
            entry.Entity.ClearEvents();
        }
    }

    private void EnforceTenant()
    {
        ChangeTracker.DetectChanges();
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
