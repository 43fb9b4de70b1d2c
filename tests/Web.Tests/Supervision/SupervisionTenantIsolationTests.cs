using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>One row of every supervision entity type, made in ralph-thoresby.</summary>
public sealed class SupervisionRowsFactory : AppFactory
{
    public const string A = "ralph-thoresby", B = "river-tees";

    public sealed record Rows(Guid Relationship, Guid Session, Guid Action, Guid Record, string Person, Guid Instance);

    private readonly Lazy<Task<Rows>> _rows;

    public SupervisionRowsFactory() => _rows = new(() => InTenant(A, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var today = sp.Today();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var supervisor = await db.StaffIdAsync("supervisor@ralph-thoresby.example");
        var person = await db.Staff.SingleAsync(s => s.Email == "supervisee@ralph-thoresby.example");
        var relationship = await sp.StartAsync("one-to-one", supervisor, person.Id, today);
        var session = await sp.AttendedTodayAsync(relationship); // with its attendance row and events
        var recordId = Guid.NewGuid();
        var action = new ActionItem(relationship.Id, recordId, 0, "Check the referral", null, null);
        db.Actions.Add(action);
        db.AuditEntries.Add(new AuditEntry(supervisor, "read", "record", recordId.ToString(), false, null, now));
        person.Apply(new StaffDetails(person.FullName, person.Email!, person.JobTitle, person.Site, supervisor, person.Roles, person.StartDate, person.LeftOn),
            sp.GetRequiredService<ILookupNormalizer>(), now); // a line-manager change
        // A run of one of the tenant's workflows, with its journal, an incident and a task.
        var version = await db.WorkflowVersions.FirstAsync(v => v.IsCurrent);
        var instance = new Web.Workflows.WorkflowInstance(version, null, relationship.Id, session.Id, person.Id, now);
        db.WorkflowInstances.Add(instance);
        db.JournalEntries.Add(new Web.Workflows.JournalEntry(instance.Id, now, "step", "ran", "decided"));
        db.Incidents.Add(new Web.Workflows.Incident(instance.Id, "step", "failed", now));
        db.WorkTasks.Add(new Web.Workflows.WorkTask(supervisor, "Do something", null, false, null, instance.Id, relationship.Id, now));
        await db.SaveChangesAsync();
        return new Rows(relationship.Id, session.Id, action.Id, recordId, person.Id, instance.Id);
    }));

    public Task<Rows> Made => _rows.Value;
}

/// <summary>Every new supervision entity type is filtered and guarded by tenant like the rest, tried from tenant B.</summary>
public sealed class SupervisionTenantIsolationTests(SupervisionRowsFactory app) : IClassFixture<SupervisionRowsFactory>
{
    private const string A = SupervisionRowsFactory.A, B = SupervisionRowsFactory.B;

    [Theory]
    [InlineData(nameof(Relationship))]
    [InlineData(nameof(RelationshipMember))]
    [InlineData(nameof(Session))]
    [InlineData(nameof(SessionAttendance))]
    [InlineData(nameof(ActionItem))]
    [InlineData(nameof(DomainEvent))]
    [InlineData(nameof(AuditEntry))]
    [InlineData(nameof(LineManagerChange))]
    [InlineData(nameof(Web.Workflows.WorkflowVersion))]
    [InlineData(nameof(Web.Workflows.WorkflowInstance))]
    [InlineData(nameof(Web.Workflows.JournalEntry))]
    [InlineData(nameof(Web.Workflows.Incident))]
    [InlineData(nameof(Web.Workflows.WorkTask))]
    public async Task Rows_made_in_one_tenant_cannot_be_read_or_written_from_another(string entity)
    {
        var made = await app.Made;
        var check = entity switch
        {
            nameof(Relationship) => Isolated<Relationship>(r => r.Id == made.Relationship),
            nameof(RelationshipMember) => Isolated<RelationshipMember>(m => m.RelationshipId == made.Relationship),
            nameof(Session) => Isolated<Session>(s => s.Id == made.Session),
            nameof(SessionAttendance) => Isolated<SessionAttendance>(a => a.SessionId == made.Session),
            nameof(ActionItem) => Isolated<ActionItem>(a => a.Id == made.Action),
            nameof(DomainEvent) => Isolated<DomainEvent>(e => e.RelationshipId == made.Relationship),
            nameof(AuditEntry) => Isolated<AuditEntry>(a => a.EntityId == made.Record.ToString()),
            nameof(LineManagerChange) => Isolated<LineManagerChange>(c => c.StaffMemberId == made.Person),
            nameof(Web.Workflows.WorkflowVersion) => Isolated<Web.Workflows.WorkflowVersion>(v => v.WorkflowId == "record-sign-off"),
            nameof(Web.Workflows.WorkflowInstance) => Isolated<Web.Workflows.WorkflowInstance>(i => i.Id == made.Instance),
            nameof(Web.Workflows.JournalEntry) => Isolated<Web.Workflows.JournalEntry>(j => j.InstanceId == made.Instance),
            nameof(Web.Workflows.Incident) => Isolated<Web.Workflows.Incident>(i => i.InstanceId == made.Instance),
            nameof(Web.Workflows.WorkTask) => Isolated<Web.Workflows.WorkTask>(t => t.InstanceId == made.Instance),
            _ => throw new ArgumentOutOfRangeException(nameof(entity)),
        };
        await check;
    }

    private async Task Isolated<T>(System.Linq.Expressions.Expression<Func<T, bool>> made) where T : class, ITenantOwned
    {
        var inA = await app.InTenant(A, sp => sp.GetRequiredService<AppDbContext>().Set<T>().CountAsync(made));
        Assert.True(inA > 0, $"No {typeof(T).Name} was made in {A}: the test proves nothing.");

        await app.InTenant(B, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.Equal(0, await db.Set<T>().CountAsync(made));
            Assert.Equal(inA, await db.Set<T>().IgnoreQueryFilters().CountAsync(made)); // they are there, only hidden
        });

        // A's row smuggled into B's unit of work, changed: refused.
        await app.InTenant(B, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var row = await db.Set<T>().IgnoreQueryFilters().FirstAsync(made);
            db.Entry(row).State = EntityState.Modified;
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
        });

        // Deleted: refused too.
        await app.InTenant(B, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Remove(await db.Set<T>().IgnoreQueryFilters().FirstAsync(made));
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
        });
        Assert.Equal(inA, await app.InTenant(A, sp => sp.GetRequiredService<AppDbContext>().Set<T>().CountAsync(made)));
    }

    [Fact]
    public async Task A_new_session_stamped_with_another_tenant_is_refused()
    {
        var made = await app.Made;
        var a = (await app.Services.GetRequiredService<TenantRegistry>().FindAsync(A))!;
        await app.InTenant(A, async sp =>
        {
            var relationship = await sp.GetRequiredService<AppDbContext>().Relationships.SingleAsync(r => r.Id == made.Relationship);
            await app.InTenant(B, async spB =>
            {
                var db = spB.GetRequiredService<AppDbContext>();
                var today = spB.Today();
                var session = Session.Book(relationship, today, new TimeOnly(12, 0), 60, null, relationship.SupervisorId, Seasons.UtcNow, today);
                db.Sessions.Add(session);
                db.Entry(session).Property(s => s.TenantId).CurrentValue = a.Id;
                await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
            });
        });
    }
}
