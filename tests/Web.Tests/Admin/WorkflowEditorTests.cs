using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>
/// Changing rules and email templates in the browser (issue 7): check with errors at their lines,
/// try it, publish a new version that the running service follows (and a restart keeps), the
/// audit log, and that only the tenant's own admins can do any of it.
/// </summary>
public sealed class WorkflowEditorTests(AppFactory shared) : IClassFixture<AppFactory>
{
    private const string T = "river-tees";
    private const string Rule = "two-consecutive-misses";
    private static readonly string EditUrl = $"/{T}/admin/workflows/{Rule}";
    private static readonly DateTimeOffset Start = Seasons.RunStart;

    private static async Task<HttpClient> AdminAsync(AppFactory app, string tenant = T, string who = "admin")
    {
        var client = app.Browser();
        var signedIn = await client.SignIn(tenant, $"{who}@{tenant}.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private static Task<WorkflowVersion> CurrentAsync(AppFactory app, string tenant = T, string id = Rule) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking().SingleAsync(v => v.WorkflowId == id && v.IsCurrent));

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string handler, Dictionary<string, string> fields) =>
        client.PostForm($"{url}?handler={handler}", fields, url);

    /// <summary>A new supervisee of the demo supervisor, line-managed by the demo line manager, who misses <paramref name="misses"/> sessions in a row today.</summary>
    private static Task MissesAsync(WorkflowAppFactory app, SettableClock clock, string email, int misses) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var manager = await db.StaffIdAsync($"linemanager@{T}.example");
        var person = await sp.NewPersonAsync("Test " + email, email, Staff.StaffRoles.Supervisee, lineManagerId: manager);
        var r = await sp.StartAsync("safeguarding-one-to-one", await db.StaffIdAsync($"supervisor@{T}.example"), person.Id, sp.Today().AddMonths(-3));
        for (var i = 0; i < misses; i++)
        {
            var now = clock.GetUtcNow();
            var s = Session.Book(r, sp.Today(), new TimeOnly(8 + i, 0), 30, null, r.SupervisorId, now, sp.Today());
            db.Sessions.Add(s);
            await db.SaveChangesAsync();
            s.MarkDidNotAttend([person.Id], null, r.SupervisorId, now, sp.Today());
            await db.SaveChangesAsync();
            clock.Now += TimeSpan.FromMinutes(5);
        }
    });

    [Fact]
    public async Task Publishing_makes_a_new_version_that_new_runs_follow_a_restart_keeps_and_the_audit_log_records()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Start);
        string adminId;
        await using (var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock))
        {
            var before = await CurrentAsync(app);
            var admin = await AdminAsync(app);
            var page = await admin.GetStringAsync(EditUrl);
            Assert.Contains("history.consecutiveMisses == 2", page);
            Assert.Contains("id=\"outline-steps\"", page);

            var changed = before.DefinitionText.Replace("history.consecutiveMisses == 2", "history.consecutiveMisses == 3", StringComparison.Ordinal);
            var published = await PostAsync(admin, EditUrl, "Publish", new() { ["Text"] = changed });
            Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
            Assert.Equal($"/{T}/workflows", published.Headers.Location?.OriginalString);

            var after = await CurrentAsync(app);
            Assert.Equal(before.Version + 1, after.Version);
            Assert.Contains("== 3", after.DefinitionText);
            Assert.False((await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.SingleAsync(v => v.Id == before.Id))).IsCurrent);
            adminId = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().StaffIdAsync($"admin@{T}.example"));
            var entry = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.SingleAsync(a => a.Action == "publish"));
            Assert.Equal(("workflow", $"{Rule} v{after.Version}", adminId), (entry.Entity, entry.EntityId, entry.ActorId));
            Assert.Contains($"{Rule} v{after.Version}", await admin.GetStringAsync($"/{T}/audit?action=publish"));

            // The running service: two misses no longer tell the line manager; the third does, under the new version.
            await MissesAsync(app, clock, $"twice@{T}.example", 2);
            await app.RoundAsync(T);
            Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.CountAsync(i => i.WorkflowId == Rule)));
            await MissesAsync(app, clock, $"thrice@{T}.example", 3);
            await app.RoundAsync(T);
            var run = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.Include(i => i.Version).SingleAsync(i => i.WorkflowId == Rule));
            Assert.Equal(after.Id, run.VersionId);
            Assert.Equal(1, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().JournalEntries.CountAsync(j => j.InstanceId == run.Id && j.Decision.Contains("after 3 missed"))));
        }

        // A restart does not put the file's version back: it has not changed since it was published.
        await using (var again = new WorkflowAppFactory(folders.Data, folders.Tenants, clock))
        {
            var current = await CurrentAsync(again);
            Assert.Contains("== 3", current.DefinitionText);
            Assert.Equal(2, await again.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.CountAsync(v => v.WorkflowId == Rule)));
        }

        // Changing the file itself publishes it again, as before editing in the browser.
        var path = Path.Combine(folders.Tenants, T, "workflows", Rule + ".yaml");
        File.WriteAllText(path, File.ReadAllText(path).Replace("== 2", "== 4", StringComparison.Ordinal));
        await using (var third = new WorkflowAppFactory(folders.Data, folders.Tenants, clock))
        {
            var current = await CurrentAsync(third);
            Assert.Equal(3, current.Version);
            Assert.Contains("== 4", current.DefinitionText);
        }
    }

    [Fact]
    public async Task A_definition_with_errors_cannot_be_published_and_each_error_shows_at_its_line()
    {
        var before = await CurrentAsync(shared);
        var admin = await AdminAsync(shared);
        var broken = before.DefinitionText
            .Replace("template: missed-sessions", "template: no-such-template", StringComparison.Ordinal)
            .Replace("event: session.missed", "event: session.mised", StringComparison.Ordinal);
        var lines = broken.Split('\n');
        var templateLine = Array.FindIndex(lines, l => l.Contains("no-such-template", StringComparison.Ordinal)) + 1;
        var eventLine = Array.FindIndex(lines, l => l.Contains("session.mised", StringComparison.Ordinal)) + 1;

        foreach (var handler in new[] { "Check", "Publish", "Try" })
        {
            var response = await PostAsync(admin, EditUrl, handler, new() { ["Text"] = broken, ["Script"] = "until: 2026-01-01", ["History"] = "script" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("There is a problem", html);
            Assert.Contains($"<a href=\"#line-{templateLine}\">Line {templateLine}:", html);
            Assert.Contains($"<a href=\"#line-{eventLine}\">Line {eventLine}:", html);
            Assert.Contains($"id=\"line-{templateLine}\" class=\"app-source__line--error\"", html);
            Assert.Contains("no-such-template", html);
            Assert.DoesNotContain("What would happen", html);
        }
        var unreadable = await PostAsync(admin, EditUrl, "Publish", new() { ["Text"] = "id: " + Rule + "\ntitle: [unclosed\n" });
        Assert.Contains("There is a problem", await unreadable.Content.ReadAsStringAsync());
        Assert.Equal(before.Id, (await CurrentAsync(shared)).Id);
    }

    [Fact]
    public async Task Try_it_shows_what_the_changed_rule_would_do_over_a_script_and_over_real_history()
    {
        var before = await CurrentAsync(shared);
        var admin = await AdminAsync(shared);
        var page = await admin.GetStringAsync(EditUrl);
        var script = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "<textarea[^>]*id=\"Script\"[^>]*>([^<]*)</textarea>").Groups[1].Value);
        Assert.Contains("outcome: missed", script);

        async Task<string> TryAsync(string text, Dictionary<string, string>? extra = null)
        {
            var fields = new Dictionary<string, string> { ["Text"] = text, ["Script"] = script, ["History"] = "script" };
            foreach (var (k, v) in extra ?? []) fields[k] = v;
            var r = await PostAsync(admin, EditUrl, "Try", fields);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return await r.Content.ReadAsStringAsync();
        }
        var asIs = await TryAsync(before.DefinitionText);
        Assert.Contains("Line manager told after 2 missed sessions in a row", asIs);
        Assert.Contains("Two missed safeguarding supervision sessions", asIs); // the email's subject, from its template
        Assert.Contains("Lee Manager", asIs);
        var changed = await TryAsync(before.DefinitionText.Replace("== 2", "== 3", StringComparison.Ordinal));
        Assert.Contains("Line manager told after 3 missed sessions in a row", changed);
        Assert.DoesNotContain("after 2 missed", changed);
        var never = await TryAsync(before.DefinitionText.Replace("== 2", "== 9", StringComparison.Ordinal));
        Assert.Contains("No emails would be sent.", never);

        // A bad script is an error at its line, and the rule is not run.
        var bad = await TryAsync(before.DefinitionText, new() { ["Script"] = "until: 2026-01-01\nsessions:\n  - { date: 2026-01-02, outcome: lost }" });
        Assert.Contains("History to try, line 3", bad);

        // A real supervisee's last 90 days, with the real people around them.
        var supervisee = await shared.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().StaffIdAsync($"supervisee@{T}.example"));
        var real = await TryAsync(before.DefinitionText, new() { ["History"] = "real", ["PersonId"] = supervisee });
        Assert.Contains("What would happen", real);
        Assert.Contains("The last 90 days of", real);
        var nobody = await TryAsync(before.DefinitionText, new() { ["History"] = "real", ["PersonId"] = "" });
        Assert.Contains("Choose whose history to use.", nobody);
        Assert.Equal(before.Id, (await CurrentAsync(shared)).Id); // trying publishes nothing
    }

    [Fact]
    public async Task Only_the_tenants_own_admin_may_see_or_change_its_rules_and_templates()
    {
        // An admin of ascent: mse-icb's editor is not theirs (their sign-in does not count there), and its rules are not in ascent.
        var ascent = await AdminAsync(shared, "ascent");
        var mseRule = await CurrentAsync(shared, "mse-icb", "escalation");
        foreach (var url in new[] { "/mse-icb/admin/workflows/escalation", "/mse-icb/admin/emails", "/mse-icb/admin/emails/three-way-discussion" })
            Assert.NotEqual(HttpStatusCode.OK, (await ascent.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync("/ascent/admin/workflows/escalation")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync("/ascent/admin/emails/three-way-discussion")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync("/ascent/admin/emails/..%2F..%2Fmse-icb%2Femails%2Fthree-way-discussion")).StatusCode);
        var token = await ascent.AntiforgeryToken("/ascent/admin/workflows/action-overdue");
        var post = await ascent.PostAsync("/mse-icb/admin/workflows/escalation?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Text"] = mseRule.DefinitionText + "\n# changed", ["__RequestVerificationToken"] = token,
        }));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        var emailPost = await ascent.PostAsync("/mse-icb/admin/emails/three-way-discussion?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Text"] = "subject: changed\n\nchanged", ["__RequestVerificationToken"] = token,
        }));
        Assert.NotEqual(HttpStatusCode.OK, emailPost.StatusCode);
        Assert.Equal(mseRule.Id, (await CurrentAsync(shared, "mse-icb", "escalation")).Id);
        Assert.Equal(0, await shared.InTenant("mse-icb", sp => sp.GetRequiredService<AppDbContext>().EmailTemplateVersions.CountAsync()));

        // Within the tenant, only the admin: a safeguarding lead may see the rules but not change them.
        foreach (var who in new[] { "lead", "supervisor", "auditor" })
        {
            var client = await AdminAsync(shared, T, who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(EditUrl)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/{T}/admin/emails/missed-sessions")).StatusCode);
            var t = await client.AntiforgeryToken($"/{T}");
            var p = await client.PostAsync($"{EditUrl}?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string> { ["Text"] = "x", ["__RequestVerificationToken"] = t }));
            Assert.Equal(HttpStatusCode.Forbidden, p.StatusCode);
        }
        var lead = await AdminAsync(shared, T, "lead");
        Assert.DoesNotContain("/admin/workflows/", await lead.GetStringAsync($"/{T}/workflows"));
    }

    [Fact]
    public async Task An_email_template_is_previewed_on_sample_names_published_as_a_version_and_used_by_the_next_email()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var admin = await AdminAsync(app);
        const string url = $"/{T}/admin/emails/missed-sessions";
        Assert.Contains("missed-sessions", await admin.GetStringAsync($"/{T}/admin/emails"));
        var page = await admin.GetStringAsync(url);
        Assert.Contains("id=\"preview-subject\">Two missed safeguarding supervision sessions<", page);
        Assert.Contains("Pat Supervisee", page); // the sample supervisee's name, filled in

        var text = "subject: {{ supervisee.name }} has missed two sessions\n\nDear {{ recipient.name }},\n\n**{{ supervisee.name }}** has missed two sessions in a row.\n\n[Open SupervisionHub]({{ link }})\n";
        var preview = await (await PostAsync(admin, url, "Preview", new() { ["Text"] = text })).Content.ReadAsStringAsync();
        Assert.Contains("Pat Supervisee has missed two sessions", preview);
        Assert.Contains("<strong>Pat Supervisee</strong>", preview); // Markdown, through the sanitiser

        var broken = await PostAsync(admin, url, "Publish", new() { ["Text"] = "Dear {{ recipient.name }}" });
        Assert.Contains("the first line must be", await broken.Content.ReadAsStringAsync());
        var badLiquid = await PostAsync(admin, url, "Publish", new() { ["Text"] = "subject: x\n\n{% if %}" });
        Assert.Contains("There is a problem", await badLiquid.Content.ReadAsStringAsync());
        var sneaky = await PostAsync(admin, url, "Preview", new() { ["Text"] = "subject: x\n\n<script>alert(1)</script>[x](javascript:alert(1))" });
        Assert.DoesNotContain("<script>alert", await sneaky.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().EmailTemplateVersions.CountAsync()));

        var published = await PostAsync(admin, url, "Publish", new() { ["Text"] = text });
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var version = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().EmailTemplateVersions.SingleAsync());
        Assert.Equal(("missed-sessions", 1), (version.Name, version.Version));
        var entry = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.SingleAsync(a => a.Action == "publish"));
        Assert.Equal(("email-template", "missed-sessions v1"), (entry.Entity, entry.EntityId));
        Assert.Contains("Version 1, published", await admin.GetStringAsync($"/{T}/admin/emails"));

        await MissesAsync(app, clock, $"template@{T}.example", 2);
        await app.RoundAsync(T);
        var sent = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Outbox.SingleAsync(m => m.To == $"linemanager@{T}.example" && m.Subject.EndsWith("has missed two sessions")));
        Assert.Equal($"Test template@{T}.example has missed two sessions", sent.Subject);
        Assert.Contains("**Test template@", sent.TextBody);
    }

    [Fact]
    public async Task A_waiting_run_is_cancelled_from_its_page_and_sends_nothing_more()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-wait", """
            id: test-wait
            title: Test - wait a week for a record, then remind
            trigger: { event: session.missed }
            steps:
              - id: wait-for-record
                wait:
                  for: record.submitted
                  timeout: { days: 7 }
                  onTimeout:
                    - id: remind
                      send-email: { to: [supervisor], template: missed-sessions }
            """);
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await MissesAsync(app, clock, $"cancel@{T}.example", 1);
        await app.RoundAsync(T);
        var run = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.WorkflowId == "test-wait"));
        Assert.Equal(InstanceStatus.Waiting, run.Status);

        var admin = await AdminAsync(app);
        var url = $"/{T}/workflows/runs/{run.Id}";
        var page = await admin.GetStringAsync(url);
        Assert.Contains("Cancel this run", page);
        var cancelled = await PostAsync(admin, url, "Cancel", []);
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal(InstanceStatus.Cancelled, (await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.Id == run.Id))).Status);
        Assert.Equal(1, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Action == "cancel" && a.Entity == "workflow-run" && a.EntityId == run.Id.ToString())));
        Assert.DoesNotContain("Cancel this run", await admin.GetStringAsync(url));

        clock.Now = Start.AddDays(8);
        await app.RoundAsync(T);
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().JournalEntries.CountAsync(j => j.InstanceId == run.Id && j.StepId == "remind")));

        // Another tenant's admin cannot cancel it, nor see it.
        var ascent = await AdminAsync(app, "ascent");
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync($"/ascent/workflows/runs/{run.Id}")).StatusCode);
    }
}
