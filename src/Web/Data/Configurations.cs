using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Data;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Identifier).HasMaxLength(63);
        b.HasIndex(t => t.Identifier).IsUnique();
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.ImportedFileHash).HasMaxLength(64);
        b.Property(t => t.LogoContentType).HasMaxLength(32);
        b.Property(t => t.LogoHash).HasMaxLength(64);
    }
}

internal sealed class PlatformAdminConfiguration : IEntityTypeConfiguration<PlatformAdmin>
{
    public void Configure(EntityTypeBuilder<PlatformAdmin> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Email).HasMaxLength(256);
        b.Property(a => a.NormalizedEmail).HasMaxLength(256);
        b.HasIndex(a => a.NormalizedEmail).IsUnique();
        b.Property(a => a.TotpKey).HasMaxLength(64);
    }
}

internal sealed class StaffMemberConfiguration : IEntityTypeConfiguration<StaffMember>
{
    public void Configure(EntityTypeBuilder<StaffMember> b)
    {
        // Identity makes user names unique across the table; here they are unique per tenant,
        // so the same email can hold an account in each organisation it works with.
        b.Metadata.RemoveIndex(b.Metadata.GetIndexes().Single(i => i.GetDatabaseName() == "UserNameIndex"));
        b.Metadata.RemoveIndex(b.Metadata.GetIndexes().Single(i => i.GetDatabaseName() == "EmailIndex"));
        b.HasIndex(u => new { u.TenantId, u.NormalizedUserName }).IsUnique().HasDatabaseName("UserNameIndex");
        b.HasIndex(u => new { u.TenantId, u.NormalizedEmail }).IsUnique().HasDatabaseName("EmailIndex");
        b.Property(u => u.FullName).HasMaxLength(200);
        b.Property(u => u.JobTitle).HasMaxLength(200);
        b.Property(u => u.Site).HasMaxLength(200);
        b.HasOne(u => u.LineManager).WithMany().HasForeignKey(u => u.LineManagerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(u => u.Training).WithOne().HasForeignKey(t => t.StaffMemberId).OnDelete(DeleteBehavior.Cascade);
        // Tenant first, like the query filter: without statistics SQLite otherwise picks the
        // one-column TenantId index over the foreign key's and reads the whole tenant (home page, 20,000 staff).
        b.HasIndex(u => new { u.TenantId, u.LineManagerId });
        b.Ignore(u => u.PendingEvents);
    }
}

internal sealed class TrainingRecordConfiguration : IEntityTypeConfiguration<TrainingRecord>
{
    public void Configure(EntityTypeBuilder<TrainingRecord> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Course).HasMaxLength(200);
        b.HasIndex(t => new { t.TenantId, t.StaffMemberId }); // see StaffMemberConfiguration
    }
}

internal sealed class StaffLoginConfiguration : IEntityTypeConfiguration<StaffLogin>
{
    // An external login may be linked in more than one tenant.
    public void Configure(EntityTypeBuilder<StaffLogin> b) => b.HasKey(l => new { l.TenantId, l.LoginProvider, l.ProviderKey });
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.HasKey(m => m.Id);
        b.Property(m => m.To).HasMaxLength(320);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.Cc).HasMaxLength(2000);
        b.Property(m => m.LastError).HasMaxLength(OutboxMessage.MaxErrorLength);
        b.Property(m => m.ClaimedBy).HasMaxLength(200);
        b.Property(m => m.AttachmentName).HasMaxLength(100);
        b.Property(m => m.AttachmentType).HasMaxLength(100);
        b.Property(m => m.ClaimToken).IsConcurrencyToken(); // the fence: ADR 0024
        b.Ignore(m => m.HtmlBody);
        b.Ignore(m => m.Status);
        b.HasIndex(m => new { m.SentAt, m.CreatedAt });
        // The sender's question each round: not sent, not given up, due.
        b.HasIndex(m => new { m.TenantId, m.SentAt, m.FailedAt, m.NextAttemptAt });
    }
}

internal sealed class FormVersionConfiguration : IEntityTypeConfiguration<FormVersion>
{
    public void Configure(EntityTypeBuilder<FormVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.FormId).HasMaxLength(64);
        b.Property(v => v.Title).HasMaxLength(300);
        b.Property(v => v.ContentHash).HasMaxLength(64);
        b.HasIndex(v => new { v.TenantId, v.FormId, v.Version }).IsUnique();
    }
}

