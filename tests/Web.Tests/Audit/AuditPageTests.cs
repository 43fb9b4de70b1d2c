using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests.Audit;

/// <summary>
/// ralph-thoresby (whose auditors may read records) with a submitted record between the demo
/// supervisor and supervisee, entries of known people on known days, a person whose name is a
/// spreadsheet formula, an anonymous answer that names the supervisee, and emails; ascent with a
/// record of its own, to show nothing crosses.
/// </summary>
public sealed class AuditPageFactory : AppFactory
{
    public const string T = "ralph-thoresby";
    public const string Formula = "=HYPERLINK(\"http://evil.example\",\"x\")";

    public sealed record Seed(Guid Record, string Supervisor, string Supervisee, string Auditor, string Admin, string Dora, string Evil,
        string Pager, Guid Anonymous, Guid AscentRecord, string AscentSupervisee);

    private readonly Lazy<Task<Seed>> _seed;
    private static readonly string[] DoraDays = ["2025-03-10T12:00:00Z", "2025-06-20T12:00:00Z", "2025-06-30T22:30:00Z", "2025-06-30T23:30:00Z"];

    public AuditPageFactory() => _seed = new(SeedAsync);

    public Task<Seed> Data => _seed.Value;

    private async Task<Seed> SeedAsync()
    {
        var (record, supervisor, supervisee) = await RecordAsync(T);
        var (ascentRecord, _, ascentSupervisee) = await RecordAsync("ascent");
        return await InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var dora = await sp.NewPersonAsync("Dora Dates", "dora.dates@ralph-thoresby.example", StaffRoles.Supervisor);
            var evil = await sp.NewPersonAsync(Formula, "evil@ralph-thoresby.example", StaffRoles.Supervisor);
            var pager = await sp.NewPersonAsync("Paige Many", "paige.many@ralph-thoresby.example", StaffRoles.Supervisor);
            // 10 June 12:00 BST; 20 June; 30 June 23:30 BST (still 30 June in London); 1 July 00:30 BST (30 June 23:30 UTC).
            foreach (var at in DoraDays)
                db.AuditEntries.Add(new AuditEntry(dora.Id, "read", "record", Guid.NewGuid().ToString(), false, "10.1.1.1", DateTimeOffset.Parse(at)));
            db.AuditEntries.Add(new AuditEntry(evil.Id, "print", "record", record.ToString(), false, "-1+1", Seasons.UtcNow, reason: "@SUM(1+1) as the reason"));
            for (var i = 0; i < 60; i++)
                db.AuditEntries.Add(new AuditEntry(pager.Id, "read", "record", Guid.NewGuid().ToString(), false, "10.2.2.2", Seasons.UtcNow.AddMinutes(-i)));

            // An anonymous answer that names the supervisee: it must never be attributed to them.
            var version = await db.FormVersions.OrderBy(v => v.Id).FirstAsync();
            var anonymous = new Submission(version, null, Seasons.UtcNow);
            anonymous.Submit(new JsonObject { ["about"] = supervisee, ["text"] = "ANONYMOUS-SECRET" }, Seasons.UtcNow);
            db.Submissions.Add(anonymous);

            var superviseeEmail = $"supervisee@{T}.example";
            db.Outbox.Add(new OutboxMessage(superviseeEmail.ToUpperInvariant(), "Subject for the supervisee", "Body text never exported", Seasons.UtcNow));
            db.Outbox.Add(new OutboxMessage($"lead@{T}.example", "Subject for the lead only", "x", Seasons.UtcNow, cc: "asupervisee@" + T + ".example"));
            await db.SaveChangesAsync();
            return new Seed(record, supervisor, supervisee, await db.StaffIdAsync($"auditor@{T}.example"), await db.StaffIdAsync($"admin@{T}.example"),
                dora.Id, evil.Id, pager.Id, anonymous.Id, ascentRecord, ascentSupervisee);
        });
    }

    private Task<(Guid Record, string Supervisor, string Supervisee)> RecordAsync(string tenant) => InTenant(tenant, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var supervisor = await db.StaffIdAsync($"supervisor@{tenant}.example");
        var supervisee = await db.StaffIdAsync($"supervisee@{tenant}.example");
        var relationship = await sp.StartAsync("one-to-one", supervisor, supervisee, sp.Today().AddDays(-30));
        var session = await sp.AttendedTodayAsync(relationship);
        var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(session, sp.GetRequiredService<Allocation>().Type("one-to-one"), supervisor, CancellationToken.None);
        record.Submit(record.Answers, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        await db.SaveChangesAsync();
        return (record.Id, supervisor, supervisee);
    });
}

