using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>
/// Issue 7: a tenant admin creates a new form, rule or email template in the browser. Each opens in its
/// editor as text that is not saved, and exists once version 1 is published through the kind's one
/// publishing path; bad and taken ids are refused with a message; a rule may name a template made here;
/// another tenant's admin can neither create here nor copy from here, whatever the URL.
/// </summary>
public sealed partial class CreateConfigurationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    [GeneratedRegex("<textarea[^>]*name=\"(?:Yaml|Text)\"[^>]*>([^<]*)</textarea>")]
    private static partial Regex TextBox();

    private async Task<HttpClient> AdminAsync(string tenant = T, string who = "admin")
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(tenant, $"{who}@{tenant}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private static async Task<string> TextOnPageAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(TextBox().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value).Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\n');

    private static Task<HttpResponseMessage> NewAsync(HttpClient client, string tenant, string kind, string id, string title, string from = "") =>
        client.PostForm($"/{tenant}/admin/{kind}/new", new Dictionary<string, string> { ["Id"] = id, ["Title"] = title, ["From"] = from });

    private Task<List<FormVersion>> FormVersionsAsync(string id, string tenant = T) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().FormVersions.AsNoTracking().Where(v => v.FormId == id).ToListAsync());

    private Task<SupervisionHub.Web.Audit.AuditEntry?> AuditAsync(string entity, string entityId, string tenant = T) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().Where(a => a.Entity == entity && a.EntityId == entityId).FirstOrDefaultAsync());

    private Task<string> StaffIdAsync(string email, string tenant = T) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Email == email).Select(s => s.Id).SingleAsync());

    [Theory]
    [InlineData("Wellbeing check")]
    [InlineData("Check: how are you? #1")]
    [InlineData("Yes")]
    [InlineData("The \"four functions\" \\ model, revised")]
    [InlineData("  Spaces around  ")]
    public void Skeletons_check_as_they_are_and_keep_any_title_exactly(string title)
    {
        var form = SupervisionHub.Forms.Definitions.FormLoader.Load(NewConfigurationItem.BlankForm("a-form", title), "a-form.yaml");
        Assert.Empty(form.Errors);
        Assert.Equal(title.Trim(), form.Definition!.Title);
        var rule = SupervisionHub.Workflows.Engine.WorkflowLoader.Load(NewConfigurationItem.BlankRule("a-rule", title), "a-rule.yaml");
        Assert.Empty(rule.Errors);
        Assert.Equal(title.Trim(), rule.Definition!.Title);
        var copy = SupervisionHub.Forms.Definitions.FormLoader.Load(NewConfigurationItem.Copy("id: old\ntitle: >\n  An old title\n  on two lines\nsections:\n  - id: s\n    title: S\n    fields:\n      - { id: q, type: text, label: Q }\n", "b-form", title), "b-form.yaml");
        Assert.Empty(copy.Errors);
        Assert.Equal(("b-form", title.Trim()), (copy.Definition!.Id, copy.Definition.Title));
        Assert.Null(EmailTemplateCatalog.Preview("t", NewConfigurationItem.BlankTemplate("Hello {{ supervisee.name }}"), EmailTemplateCatalog.SampleModel("x", "X", new DateOnly(2026, 1, 1))).Error);
    }

    [Fact]
    public async Task A_form_made_from_blank_is_edited_as_a_draft_and_publishing_makes_version_1_listed_and_audited()
    {
        var admin = await AdminAsync();
        Assert.Contains("/admin/forms/new", await admin.GetStringAsync($"/{T}/admin/forms"));
        Assert.Contains("Create a form", await admin.GetStringAsync($"/{T}/admin/forms/new"));

        var started = await NewAsync(admin, T, "forms", "wellbeing-check", "Wellbeing check: how are you?");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var edit = $"/{T}/admin/forms/wellbeing-check/edit";
        Assert.StartsWith(edit + "?title=", started.Headers.Location!.OriginalString);

        var page = await admin.GetAsync(started.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Publish version 1", html);
        Assert.Contains("id=\"no-problems\"", html); // the skeleton checks as it is
        var yaml = await TextOnPageAsync(page);
        Assert.StartsWith("id: wellbeing-check\ntitle: \"Wellbeing check: how are you?\"\n", yaml);

        // The code editor's check as the admin types posts only the text: a form being created is checked too.
        var validated = await admin.PostForm(edit + "?handler=Validate", new Dictionary<string, string> { ["Yaml"] = yaml + "colour: blue\n" }, $"/{T}/admin/forms");
        Assert.Equal(HttpStatusCode.OK, validated.StatusCode);
        Assert.Contains("&#x27;colour&#x27; is not a setting of a form", await validated.Content.ReadAsStringAsync());

        // The draft is the page: nothing is stored, listed or known to rules before it is published.
        Assert.Empty(await FormVersionsAsync("wellbeing-check"));
        Assert.DoesNotContain("wellbeing-check", await admin.GetStringAsync($"/{T}/admin/forms"));
        Assert.DoesNotContain("wellbeing-check", await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<WorkflowCatalog>().Environment().FormIds)));

        var added = await admin.PostForm(edit + "?handler=Add", new Dictionary<string, string>
        {
            ["Creating"] = "true", ["Yaml"] = yaml, ["Add.Label"] = "How many hours did you rest this week?", ["Add.Type"] = "number",
            ["Add.Required"] = "yes", ["Add.Section"] = "main",
        }, $"/{T}/admin/forms");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        yaml = await TextOnPageAsync(added);
        Assert.Contains("label: How many hours did you rest this week?", yaml);
        Assert.Contains("name=\"Creating\" value=\"true\"", await added.Content.ReadAsStringAsync());

        var published = await admin.PostForm(edit + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Yaml"] = yaml }, $"/{T}/admin/forms");
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var versions = await FormVersionsAsync("wellbeing-check");
        var v1 = Assert.Single(versions);
        Assert.Equal((1, "Wellbeing check: how are you?"), (v1.Version, v1.Title));
        Assert.True(FormCatalog.Definition(v1).Field("how-many-hours-did-you-rest-this-week")!.Required);
        Assert.Contains("Wellbeing check: how are you?", await admin.GetStringAsync($"/{T}/admin/forms"));
        Assert.Contains("wellbeing-check", await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<WorkflowCatalog>().Environment().FormIds)));

        var entry = await AuditAsync("form", "wellbeing-check v1");
        Assert.NotNull(entry);
        Assert.Equal(("create", await StaffIdAsync($"admin@{T}.example")), (entry.Action, entry.ActorId));

        // Now it exists: the same id is refused, and the editor edits it (version 2 next).
        var again = await NewAsync(admin, T, "forms", "wellbeing-check", "Another");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("This organisation already has a form with the id &#x27;wellbeing-check&#x27;", await again.Content.ReadAsStringAsync());
        Assert.Contains("Publish version 2", await admin.GetStringAsync(edit));
    }

    [Fact]
    public async Task Bad_or_taken_ids_and_missing_titles_are_refused_with_a_message_at_the_field_keeping_what_was_typed()
    {
        var admin = await AdminAsync();
        // Each create page's own form carries the antiforgery token (a browser posts only that form's fields).
        foreach (var kind in new[] { "forms", "workflows", "emails" })
        {
            var html = await admin.GetStringAsync($"/{T}/admin/{kind}/new");
            var form = Regex.Match(html, $"<form method=\"post\" action=\"/{T}/admin/{kind}/new\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
            Assert.True(form.Success, kind);
            Assert.Contains("name=\"__RequestVerificationToken\"", form.Groups[1].Value);
        }
        foreach (var (kind, id, title, message) in new[]
        {
            ("forms", "", "A title", "Enter an id for the form."),
            ("forms", "Wellbeing Check", "A title", "no spaces or capitals"),
            ("forms", "-wellbeing", "A title", "starting and ending with a letter or digit"),
            ("forms", "well_being", "A title", "lower-case letters, digits and hyphens"),
            ("forms", new string('a', 64), "A title", "63 characters or fewer"),
            ("forms", "new", "A title", "cannot be used as an id"),
            ("forms", "self-care-plan", "A title", "already has a form with the id"),
            ("forms", "fine-id", "", "Enter a title for the form."),
            ("workflows", "Bad Id", "A title", "no spaces or capitals"),
            ("workflows", "supervision-overdue", "A title", "already has a rule with the id"),
            ("emails", "record-sign-off", "A subject", "already has an email template with the id"),
            ("emails", "fine-name", "", "Enter a subject for the email."),
        })
        {
            var response = await NewAsync(admin, T, kind, id, title);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains("govuk-error-summary", html);
            Assert.Contains(message, html);
            Assert.Contains($"<a href=\"#{(title.Length == 0 ? "Title" : "Id")}\">", html);
            Assert.Contains($"value=\"{id}\"", html); // nothing typed is lost
        }
        Assert.Empty(await FormVersionsAsync("fine-id"));

        // The editor of an id no form could have is not a way round the check; nor is a missing item without "create".
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{T}/admin/forms/Bad_Id/edit?title=x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{T}/admin/workflows/Bad_Id?title=x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{T}/admin/emails/Bad_Id?subject=x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{T}/admin/forms/no-such-form/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{T}/admin/workflows/no-such-rule")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/{T}/admin/workflows/no-such-rule?title=x")).StatusCode);
        var noCreating = await admin.PostForm($"/{T}/admin/forms/no-such-form/edit?handler=Publish",
            new Dictionary<string, string> { ["Yaml"] = NewConfigurationItem.BlankForm("no-such-form", "x") }, $"/{T}/admin/forms");
        Assert.Equal(HttpStatusCode.NotFound, noCreating.StatusCode);
        Assert.Empty(await FormVersionsAsync("no-such-form"));
    }

    [Fact]
    public async Task A_copy_of_a_form_keeps_its_text_with_the_new_id_and_title_and_publishes_as_a_separate_form()
    {
        var admin = await AdminAsync();
        var source = (await FormVersionsAsync("self-care-plan")).MaxBy(v => v.Version)!;
        var started = await NewAsync(admin, T, "forms", "staff-self-care", "Staff self-care plan", "self-care-plan");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var yaml = await TextOnPageAsync(await admin.GetAsync(started.Headers.Location));
        Assert.Equal(NewConfigurationItem.Copy(source.DefinitionText, "staff-self-care", "Staff self-care plan"), yaml);
        Assert.Contains("# The framework asks for self-care plans", yaml); // comments are kept

        var edit = $"/{T}/admin/forms/staff-self-care/edit";
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostForm(edit + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Yaml"] = yaml }, $"/{T}/admin/forms")).StatusCode);
        Assert.Equal(1, Assert.Single(await FormVersionsAsync("staff-self-care")).Version);
        Assert.Equal(source.Version, (await FormVersionsAsync("self-care-plan")).Max(v => v.Version)); // the original is untouched

        // A copy of a form the tenant does not have is refused, on the page and in the editor's address.
        var missing = await NewAsync(admin, T, "forms", "other-copy", "Other", "no-such-form");
        Assert.Contains("Choose a blank form or one of your forms to copy.", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{T}/admin/forms/other-copy/edit?title=Other&from=no-such-form")).StatusCode);
    }

    [Fact]
    public async Task A_new_form_whose_id_someone_published_meanwhile_is_not_published_over_theirs()
    {
        var admin = await AdminAsync();
        var edit = $"/{T}/admin/forms/race-form/edit";
        var yaml = await TextOnPageAsync(await admin.GetAsync(edit + "?title=Mine"));
        await app.InTenant(T, sp => sp.GetRequiredService<FormCatalog>().PublishAsync("race-form", NewConfigurationItem.BlankForm("race-form", "Theirs"), "race-form.yaml", null, CancellationToken.None));

        var published = await admin.PostForm(edit + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Yaml"] = yaml }, $"/{T}/admin/forms");
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Contains("since you started this one", WebUtility.HtmlDecode(await published.Content.ReadAsStringAsync()));
        Assert.Equal("Theirs", Assert.Single(await FormVersionsAsync("race-form")).Title);
    }

    [Fact]
    public async Task A_rule_is_made_from_the_skeleton_tried_and_published_and_may_send_a_template_made_in_the_browser()
    {
        var admin = await AdminAsync();
        Assert.Contains("/admin/workflows/new", await admin.GetStringAsync($"/{T}/workflows"));
        var started = await NewAsync(admin, T, "workflows", "second-miss", "After a second miss, remind the supervisee");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var page = await admin.GetAsync(started.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var text = await TextOnPageAsync(page);
        Assert.Contains("# - id: tell-supervisor", text); // the commented example step
        var url = $"/{T}/admin/workflows/second-miss";
        Assert.Null(await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking().FirstOrDefaultAsync(v => v.WorkflowId == "second-miss")));

        // "Try it" on the unpublished rule: the skeleton notes each miss.
        var tried = await admin.PostForm(url + "?handler=Try", new Dictionary<string, string>
        {
            ["Creating"] = "true", ["Text"] = text, ["History"] = "script",
            ["Script"] = "until: 2026-02-28\nsessions:\n  - { date: 2026-01-12, outcome: attended }\n  - { date: 2026-02-09, outcome: missed }\n",
        }, $"/{T}/workflows");
        var triedHtml = WebUtility.HtmlDecode(await tried.Content.ReadAsStringAsync());
        Assert.Contains("What would happen", triedHtml);
        Assert.Contains("A session was missed (1 in a row)", triedHtml);

        // Sending a template the tenant does not have yet is refused at its line...
        var withEmail = text.Replace("  # - id: tell-supervisor\n  #   send-email: { to: [supervisor], template: supervision-overdue }",
            "  - id: remind\n    send-email: { to: [supervisee], template: second-reminder }", StringComparison.Ordinal);
        Assert.Contains("template: second-reminder", withEmail);
        var refused = await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Text"] = withEmail }, $"/{T}/workflows");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("second-reminder", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Null(await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking().FirstOrDefaultAsync(v => v.WorkflowId == "second-miss")));

        // ... until an admin creates that template in the browser.
        var template = await NewAsync(admin, T, "emails", "second-reminder", "Your supervision with {{ supervisor.name }}");
        Assert.Equal(HttpStatusCode.Redirect, template.StatusCode);
        var templatePage = await admin.GetAsync(template.Headers.Location);
        var templateText = await TextOnPageAsync(templatePage);
        Assert.StartsWith("subject: Your supervision with {{ supervisor.name }}\n", templateText);
        Assert.Contains("Your supervision with Sam Supervisor", await templatePage.Content.ReadAsStringAsync()); // the preview
        var emailUrl = $"/{T}/admin/emails/second-reminder";
        var publishedTemplate = await admin.PostForm(emailUrl + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Text"] = templateText }, $"/{T}/admin/emails");
        Assert.Equal(HttpStatusCode.Redirect, publishedTemplate.StatusCode);
        Assert.Contains("second-reminder", await admin.GetStringAsync($"/{T}/admin/emails"));
        Assert.Equal("create", (await AuditAsync("email-template", "second-reminder v1"))!.Action);

        var published = await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Text"] = withEmail }, $"/{T}/workflows");
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var rule = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking().SingleAsync(v => v.WorkflowId == "second-miss"));
        Assert.Equal((1, true, "session.missed"), (rule.Version, rule.IsCurrent, rule.TriggerEvent));
        Assert.Contains("After a second miss, remind the supervisee", await admin.GetStringAsync($"/{T}/workflows"));
        var entry = (await AuditAsync("workflow", "second-miss v1"))!;
        Assert.Equal(("create", await StaffIdAsync($"admin@{T}.example")), (entry.Action, entry.ActorId));

        // The rule sends it: the template is the one published here, rendered.
        var rendered = await app.InTenant(T, async sp => EmailTemplates.Render(
            await sp.GetRequiredService<EmailTemplates>().GetAsync(sp.GetRequiredService<AppDbContext>(), T, "second-reminder"),
            EmailTemplateCatalog.SampleModel(T, "School", new DateOnly(2026, 2, 9))));
        Assert.Equal("Your supervision with Sam Supervisor", rendered.Subject);

        // A copy of a rule keeps its steps under the new id.
        var copy = await NewAsync(admin, T, "workflows", "overdue-copy", "Overdue, our way", "supervision-overdue");
        var copied = await TextOnPageAsync(await admin.GetAsync(copy.Headers.Location));
        Assert.StartsWith("id: overdue-copy\n", copied);
        Assert.Contains("title: \"Overdue, our way\"", copied);
        Assert.Empty(await app.InTenant(T, sp => Task.FromResult(sp.GetRequiredService<WorkflowCatalog>().Check(copied, "overdue-copy.yaml", "overdue-copy").Errors)));
    }

    [Fact]
    public async Task A_template_with_a_broken_subject_is_not_published_and_one_copied_keeps_its_body()
    {
        var admin = await AdminAsync();
        var url = $"/{T}/admin/emails/broken-one";
        var refused = await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { ["Creating"] = "true", ["Text"] = "no subject line\n\nHello" }, url + "?subject=x");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("the first line must be", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(0, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().EmailTemplateVersions.CountAsync(v => v.Name == "broken-one")));

        var copy = await NewAsync(admin, T, "emails", "sign-off-nudge", "Please sign the record", "record-sign-off");
        var text = await TextOnPageAsync(await admin.GetAsync(copy.Headers.Location));
        var original = File.ReadAllText(AppFactory.RepoPath(Path.Combine("tenants", T, "emails", "record-sign-off.md"))).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal("subject: Please sign the record", text.Split('\n')[0]);
        Assert.Equal(original.Split('\n')[1..], text.Split('\n')[1..]);
    }

    [Fact]
    public async Task Another_tenants_admin_cannot_create_in_or_copy_from_this_tenant_whatever_the_url()
    {
        var ascent = await AdminAsync("ascent");
        var token = await ascent.AntiforgeryToken("/ascent/admin/forms/new");

        // Ralph Thoresby's create pages and editors are not theirs: the sign-in at ascent does not count there.
        foreach (var url in new[] { $"/{T}/admin/forms/new", $"/{T}/admin/workflows/new", $"/{T}/admin/emails/new",
                     $"/{T}/admin/forms/intruder-form/edit", $"/{T}/admin/workflows/intruder-rule", $"/{T}/admin/emails/intruder-mail" })
            Assert.NotEqual(HttpStatusCode.OK, (await ascent.GetAsync(url)).StatusCode);
        foreach (var (url, field) in new[] { ($"/{T}/admin/forms/intruder-form/edit?handler=Publish", "Yaml"), ($"/{T}/admin/workflows/intruder-rule?handler=Publish", "Text"), ($"/{T}/admin/emails/intruder-mail?handler=Publish", "Text") })
        {
            var text = field == "Yaml" ? NewConfigurationItem.BlankForm("intruder-form", "x") : url.Contains("workflows", StringComparison.Ordinal) ? NewConfigurationItem.BlankRule("intruder-rule", "x") : "subject: x\n\nx";
            var post = await ascent.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { [field] = text, ["Creating"] = "true", ["__RequestVerificationToken"] = token }));
            Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        }
        var created = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return await db.FormVersions.CountAsync(v => v.FormId == "intruder-form") + await db.WorkflowVersions.CountAsync(v => v.WorkflowId == "intruder-rule")
                + await db.EmailTemplateVersions.CountAsync(v => v.Name == "intruder-mail");
        });
        Assert.Equal(0, created);

        // At their own address, Ralph Thoresby's forms, rules and templates are not there to copy (or to take ids from).
        foreach (var (kind, id, from) in new[] { ("forms", "my-functions", "four-functions"), ("workflows", "my-difficulties", "difficulties"), ("emails", "my-third-party", "difficulty-third-party") })
        {
            var refused = await NewAsync(ascent, "ascent", kind, id, "Mine", from);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("to copy", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync("/ascent/admin/forms/my-functions/edit?title=Mine&from=four-functions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync("/ascent/admin/workflows/my-difficulties?title=Mine&from=difficulties")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ascent.GetAsync("/ascent/admin/emails/my-third-party?subject=Mine&from=difficulty-third-party")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ascent.GetAsync("/ascent/admin/forms/my-functions/edit?title=Mine")).StatusCode); // the same without the copy

        // Ids are per tenant: ascent may use an id Ralph Thoresby has, and gets its own blank form, not theirs.
        var own = await NewAsync(ascent, "ascent", "forms", "four-functions", "Our four functions");
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        var yaml = await TextOnPageAsync(await ascent.GetAsync(own.Headers.Location));
        Assert.Equal(NewConfigurationItem.BlankForm("four-functions", "Our four functions"), yaml);

        // Within the tenant, only an admin creates.
        var lead = await AdminAsync(T, "lead");
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync($"/{T}/admin/forms/new")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync($"/{T}/admin/workflows/new")).StatusCode);
    }
}
