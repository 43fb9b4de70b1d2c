using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>The few steps every supervision test repeats, done the way the pages will do them: through the domain, then SaveChanges.</summary>
internal static class Setup
{
    public static Task<string> StaffIdAsync(this AppDbContext db, string email) =>
        db.Staff.Where(s => s.Email == email).Select(s => s.Id).SingleAsync();

    public static DateOnly Today(this IServiceProvider sp) =>
        sp.GetRequiredService<ITenantContext>().Tenant.Today(sp.GetRequiredService<TimeProvider>());

    /// <summary>A person who is not in the demo data; with a password they can sign in.</summary>
    public static async Task<StaffMember> NewPersonAsync(this IServiceProvider sp, string name, string email, StaffRoles roles,
        string? lineManagerId = null, DateOnly? startDate = null, DateOnly? leftOn = null, string? password = null)
    {
        var member = new StaffMember();
        member.Apply(new StaffDetails(name, email, null, null, lineManagerId, roles, startDate, leftOn), sp.GetRequiredService<ILookupNormalizer>());
        if (password is not null)
        {
            var result = await sp.GetRequiredService<UserManager<StaffMember>>().CreateAsync(member, password);
            Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
        }
        else
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Staff.Add(member);
            await db.SaveChangesAsync();
        }
        return member;
    }

    /// <summary>
    /// Pairs them, first ending any supervision of this type the person already has (the demo data
    /// pairs the demo supervisee), so each test starts from a relationship of its own.
    /// </summary>
    public static async Task<Relationship> StartAsync(this IServiceProvider sp, string typeId, string supervisorId, string superviseeId, DateOnly on)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var existing = await db.Relationships.Include(r => r.Members)
            .Where(r => r.EndedOn == null && r.TypeId == typeId && r.Members.Any(m => m.StaffId == superviseeId && m.LeftOn == null)).ToListAsync();
        foreach (var r in existing) r.End(on < r.StartedOn ? r.StartedOn : on, "Replaced by a test's own supervision");
        await db.SaveChangesAsync();
        var started = await sp.GetRequiredService<Allocation>().StartAsync(typeId, supervisorId, [superviseeId], on, CancellationToken.None);
        await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
        return started.Relationship;
    }

    /// <summary>Booked for today, then attended by every current member: the only way a booked session can be attended today.</summary>
    public static async Task<Session> AttendedTodayAsync(this IServiceProvider sp, Relationship relationship, int minutes = 60)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = sp.Today();
        var session = Session.Book(relationship, today, new TimeOnly(10, 0), minutes, null, relationship.SupervisorId, now, today);
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        session.MarkAttended(relationship.CurrentMembers.ToDictionary(m => m.StaffId, _ => MemberAttendance.Present), relationship.SupervisorId, now, today);
        await db.SaveChangesAsync();
        return session;
    }
}