/// <summary>The audit log page and subject access export, over HTTP, as the tenant admin and as everyone else.</summary>
public sealed class AuditPageTests(AuditPageFactory app) : IClassFixture<AuditPageFactory>
{
    private const string T = AuditPageFactory.T;

    private async Task<HttpClient> As(string tenant, string email)
    {
        var client = app.Browser();
        var signIn = await client.SignIn(tenant, email, AppFactory.DemoPassword);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{email} could not sign in to {tenant}");
        return client;
    }

    private static int Rows(string html) => html.Split("data-entry=").Length - 1;

    [Theory]
    [InlineData("supervisor")]
    [InlineData("supervisee")]
    [InlineData("lead")]
    [InlineData("linemanager")]
    [InlineData("auditor")]
    public async Task Only_the_tenant_admin_may_see_the_log_or_export(string who)
    {
        var seed = await app.Data;
        var client = await As(T, $"{who}@{T}.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/{T}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/{T}/audit?handler=Csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/{T}/audit/subject-access")).StatusCode);
        // Even with a valid antiforgery token from a page they can open, the export is refused.
        var token = await client.AntiforgeryToken($"/{T}");
        var post = await client.PostAsync($"/{T}/audit/subject-access",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Person"] = seed.Supervisee, ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.DoesNotContain("/audit\"", await client.GetStringAsync($"/{T}"));

        var anonymous = app.Browser();
        var redirect = await anonymous.GetAsync($"/{T}/audit");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith($"/{T}/account/sign-in", redirect.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_admin_sees_names_and_what_was_read_and_auditor_reads_stand_out()
    {
        var seed = await app.Data;
        var auditor = await As(T, $"auditor@{T}.example");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/{T}/records/{seed.Record}")).StatusCode);
        var supervisor = await As(T, $"supervisor@{T}.example");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/{T}/records/{seed.Record}")).StatusCode);

        var admin = await As(T, $"admin@{T}.example");
        Assert.Contains($"href=\"/{T}/admin\">Administration<", await admin.GetStringAsync($"/{T}"));
        Assert.Contains($"href=\"/{T}/audit\"", await admin.GetStringAsync($"/{T}/admin"));
        var html = await admin.GetStringAsync($"/{T}/audit?person={seed.Auditor}");
        Assert.True(Rows(html) >= 1);
        Assert.Contains("Auditor read", html);
        Assert.Contains("app-audit__row--auditor", html);
        Assert.Contains($"record {seed.Record}", html);
        Assert.DoesNotContain("Unknown person", html); // names, not ids, in the Who column
        Assert.DoesNotContain($">{seed.Auditor}<", html);
        Assert.DoesNotContain("id=\"chain\"", html); // checking the chain reads the whole log: only on request
        var checkedHtml = await admin.GetStringAsync($"/{T}/audit?check=chain");
        Assert.Contains("id=\"chain\"", checkedHtml);
        Assert.Contains("Intact", checkedHtml);

        var supervisorRows = await admin.GetStringAsync($"/{T}/audit?person={seed.Supervisor}&action=read");
        Assert.True(Rows(supervisorRows) >= 1);
        Assert.DoesNotContain("Auditor read", supervisorRows);

        var onlyAuditors = await admin.GetStringAsync($"/{T}/audit?auditorReads=true");
        Assert.True(Rows(onlyAuditors) >= 1);
        Assert.Equal(Rows(onlyAuditors), onlyAuditors.Split("app-audit__row--auditor").Length - 1);
        // The record's answers are never on the page.
        Assert.DoesNotContain("ANONYMOUS-SECRET", onlyAuditors);
    }

    [Fact]
    public async Task Filters_by_person_action_entity_and_days_in_the_tenants_time_zone()
    {
        var seed = await app.Data;
        var admin = await As(T, $"admin@{T}.example");
        Assert.Equal(4, Rows(await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}")));
        Assert.Equal(0, Rows(await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}&action=sign")));
        Assert.Equal(0, Rows(await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}&entity=link")));
        Assert.Equal(4, Rows(await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}&entity=record&action=read")));
        // June in London: 20 June and 30 June 23:30 BST, not 1 July 00:30 BST nor March.
        var june = await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}&FromDate.Day=1&FromDate.Month=6&FromDate.Year=2025&ToDate.Day=30&ToDate.Month=6&ToDate.Year=2025");
        Assert.Equal(2, Rows(june));
        Assert.Contains("30 Jun 2025 23:30", june);
        Assert.DoesNotContain("1 Jul 2025", june);
        Assert.Equal(3, Rows(await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}&FromDate.Day=1&FromDate.Month=6&FromDate.Year=2025")));
        Assert.Equal(1, Rows(await admin.GetStringAsync($"/{T}/audit?person={seed.Dora}&ToDate.Day=31&ToDate.Month=5&ToDate.Year=2025")));

        var bad = await admin.GetAsync($"/{T}/audit?FromDate.Day=31&FromDate.Month=2&FromDate.Year=2025");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", badHtml);
        Assert.Contains("must be a real date", badHtml);
        Assert.Equal(0, Rows(badHtml));
    }

    [Fact]
    public async Task Pages_of_fifty_newest_first()
    {
        var seed = await app.Data;
        var admin = await As(T, $"admin@{T}.example");
        var first = await admin.GetStringAsync($"/{T}/audit?person={seed.Pager}");
        Assert.Equal(50, Rows(first));
        Assert.Contains("of 60 entries", first);
        Assert.Contains($"pageNumber=2", first);
        var second = await admin.GetStringAsync($"/{T}/audit?person={seed.Pager}&pageNumber=2");
        Assert.Equal(10, Rows(second));
        Assert.Contains("Showing 51 to 60", second);
        // Newest first: the sequence numbers fall down the page.
        var sequences = System.Text.RegularExpressions.Regex.Matches(first, "data-entry=\"(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(sequences.OrderByDescending(s => s).ToList(), sequences);
    }

    [Fact]
    public async Task The_csv_holds_the_filtered_entries_with_formulas_defused_and_the_export_is_logged()
    {
        var seed = await app.Data;
        var admin = await As(T, $"admin@{T}.example");
        var response = await admin.GetAsync($"/{T}/audit?handler=Csv&person={seed.Evil}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition!.ToString());
        var rows = Csv.Read(await response.Content.ReadAsStringAsync());
        Assert.Equal("Entry", rows[0].Fields[0]);
        Assert.Equal(2, rows.Count); // header and the one entry by that person
        var row = rows[1].Fields;
        Assert.Equal("'" + AuditPageFactory.Formula, row[4]);
        Assert.Equal("'@SUM(1+1) as the reason", row[9]); // the reason given, defused like the rest
        Assert.Equal("'-1+1", row[11]);
        Assert.Equal("print", row[5]);
        Assert.Contains(seed.Record.ToString(), row[8]);
        Assert.DoesNotContain(row, f => f.Length > 0 && "=+-@".Contains(f[0]));

        Assert.Matches("app-audit__reason\">Reason: @SUM\\(1(\\+|&#x2B;)1\\) as the reason<", await admin.GetStringAsync($"/{T}/audit?person={seed.Evil}"));

        var dora = Csv.Read(await admin.GetStringAsync($"/{T}/audit?handler=Csv&person={seed.Dora}&FromDate.Day=1&FromDate.Month=6&FromDate.Year=2025"));
        Assert.Equal(4, dora.Count);

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.True(await db.AuditEntries.AnyAsync(a => a.ActorId == seed.Admin && a.Action == "export" && a.Entity == "audit-log"));
        });
    }

    [Fact]
    public async Task Another_tenants_admin_sees_none_of_these_entries_whatever_they_ask()
    {
        var seed = await app.Data;
        var ascent = await As("ascent", "admin@ascent.example");
        foreach (var query in new[] { "", $"?person={seed.Dora}", $"?person={seed.Auditor}", "?auditorReads=true", "?entity=record", $"?person={seed.Pager}&pageNumber=2" })
        {
            var html = await ascent.GetStringAsync($"/ascent/audit{query}");
            Assert.DoesNotContain(seed.Record.ToString(), html);
            Assert.DoesNotContain("Dora Dates", html);
            Assert.DoesNotContain("Paige Many", html);
            Assert.DoesNotContain("10.1.1.1", html);
            var csv = await ascent.GetStringAsync($"/ascent/audit{(query.Length == 0 ? "?" : query + "&")}handler=Csv");
            Assert.DoesNotContain(seed.Record.ToString(), csv);
            Assert.DoesNotContain("Paige Many", csv);
            Assert.DoesNotContain("10.2.2.2", csv);
        }
        Assert.Equal(0, Rows(await ascent.GetStringAsync($"/ascent/audit?person={seed.Pager}")));

        // Their cookie does not open ralph-thoresby's log.
        var there = await ascent.GetAsync($"/{T}/audit");
        Assert.Equal(HttpStatusCode.Redirect, there.StatusCode);

        // Nor does a subject access export of a ralph-thoresby person from ascent.
        var post = await ascent.PostForm("/ascent/audit/subject-access", new Dictionary<string, string> { ["Person"] = seed.Supervisee });
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("text/html", post.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Choose the person", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Subject_access_bundle_holds_the_persons_data_and_nothing_of_anyone_else_and_is_logged()
    {
        var seed = await app.Data;
        // Something of theirs in the log, and something of the auditor's about the same record.
        var supervisee = await As(T, $"supervisee@{T}.example");
        await supervisee.GetAsync($"/{T}/records/{seed.Record}");
        var auditor = await As(T, $"auditor@{T}.example");
        await auditor.GetAsync($"/{T}/records/{seed.Record}");

        var admin = await As(T, $"admin@{T}.example");
        var page = await admin.GetStringAsync($"/{T}/staff/{seed.Supervisee}");
        Assert.Contains($"/{T}/audit/subject-access?person={seed.Supervisee}", page);
        Assert.Contains("selected", await admin.GetStringAsync($"/{T}/audit/subject-access?person={seed.Supervisee}"));

        var response = await admin.PostForm($"/{T}/audit/subject-access", new Dictionary<string, string> { ["Person"] = seed.Supervisee },
            $"/{T}/audit/subject-access?person={seed.Supervisee}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));

        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        var files = zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());
        foreach (var name in new[] { "README.txt", "person.json", "supervision.json", "sessions.json", "records.json", "signatures.json", "actions.json",
                     "tasks.json", "email-links.json", "emails.json", "audit.json" })
            Assert.True(files.ContainsKey(name), $"{name} is missing");
        foreach (var (name, text) in files.Where(f => f.Key.EndsWith(".json"))) JsonNode.Parse(text); // each is JSON

        var person = JsonNode.Parse(files["person.json"])!;
        Assert.Equal(seed.Supervisee, (string?)person["id"]);
        Assert.Equal($"supervisee@{T}.example", (string?)person["email"]);
        Assert.True(files.ContainsKey($"records/{seed.Record}.json"), "their supervision record is missing");
        var record = JsonNode.Parse(files[$"records/{seed.Record}.json"])!;
        Assert.NotNull(record["answers"]);
        Assert.NotNull(record["form"]!["version"]);
        Assert.True(files.ContainsKey((string)record["form"]!["definition"]!), "the form version's definition is missing");
        Assert.Contains(JsonNode.Parse(files["supervision.json"])!.AsArray(), r => (string?)r!["role"] == "supervisee");
        Assert.NotEmpty(JsonNode.Parse(files["sessions.json"])!.AsArray());

        var audit = JsonNode.Parse(files["audit.json"])!.AsArray();
        Assert.Contains(audit, a => (string?)a!["action"] == "read" && (string?)a["entityId"] == seed.Record.ToString());
        Assert.Contains("Subject for the supervisee", files["emails.json"]);
        Assert.DoesNotContain("Body text never exported", files["emails.json"]);

        var all = string.Join("\n", files.Values);
        Assert.DoesNotContain("Subject for the lead only", all); // copied to asupervisee@, not to them
        Assert.DoesNotContain(seed.Anonymous.ToString(), all);
        Assert.DoesNotContain("ANONYMOUS-SECRET", all);
        Assert.DoesNotContain(seed.Auditor, all);           // the auditor's reads are the auditor's
        Assert.DoesNotContain(seed.Dora, all);
        Assert.DoesNotContain(seed.AscentRecord.ToString(), all);
        Assert.DoesNotContain(seed.AscentSupervisee, all);
        Assert.DoesNotContain("@ascent.example", all);
        Assert.DoesNotContain("tokenHash", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("codeHash", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("passwordHash", all, StringComparison.OrdinalIgnoreCase);

        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var export = await db.AuditEntries.Where(a => a.Action == "export" && a.Entity == "person" && a.EntityId == seed.Supervisee).ToListAsync();
            Assert.Single(export);
            Assert.Equal(seed.Admin, export[0].ActorId);
        });
        var log = await admin.GetStringAsync($"/{T}/audit?action=export&entity=person");
        Assert.Contains("Everything held about", log);
    }

    [Fact]
    public async Task Subject_access_without_a_person_asks_for_one()
    {
        var admin = await As(T, $"admin@{T}.example");
        var response = await admin.PostForm($"/{T}/audit/subject-access", new Dictionary<string, string> { ["Person"] = "" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", html);
        Assert.Contains("href=\"#Person\"", html);
    }
}
