using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;

namespace SupervisionHub.Web.Tests;

/// <summary>ralph-thoresby with one extra test form, so these tests do not hang on a founding form's wording.</summary>
public sealed class RecordsFactory : CopiedTenantsFactory
{
    public const string FormV1 = """
        id: test-record
        title: Test supervision record
        purpose: record
        sections:
          - id: main
            title: The session
            filledBy: supervisor
            fields:
              - { id: supervisee, type: person, label: Supervisee, required: true }
              - { id: date, type: date, label: Date of supervision, required: true }
              - { id: discussed, type: longText, label: Issues discussed, required: true }
              - id: actions
                type: table
                label: Actions
                columns:
                  - { id: action, type: text, label: Action, required: true }
                  - { id: by-when, type: date, label: By when }
              - { id: supervisor-signature, type: signature, label: Supervisor signature, signer: supervisor }
          - id: agree
            title: Supervisee
            filledBy: supervisee
            fields:
              - { id: comments, type: longText, label: Your comments }
              - { id: supervisee-signature, type: signature, label: Supervisee signature, signer: supervisee }
        """;

    public const string GroupForm = """
        id: group-test
        title: Group agreement
        purpose: contract
        sections:
          - id: terms
            title: Terms
            filledBy: supervisor
            fields:
              - { id: venue, type: text, label: Venue, required: true }
              - id: members
                type: table
                label: Group members
                rowLabel: Member
                minRows: 1
                columns:
                  - { id: member, type: person, label: Member, required: true }
          - id: each
            title: Each supervisee
            filledBy: each-member
            fields:
              - { id: expects, type: longText, label: What you expect from supervision, required: true }
              - { id: member-signature, type: signature, label: Your signature, signer: each-member }
        """;

    public RecordsFactory()
    {
        var forms = Path.Combine(TenantsFolder, "ralph-thoresby", "forms");
        Directory.CreateDirectory(forms);
        File.WriteAllText(Path.Combine(forms, "test-record.yaml"), FormV1);
        File.WriteAllText(Path.Combine(forms, "group-test.yaml"), GroupForm);
        // Its own form for the versioning test, so publishing version 2 does not change the others' form.
        File.WriteAllText(Path.Combine(forms, "versioned-record.yaml"), FormV1.Replace("id: test-record", "id: versioned-record", StringComparison.Ordinal));
    }
}

public sealed partial class RecordTests(RecordsFactory app) : IClassFixture<RecordsFactory>
{
    private const string T = "ralph-thoresby";

    private async Task<(HttpClient Client, string Url)> StartRecordAsync(string formId = "test-record")
    {
        var client = app.Browser();
        await client.SignIn(T, "supervisor@ralph-thoresby.example", AppFactory.DemoPassword);
        var start = await client.PostForm($"/{T}/forms?handler=Start", new Dictionary<string, string> { ["formId"] = formId }, $"/{T}/forms");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return (client, start.Headers.Location!.OriginalString);
    }