internal sealed class SubmissionConfiguration : IEntityTypeConfiguration<Submission>
{
    public void Configure(EntityTypeBuilder<Submission> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.FormId).HasMaxLength(64);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        b.HasOne(s => s.FormVersion).WithMany().HasForeignKey(s => s.FormVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Signatures).WithOne().HasForeignKey(x => x.SubmissionId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(s => s.Answers);
        b.Ignore(s => s.ContentHash);
        b.Ignore(s => s.ValidSignatures);
        b.Ignore(s => s.PendingEvents);
        // With SessionId: a few people's agreements (SessionId null) are then found by relationship,
        // where SQLite otherwise walked every agreement of the tenant through the SessionId index.
        b.HasIndex(s => new { s.TenantId, s.RelationshipId, s.SessionId });
        b.HasIndex(s => new { s.TenantId, s.SessionId });
        b.HasIndex(s => new { s.TenantId, s.FormId });
    }
}

internal sealed class SignatureConfiguration : IEntityTypeConfiguration<Signature>
{
    public void Configure(EntityTypeBuilder<Signature> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Role).HasMaxLength(40);
        b.Property(s => s.ContentHash).HasMaxLength(64);
        b.Property(s => s.Comment).HasMaxLength(Signature.CommentMaxLength);
        b.Property(s => s.VoidReason).HasMaxLength(1000);
        b.HasIndex(s => new { s.TenantId, s.SubmissionId }); // see StaffMemberConfiguration
    }
}

internal sealed class LineManagerChangeConfiguration : IEntityTypeConfiguration<LineManagerChange>
{
    public void Configure(EntityTypeBuilder<LineManagerChange> b)
    {
        b.HasKey(c => c.Id);
        b.HasOne<StaffMember>().WithMany(s => s.LineManagerHistory).HasForeignKey(c => c.StaffMemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RelationshipConfiguration : IEntityTypeConfiguration<Relationship>
{
    public void Configure(EntityTypeBuilder<Relationship> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.TypeId).HasMaxLength(63);
        b.Property(r => r.EndReason).HasMaxLength(200);
        b.Property(r => r.HandoverNote).HasMaxLength(4000);
        b.HasOne(r => r.Supervisor).WithMany().HasForeignKey(r => r.SupervisorId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Members).WithOne().HasForeignKey(m => m.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.TenantId, r.SupervisorId });
        b.Ignore(r => r.PendingEvents);
        b.Ignore(r => r.CurrentMembers);
    }
}

internal sealed class RelationshipMemberConfiguration : IEntityTypeConfiguration<RelationshipMember>
{
    public void Configure(EntityTypeBuilder<RelationshipMember> b)
    {
        b.HasKey(m => m.Id);
        b.HasOne(m => m.Staff).WithMany().HasForeignKey(m => m.StaffId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => new { m.TenantId, m.StaffId });
        b.HasIndex(m => new { m.TenantId, m.RelationshipId }); // see StaffMemberConfiguration
    }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Location).HasMaxLength(200);
        b.Property(s => s.TypeId).HasMaxLength(63);
        b.Property(s => s.Reason).HasMaxLength(1000);
        b.Property(s => s.CorrectionReason).HasMaxLength(1000);
        b.HasOne(s => s.Relationship).WithMany().HasForeignKey(s => s.RelationshipId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Attendance).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.TenantId, s.RelationshipId, s.Date });
        b.HasIndex(s => new { s.TenantId, s.Date });
        // Everyone's next booking (the statuses' "booked" read): the booked sessions alone, a few in a hundred, with
        // their relationship in the index, so the read touches no table row. Through the date index PostgreSQL fetched a
        // table page a booking, 0.5 s at 100,000 supervisees (ADR 0062). 0 is SessionStatus.Booked, as stored.
        b.HasIndex(s => new { s.TenantId, s.Date, s.RelationshipId }).HasFilter("\"Status\" = 0").HasDatabaseName("IX_Sessions_Booked");
        b.Ignore(s => s.PendingEvents);
        b.Ignore(s => s.IsCancelled);
    }
}

