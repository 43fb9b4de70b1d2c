using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The test tenant kept under tests/tenants/new-trust: a trust configured from its own policy as
/// files only, using every capability of issue 17 at once. Tests copy it beside the founding tenants.
/// </summary>
public static class NewTrust
{
    public const string Slug = "new-trust";

    public static string Folder => AppFactory.RepoPath(Path.Combine("tests", "tenants", Slug));

    /// <summary>Copies a tenant folder into a tenants root under its own name.</summary>
    public static void CopyInto(string source, string tenantsRoot)
    {
        var name = Path.GetFileName(source.TrimEnd(Path.DirectorySeparatorChar));
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(tenantsRoot, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>A member of staff at a site (the trust has no demo people); with a password they can sign in.</summary>
    public static async Task<StaffMember> PersonAsync(this IServiceProvider sp, string name, string email, StaffRoles roles, string site,
        string? password = null, string? lineManagerId = null)
    {
        var member = new StaffMember();
        member.Apply(new StaffDetails(name, email, null, site, lineManagerId, roles, null, null), sp.GetRequiredService<ILookupNormalizer>());
        if (password is not null)
        {
            var created = await sp.GetRequiredService<UserManager<StaffMember>>().CreateAsync(member, password);
            Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        }
        else
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Staff.Add(member);
            await db.SaveChangesAsync();
        }
        return member;
    }

    /// <summary>A supervision of the trust's type, started a month ago.</summary>
    public static async Task<Relationship> SupervisionAsync(this IServiceProvider sp, string typeId, string supervisorId, params string[] superviseeIds)
    {
        var started = await sp.GetRequiredService<Allocation>().StartAsync(typeId, supervisorId, superviseeIds, sp.Today().AddMonths(-1), CancellationToken.None);
        await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
        return started.Relationship;
    }

    /// <summary>A session booked for <paramref name="date"/> (today or later), saved: a session.booked event.</summary>
    public static async Task<Session> BookAsync(this IServiceProvider sp, Relationship relationship, DateOnly date)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var session = Session.Book(relationship, date, new TimeOnly(10, 0), 60, null, relationship.SupervisorId, sp.GetRequiredService<TimeProvider>().GetUtcNow(), sp.Today());
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session;
    }
}
