using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>The admin form editor (Pages/Admin/Forms): check, publish, versions, roll back, who may, and the audit log.</summary>
public sealed partial class FormEditorTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";
    private const string Form = "self-care-plan";
    private static string Edit => $"/{T}/admin/forms/{Form}/edit";
    private static string Versions => $"/{T}/admin/forms/{Form}/versions";

    [GeneratedRegex("<textarea[^>]*name=\"Yaml\"[^>]*>([^<]*)</textarea>")]
    private static partial Regex YamlBox();

    private async Task<HttpClient> AdminAsync(string tenant = T)
    {
        var admin = app.Browser();
        await admin.SignIn(tenant, $"admin@{tenant}.example", AppFactory.DemoPassword);
        return admin;
    }

    private static async Task<string> YamlOnPageAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(YamlBox().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value).Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\n');

    private Task<List<FormVersion>> VersionsAsync(string tenant = T, string form = Form) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().FormVersions.Where(v => v.FormId == form).OrderBy(v => v.Version).ToListAsync());

    [Fact]
    public async Task A_change_that_is_not_made_names_its_question_and_links_to_it()
    {
        var admin = await AdminAsync();
        var current = (await VersionsAsync())[^1];
        var fields = FormCatalog.Definition(current).Sections.SelectMany(s => s.Fields).ToList();
        var second = fields[1];
        var emptied = await admin.PostForm(Edit + "?handler=Questions", new Dictionary<string, string>
        {
            ["Yaml"] = current.DefinitionText,
            ["Rows[0].Id"] = second.Id, ["Rows[0].OriginalLabel"] = second.Label, ["Rows[0].Label"] = "   ",
            ["Rows[0].WasRequired"] = second.Required ? "true" : "false", ["Rows[0].Required"] = second.Required ? "true" : "false",
        }, Edit);
        var html = WebUtility.HtmlDecode(await emptied.Content.ReadAsStringAsync());
        Assert.Contains($"The question “{second.Label}” was not changed", html);
        Assert.Contains($"<a href=\"#q-{second.Id}\">Type the question's new wording.</a>", html);
        Assert.Contains($"aria-describedby=\"q-{second.Id}-error\"", html);
        Assert.DoesNotContain("That change was not made", html);

        // Moving the first question up: refused, and named.
        var moved = await admin.PostForm(Edit + "?handler=Move", new Dictionary<string, string>
        {
            ["Yaml"] = current.DefinitionText, ["move"] = $"{fields[0].Id}:-1",
            ["Rows[0].Id"] = fields[0].Id, ["Rows[0].OriginalLabel"] = fields[0].Label,
        }, Edit);
        Assert.Contains($"The question “{fields[0].Label}” was not changed", WebUtility.HtmlDecode(await moved.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Adding_a_required_question_and_publishing_makes_the_next_version_and_logs_who_did_it()
    {
        var admin = await AdminAsync();
        var before = await VersionsAsync();
        var page = await admin.GetStringAsync(Edit);
        Assert.Contains("Publish version " + (before[^1].Version + 1), page);

        var added = await admin.PostForm(Edit + "?handler=Add", new Dictionary<string, string>
        {
            ["Yaml"] = before[^1].DefinitionText, ["Add.Label"] = "Who else supports you at work?", ["Add.Type"] = "longText",
            ["Add.Required"] = "yes", ["Add.Section"] = "plan-details",
        }, Edit);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var yaml = await YamlOnPageAsync(added);
        Assert.Contains("label: Who else supports you at work?", yaml);
        Assert.Contains("# The framework asks for self-care plans", yaml); // the comments stay

        var published = await admin.PostForm(Edit + "?handler=Publish", new Dictionary<string, string> { ["Yaml"] = yaml }, Edit);
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var after = await VersionsAsync();
        Assert.Equal(before[^1].Version + 1, after[^1].Version);
        var field = FormCatalog.Definition(after[^1]).Field("who-else-supports-you-at-work");
        Assert.NotNull(field);
        Assert.True(field.Required);

        var adminId = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Email == $"admin@{T}.example").Select(s => s.Id).SingleAsync());
        var entry = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.Entity == "form" && a.Action == "publish").OrderByDescending(a => a.Sequence).FirstAsync());
        Assert.Equal(adminId, entry.ActorId);
        Assert.Equal($"{Form} v{after[^1].Version}", entry.EntityId);

        var log = await admin.GetStringAsync($"/{T}/audit?action=publish&entity=form");
        Assert.Contains($"Form {Form} v{after[^1].Version}", log);

        // Publishing the same text again publishes nothing.
        await admin.PostForm(Edit + "?handler=Publish", new Dictionary<string, string> { ["Yaml"] = yaml }, Edit);
        Assert.Equal(after.Count, (await VersionsAsync()).Count);

        // A restart does not undo the admin's version by publishing the (older) file again.
        await app.InTenant(T, sp => sp.GetRequiredService<FormCatalog>().SyncFolderAsync(
            AppFactory.RepoPath(Path.Combine("tenants", T, "forms")), AppFactory.RepoPath(""), CancellationToken.None));
        Assert.Equal(after.Count, (await VersionsAsync()).Count);
    }

    [Fact]
    public async Task A_definition_with_errors_is_not_published_and_its_problems_show_at_their_lines()
    {
        var admin = await AdminAsync();
        var before = await VersionsAsync(T, "supervision-difficulty");
        var url = $"/{T}/admin/forms/supervision-difficulty/edit";
        var lines = before[^1].DefinitionText.Split('\n').ToList();
        var typeLine = lines.FindIndex(l => l.TrimStart().StartsWith("required:", StringComparison.Ordinal));
        lines[typeLine] = lines[typeLine].Replace("required:", "requird:", StringComparison.Ordinal);
        var bad = string.Join('\n', lines);

        var refused = await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { ["Yaml"] = bad }, url);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("The form was not published", html);
        Assert.Contains($"Line {typeLine + 1}: &#x27;requird&#x27; is not a setting", html);
        Assert.Contains($"data-line=\"{typeLine + 1}\"", html);
        Assert.Equal(before.Count, (await VersionsAsync(T, "supervision-difficulty")).Count);

        // The editor's check as you type answers the same, as a fragment.
        var check = await admin.PostForm(url + "?handler=Validate", new Dictionary<string, string> { ["Yaml"] = bad }, url);
        var fragment = await check.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains($"data-line=\"{typeLine + 1}\"", fragment);
        Assert.Contains("data-ok=\"false\"", fragment);

        // Without problems, the fragment carries the preview drawn by the form renderer.
        var good = await admin.PostForm(url + "?handler=Validate", new Dictionary<string, string> { ["Yaml"] = before[^1].DefinitionText }, url);
        var preview = await good.Content.ReadAsStringAsync();
        Assert.Contains("data-ok=\"true\"", preview);
        Assert.Contains("app-form-section", preview);

        // A guidance form that does not exist is a problem at the guidance line.
        var withGuidance = before[^1].DefinitionText.Replace("sections:", "guidance: no-such-guidance\nsections:", StringComparison.Ordinal);
        var guidanceLine = withGuidance.Split('\n').ToList().FindIndex(l => l.StartsWith("guidance:", StringComparison.Ordinal)) + 1;
        var refusedGuidance = await (await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { ["Yaml"] = withGuidance }, url)).Content.ReadAsStringAsync();
        Assert.Contains($"Line {guidanceLine}: guidance: there is no guidance form &#x27;no-such-guidance&#x27;", refusedGuidance);
    }

    [Fact]
    public async Task Rolling_back_publishes_an_earlier_version_again_and_the_diff_shows_the_change()
    {
        var admin = await AdminAsync();
        const string form = "contract";
        var url = $"/{T}/admin/forms/{form}/edit";
        var v1 = (await VersionsAsync(T, form))[^1];
        var reworded = await admin.PostForm(url + "?handler=Questions", new Dictionary<string, string>
        {
            ["Yaml"] = v1.DefinitionText,
            ["Rows[0].Id"] = FormCatalog.Definition(v1).Sections[0].Fields[0].Id,
            ["Rows[0].OriginalLabel"] = FormCatalog.Definition(v1).Sections[0].Fields[0].Label,
            ["Rows[0].Label"] = "Name of the supervisor (reworded)",
            ["Rows[0].WasRequired"] = FormCatalog.Definition(v1).Sections[0].Fields[0].Required ? "true" : "false",
            ["Rows[0].Required"] = FormCatalog.Definition(v1).Sections[0].Fields[0].Required ? "true" : "false",
        }, url);
        var yaml = await YamlOnPageAsync(reworded);
        Assert.Contains("Name of the supervisor (reworded)", yaml);
        await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { ["Yaml"] = yaml }, url);
        var v2 = (await VersionsAsync(T, form))[^1];
        Assert.Equal(v1.Version + 1, v2.Version);

        var versionsUrl = $"/{T}/admin/forms/{form}/versions";
        var diff = await admin.GetStringAsync($"{versionsUrl}?from={v1.Version}&to={v2.Version}");
        Assert.Contains("1 line added, 1 line removed", diff);
        Assert.Contains("app-diff__row--added", diff);
        Assert.Contains("Added</td>", diff);
        Assert.Contains("Name of the supervisor (reworded)", diff);

        var rolledBack = await admin.PostForm(versionsUrl + "?handler=RollBack", new Dictionary<string, string> { ["version"] = v1.Version.ToString() }, versionsUrl);
        Assert.Equal(HttpStatusCode.Redirect, rolledBack.StatusCode);
        var v3 = (await VersionsAsync(T, form))[^1];
        Assert.Equal(v2.Version + 1, v3.Version);
        Assert.Equal(v1.DefinitionText, v3.DefinitionText);
        var entry = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.Entity == "form").OrderByDescending(a => a.Sequence).FirstAsync());
        Assert.Equal("rollback", entry.Action);
        Assert.Equal($"{form} v{v3.Version} (version {v1.Version} again)", entry.EntityId);
    }

    [Fact]
    public async Task An_admin_of_another_tenant_can_neither_see_nor_change_the_forms()
    {
        var ascentAdmin = await AdminAsync("ascent");
        var before = await VersionsAsync();
        Assert.NotEqual(HttpStatusCode.OK, (await ascentAdmin.GetAsync(Edit)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await ascentAdmin.GetAsync(Versions)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await ascentAdmin.GetAsync($"/{T}/admin/forms")).StatusCode);

        // A post with ascent's own page token to ralph-thoresby's editor publishes nothing.
        var token = await ascentAdmin.AntiforgeryToken("/ascent/admin/forms/contract/edit");
        var posted = await ascentAdmin.PostAsync(Edit + "?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Yaml"] = before[^1].DefinitionText.Replace("title: Self-care plan", "title: Changed by another tenant", StringComparison.Ordinal),
            ["__RequestVerificationToken"] = token,
        }));
        Assert.False(Published(posted));
        var rollback = await ascentAdmin.PostAsync(Versions + "?handler=RollBack", new FormUrlEncodedContent(new Dictionary<string, string> { ["version"] = "1", ["__RequestVerificationToken"] = token }));
        Assert.False(Published(rollback));
        Assert.Equal(before.Count, (await VersionsAsync()).Count);

        // At its own address, a form only ralph-thoresby has is not found, and its list shows only its own.
        Assert.Equal(HttpStatusCode.NotFound, (await ascentAdmin.GetAsync("/ascent/admin/forms/four-functions/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ascentAdmin.GetAsync("/ascent/admin/forms/four-functions/versions")).StatusCode);
        var list = await ascentAdmin.GetStringAsync("/ascent/admin/forms");
        Assert.DoesNotContain("four-functions", list);
        Assert.DoesNotContain("Self-care plan", list);
    }

    [Fact]
    public async Task Without_javascript_check_lists_problems_with_their_line_and_moving_rewrites_the_yaml()
    {
        var admin = await AdminAsync();
        var url = $"/{T}/admin/forms/four-functions/edit";
        var current = (await VersionsAsync(T, "four-functions"))[^1].DefinitionText;
        var checkedPage = await (await admin.PostForm(url + "?handler=Check", new Dictionary<string, string> { ["Yaml"] = "id: four-functions\ntitle: Four\nsections: []\n" }, url)).Content.ReadAsStringAsync();
        Assert.Contains("Line 3, column 11</a>: A form needs at least one section with fields.", checkedPage);
        Assert.Contains("sections: []</code>", checkedPage); // the line itself, for people without line numbers
        Assert.Contains("The preview shows again when the problems are fixed.", checkedPage);

        var self = "/" + T + "/admin/forms/" + Form + "/edit";
        var text = (await VersionsAsync())[^1].DefinitionText;
        var moved = await admin.PostForm(self + "?handler=Move", new Dictionary<string, string> { ["Yaml"] = text.Replace("\n", "\r\n", StringComparison.Ordinal), ["move"] = "supervisor:-1" }, self);
        var yaml = await YamlOnPageAsync(moved);
        Assert.True(yaml.IndexOf("id: supervisor", StringComparison.Ordinal) < yaml.IndexOf("id: supervisee", StringComparison.Ordinal));
        Assert.DoesNotContain("\r", yaml);
        Assert.Contains("Moved &#x27;supervisor&#x27; up at line", await moved.Content.ReadAsStringAsync());
        Assert.NotEmpty(current);
    }

    private static bool Published(HttpResponseMessage r) =>
        r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.ToString().Contains("/versions", StringComparison.Ordinal) == true;

    [Fact]
    public async Task Only_tenant_admins_may_edit_forms()
    {
        foreach (var who in new[] { "supervisor", "lead", "auditor" })
        {
            var person = app.Browser();
            await person.SignIn(T, $"{who}@{T}.example", AppFactory.DemoPassword);
            Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync($"/{T}/admin/forms")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync(Edit)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync(Versions)).StatusCode);
        }
        var anonymous = app.Browser();
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync(Edit)).StatusCode);
    }
}