internal sealed class SessionAttendanceConfiguration : IEntityTypeConfiguration<SessionAttendance>
{
    public void Configure(EntityTypeBuilder<SessionAttendance> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.TypeId).HasMaxLength(63);
        b.HasIndex(a => new { a.TenantId, a.StaffId });
        b.HasIndex(a => new { a.TenantId, a.SessionId, a.StaffId }).IsUnique();
        // Cover everyone's status queries, read from the indexes alone: present rows in a date
        // window, and each person's latest session of a type.
        b.HasIndex(a => new { a.TenantId, a.Attendance, a.Date, a.StaffId, a.TypeId, a.Minutes });
        b.HasIndex(a => new { a.TenantId, a.Attendance, a.TypeId, a.StaffId, a.Date, a.Minutes });
    }
}

internal sealed class LatestAttendanceConfiguration : IEntityTypeConfiguration<LatestAttendance>
{
    public void Configure(EntityTypeBuilder<LatestAttendance> b)
    {
        // Written only by the triggers on SessionAttendance (ADR 0068): the key is what they upsert on.
        b.ToTable("LatestAttendance");
        b.HasKey(l => new { l.TenantId, l.TypeId, l.StaffId, l.Minutes });
        b.Property(l => l.TypeId).HasMaxLength(63);
    }
}

internal sealed class ActionItemConfiguration : IEntityTypeConfiguration<ActionItem>
{
    public void Configure(EntityTypeBuilder<ActionItem> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Text).HasMaxLength(10000);
        b.Property(a => a.Owner).HasMaxLength(200);
        b.HasIndex(a => new { a.TenantId, a.RelationshipId, a.Status });
        b.HasIndex(a => new { a.TenantId, a.SourceRecordId });
    }
}

internal sealed class StatusChangeConfiguration : IEntityTypeConfiguration<StatusChange>
{
    public void Configure(EntityTypeBuilder<StatusChange> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.StaffId).HasMaxLength(450);
        b.Property(c => c.SupervisorId).HasMaxLength(450);
        // The caches' look-ups: newer ids, or recent rows (a lower id can commit after a higher one).
        b.HasIndex(c => new { c.TenantId, c.At });
    }
}

internal sealed class DomainEventConfiguration : IEntityTypeConfiguration<DomainEvent>
{
    public void Configure(EntityTypeBuilder<DomainEvent> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Type).HasMaxLength(63);
        b.Property(e => e.Detail).HasMaxLength(63);
        b.Property(e => e.DedupeKey).HasMaxLength(200);
        b.Property(e => e.ClaimedBy).HasMaxLength(200);
        b.Property(e => e.ClaimToken).IsConcurrencyToken(); // the fence: ADR 0024
        b.HasIndex(e => new { e.TenantId, e.DedupeKey }).IsUnique();
        // The events waiting for dispatch, a tenant's in the order a round claims them: a round's look and claim read
        // a few rows of it, not the tenant's dispatched history. A tenant's rows lie together in the table, so without it
        // PostgreSQL's "is anything pending" scanned the table from the start (28 ms a round; ADR 0066).
        b.HasIndex(e => new { e.TenantId, e.OccurredAt, e.Sequence }).HasFilter("\"DispatchedAt\" IS NULL").HasDatabaseName("IX_Events_Pending");
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Action).HasMaxLength(40);
        b.Property(e => e.Entity).HasMaxLength(40);
        b.Property(e => e.EntityId).HasMaxLength(64);
        b.Property(e => e.From).HasMaxLength(64);
        b.Property(e => e.Reason).HasMaxLength(AuditEntry.ReasonMaxLength);
        b.HasIndex(e => new { e.TenantId, e.At });
        // The chain: one entry per number per tenant, so two concurrent appends cannot both succeed.
        b.HasIndex(e => new { e.TenantId, e.Sequence }).IsUnique();
        b.Property(e => e.Hash).HasMaxLength(64);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
    }
}

internal sealed class WorkflowVersionConfiguration : IEntityTypeConfiguration<Workflows.WorkflowVersion>
{
    public void Configure(EntityTypeBuilder<Workflows.WorkflowVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.WorkflowId).HasMaxLength(64);
        b.Property(v => v.Title).HasMaxLength(300);
        b.Property(v => v.TriggerEvent).HasMaxLength(63);
        b.Property(v => v.Schedule).HasMaxLength(100);
        b.HasIndex(v => new { v.TenantId, v.WorkflowId, v.Version }).IsUnique();
        b.HasIndex(v => new { v.TenantId, v.IsCurrent, v.TriggerEvent });
    }
}

