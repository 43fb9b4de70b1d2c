using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>
/// Issue 15 item 8: downloads of personal data (record JSON, the audit CSV, a subject-access zip, a
/// diary invitation) and every signed-in page say <c>Cache-Control: no-store</c>, so a shared
/// computer's browser or a proxy keeps no copy; the public theme and static files stay cacheable.
/// </summary>
public sealed class DownloadCachingTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "devon-torbay";

    private async Task<HttpClient> As(string who)
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, $"{who}@{T}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private static void AssertNoStore(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {response.StatusCode}");
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what} is cacheable: Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task Every_download_of_personal_data_is_no_store()
    {
        var (record, session, person) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var lead = await db.StaffIdAsync($"lead@{T}.example");
            var supervisee = await sp.NewPersonAsync("Cass Cached", $"cass.{Guid.NewGuid():N}@{T}.example", Staff.StaffRoles.Supervisee);
            var relationship = await sp.StartAsync("one-to-one", lead, supervisee.Id, sp.Today().AddDays(-30));
            var attended = await sp.AttendedTodayAsync(relationship);
            var started = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(attended, sp.GetRequiredService<Allocation>().Type("one-to-one"), lead, CancellationToken.None);
            await db.SaveChangesAsync();
            return (started.Id, attended.Id, supervisee.Id);
        });
        var lead = await As("lead");
        AssertNoStore(await lead.GetAsync($"/{T}/records/{record}?handler=Json"), "record JSON");
        AssertNoStore(await lead.GetAsync($"/{T}/sessions/{session}?handler=Ics"), ".ics invitation");
        AssertNoStore(await lead.GetAsync($"/{T}/records/{record}"), "the record page");

        var admin = await As("admin");
        AssertNoStore(await admin.GetAsync($"/{T}/audit?handler=Csv"), "audit CSV");
        var zip = await admin.PostForm($"/{T}/audit/subject-access", new Dictionary<string, string> { ["Person"] = person });
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        AssertNoStore(zip, "subject-access zip");
        AssertNoStore(await admin.GetAsync($"/{T}/admin/configuration?handler=Download"), "configuration zip");
        AssertNoStore(await admin.GetAsync($"/{T}/staff"), "the staff directory");
    }

    [Fact]
    public async Task Public_files_keep_their_own_caching()
    {
        var client = app.Browser();
        var theme = await client.GetAsync($"/{T}/theme.css");
        Assert.Equal("public, max-age=300", theme.Headers.CacheControl?.ToString());
        var css = await client.GetAsync("/lib/govuk/govuk-frontend.min.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.False(css.Headers.CacheControl?.NoStore == true);
    }
}
