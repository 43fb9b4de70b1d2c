using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Hardening;

/// <summary>The founding tenants under a configured address, with ascent also at its own host name.</summary>
public sealed class ConfiguredAddressFactory : CopiedTenantsFactory
{
    public const string BaseUrl = "https://supervision.example.org";
    public const string AscentHost = "safeguarding.ascent.example";

    public ConfiguredAddressFactory()
    {
        var ascent = Path.Combine(TenantsFolder, "ascent", "tenant.yaml");
        File.WriteAllText(ascent, File.ReadAllText(ascent).Replace("hosts: []", $"hosts: [{AscentHost}]", StringComparison.Ordinal));
    }

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["App:BaseUrl"] = BaseUrl;
            return s;
        }
    }
}

/// <summary>
/// Issue 15 item 4: every address in an email comes from configuration (App:BaseUrl, or the tenant's
/// own host name), never from the request. Each test sends the request with a forged
/// <c>Host: attacker.example</c> (which the Testing environment does not refuse, so the page runs)
/// and reads the email the service wrote.
/// </summary>
public sealed partial class EmailAddressTests(ConfiguredAddressFactory app) : IClassFixture<ConfiguredAddressFactory>
{
    private const string Attacker = "attacker.example";
    private const string BaseUrl = ConfiguredAddressFactory.BaseUrl;

    [GeneratedRegex(@"https?://[^\s)\]]+")]
    private static partial Regex Url();

    /// <summary>Posts a form as a browser would, but with the Host header the attacker chose.</summary>
    private static async Task<HttpResponseMessage> PostWithHost(HttpClient client, string url, Dictionary<string, string> fields, string? pageUrl = null)
    {
        var token = await client.AntiforgeryToken(pageUrl ?? url);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))),
        };
        request.Headers.Host = Attacker;
        return await client.SendAsync(request);
    }

    private Task<List<string>> EmailsAsync(string tenant, string to, string subjectPart) => app.InTenant(tenant, sp =>
        sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.To == to && m.Subject.Contains(subjectPart)).Select(m => m.TextBody).ToListAsync());

    private static void AssertAddresses(string body, string expectedStart)
    {
        var urls = Url().Matches(body).Select(m => m.Value).ToList();
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.StartsWith(expectedStart, u, StringComparison.Ordinal));
        Assert.DoesNotContain(Attacker, body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("localhost", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_password_reset_link_ignores_a_forged_Host_header()
    {
        var ask = await PostWithHost(app.Browser(), "/river-tees/account/forgot-password", new() { ["Email"] = "supervisee@river-tees.example" });
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var email = Assert.Single(await EmailsAsync("river-tees", "supervisee@river-tees.example", "Reset your"));
        AssertAddresses(email, $"{BaseUrl}/river-tees/account/reset-password?user=");
    }

    [Fact]
    public async Task A_tenant_with_its_own_host_name_gets_links_to_that_host()
    {
        await PostWithHost(app.Browser(), "/ascent/account/forgot-password", new() { ["Email"] = "supervisee@ascent.example" });
        var reset = Assert.Single(await EmailsAsync("ascent", "supervisee@ascent.example", "Reset your"));
        AssertAddresses(reset, $"https://{ConfiguredAddressFactory.AscentHost}/account/reset-password?user=");

        // An email link made by the service for the same tenant, followed at that host, opens.
        var (token, body) = await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var email = $"host.{Guid.NewGuid():N}@ascent.example";
            var supervisee = await sp.NewPersonAsync("Hana Host", email, Staff.StaffRoles.Supervisee);
            var lead = await db.StaffIdAsync("lead@ascent.example");
            var relationship = await sp.StartAsync("one-to-one", lead, supervisee.Id, sp.Today().AddDays(-30));
            var session = await sp.AttendedTodayAsync(relationship);
            var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(session, sp.GetRequiredService<Allocation>().Type("one-to-one"), lead, CancellationToken.None);
            record.Submit(record.Answers, sp.GetRequiredService<TimeProvider>().GetUtcNow());
            await db.SaveChangesAsync();
            var form = FormCatalog.Definition(await db.FormVersions.SingleAsync(v => v.Id == record.FormVersionId));
            await sp.GetRequiredService<TaskLinks>().RequestSignaturesAsync(record, form, await sp.GetRequiredService<RecordGate>().PartiesAsync(record.RelationshipId, default),
                await db.Staff.SingleAsync(s => s.Id == lead), default);
            await db.SaveChangesAsync();
            var text = (await db.Outbox.SingleAsync(m => m.To == email)).TextBody;
            return (Regex.Match(text, @"/link/([A-Za-z0-9_-]{40,})").Groups[1].Value, text);
        });
        AssertAddresses(body, $"https://{ConfiguredAddressFactory.AscentHost}/link/");
        using var open = new HttpRequestMessage(HttpMethod.Get, $"/link/{token}");
        open.Headers.Host = ConfiguredAddressFactory.AscentHost;
        Assert.Contains("Confirm it is you", await (await app.Browser().SendAsync(open)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Diary_invitations_of_a_planned_series_ignore_a_forged_Host_header()
    {
        const string T = "mse-icb";
        var (relationship, supervisorEmail, first) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var lead = await db.StaffIdAsync($"lead@{T}.example");
            var supervisee = await sp.NewPersonAsync("Sam Series", $"series.{Guid.NewGuid():N}@{T}.example", Staff.StaffRoles.Supervisee);
            var r = await sp.StartAsync("one-to-one", lead, supervisee.Id, sp.Today().AddDays(-30));
            var day = sp.Today().AddDays(60);
            while (day.DayOfWeek != DayOfWeek.Wednesday) day = day.AddDays(1);
            return (r.Id, $"lead@{T}.example", day);
        });
        var admin = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignIn(T, $"admin@{T}.example", AppFactory.DemoPassword)).StatusCode);
        var planned = await PostWithHost(admin, $"/{T}/supervision/series", new()
        {
            ["Input.RelationshipIds"] = relationship.ToString(), ["Input.First.Day"] = first.Day.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.First.Month"] = first.Month.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.First.Year"] = first.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Time"] = "10:00", ["Input.Minutes"] = "60", ["Input.Every"] = "1", ["Input.Unit"] = "months", ["Input.Count"] = "2",
        });
        Assert.True(planned.StatusCode == HttpStatusCode.Redirect, await planned.Content.ReadAsStringAsync());
        // One calendar invitation per planned session, each linking to its session.
        var invitations = await EmailsAsync(T, supervisorEmail, "Invitation: safeguarding supervision");
        Assert.Equal(2, invitations.Count);
        Assert.All(invitations, invitation => AssertAddresses(invitation, $"{BaseUrl}/{T}/sessions/"));
    }

    [Fact]
    public async Task A_new_organisations_first_admin_invitation_ignores_a_forged_Host_header()
    {
        var op = await app.OperatorAsync();
        var slug = $"oak-{Guid.NewGuid():N}"[..12];
        var created = await PostWithHost(op, "/platform/tenants/new", new()
            { ["Name"] = "Oak Hill Academy", ["Identifier"] = slug, ["Kind"] = "School", ["AdminName"] = "Olu Admin", ["AdminEmail"] = "olu@oakhill.example", ["Template"] = "blank" });
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
        var invitation = Assert.Single(await EmailsAsync(slug, "olu@oakhill.example", "Your SupervisionHub account"));
        AssertAddresses(invitation, $"{BaseUrl}/{slug}");
        Assert.Contains($"{BaseUrl}/{slug}/account/reset-password?user=", invitation);
    }
}