internal sealed class WorkflowInstanceConfiguration : IEntityTypeConfiguration<Workflows.WorkflowInstance>
{
    public void Configure(EntityTypeBuilder<Workflows.WorkflowInstance> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.WorkflowId).HasMaxLength(64);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.WaitEvent).HasMaxLength(63);
        b.Property(i => i.WaitMatch).HasMaxLength(20);
        b.Property(i => i.WaitCorrelation).HasMaxLength(64);
        b.Property(i => i.ClaimedBy).HasMaxLength(200);
        b.Property(i => i.ClaimToken).IsConcurrencyToken(); // the fence: ADR 0024
        b.HasOne(i => i.Version).WithMany().HasForeignKey(i => i.VersionId).OnDelete(DeleteBehavior.Restrict);
        // The timer worker's query and the dispatcher's bookmark lookup.
        b.HasIndex(i => new { i.Status, i.DueAt });
        b.HasIndex(i => new { i.TenantId, i.Status, i.WaitEvent, i.WaitCorrelation });
    }
}

internal sealed class DispatchLeaseConfiguration : IEntityTypeConfiguration<Workflows.DispatchLease>
{
    public void Configure(EntityTypeBuilder<Workflows.DispatchLease> b)
    {
        b.ToTable("DispatchLeases");
        b.HasKey(l => l.TenantId); // one a tenant: two nodes making it at once collide here
        b.Property(l => l.TenantId).ValueGeneratedNever(); // the tenant's own id, stamped on save
        b.Property(l => l.Holder).HasMaxLength(200);
    }
}

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<Workflows.JournalEntry>
{
    public void Configure(EntityTypeBuilder<Workflows.JournalEntry> b)
    {
        b.HasKey(j => j.Id);
        b.Property(j => j.StepId).HasMaxLength(64);
        b.Property(j => j.What).HasMaxLength(500);
        b.Property(j => j.Decision).HasMaxLength(1000);
        b.HasIndex(j => new { j.TenantId, j.InstanceId });
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Workflows.Incident>
{
    public void Configure(EntityTypeBuilder<Workflows.Incident> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.StepId).HasMaxLength(64);
        b.Property(i => i.Message).HasMaxLength(1000);
        b.Property(i => i.Resolution).HasMaxLength(40);
        b.HasIndex(i => new { i.TenantId, i.ResolvedAt });
    }
}

internal sealed class WorkTaskConfiguration : IEntityTypeConfiguration<Workflows.WorkTask>
{
    public void Configure(EntityTypeBuilder<Workflows.WorkTask> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Title).HasMaxLength(300);
        b.Property(t => t.FormId).HasMaxLength(64);
        b.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(t => new { t.TenantId, t.AssigneeId, t.Status });
        b.HasIndex(t => new { t.TenantId, t.SubmissionId });
    }
}

internal sealed class EmailLinkConfiguration : IEntityTypeConfiguration<Links.EmailLink>
{
    public void Configure(EntityTypeBuilder<Links.EmailLink> b)
    {
        b.HasKey(l => l.Id);
        b.Property(l => l.TokenHash).HasMaxLength(64);
        b.Property(l => l.CodeHash).HasMaxLength(64);
        b.Property(l => l.StaffId).HasMaxLength(450);
        b.Property(l => l.Email).HasMaxLength(320);
        // Looked up by hash within the tenant whose address it was opened under (the filter adds TenantId).
        b.HasIndex(l => new { l.TenantId, l.TokenHash }).IsUnique();
        b.HasIndex(l => new { l.TenantId, l.TaskId });
    }
}

internal sealed class EmailTemplateVersionConfiguration : IEntityTypeConfiguration<EmailTemplateVersion>
{
    public void Configure(EntityTypeBuilder<EmailTemplateVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.Name).HasMaxLength(64);
        b.Property(v => v.PublishedBy).HasMaxLength(450);
        b.HasIndex(v => new { v.TenantId, v.Name, v.Version }).IsUnique();
    }
}

internal sealed class HealthProbeConfiguration : IEntityTypeConfiguration<Health.HealthProbe>
{
    public void Configure(EntityTypeBuilder<Health.HealthProbe> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
    }
}
