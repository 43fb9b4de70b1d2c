using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>The form builder (Pages/Admin/Forms/Build) over HTTP: it opens every form, its buttons change the definition, problems show at their controls, and Publish makes a version.</summary>
public sealed class FormBuilderTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    private async Task<HttpClient> AdminAsync(string tenant = T)
    {
        var admin = app.Browser();
        await admin.SignIn(tenant, $"admin@{tenant}.example", AppFactory.DemoPassword);
        return admin;
    }

    private Task<List<FormVersion>> VersionsAsync(string form, string tenant = T) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().FormVersions.Where(v => v.FormId == form).OrderBy(v => v.Version).ToListAsync());

    [Fact]
    public async Task Every_form_of_a_tenant_opens_in_the_builder_without_problems_and_with_its_preview()
    {
        var admin = await AdminAsync();
        var forms = await app.InTenant(T, sp => sp.GetRequiredService<FormCatalog>().LatestVersionsAsync(CancellationToken.None));
        Assert.NotEmpty(forms);
        foreach (var form in forms)
        {
            var html = await admin.GetStringAsync($"/{T}/admin/forms/{form.FormId}/build");
            Assert.Contains("id=\"no-problems\"", html);
            Assert.DoesNotContain("govuk-error-summary", html);
        }
    }

    [Fact]
    public async Task Adding_a_choice_question_with_a_show_when_and_publishing_makes_the_next_version_with_it()
    {
        const string form = "self-care-plan";
        var url = $"/{T}/admin/forms/{form}/build";
        var admin = await AdminAsync();
        var before = await VersionsAsync(form);
        var page = BuilderPages.Parse(await admin.GetStringAsync(url));
        var fields = BuilderPages.Fields(page, "form-builder");
        var firstSectionCount = FormCatalog.Definition(before[^1]).Sections[0].Fields.Count;

        fields.Set("AddTypes[0]", "yesNo");
        (_, page) = await admin.Press(url, fields, "add:0");
        var yesNo = $"Draft.Sections[0].Fields[{firstSectionCount}]";
        Assert.NotNull(page.QuerySelector($"[name='{yesNo}.Label'][autofocus]")); // focus on what was added
        fields = BuilderPages.Fields(page, "form-builder");
        fields.Set(yesNo + ".Label", "Do you want a follow-up?");
        fields.Set(yesNo + ".Id", "follow-up");
        fields.Set("AddTypes[0]", "choice");
        (_, page) = await admin.Press(url, fields, "add:0");
        var choice = $"Draft.Sections[0].Fields[{firstSectionCount + 1}]";
        fields = BuilderPages.Fields(page, "form-builder");
        fields.Set(choice + ".Label", "When?");
        fields.Set(choice + ".Id", "follow-up-when");
        fields.Set(choice + ".Options", "this-week | This week\nthis-month | This month");
        fields.Set(choice + ".WhenField", "follow-up");
        fields.Set(choice + ".WhenValue", "yes");
        fields.Tick(choice + ".Required", "true");

        var (published, _) = await admin.Press(url + "?handler=Publish", fields);
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var after = await VersionsAsync(form);
        Assert.Equal(before[^1].Version + 1, after[^1].Version);
        var definition = FormCatalog.Definition(after[^1]);
        var when = definition.Field("follow-up-when")!;
        Assert.Equal(FieldType.Choice, when.Type);
        Assert.True(when.Required);
        Assert.Equal([new ChoiceOption("this-week", "This week"), new ChoiceOption("this-month", "This month")], when.Options);
        Assert.Equal(new Condition("follow-up", "yes", null, false), when.ShowWhen);
        Assert.Equal(FieldType.YesNo, definition.Field("follow-up")!.Type);
        // Everything else is as it was.
        var old = FormCatalog.Definition(before[^1]);
        Assert.Equal(old.Fields.Count() + 2, definition.Fields.Count());
    }

    [Fact]
    public async Task A_problem_shows_at_its_control_keeps_what_was_typed_and_stops_publishing()
    {
        const string form = "self-care-plan";
        var url = $"/{T}/admin/forms/{form}/build";
        var admin = await AdminAsync();
        var before = await VersionsAsync(form);
        var page = BuilderPages.Parse(await admin.GetStringAsync(url));
        var fields = BuilderPages.Fields(page, "form-builder");
        fields.Set("AddTypes[0]", "number");
        (_, page) = await admin.Press(url, fields, "add:0");
        var n = FormCatalog.Definition(before[^1]).Sections[0].Fields.Count;
        var q = $"Draft.Sections[0].Fields[{n}]";
        fields = BuilderPages.Fields(page, "form-builder");
        fields.Set(q + ".Min", "ten");
        fields.Set(q + ".Id", "Bad Id");

        var (refused, shown) = await admin.Press(url + "?handler=Publish", fields);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(before.Count, (await VersionsAsync(form)).Count);
        Assert.Contains("was not published", shown.QuerySelector("#builder-problems")!.TextContent);
        var min = shown.QuerySelector($"[name='{q}.Min']")!;
        Assert.Equal("ten", min.GetAttribute("value")); // what was typed is kept
        Assert.Contains("Enter a number", shown.GetElementById(min.Id + "-error")!.TextContent);
        var id = shown.QuerySelector($"[name='{q}.Id']")!;
        Assert.Equal("Bad Id", id.GetAttribute("value"));
        Assert.Contains("lower-case letters", shown.GetElementById(id.Id + "-error")!.TextContent);
        // The summary links to each control.
        Assert.NotNull(shown.QuerySelector($"#builder-problems a[href='#{min.Id}']"));
    }

    [Fact]
    public async Task Moving_duplicating_and_removing_change_the_order_and_the_yaml_view_stays_in_step()
    {
        const string form = "self-care-plan";
        var url = $"/{T}/admin/forms/{form}/build";
        var admin = await AdminAsync();
        var page = BuilderPages.Parse(await admin.GetStringAsync(url));
        var fields = BuilderPages.Fields(page, "form-builder");
        var first = fields.First(f => f.Key == "Draft.Sections[0].Fields[0].Id").Value;
        var second = fields.First(f => f.Key == "Draft.Sections[0].Fields[1].Id").Value;

        (_, page) = await admin.Press(url, fields, "down:0.0");
        fields = BuilderPages.Fields(page, "form-builder");
        Assert.Equal(second, fields.First(f => f.Key == "Draft.Sections[0].Fields[0].Id").Value);
        Assert.Equal(first, fields.First(f => f.Key == "Draft.Sections[0].Fields[1].Id").Value);
        Assert.NotNull(page.QuerySelector("[data-path='Sections[0].Fields[1]'][autofocus]"));

        (_, page) = await admin.Press(url, fields, "duplicate:0.1");
        fields = BuilderPages.Fields(page, "form-builder");
        Assert.Equal(first + "-1", fields.First(f => f.Key == "Draft.Sections[0].Fields[2].Id").Value);
        var yaml = fields.First(f => f.Key == "Yaml").Value;
        Assert.Contains($"id: {first}-1", yaml);

        (_, page) = await admin.Press(url, fields, "remove:0.2");
        yaml = BuilderPages.Fields(page, "form-builder").First(f => f.Key == "Yaml").Value;
        Assert.DoesNotContain($"id: {first}-1", yaml);

        // The YAML box, changed and used, is what the builder then shows.
        fields = BuilderPages.Fields(page, "form-builder");
        fields.Set("Yaml", yaml.Replace($"id: {first}\n", $"id: {first}-renamed\n", StringComparison.Ordinal));
        (_, page) = await admin.Press(url + "?handler=Yaml", fields);
        Assert.Equal($"{first}-renamed", BuilderPages.Fields(page, "form-builder").First(f => f.Key == "Draft.Sections[0].Fields[1].Id").Value);
    }

    [Fact]
    public async Task Only_a_tenant_admin_may_open_or_post_either_builder()
    {
        var supervisor = app.Browser();
        await supervisor.SignIn(T, $"supervisor@{T}.example", AppFactory.DemoPassword);
        foreach (var url in new[] { $"/{T}/admin/forms/self-care-plan/build", $"/{T}/admin/workflows/supervision-overdue/build" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync(url)).StatusCode);
            var posted = await supervisor.PostAsync(url + "?handler=Publish", new FormUrlEncodedContent([new("Draft.Title", "x")]));
            Assert.True(posted.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"{url}: {posted.StatusCode}");
        }
        // Another tenant's admin is not this tenant's admin.
        var other = await AdminAsync("ascent");
        Assert.NotEqual(HttpStatusCode.OK, (await other.GetAsync($"/{T}/admin/forms/self-care-plan/build")).StatusCode);
    }
}
