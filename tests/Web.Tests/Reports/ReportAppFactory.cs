using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests.Reports;

/// <summary>
/// The service with no demo data and a clock fixed at 15 June 2026, midday in London: every person
/// and session in a tenant is one the test made, so report figures can be worked out by hand.
/// </summary>
public class ReportAppFactory : AppFactory
{
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 11, 0, 0, TimeSpan.Zero);
    public SettableClock Clock { get; } = new(Now);

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Demo:Seed"] = "false";
            return s;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                         && (d.ImplementationType == typeof(Web.Workflows.WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService))).ToList())
                services.Remove(hosted);
        });
    }
}

/// <summary>Making people, supervisions and past sessions directly through the domain, as of the fixed clock.</summary>
internal static class ReportSetup
{
    public static async Task<StaffMember> PersonAsync(this IServiceProvider sp, string name, string email, string? site, StaffRoles roles,
        bool canSignIn = false, DateOnly? leftOn = null)
    {
        var member = new StaffMember();
        member.Apply(new StaffDetails(name, email, null, site, null, roles, null, leftOn), sp.GetRequiredService<ILookupNormalizer>());
        if (canSignIn)
        {
            var result = await sp.GetRequiredService<UserManager<StaffMember>>().CreateAsync(member, AppFactory.DemoPassword);
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

    /// <summary>A supervision started on <paramref name="on"/> with sessions attended on <paramref name="sessions"/> (60 minutes each).</summary>
    public static async Task<Relationship> SupervisionAsync(this IServiceProvider sp, string typeId, StaffMember supervisor, StaffMember supervisee,
        DateOnly on, params DateOnly[] sessions)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var type = sp.GetRequiredService<Web.Tenancy.ITenantContext>().Tenant.Settings.Supervision.Type(typeId)!;
        var r = Relationship.Start(type, supervisor.Id, [supervisee.Id], on);
        db.Relationships.Add(r);
        await db.SaveChangesAsync();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = sp.GetRequiredService<Web.Tenancy.ITenantContext>().Tenant.Today(sp.GetRequiredService<TimeProvider>());
        foreach (var day in sessions)
            db.Sessions.Add(Session.RecordAdHoc(r, day, new TimeOnly(10, 0), 60, null, supervisor.Id, now, today));
        await db.SaveChangesAsync();
        return r;
    }

    /// <summary>
    /// The supervision's agreement (its type's contract form), written by <paramref name="author"/>: signed by
    /// everyone at <paramref name="signedAt"/>, or still waiting for signatures when that is null.
    /// </summary>
    public static async Task AgreementAsync(this IServiceProvider sp, Relationship r, StaffMember author, DateTimeOffset? signedAt)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var type = sp.GetRequiredService<Web.Tenancy.ITenantContext>().Tenant.Settings.Supervision.Type(r.TypeId)!;
        var version = await sp.GetRequiredService<Web.Records.FormCatalog>().LatestVersionAsync(type.ContractForm!, CancellationToken.None);
        var written = signedAt?.AddDays(-1) ?? sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var agreement = new Web.Records.Submission(version!, author.Id, written);
        agreement.LinkTo(r.Id, null);
        agreement.Submit([], written);
        if (signedAt is { } at) agreement.MarkFullySigned(isAgreement: true, at);
        db.Submissions.Add(agreement);
        await db.SaveChangesAsync();
    }
}
