using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Audit;

/// <summary>Every write of a record is in the audit log, as every read is: started, saved, exported as data.</summary>
public sealed class RecordWriteAuditTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Starting_saving_autosaving_and_exporting_a_record_are_audited_once_each()
    {
        const string tenant = "ralph-thoresby";
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(tenant, $"supervisor@{tenant}.example", AppFactory.DemoPassword)).StatusCode);
        var start = await client.PostForm($"/{tenant}/forms?handler=Start", new Dictionary<string, string> { ["formId"] = "self-care-plan" }, $"/{tenant}/forms");
        var url = start.Headers.Location!.OriginalString;
        var id = url.Split('/').Last();

        await client.PostForm($"{url}?handler=Save", new Dictionary<string, string> { ["a.support-agreed"] = "Fortnightly check-in." }, url);
        // A save that changes nothing writes nothing, and does not say it saved.
        var again = await client.PostForm($"{url}?handler=Save", new Dictionary<string, string> { ["a.support-agreed"] = "Fortnightly check-in." }, url);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("nothing new to save", await client.GetStringAsync(url));
        // Autosave straight after a save is the same sitting: no second entry.
        await client.PostForm($"{url}?handler=Autosave", new Dictionary<string, string>(), url);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{url}?handler=Json")).StatusCode);

        var actions = await app.InTenant(tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var me = await db.StaffIdAsync($"supervisor@{tenant}.example");
            return await db.AuditEntries.Where(a => a.EntityId == id && a.ActorId == me && a.Action != "read").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        });
        Assert.Equal(["create", "save", "export"], actions);
    }
}