    private Task<string> SuperviseeIdAsync() => app.InTenant(T, sp =>
        sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Email == "supervisee@ralph-thoresby.example").Select(s => s.Id).SingleAsync());

    [Fact]
    public async Task Submitting_with_a_required_answer_missing_shows_every_error_and_keeps_what_was_typed()
    {
        var (client, url) = await StartRecordAsync();
        var response = await client.PostForm(url + "?handler=Submit", new Dictionary<string, string>
        {
            ["a.supervisee"] = await SuperviseeIdAsync(),
            ["a.date.day"] = "31", ["a.date.month"] = "2", ["a.date.year"] = "2026",
            ["a.discussed"] = "",
            ["a.actions.rows"] = "1", ["a.actions[0].action"] = "Read the updated policy <script>alert(1)</script>",
        }, url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("There is a problem", html);
        Assert.Contains("href=\"#a_date\"", html);
        Assert.Contains("href=\"#a_discussed\"", html);
        Assert.Contains("&#x27;Date of supervision&#x27; must be a real date", html);
        Assert.Contains("Enter issues discussed", html);
        Assert.Contains("value=\"31\"", html); // the impossible day as typed
        Assert.Contains("Read the updated policy &lt;script&gt;", html); // kept, and inert
        Assert.DoesNotContain("<script>alert(1)</script>", html);
    }

    /// <summary>A form the supervision's people share, started from the supervision's page (a form started under "Forms and records" is its author's alone).</summary>
    private async Task<(HttpClient Client, string Url)> StartForSupervisionAsync(Guid relationship, string formId)
    {
        var client = app.Browser();
        await client.SignIn(T, "supervisor@ralph-thoresby.example", AppFactory.DemoPassword);
        var page = $"/{T}/supervision/{relationship}";
        var start = await client.PostForm(page + "?handler=StartForm", new Dictionary<string, string> { ["FormId"] = formId }, page);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return (client, start.Headers.Location!.OriginalString);
    }

    /// <summary>The demo supervisor's one-to-one with the demo supervisee.</summary>
    private Task<Guid> DemoSupervisionAsync() => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var supervisee = await SuperviseeIdAsync();
        return await db.Relationships.Where(r => r.EndedOn == null && r.Supervisor.Email == "supervisor@ralph-thoresby.example" && r.Members.Any(m => m.StaffId == supervisee))
            .Select(r => r.Id).SingleAsync();
    });

    [Fact]
    public async Task A_record_is_submitted_and_signed_by_both_a_change_after_a_signature_is_refused_until_the_record_is_reopened()
    {
        var (supervisor, url) = await StartForSupervisionAsync(await DemoSupervisionAsync(), "test-record");
        var id = Guid.Parse(url.Split('/').Last());
        var fields = new Dictionary<string, string>
        {
            ["a.supervisee"] = await SuperviseeIdAsync(),
            ["a.date.day"] = "20", ["a.date.month"] = "11", ["a.date.year"] = "2026",
            ["a.discussed"] = "Workload and one case.",
            ["a.actions.rows"] = "1", ["a.actions[0].action"] = "Book CPD", ["a.actions[0].by-when.day"] = "1", ["a.actions[0].by-when.month"] = "12", ["a.actions[0].by-when.year"] = "2026",
        };
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", fields, url)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisor" }, url)).StatusCode);

        // Once anyone has signed, a change is refused (it would void the signature), until someone
        // deliberately reopens the record with a reason; then it is changed and signed again.
        fields["a.discussed"] = "Workload, one case, and wellbeing.";
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostForm(url + "?handler=Submit", fields, url)).StatusCode);
        Assert.Equal(1, Regex.Count(await supervisor.GetStringAsync(url), ">Signed</strong> by"));
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "/change", new Dictionary<string, string> { ["Reason"] = "Wellbeing was discussed too" }, url + "/change")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", fields, url)).StatusCode);
        Assert.Contains("needs signing again", await supervisor.GetStringAsync(url));
        Assert.Equal(0, Regex.Count(await supervisor.GetStringAsync(url), ">Signed</strong> by"));
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisor" }, url)).StatusCode);

        var supervisee = app.Browser();
        await supervisee.SignIn(T, "supervisee@ralph-thoresby.example", AppFactory.DemoPassword);
        var page = await supervisee.GetStringAsync(url);
        Assert.Contains("Workload, one case, and wellbeing.", page);
        Assert.Contains("Sign as supervisee", page);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisee.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisee" }, url)).StatusCode);
        var signed = await supervisee.GetStringAsync(url);
        Assert.Equal(2, Regex.Count(signed, ">Signed</strong> by"));
        // Each signature is named by its signer's name as the organisation holds it.
        var signers = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Staff
            .Where(s => s.Email == "supervisor@ralph-thoresby.example" || s.Email == "supervisee@ralph-thoresby.example").Select(s => s.FullName).ToListAsync());
        Assert.Equal(2, signers.Count);
        foreach (var name in signers) Assert.Contains(">Signed</strong> by " + System.Net.WebUtility.HtmlEncode(name), signed);
        Assert.DoesNotContain("a former member of staff", signed);

        // Signed by everyone: read-only. A change is refused with the reason, and nothing is written.
        fields["a.discussed"] = "Rewritten after everyone signed.";
        var refused = await supervisor.PostForm(url + "?handler=Submit", fields, url);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("signed by everyone, so it is read-only", await refused.Content.ReadAsStringAsync());
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var record = await db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == id);
            Assert.Contains("Workload, one case, and wellbeing.", record.AnswersJson);
            Assert.NotNull(record.FullySignedAt);
            Assert.Equal(3, record.Signatures.Count);
            Assert.Single(record.Signatures, s => s.VoidedAt is not null);
        });
    }

    [Fact]
    public async Task A_line_manager_and_other_tenants_cannot_open_the_record()
    {
        var (_, url) = await StartRecordAsync();
        var manager = app.Browser();
        await manager.SignIn(T, "linemanager@ralph-thoresby.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(url)).StatusCode);

        var other = app.Browser();
        await other.SignIn("ascent", "lead@ascent.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url.Replace($"/{T}/", "/ascent/", StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task A_submission_made_under_version_1_renders_unchanged_after_version_2()
    {
        var (supervisor, url) = await StartRecordAsync("versioned-record");
        await supervisor.PostForm(url + "?handler=Submit", new Dictionary<string, string>
        {
            ["a.supervisee"] = await SuperviseeIdAsync(),
            ["a.date.day"] = "20", ["a.date.month"] = "11", ["a.date.year"] = "2026", ["a.discussed"] = "Version one answers.",
        }, url);
        await supervisor.GetStringAsync(url); // shows and clears the "submitted" notice
        var before = await supervisor.GetStringAsync(url);

        var v2 = RecordsFactory.FormV1.Replace("id: test-record", "id: versioned-record", StringComparison.Ordinal).Replace("label: Issues discussed", "label: What did you talk about?", StringComparison.Ordinal)
            .Replace("title: Test supervision record", "title: Test supervision record (revised)", StringComparison.Ordinal);
        var published = await app.InTenant(T, sp => sp.GetRequiredService<FormCatalog>().PublishAsync("versioned-record", v2, "versioned-record.yaml", new HashSet<string>(), CancellationToken.None));
        Assert.Equal(2, published.Version!.Version);

        var after = await supervisor.GetStringAsync(url);
        Assert.Equal(Strip(before), Strip(after));
        Assert.Contains("Issues discussed", after);
        Assert.DoesNotContain("What did you talk about?", after);

        // A new record uses version 2.
        var (_, newUrl) = await StartRecordAsync("versioned-record");
        Assert.Contains("What did you talk about?", await supervisor.GetStringAsync(newUrl));
    }

    [Fact]
    public async Task Autosave_keeps_a_draft_and_the_record_exports_as_json_and_prints()
    {
        var (supervisor, url) = await StartRecordAsync();
        var autosave = await supervisor.PostForm(url + "?handler=Autosave", new Dictionary<string, string> { ["a.discussed"] = "Typed, then the tab closed." }, url);
        Assert.Equal(HttpStatusCode.NoContent, autosave.StatusCode);
        Assert.Contains("Typed, then the tab closed.", await supervisor.GetStringAsync(url));

        var json = System.Text.Json.Nodes.JsonNode.Parse(await supervisor.GetStringAsync(url + "?handler=Json"))!;
        Assert.Equal("test-record", json["form"]!["id"]!.GetValue<string>());
        Assert.Equal(1, json["form"]!["version"]!.GetValue<int>());
        Assert.Equal("Typed, then the tab closed.", json["answers"]!["discussed"]!.GetValue<string>());
        Assert.Contains("title: Test supervision record", json["form"]!["definition"]!.GetValue<string>());

        var print = await supervisor.GetStringAsync(url + "/print");
        Assert.Contains("Test supervision record", print);
        Assert.Contains("Content fingerprint", print);
    }

    [Fact]
    public async Task A_group_agreement_keeps_each_members_answers_and_collects_every_signature()
    {
        var ids = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Staff
            .Where(s => s.Email == "supervisee@ralph-thoresby.example" || s.Email == "jack.featherstone@ralph-thoresby.example" || s.Email == "supervisor@ralph-thoresby.example")
            .ToDictionaryAsync(s => s.Email!, s => s.Id));
        // The members sign because they are the group's members, not because the table names them.
        var group = await app.InTenant(T, async sp =>
        {
            var allocation = sp.GetRequiredService<SupervisionHub.Web.Supervision.Allocation>();
            var started = await allocation.StartAsync("group", ids["supervisor@ralph-thoresby.example"],
                [ids["supervisee@ralph-thoresby.example"], ids["jack.featherstone@ralph-thoresby.example"]], allocation.Today.AddDays(-30), CancellationToken.None);
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            return started.Relationship.Id;
        });
        var (supervisor, url) = await StartForSupervisionAsync(group, "group-test");
        // Rows are named as the form names one row, the remove buttons too.
        await supervisor.PostForm(url + "?handler=Save", new Dictionary<string, string> { ["a.venue"] = "Library office", ["a.members.rows"] = "2" }, url);
        var draft = await supervisor.GetStringAsync(url);
        Assert.Contains(">Member 2</h3>", draft);
        Assert.Contains(">Remove Member 2</button>", draft);
        var submitted = await supervisor.PostForm(url + "?handler=Submit", new Dictionary<string, string>
        {
            ["a.venue"] = "Library office", ["a.members.rows"] = "2",
            ["a.members[0].member"] = ids["supervisee@ralph-thoresby.example"], ["a.members[1].member"] = ids["jack.featherstone@ralph-thoresby.example"],
        }, url);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Contains("Still to sign: Chloe Ibbotson", await supervisor.GetStringAsync(url));

        foreach (var (email, expects) in new[] { ("supervisee@ralph-thoresby.example", "Time to reflect."), ("jack.featherstone@ralph-thoresby.example", "Honest challenge.") })
        {
            var member = app.Browser();
            await member.SignIn(T, email, AppFactory.DemoPassword);
            var empty = await member.PostForm(url + "?handler=Submit", new Dictionary<string, string> { ["a.expects"] = "" }, url);
            Assert.Contains("Enter what you expect from supervision", await empty.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Redirect, (await member.PostForm(url + "?handler=Submit", new Dictionary<string, string> { ["a.expects"] = expects }, url)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await member.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "EachMember" }, url)).StatusCode);
        }

        var page = await supervisor.GetStringAsync(url);
        Assert.Contains("Time to reflect.", page);   // Chloe's answer...
        Assert.Contains("Honest challenge.", page);  // ...and Jack's, each kept
        Assert.Contains("Jack Featherstone", page);
        Assert.DoesNotContain("Still to sign", page);
        Assert.Equal(2, Regex.Count(page, ">Signed</strong> by"));
    }

    // Anti-forgery tokens differ per response; everything else must be identical.
    private static string Strip(string html) => AntiforgeryToken().Replace(html, "");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]+\"")]
    private static partial Regex AntiforgeryToken();
}
