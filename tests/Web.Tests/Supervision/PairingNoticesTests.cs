using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// Pairing people for supervision tells them, through real HTTP and the outbox: the supervisor and
/// the supervisee each get an email naming who with, from when and what comes next; a reallocation
/// tells the new pair, and its handover note (which may speak of cases) is never in an email.
/// </summary>
public sealed class PairingNoticesTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    private Task<List<(string To, string Subject, string Body)>> MailTo(params string[] emails) => app.InTenant(T, async sp =>
        (await sp.GetRequiredService<AppDbContext>().Outbox.AsNoTracking().Where(m => emails.Contains(m.To)).Select(m => new { m.To, m.Subject, m.TextBody }).ToListAsync())
            .Select(m => (m.To, m.Subject, m.TextBody)).ToList());

    [Fact]
    public async Task Pairing_emails_the_supervisor_and_supervisee_and_a_reallocation_emails_the_new_pair_without_the_handover_note()
    {
        var (supervisee, newSupervisor) = await app.InTenant(T, async sp =>
        {
            var supervisee = await sp.NewPersonAsync("Pat Paired", "pat.paired@ralph-thoresby.example", StaffRoles.Supervisee);
            var next = await sp.NewPersonAsync("Nia Next", "nia.next@ralph-thoresby.example", StaffRoles.Supervisor);
            return (supervisee.Id, next.Id);
        });
        var supervisor = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().StaffIdAsync($"supervisor@{T}.example"));
        var lead = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await lead.SignIn(T, $"lead@{T}.example", AppFactory.DemoPassword)).StatusCode);
        var today = await app.InTenant(T, sp => Task.FromResult(sp.Today()));
        var paired = await lead.PostForm($"/{T}/supervision/new", new Dictionary<string, string>
        {
            ["Input.TypeId"] = "one-to-one", ["Input.SupervisorId"] = supervisor, ["Input.SuperviseeIds"] = supervisee, ["Input.PairAnyway"] = supervisor,
            ["Input.StartOn.Day"] = today.Day.ToString(), ["Input.StartOn.Month"] = today.Month.ToString(), ["Input.StartOn.Year"] = today.Year.ToString(),
        });
        Assert.Equal(HttpStatusCode.Redirect, paired.StatusCode);
        var relationship = paired.Headers.Location!.OriginalString;

        var told = await MailTo("pat.paired@ralph-thoresby.example", $"supervisor@{T}.example");
        Assert.Equal(2, told.Count(m => m.Subject.StartsWith("Supervision set up:", StringComparison.Ordinal)));
        var toSupervisee = Assert.Single(told, m => m.To == "pat.paired@ralph-thoresby.example");
        Assert.Contains("for Pat Paired, with Owen Lockwood as supervisor, from " + today.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), toSupervisee.Body);
        Assert.Contains(relationship, toSupervisee.Body); // the link to the supervision page, on the configured address

        const string note = "CASE-SECRET: the early help referral for child J";
        var moved = await lead.PostForm($"{relationship}?handler=Reallocate", new Dictionary<string, string> { ["NewSupervisorId"] = newSupervisor, ["HandoverNote"] = note }, relationship);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var after = await MailTo("pat.paired@ralph-thoresby.example", "nia.next@ralph-thoresby.example");
        Assert.Equal(2, after.Count(m => m.Subject.StartsWith("Your supervision has a new supervisor:", StringComparison.Ordinal)));
        Assert.Contains("with Nia Next as supervisor", Assert.Single(after, m => m.To == "nia.next@ralph-thoresby.example").Body);
        Assert.DoesNotContain(await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Outbox.AsNoTracking().Select(m => m.TextBody).ToListAsync()),
            b => b.Contains("CASE-SECRET", StringComparison.Ordinal));
    }
}
