using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// An ascent admin, by keyboard and without typing YAML or JavaScript, builds a new form (every field
/// type, a table with a per-row condition, two sections filled by different people) and a new rule
/// (on a missed session, a condition on history, a wait with a working-day timeout and a reminder, an
/// escalation to a role), tries the rule, publishes both; then the rule runs on the real host and its
/// email reaches the SMTP server. axe on each builder at desktop and phone widths; screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BuildersJourneyTests(BrowserFixture fx)
{
    private const string T = "ascent";
    private const string FormId = "built-wellbeing-check";
    private const string RuleId = "built-missed-twice";

    private static async Task PressAsync(ILocator target)
    {
        await target.FocusAsync();
        await target.Page.Keyboard.PressAsync("Enter");
    }

    private static async Task TypeIntoAsync(ILocator box, string text)
    {
        await box.FocusAsync();
        await box.Page.Keyboard.PressAsync("Control+A");
        await box.Page.Keyboard.PressAsync("Delete");
        await box.Page.Keyboard.InsertTextAsync(text);
    }

    /// <summary>Chooses an option of a closed list by keyboard: arrow keys from where it is.</summary>
    private static async Task ChooseAsync(IPage page, string id, string value)
    {
        var select = page.Locator("#" + id);
        var values = await select.Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        var target = Array.IndexOf(values, value);
        Assert.True(target >= 0, $"#{id} has no option {value}: {string.Join(", ", values)}");
        var current = Array.IndexOf(values, await select.InputValueAsync());
        await select.FocusAsync();
        for (var i = current; i < target; i++) await page.Keyboard.PressAsync("ArrowDown");
        for (var i = current; i > target; i--) await page.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(select).ToHaveValueAsync(value);
    }

    private static async Task TickAsync(IPage page, string id)
    {
        await page.Locator("#" + id).FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.Locator("#" + id)).ToBeCheckedAsync();
    }

    /// <summary>axe at desktop and phone widths, nothing wider than the phone, and a screenshot of each.</summary>
    private static async Task CheckBothWidthsAsync(IPage page, string name)
    {
        await page.SetViewportSizeAsync(1280, 900);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync(name);
        await page.SetViewportSizeAsync(390, 844);
        await page.AssertAccessibleAsync();
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        var wide = width <= 390 ? "" : await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391 && ![...e.children].some(c => c.getBoundingClientRect().right > 391)).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')");
        Assert.True(width <= 390, $"{name} is {width} px wide on a 390 px phone: {wide}");
        await page.ScreenshotAsync(name + "-phone");
        await page.SetViewportSizeAsync(1280, 900);
    }

    private static async Task CreateAsync(IPage page, string path, string id, string title)
    {
        await page.GotoAsync($"/{T}/admin/{path}/new");
        await page.Locator("#Id").FocusAsync();
        await page.Keyboard.InsertTextAsync(id);
        await page.Locator("#Title").FocusAsync();
        await page.Keyboard.InsertTextAsync(title);
        await PressAsync(page.Locator("#continue"));
        await PressAsync(page.Locator("#open-builder"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Build");
    }

    /// <summary>
    /// The builder redraws from what was posted: a label typed and a choice made while an add is still on its way
    /// (a slow connection, held here) are put back on the new page, and focus stays where the person moved to.
    /// </summary>
    [Fact]
    public async Task What_is_typed_while_an_add_is_on_its_way_is_kept_and_so_is_the_focus()
    {
        var page = await fx.NewPageAsync();
        await page.SignInAsync(T, $"admin@{T}.example");
        await page.SetViewportSizeAsync(1280, 900);
        await CreateAsync(page, "forms", "built-slow-add", "Held add (built)");
        await ChooseAsync(page, "b-addtypes-0", "text");
        await PressAsync(page.Locator("#b-sections-0-add"));
        await Assertions.Expect(page.Locator("#b-sections-0-fields-1-label")).ToBeFocusedAsync();

        var held = new TaskCompletionSource();
        var arrived = new TaskCompletionSource();
        await page.RouteAsync("**/admin/forms/**", async route =>
        {
            if (route.Request.Method == "POST" && !route.Request.Url.Contains("handler=Preview", StringComparison.Ordinal) && !arrived.Task.IsCompleted)
            {
                arrived.TrySetResult();
                await held.Task;
            }
            await route.ContinueAsync();
        });
        await ChooseAsync(page, "b-addtypes-0", "yesNo");
        await PressAsync(page.Locator("#b-sections-0-add"));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await TypeIntoAsync(page.Locator("#b-sections-0-fields-1-label"), "Typed while the add was on its way");
        await ChooseAsync(page, "b-addtypes-0", "date");
        held.SetResult();

        await Assertions.Expect(page.Locator("#b-sections-0-fields-2-label")).ToBeAttachedAsync(); // the add arrived
        await Assertions.Expect(page.Locator("#b-sections-0-fields-1-label")).ToHaveValueAsync("Typed while the add was on its way");
        await Assertions.Expect(page.Locator("#b-addtypes-0")).ToHaveValueAsync("date");
        await Assertions.Expect(page.Locator("#b-addtypes-0")).ToBeFocusedAsync();
        await page.UnrouteAllAsync();
    }

    [Fact]
    public async Task An_admin_builds_a_form_and_a_rule_by_keyboard_tries_and_publishes_and_the_rule_runs()
    {
        var page = await fx.NewPageAsync();
        var cspProblems = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) cspProblems.Add(m.Text); };
        page.Response += (_, r) => { if (r.Status >= 400) cspProblems.Add($"{r.Status} {r.Request.Method} {r.Url}"); };
        await page.SignInAsync(T, $"admin@{T}.example");
        await page.SetViewportSizeAsync(1280, 900);

        // ---- The form ----
        await CreateAsync(page, "forms", FormId, "Wellbeing check (built)");
        await TickAsync(page, "b-sections-0-filledby-supervisee");
        string[] types = ["text", "number", "date", "time", "yesNo", "choice", "multiChoice", "rating", "ratingMatrix", "person", "caseReference", "table", "signature", "guidance"];
        for (var i = 0; i < types.Length; i++)
        {
            await ChooseAsync(page, "b-addtypes-0", types[i]);
            await PressAsync(page.Locator("#b-sections-0-add"));
            var label = page.Locator($"#b-sections-0-fields-{i + 1}-label");
            await Assertions.Expect(label).ToBeFocusedAsync();
            await TypeIntoAsync(label, types[i] == "guidance" ? "" : $"Question {i + 1}: {types[i]}");
        }
        // The choice question is shown only when the yes/no is answered yes (picked, not typed as code).
        var yesNo = Array.IndexOf(types, "yesNo") + 1;
        var choice = Array.IndexOf(types, "choice") + 1;
        await ChooseAsync(page, $"b-sections-0-fields-{choice}-whenfield", $"question-{yesNo}");
        await TypeIntoAsync(page.Locator($"#b-sections-0-fields-{choice}-whenvalue"), "yes");

        // The table: a yes/no column, then a column shown in a row only when that row's answer is yes.
        var table = Array.IndexOf(types, "table") + 1;
        var tp = $"b-sections-0-fields-{table}";
        await ChooseAsync(page, $"{tp}-columns-0-type", "yesNo");
        await Assertions.Expect(page.Locator($"#{tp}-columns-0-comments")).ToBeVisibleAsync(); // redrawn for a yes/no
        await TypeIntoAsync(page.Locator($"#{tp}-columns-0-label"), "Escalated?");
        await PressAsync(page.Locator($"button[value='add-column:0.{table}']"));
        await Assertions.Expect(page.Locator($"#{tp}-columns-1-label")).ToBeFocusedAsync();
        await TypeIntoAsync(page.Locator($"#{tp}-columns-1-label"), "Escalated to whom");
        await ChooseAsync(page, $"{tp}-columns-1-whenfield", "column-1");
        await TypeIntoAsync(page.Locator($"#{tp}-columns-1-whenvalue"), "yes");

        // A second section, filled by the supervisor.
        await PressAsync(page.Locator("#add-section"));
        await Assertions.Expect(page.Locator("#b-sections-1-title")).ToBeFocusedAsync();
        await TypeIntoAsync(page.Locator("#b-sections-1-title"), "Supervisor's notes");
        await TickAsync(page, "b-sections-1-filledby-supervisor");
        await PressAsync(page.Locator("#update"));
        await Assertions.Expect(page.Locator("#no-problems")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".app-preview")).ToContainTextAsync("Question 1: text");
        await CheckBothWidthsAsync(page, "form-builder");

        await PressAsync(page.Locator("#publish"));
        await page.WaitForPageAsync($"**/{T}/admin/forms/{FormId}/versions");
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Version 1");

        var form = await fx.App.InTenant(T, async sp => FormCatalog.Definition((await sp.GetRequiredService<FormCatalog>().LatestVersionAsync(FormId, CancellationToken.None))!));
        Assert.Equal(Enum.GetValues<FieldType>().Order(), form.Fields.Select(f => f.Type).Distinct().Order());
        Assert.Equal([Filler.Supervisee, Filler.Supervisor], form.Sections.Select(s => s.FilledBy));
        var built = form.Fields.Single(f => f.Type == FieldType.Table);
        Assert.Equal(new Condition("column-1", "yes", null, false), built.Columns[1].ShowWhen);
        Assert.True(built.IsSibling("column-1"));
        Assert.Equal(new Condition($"question-{yesNo}", "yes", null, false), form.Field($"question-{choice}")!.ShowWhen);

        // ---- The rule ----
        await CreateAsync(page, "workflows", RuleId, "Two missed sessions: tell the line manager, escalate if not rebooked");
        await ChooseAsync(page, "r-event", EventNames.SessionMissed);
        await PressAsync(page.Locator("#r-condition-add-row"));
        await Assertions.Expect(page.Locator("#r-condition-rows-0-what")).ToBeFocusedAsync();
        await ChooseAsync(page, "r-condition-rows-0-what", "history.consecutiveMisses");
        await ChooseAsync(page, "r-condition-rows-0-operator", ">=");
        await TypeIntoAsync(page.Locator("#r-condition-rows-0-value"), "2");

        // Tell the line manager at once.
        await ChooseAsync(page, "r-steps-pick", "send-email");
        await PressAsync(page.Locator("#r-steps-add"));
        await Assertions.Expect(page.Locator("#r-steps-1-id")).ToBeFocusedAsync();
        await ChooseAsync(page, "r-steps-1-to-pick", "line-manager-of-supervisee");
        await PressAsync(page.Locator("#r-steps-1-to-add"));
        await Assertions.Expect(page.Locator("#r-steps-1-to")).ToHaveValueAsync("line-manager-of-supervisee");
        await ChooseAsync(page, "r-steps-1-template", "action-overdue");

        // Wait up to 5 working days for a new booking; if none, remind the supervisee and escalate to the trust lead.
        await ChooseAsync(page, "r-steps-pick", "wait");
        await PressAsync(page.Locator("#r-steps-add"));
        await Assertions.Expect(page.Locator("#r-steps-2-id")).ToBeFocusedAsync();
        await ChooseAsync(page, "r-steps-2-waitfor", EventNames.SessionBooked);
        await TypeIntoAsync(page.Locator("#r-steps-2-timeoutdays"), "5");
        await ChooseAsync(page, "r-steps-2-timeoutkind", "working");
        await ChooseAsync(page, "r-steps-2-ontimeout-pick", "send-email");
        await PressAsync(page.Locator("#r-steps-2-ontimeout-add"));
        await Assertions.Expect(page.Locator("#r-steps-2-ontimeout-0-id")).ToBeFocusedAsync();
        await ChooseAsync(page, "r-steps-2-ontimeout-0-to-pick", "supervisee");
        await PressAsync(page.Locator("#r-steps-2-ontimeout-0-to-add"));
        await Assertions.Expect(page.Locator("#r-steps-2-ontimeout-0-to")).ToHaveValueAsync("supervisee");
        await ChooseAsync(page, "r-steps-2-ontimeout-0-template", "action-overdue");
        await ChooseAsync(page, "r-steps-2-ontimeout-pick", "escalate");
        await PressAsync(page.Locator("#r-steps-2-ontimeout-add"));
        await Assertions.Expect(page.Locator("#r-steps-2-ontimeout-1-id")).ToBeFocusedAsync();
        await ChooseAsync(page, "r-steps-2-ontimeout-1-to-pick", "role:trust-safeguarding-lead");
        await PressAsync(page.Locator("#r-steps-2-ontimeout-1-to-add"));
        await Assertions.Expect(page.Locator("#r-steps-2-ontimeout-1-to")).ToHaveValueAsync("role:trust-safeguarding-lead");
        await ChooseAsync(page, "r-steps-2-ontimeout-1-template", "unresolved-issue");
        await TypeIntoAsync(page.Locator("#r-steps-2-ontimeout-1-reason"), "No session booked within 5 working days of a second miss");
        await PressAsync(page.Locator("#update"));
        await Assertions.Expect(page.Locator("#no-problems")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#check-outline")).ToContainTextAsync("Escalate to role:trust-safeguarding-lead");
        await Assertions.Expect(page.Locator("#outline-trigger")).ToContainTextAsync("when a session is missed, only if missed sessions in a row is at least 2");
        await CheckBothWidthsAsync(page, "rule-builder");

        // Try it on the made-up history: the line manager would hear.
        await PressAsync(page.Locator("#try-button"));
        await Assertions.Expect(page.Locator("#try-emails")).ToContainTextAsync("Lee Manager", new() { Timeout = 20_000 });
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("rule-builder-try-it");

        await PressAsync(page.Locator("#publish"));
        await page.WaitForPageAsync($"**/{T}/workflows");
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Version 1");
        var rule = await fx.App.InTenant(T, async sp => WorkflowCatalog.Definition(await sp.GetRequiredService<AppDbContext>().WorkflowVersions.SingleAsync(v => v.WorkflowId == RuleId)));
        Assert.Equal("history.consecutiveMisses >= 2", rule.Condition);
        var wait = Assert.IsType<WaitStep>(rule.Steps[2]);
        Assert.Equal(new WaitTimeout(5, DayKind.Working), wait.Timeout);
        Assert.Equal(["role:trust-safeguarding-lead"], Assert.IsType<EscalateStep>(wait.OnTimeout[1]).To);

        // The real host: a supervisee misses two sessions; the line manager's email reaches the SMTP server.
        var seen = await fx.Mail.SeenAsync();
        var name = await TwoMissesAsync();
        var email = await fx.Mail.WaitForAsync($"linemanager@{T}.example", "An agreed supervision action is overdue", seen, TimeSpan.FromSeconds(60));
        Assert.Contains(name, (string?)email["text"] ?? "");
        Assert.True(cspProblems.Count == 0, string.Join("\n", cspProblems));
    }

    /// <summary>A new supervisee of the demo line manager misses two sessions today (as the supervisor records them).</summary>
    private async Task<string> TwoMissesAsync()
    {
        const string name = "Robin Twomiss";
        await fx.App.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var clock = sp.GetRequiredService<TimeProvider>();
            var today = sp.GetRequiredService<ITenantContext>().Tenant.Today(clock);
            var manager = await db.Staff.Where(s => s.Email == $"linemanager@{T}.example").Select(s => s.Id).SingleAsync();
            var supervisor = await db.Staff.Where(s => s.Email == $"supervisor@{T}.example").Select(s => s.Id).SingleAsync();
            var person = new StaffMember();
            person.Apply(new StaffDetails(name, $"twomiss@{T}.example", null, null, manager, StaffRoles.Supervisee, null, null), sp.GetRequiredService<ILookupNormalizer>());
            db.Staff.Add(person);
            await db.SaveChangesAsync();
            var started = await sp.GetRequiredService<Allocation>().StartAsync("one-to-one", supervisor, [person.Id], today.AddMonths(-3), CancellationToken.None);
            await db.SaveChangesAsync();
            for (var hour = 6; hour <= 7; hour++)
            {
                var session = Session.Book(started.Relationship, today, new TimeOnly(hour, 0), 30, null, supervisor, clock.GetUtcNow(), today);
                db.Sessions.Add(session);
                await db.SaveChangesAsync();
                session.MarkDidNotAttend([person.Id], null, supervisor, clock.GetUtcNow(), today);
                await db.SaveChangesAsync();
                await Task.Delay(20);
            }
        });
        return name;
    }
}
