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

/// <summary>The service with the link rate limit out of the way, so a burst reaches the code check itself.</summary>
public sealed class LinkBurstFactory : AppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["RateLimits:LinksPerMinute"] = "1000";
            return s;
        }
    }
}

/// <summary>
/// Issue 15 item 6: 25 wrong codes sent at once to one email link. Each is counted once (no two
/// replies offer the same number of tries left), the stored count stops at the cap, the code is
/// void afterwards even when typed right, and codes sent at once cannot exceed the hour's allowance.
/// Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
/// </summary>
public sealed partial class CodeAttemptRaceTests(LinkBurstFactory app) : IClassFixture<LinkBurstFactory>
{
    private const string T = "ralph-thoresby";

    [GeneratedRegex(@"/link/([A-Za-z0-9_-]{40,})")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\*\*(\d{6})\*\*")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"you can try (\d+) more")]
    private static partial Regex TriesLeft();

    /// <summary>A submitted record of a new supervisee with the demo lead; the supervisee is asked to sign by link.</summary>
    private Task<(Guid Link, string Token, string Email)> SignRequestAsync() => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var email = $"race.{Guid.NewGuid():N}@{T}.example";
        var supervisee = await sp.NewPersonAsync("Rae Racer", email, Staff.StaffRoles.Supervisee);
        var supervisorId = await db.StaffIdAsync($"lead@{T}.example");
        var supervisor = await db.Staff.SingleAsync(s => s.Id == supervisorId);
        var relationship = await sp.StartAsync("one-to-one", supervisorId, supervisee.Id, sp.Today().AddDays(-30));
        var session = await sp.AttendedTodayAsync(relationship);
        var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(session, sp.GetRequiredService<Allocation>().Type("one-to-one"), supervisorId, CancellationToken.None);
        record.Submit(record.Answers, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        await db.SaveChangesAsync();
        var form = FormCatalog.Definition(await db.FormVersions.SingleAsync(v => v.Id == record.FormVersionId));
        await sp.GetRequiredService<TaskLinks>().RequestSignaturesAsync(record, form, await sp.GetRequiredService<RecordGate>().PartiesAsync(record.RelationshipId, default), supervisor, default);
        await db.SaveChangesAsync();
        var token = LinkPattern().Match((await db.Outbox.SingleAsync(m => m.To == email)).TextBody).Groups[1].Value;
        var link = await db.EmailLinks.SingleAsync(l => l.Email == email);
        return (link.Id, token, email);
    });

    private Task<EmailLink> StoredAsync(Guid id) =>
        app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().EmailLinks.AsNoTracking().SingleAsync(l => l.Id == id));

    private static Task<HttpResponseMessage> PostCode(HttpClient client, string url, string token, string code) =>
        client.PostAsync($"{url}?handler=Code", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code, ["__RequestVerificationToken"] = token }));

    [Fact]
    public async Task Twenty_five_wrong_codes_at_once_are_each_counted_once_and_void_the_code()
    {
        var (linkId, linkToken, email) = await SignRequestAsync();
        var client = app.Browser();
        var url = $"/{T}/link/{linkToken}";
        var antiforgery = await client.AntiforgeryToken(url);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{url}?handler=SendCode",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery }))).StatusCode);
        var code = await app.InTenant(T, async sp =>
            CodePattern().Match((await sp.GetRequiredService<AppDbContext>().Outbox.SingleAsync(m => m.To == email && m.Subject.Contains("code"))).TextBody).Groups[1].Value);
        var wrong = Enumerable.Range(100_000, 30).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Where(g => g != code).Take(25).ToList();

        using var go = new SemaphoreSlim(0);
        var posts = wrong.Select(async guess => { await go.WaitAsync(); return await PostCode(client, url, antiforgery, guess); }).ToList();
        go.Release(posts.Count);
        var responses = await Task.WhenAll(posts);
        var replies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        var left = replies.Select(r => TriesLeft().Match(r)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(left.Count, left.Distinct().Count()); // no two replies saw the same count
        Assert.Equal([1, 2, 3, 4], left.Order()); // four wrong codes left tries; the fifth voided the code
        var refused = replies.Count(r => r.Contains("too many times", StringComparison.Ordinal));
        Assert.Equal(25, left.Count + refused); // every guess accounted for: counted, or refused as the code was void

        var stored = await StoredAsync(linkId);
        Assert.Equal(EmailLink.MaxCodeFailures, stored.CodeFailures);
        Assert.Null(stored.CodeHash);
        var audit = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.EntityId == linkId.ToString() && a.Action == "link-code-failed"));
        Assert.Equal(25, audit);

        // The right code typed now opens nothing: the code is void, a new one must be sent.
        var late = await PostCode(client, url, antiforgery, code);
        Assert.Contains("too many times", await late.Content.ReadAsStringAsync());
        Assert.Null((await StoredAsync(linkId)).CodeHash);
    }

    [Fact]
    public async Task The_right_code_sent_twice_at_once_opens_the_record_once()
    {
        var (linkId, linkToken, email) = await SignRequestAsync();
        var client = app.Browser();
        var url = $"/{T}/link/{linkToken}";
        var antiforgery = await client.AntiforgeryToken(url);
        await client.PostAsync($"{url}?handler=SendCode", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery }));
        var code = await app.InTenant(T, async sp =>
            CodePattern().Match((await sp.GetRequiredService<AppDbContext>().Outbox.SingleAsync(m => m.To == email && m.Subject.Contains("code"))).TextBody).Groups[1].Value);
        var both = await Task.WhenAll(PostCode(client, url, antiforgery, code), PostCode(client, url, antiforgery, code));
        Assert.Single(both, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.Null((await StoredAsync(linkId)).CodeHash);
    }

    [Fact]
    public async Task Ten_requests_for_a_code_at_once_send_no_more_than_the_hours_allowance()
    {
        var (linkId, linkToken, email) = await SignRequestAsync();
        var client = app.Browser();
        var url = $"/{T}/link/{linkToken}";
        var antiforgery = await client.AntiforgeryToken(url);
        using var go = new SemaphoreSlim(0);
        var posts = Enumerable.Range(0, 10).Select(async _ =>
        {
            await go.WaitAsync();
            return await client.PostAsync($"{url}?handler=SendCode", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery }));
        }).ToList();
        go.Release(posts.Count);
        await Task.WhenAll(posts);
        var sent = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Outbox.CountAsync(m => m.To == email && m.Subject.Contains("code")));
        Assert.Equal(EmailLink.MaxCodesPerHour, sent);
        Assert.Equal(EmailLink.MaxCodesPerHour, (await StoredAsync(linkId)).CodesInWindow);
    }
}
