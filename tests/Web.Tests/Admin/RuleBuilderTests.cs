using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>The rule builder (Pages/Admin/Workflows/Build) over HTTP: it opens every rule, its buttons build a rule without YAML or JavaScript, problems show at their controls, Publish makes a version.</summary>
public sealed class RuleBuilderTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "river-tees";

    private async Task<HttpClient> AdminAsync(string tenant = T)
    {
        var admin = app.Browser();
        await admin.SignIn(tenant, $"admin@{tenant}.example", AppFactory.DemoPassword);
        return admin;
    }

    [Fact]
    public async Task Every_rule_of_a_tenant_opens_in_the_builder_without_problems()
    {
        var admin = await AdminAsync();
        var ids = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.Where(v => v.IsCurrent).Select(v => v.WorkflowId).ToListAsync());
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            var html = await admin.GetStringAsync($"/{T}/admin/workflows/{id}/build");
            Assert.Contains("id=\"no-problems\"", html);
            Assert.DoesNotContain("govuk-error-summary", html);
        }
        // A condition in the rows' shape opens as rows.
        var page = BuilderPages.Parse(await admin.GetStringAsync($"/{T}/admin/workflows/two-consecutive-misses/build"));
        var fields = BuilderPages.Fields(page, "rule-builder");
        Assert.Contains(fields, f => f.Key == "Draft.Condition.Rows[0].What" && f.Value == "history.consecutiveMisses");
        Assert.Contains(fields, f => f.Key == "Draft.Condition.Rows[0].Value" && f.Value == "2");
    }

    [Fact]
    public async Task A_new_rule_built_from_rows_and_pickers_publishes_as_the_definition_it_says()
    {
        const string id = "builder-missed-twice";
        var url = $"/{T}/admin/workflows/{id}/build";
        var admin = await AdminAsync();
        var page = BuilderPages.Parse(await admin.GetStringAsync(url + "?title=" + Uri.EscapeDataString("Missed twice: rebook or escalate")));
        var fields = BuilderPages.Fields(page, "rule-builder");
        fields.Set("Draft.Event", EventNames.SessionMissed);
        (_, page) = await admin.Press(url, fields, "add-row:Condition");
        fields = BuilderPages.Fields(page, "rule-builder");
        fields.Set("Draft.Condition.Rows[0].What", "history.consecutiveMisses");
        fields.Set("Draft.Condition.Rows[0].Operator", ">=");
        fields.Set("Draft.Condition.Rows[0].Value", "2");
        // Replace the blank rule's step with a wait.
        (_, page) = await admin.Press(url, fields, "remove:Steps[0]");
        fields = BuilderPages.Fields(page, "rule-builder");
        fields.Set("add-kind:Steps", "wait");
        (_, page) = await admin.Press(url, fields, "add:Steps");
        fields = BuilderPages.Fields(page, "rule-builder");
        fields.Set("Draft.Steps[0].WaitFor", EventNames.SessionBooked);
        fields.Set("Draft.Steps[0].TimeoutDays", "5");
        fields.Set("Draft.Steps[0].TimeoutKind", "working");
        fields.Set("add-kind:Steps[0].OnTimeout", "escalate");
        (_, page) = await admin.Press(url, fields, "add:Steps[0].OnTimeout");
        fields = BuilderPages.Fields(page, "rule-builder");
        fields.Set("pick:Steps[0].OnTimeout[0].To", "role:safeguarding-team");
        (_, page) = await admin.Press(url, fields, "pick:Steps[0].OnTimeout[0].To");
        fields = BuilderPages.Fields(page, "rule-builder");
        Assert.Equal("role:safeguarding-team", fields.First(f => f.Key == "Draft.Steps[0].OnTimeout[0].To").Value);
        fields.Set("Draft.Steps[0].OnTimeout[0].Template", "missed-sessions");
        fields.Set("Draft.Steps[0].OnTimeout[0].Reason", "No session booked within 5 working days of a second miss");

        var (published, shown) = await admin.Press(url + "?handler=Publish", fields);
        Assert.True(published.StatusCode == HttpStatusCode.Redirect, shown.QuerySelector("#builder-problems")?.TextContent);
        var version = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.SingleAsync(v => v.WorkflowId == id));
        var rule = WorkflowCatalog.Definition(version);
        Assert.Equal(new WorkflowTrigger(EventNames.SessionMissed, null), rule.Trigger);
        Assert.Equal("history.consecutiveMisses >= 2", rule.Condition);
        var wait = Assert.IsType<WaitStep>(Assert.Single(rule.Steps));
        Assert.Equal(new WaitTimeout(5, DayKind.Working), wait.Timeout);
        var escalate = Assert.IsType<EscalateStep>(Assert.Single(wait.OnTimeout));
        Assert.Equal(["role:safeguarding-team"], escalate.To);
    }

    [Fact]
    public async Task A_problem_shows_at_its_control_and_keeps_what_was_typed()
    {
        var url = $"/{T}/admin/workflows/two-consecutive-misses/build";
        var admin = await AdminAsync();
        var page = BuilderPages.Parse(await admin.GetStringAsync(url));
        var fields = BuilderPages.Fields(page, "rule-builder");
        fields.Set("Draft.Steps[0].Id", "Tell Manager");
        fields.Set("Draft.Condition.Rows[0].Value", "two");
        fields.Set("Draft.Steps[0].Template", "no-such-template");

        var (refused, shown) = await admin.Press(url + "?handler=Publish", fields);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("was not published", shown.QuerySelector("#builder-problems")!.TextContent);
        var stepId = shown.QuerySelector("[name='Draft.Steps[0].Id']")!;
        Assert.Equal("Tell Manager", stepId.GetAttribute("value"));
        Assert.NotNull(shown.GetElementById(stepId.Id + "-error"));
        var template = shown.QuerySelector("[name='Draft.Steps[0].Template']")!;
        Assert.Contains("no-such-template", shown.GetElementById(template.Id + "-error")!.TextContent);
    }

    [Fact]
    public async Task Trying_the_built_rule_shows_what_it_would_do()
    {
        var url = $"/{T}/admin/workflows/two-consecutive-misses/build";
        var admin = await AdminAsync();
        var page = BuilderPages.Parse(await admin.GetStringAsync(url));
        var fields = BuilderPages.Fields(page, "rule-builder");
        var (tried, shown) = await admin.Press(url + "?handler=Try", fields);
        Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
        Assert.NotNull(shown.GetElementById("try-results"));
    }
}
