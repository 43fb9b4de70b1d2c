using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// The founding tenants with one supervision record each, made the way the pages will make it:
/// a one-to-one between the demo supervisor and supervisee, an attended session, its record
/// started with the people and date filled in, and submitted so that it can be signed.
/// </summary>
public sealed class RecordAccessFactory : AppFactory
{
    public const string Outsider = "olive.outsider@ascent.example";

    private readonly Lazy<Task<Guid>> _ralph, _ascent, _ascentOutsider;

    public RecordAccessFactory()
    {
        _ralph = new(() => RecordAsync("ralph-thoresby", "supervisor@ralph-thoresby.example", "supervisee@ralph-thoresby.example"));
        _ascent = new(() => RecordAsync("ascent", "supervisor@ascent.example", "supervisee@ascent.example"));
        _ascentOutsider = new(async () =>
        {
            // Someone new, not on ascent's list of DSLs and deputies, supervised by a DSL.
            await InTenant("ascent", async sp => await sp.NewPersonAsync("Olive Outsider", Outsider, StaffRoles.Supervisee,
                lineManagerId: await sp.GetRequiredService<AppDbContext>().StaffIdAsync("linemanager@ascent.example"), password: DemoPassword));
            return await RecordAsync("ascent", "supervisor@ascent.example", Outsider);
        });
    }

    public Task<Guid> Record(string tenant) => tenant switch
    {
        "ralph-thoresby" => _ralph.Value,
        "ascent" => _ascent.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(tenant)),
    };

    public Task<Guid> AscentOutsiderRecord => _ascentOutsider.Value;

    private Task<Guid> RecordAsync(string tenant, string supervisorEmail, string superviseeEmail) => InTenant(tenant, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var allocation = sp.GetRequiredService<Allocation>();
        var supervisor = await db.StaffIdAsync(supervisorEmail);
        var relationship = await sp.StartAsync("one-to-one", supervisor, await db.StaffIdAsync(superviseeEmail), sp.Today().AddDays(-30));
        var session = await sp.AttendedTodayAsync(relationship);
        var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(session, allocation.Type("one-to-one"), supervisor, CancellationToken.None);
        record.Submit(record.Answers, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        await db.SaveChangesAsync();
        return record.Id;
    });
}

/// <summary>Who may read a supervision record, over HTTP, per tenant rule (ralph-thoresby R6, ascent: DSLs and deputies only).</summary>
public sealed class RecordAccessTests(RecordAccessFactory app) : IClassFixture<RecordAccessFactory>
{
    private async Task<HttpClient> As(string tenant, string email)
    {
        var client = app.Browser();
        var signIn = await client.SignIn(tenant, email, AppFactory.DemoPassword);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{email} could not sign in to {tenant}");
        return client;
    }

    private async Task<(HttpStatusCode Record, HttpStatusCode Print)> Get(string tenant, string email, Guid record)
    {
        var client = await As(tenant, email);
        return ((await client.GetAsync($"/{tenant}/records/{record}")).StatusCode, (await client.GetAsync($"/{tenant}/records/{record}/print")).StatusCode);
    }

    [Theory]
    [InlineData("ralph-thoresby")]
    [InlineData("ascent")]
    public async Task The_supervisees_line_manager_is_told_no_not_that_there_is_nothing(string tenant)
    {
        var status = await Get(tenant, $"linemanager@{tenant}.example", await app.Record(tenant));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), status);
    }

    [Theory]
    [InlineData("ralph-thoresby", "tyrone.mitchell@ralph-thoresby.example")]
    [InlineData("ascent", "admin@ascent.example")]
    public async Task Someone_with_no_part_in_the_supervision_finds_nothing(string tenant, string email)
    {
        var status = await Get(tenant, email, await app.Record(tenant));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), status);
    }

    [Theory]
    [InlineData("ralph-thoresby")]
    [InlineData("ascent")]
    public async Task The_supervisor_reads_the_record(string tenant)
    {
        var status = await Get(tenant, $"supervisor@{tenant}.example", await app.Record(tenant));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), status);
    }

    [Fact]
    public async Task At_ralph_thoresby_the_supervisors_line_manager_reads_the_record()
    {
        // supervisor-line-managers grant: "the supervisor and their line management" [11].
        var row = File.ReadLines(AppFactory.RepoPath("tenants/ralph-thoresby/demo/staff.csv"))
            .Select(l => l.Split(',')).Single(c => c[1] == "supervisor@ralph-thoresby.example");
        var manager = row[4];
        Assert.NotEqual("linemanager@ralph-thoresby.example", manager); // the supervisee's manager is someone else
        var status = await Get("ralph-thoresby", manager, await app.Record("ralph-thoresby"));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), status);
    }

    [Fact]
    public async Task At_ascent_a_supervisee_who_is_not_a_dsl_or_deputy_is_refused_their_own_record()
    {
        var record = await app.AscentOutsiderRecord;
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), await Get("ascent", RecordAccessFactory.Outsider, record));
        // Their supervisor, on the list, reads it.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await Get("ascent", "supervisor@ascent.example", record));
    }

    [Fact]
    public async Task At_ralph_thoresby_the_auditor_reads_the_record_the_read_is_flagged_and_they_cannot_sign()
    {
        const string T = "ralph-thoresby";
        var record = await app.Record(T);
        var client = await As(T, $"auditor@{T}.example");
        var url = $"/{T}/records/{record}";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);

        var sign = await client.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisor" }, url);
        // Refused by the page (403), not by a missing antiforgery token (400).
        Assert.Equal(HttpStatusCode.Forbidden, sign.StatusCode);

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var auditor = await db.StaffIdAsync($"auditor@{T}.example");
            var reads = await db.AuditEntries.Where(a => a.EntityId == record.ToString() && a.ActorId == auditor).ToListAsync();
            Assert.NotEmpty(reads);
            Assert.All(reads, a => Assert.True(a.ByAuditor));
            Assert.Contains(reads, a => a.Action == "read" && a.Entity == "record");
            Assert.DoesNotContain(reads, a => a.Action == "sign");
            Assert.False(await db.Signatures.AnyAsync(s => s.SubmissionId == record));
        });
    }

    [Fact]
    public async Task A_record_id_from_another_tenant_finds_nothing_and_its_own_tenant_asks_for_sign_in()
    {
        var ascentRecord = await app.Record("ascent");
        var client = await As("river-tees", "supervisor@river-tees.example");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/river-tees/records/{ascentRecord}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/river-tees/records/{ascentRecord}/print")).StatusCode);

        var there = await client.GetAsync($"/ascent/records/{ascentRecord}");
        Assert.Equal(HttpStatusCode.Redirect, there.StatusCode);
        Assert.StartsWith("/ascent/account/sign-in", there.Headers.Location!.OriginalString);
    }
}
