using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// Issue 17's capabilities on the real host: the test tenant (tests/tenants/new-trust) imported from
/// its folder beside the founding tenants, real database, worker rounds, outbox. Each test has its
/// own database and clock, as the time-driven ones move it.
/// </summary>
public sealed class NewTrustHostTests
{
    private const string T = NewTrust.Slug;
    private const string Password = "New-trust-password-1";

    private static readonly string[] Names = ["Ada", "Bea", "Cy"];

    /// <summary>Wednesday 18 November 2026, 09:00 in London: autumn term.</summary>
    private static readonly DateTimeOffset Autumn = new(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);

    private sealed class Host : IAsyncDisposable
    {
        public SharedFolders Folders { get; } = new SharedFolders().WithTenant(NewTrust.Folder);
        public SettableClock Clock { get; }
        public WorkflowAppFactory App { get; }

        public Host(DateTimeOffset now)
        {
            Clock = new SettableClock(now);
            App = new WorkflowAppFactory(Folders.Data, Folders.Tenants, Clock);
        }

        public Task Run(Func<IServiceProvider, Task> work) => App.InTenant(T, work);
        public Task<TResult> Run<TResult>(Func<IServiceProvider, Task<TResult>> work) => App.InTenant(T, work);
        public Task RoundAsync() => App.RoundAsync(T);

        public Task<List<SupervisionHub.Web.Email.OutboxMessage>> OutboxAsync(string subjectStart) =>
            Run(sp => sp.GetRequiredService<AppDbContext>().Outbox.AsNoTracking().Where(m => m.Subject.StartsWith(subjectStart)).ToListAsync());

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Folders.Dispose();
        }
    }

    // ---- 13, 11: the folder imports through the real registry, with its first administrator ----

    [Fact]
    public async Task The_test_tenant_is_imported_from_its_folder_with_its_forms_rules_and_first_administrator_invited()
    {
        await using var host = new Host(Autumn);
        var tenant = await host.App.Services.GetRequiredService<TenantRegistry>().FindAsync(T);
        Assert.NotNull(tenant);
        Assert.True(tenant!.Settings.Roles.Single(r => r.Id == "head-of-school").HeldPerSite);
        Assert.Equal(new global::SupervisionHub.Workflows.Supervision.YearStart(9, 1), tenant.Settings.YearStart);
        var (forms, rules) = await host.Run(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (await db.FormVersions.Select(v => v.FormId).Distinct().CountAsync(), await db.WorkflowVersions.CountAsync(v => v.IsCurrent));
        });
        Assert.Equal(3, forms);
        Assert.Equal(Directory.GetFiles(Path.Combine(NewTrust.Folder, "workflows"), "*.yaml").Length, rules);
        var invitation = Assert.Single(await host.OutboxAsync("Your SupervisionHub account"));
        Assert.Equal("alex.admin@new-trust.example", invitation.To);
        Assert.Contains("http://localhost:5204/new-trust/account/reset-password?user=", invitation.TextBody, StringComparison.Ordinal);
        var admin = await host.Run(sp => sp.GetRequiredService<AppDbContext>().Staff.SingleAsync(s => s.Email == "alex.admin@new-trust.example"));
        Assert.True(admin.Has(StaffRoles.TenantAdmin));
    }

    // ---- 4, 10: recipients by place; a booking carries the day it books ----

    [Fact]
    public async Task A_miss_goes_to_the_head_of_the_supervisees_school_and_only_a_session_within_ten_working_days_ends_the_wait()
    {
        await using var host = new Host(Autumn);
        var (relationship, session) = await host.Run(async sp =>
        {
            var supervisor = await sp.PersonAsync("Harriet Harbour", "harriet@new-trust.example", StaffRoles.Supervisor, "Harbour Academy");
            var supervisee = await sp.PersonAsync("Ben Beacon", "ben@new-trust.example", StaffRoles.Supervisee, "Beacon Primary");
            var r = await sp.SupervisionAsync("one-to-one", supervisor.Id, supervisee.Id);
            var s = await sp.BookAsync(r, sp.Today());
            s.MarkDidNotAttend([supervisee.Id], "Did not come", supervisor.Id, host.Clock.GetUtcNow(), sp.Today());
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            return (r, s);
        });
        await host.RoundAsync();

        var told = Assert.Single(await host.OutboxAsync("A missed supervision session"));
        Assert.Equal("head.beacon@new-trust.example", told.To); // the supervisee's school, not the supervisor's
        Assert.Equal("dsl.harbour@new-trust.example", told.Cc); // the supervisor's school's DSL
        Assert.Contains($"/new-trust/supervision/{relationship.Id}", told.TextBody, StringComparison.Ordinal);

        async Task<WorkflowInstance> Waiting() => await host.Run(sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking().SingleAsync(i => i.WorkflowId == "missed-rebook"));
        Assert.Equal(InstanceStatus.Waiting, (await Waiting()).Status);

        // Someone books something, for five weeks away: that is not a session within ten working days.
        await host.Run(sp => sp.BookAsync(relationship, sp.Today().AddDays(35)));
        await host.RoundAsync();
        Assert.Equal(InstanceStatus.Waiting, (await Waiting()).Status);

        var soon = await host.Run(sp => sp.BookAsync(relationship, sp.Today().AddDays(6)));
        await host.RoundAsync();
        var done = await Waiting();
        Assert.Equal(InstanceStatus.Completed, done.Status);
        var note = await host.Run(sp => sp.GetRequiredService<AppDbContext>().JournalEntries.SingleAsync(j => j.InstanceId == done.Id && j.StepId == "rebooked"));
        Assert.Equal($"A session is booked for {soon.Date:yyyy-MM-dd}", note.Decision);
        Assert.NotEqual(session.Id, soon.Id);
    }

    // ---- 5, 6: history across supervisions, in the academic year from its year start ----

    [Fact]
    public async Task Three_misses_across_two_supervisions_this_academic_year_escalate_and_last_years_miss_does_not_count()
    {
        await using var host = new Host(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero)); // summer term 2025-26
        var (supervisee, oneToOne, group) = await host.Run(async sp =>
        {
            var supervisor = await sp.PersonAsync("Sol Supervisor", "sol@new-trust.example", StaffRoles.Supervisor, "Beacon Primary");
            var person = await sp.PersonAsync("Mia Missed", "mia@new-trust.example", StaffRoles.Supervisee, "Beacon Primary");
            var other = await sp.PersonAsync("Omar Other", "omar@new-trust.example", StaffRoles.Supervisee, "Beacon Primary");
            return (person.Id, await sp.SupervisionAsync("one-to-one", supervisor.Id, person.Id), await sp.SupervisionAsync("group", supervisor.Id, person.Id, other.Id));
        });

        async Task MissAsync(Relationship r, DateTimeOffset at)
        {
            host.Clock.Now = at;
            await host.Run(async sp =>
            {
                var s = await sp.BookAsync(r, sp.Today());
                if (r.Id == group.Id)
                    s.MarkAttended(r.CurrentMembers.ToDictionary(m => m.StaffId, m => m.StaffId == supervisee ? MemberAttendance.Absent : MemberAttendance.Present), r.SupervisorId, at, sp.Today());
                else s.MarkDidNotAttend([supervisee], null, r.SupervisorId, at, sp.Today());
                await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            });
            await host.RoundAsync();
        }

        await MissAsync(oneToOne, new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));   // 2025-26
        await MissAsync(group, new DateTimeOffset(2026, 9, 7, 9, 0, 0, TimeSpan.Zero));      // 2026-27 from 1 September
        await MissAsync(oneToOne, new DateTimeOffset(2026, 9, 14, 9, 0, 0, TimeSpan.Zero));
        // Three within 12 months, but two this academic year: nothing yet.
        Assert.Empty(await host.OutboxAsync("Three missed supervision sessions"));
        await MissAsync(group, new DateTimeOffset(2026, 9, 21, 9, 0, 0, TimeSpan.Zero));
        var escalation = Assert.Single(await host.OutboxAsync("Three missed supervision sessions"));
        Assert.Equal("dsl.beacon@new-trust.example", escalation.To);
        Assert.Contains("missed 3 supervision sessions this academic year", escalation.TextBody, StringComparison.Ordinal);
    }

    // ---- 7: school days ----

    [Fact]
    public async Task A_cancellation_on_the_last_day_of_term_is_due_five_school_days_into_the_next_term()
    {
        await using var host = new Host(new DateTimeOffset(2026, 12, 18, 9, 0, 0, TimeSpan.Zero)); // the last Friday of the autumn term
        var supervisor = await host.Run(async sp =>
        {
            var sup = await sp.PersonAsync("Cal Cancel", "cal@new-trust.example", StaffRoles.Supervisor, "Harbour Academy");
            var practitioner = await sp.PersonAsync("Pia Practitioner", "pia@new-trust.example", StaffRoles.Supervisee, "Harbour Academy");
            var r = await sp.SupervisionAsync("one-to-one", sup.Id, practitioner.Id);
            var s = await sp.BookAsync(r, sp.Today());
            s.Cancel(bySupervisor: true, "Called to a meeting", sup.Id, host.Clock.GetUtcNow());
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            return sup;
        });
        await host.RoundAsync();

        // Spring starts on Tuesday 5 January with an INSET day: 6, 7, 8, 11, 12 January are the five school days.
        var due = new DateOnly(2027, 1, 12);
        var task = await host.Run(sp => sp.GetRequiredService<AppDbContext>().WorkTasks.AsNoTracking().SingleAsync(t => t.AssigneeId == supervisor.Id));
        Assert.Equal(due, task.DueOn);
        var waiting = await host.Run(sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking().SingleAsync(i => i.WorkflowId == "cancelled-rebook"));
        Assert.Equal(new DateTimeOffset(2027, 1, 12, 9, 0, 0, TimeSpan.Zero), waiting.DueAt);

        host.Clock.Now = new DateTimeOffset(2027, 1, 11, 9, 30, 0, TimeSpan.Zero);
        await host.RoundAsync();
        Assert.Empty(await host.OutboxAsync("Please rebook"));
        host.Clock.Now = new DateTimeOffset(2027, 1, 12, 9, 30, 0, TimeSpan.Zero);
        await host.RoundAsync();
        Assert.Equal("cal@new-trust.example", Assert.Single(await host.OutboxAsync("Please rebook")).To);
    }

    // ---- 8: each member of a group ----

    [Fact]
    public async Task Each_member_of_a_group_is_asked_waited_for_and_reminded_on_their_own()
    {
        await using var host = new Host(Autumn);
        var (members, relationship, session) = await host.Run(async sp =>
        {
            var supervisor = await sp.PersonAsync("Gil Group", "gil@new-trust.example", StaffRoles.Supervisor, "Beacon Primary");
            var people = new List<StaffMember>();
            foreach (var name in Names)
                people.Add(await sp.PersonAsync($"{name} Member", $"{name.ToLowerInvariant()}@new-trust.example", StaffRoles.Supervisee, "Beacon Primary"));
            var r = await sp.SupervisionAsync("group", supervisor.Id, [.. people.Select(p => p.Id)]);
            var s = await sp.BookAsync(r, sp.Today());
            s.MarkAttended(people.ToDictionary(p => p.Id, _ => MemberAttendance.Present), supervisor.Id, host.Clock.GetUtcNow(), sp.Today());
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            return (people, r, s);
        });
        await host.RoundAsync();

        var instances = await host.Run(sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking().Where(i => i.WorkflowId == "group-evaluation").ToListAsync());
        Assert.Equal(4, instances.Count); // the rule's run, and one for each member
        var own = instances.Where(i => i.StaffId is not null).ToList();
        Assert.Equal(members.Select(m => m.Id).Order(), own.Select(i => i.StaffId!).Order());
        Assert.All(own, i => Assert.Equal((InstanceStatus.Waiting, "session+person", SupervisionHub.Workflows.Engine.Bookmark.Pair(session.Id.ToString(), i.StaffId!)), (i.Status, i.WaitMatch, i.WaitCorrelation)));
        Assert.Equal(3, (await host.OutboxAsync("Please evaluate your group")).Count);

        // Bea evaluates the session: her wait alone ends.
        await host.Run(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var version = await sp.GetRequiredService<FormCatalog>().LatestVersionAsync("evaluation", CancellationToken.None);
            var evaluation = new Submission(version!, members[1].Id, host.Clock.GetUtcNow());
            evaluation.LinkTo(relationship.Id, session.Id);
            db.Submissions.Add(evaluation);
            evaluation.Submit(new JsonObject { ["useful"] = "4" }, host.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        await host.RoundAsync();
        var after = await host.Run(sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking().Where(i => i.WorkflowId == "group-evaluation" && i.StaffId != null).ToListAsync());
        Assert.Equal(InstanceStatus.Completed, after.Single(i => i.StaffId == members[1].Id).Status);
        Assert.Equal(2, after.Count(i => i.Status == InstanceStatus.Waiting));

        // Five school days on (19, 20, 23, 24, 25 November), Ada and Cy are reminded; Bea is not.
        host.Clock.Now = new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);
        await host.RoundAsync();
        var reminded = (await host.OutboxAsync("Reminder: please evaluate")).Select(m => m.To).Order().ToList();
        Assert.Equal(["ada@new-trust.example", "cy@new-trust.example"], reminded);
    }

    // ---- 9: a link to the record ----

    [Fact]
    public async Task An_email_about_a_record_links_to_it_and_the_record_opens_only_for_someone_allowed_after_signing_in()
    {
        await using var host = new Host(Autumn);
        var record = await host.Run(async sp =>
        {
            var supervisor = await sp.PersonAsync("Rae Recorder", "rae@new-trust.example", StaffRoles.Supervisor, "Harbour Academy");
            var supervisee = await sp.PersonAsync("Lou Beacon", "lou@new-trust.example", StaffRoles.Supervisee, "Beacon Primary");
            await sp.PersonAsync("Dee Beacon", "dsl.beacon@new-trust.example", StaffRoles.SafeguardingLead | StaffRoles.Supervisor, "Beacon Primary", Password);
            await sp.PersonAsync("Nosy Parker", "nosy@new-trust.example", StaffRoles.Supervisee, "Beacon Primary", Password);
            var r = await sp.SupervisionAsync("one-to-one", supervisor.Id, supervisee.Id);
            var s = await sp.BookAsync(r, sp.Today());
            s.MarkAttended(new Dictionary<string, MemberAttendance> { [supervisee.Id] = MemberAttendance.Present }, supervisor.Id, host.Clock.GetUtcNow(), sp.Today());
            var db = sp.GetRequiredService<AppDbContext>();
            var version = await sp.GetRequiredService<FormCatalog>().LatestVersionAsync("supervision-record", CancellationToken.None);
            var submission = new Submission(version!, supervisor.Id, host.Clock.GetUtcNow());
            submission.LinkTo(r.Id, s.Id);
            db.Submissions.Add(submission);
            submission.Submit(new JsonObject
            {
                ["supervisor"] = supervisor.Id, ["supervisee"] = supervisee.Id, ["date"] = sp.Today().ToString("yyyy-MM-dd"), ["early-help"] = "1",
                ["cases"] = new JsonArray(new JsonObject { ["case-ref"] = "HB4471", ["risk"] = "high", ["escalated"] = "no" }),
            }, host.Clock.GetUtcNow());
            await db.SaveChangesAsync();
            return submission;
        });
        await host.RoundAsync();

        var email = Assert.Single(await host.OutboxAsync("A high-risk case"));
        Assert.Equal("dsl.beacon@new-trust.example", email.To);
        var link = $"http://localhost:5204/new-trust/records/{record.Id}";
        Assert.Contains(link, email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("HB4471", email.TextBody, StringComparison.Ordinal); // never case details in an email

        var path = new Uri(link).PathAndQuery;
        var stranger = host.App.Browser();
        var unsigned = await stranger.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, unsigned.StatusCode); // the usual step-up: sign in first
        Assert.Contains("sign-in", unsigned.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var dsl = host.App.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await dsl.SignIn(T, "dsl.beacon@new-trust.example", Password)).StatusCode);
        var read = await dsl.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("HB4471", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var nosy = host.App.Browser();
        await nosy.SignIn(T, "nosy@new-trust.example", Password);
        Assert.Equal(HttpStatusCode.NotFound, (await nosy.GetAsync(path)).StatusCode);
    }

    // ---- 1, 2, 3: a table's column asked only in the rows that need it, without JavaScript ----

    [Fact]
    public async Task A_column_is_required_and_kept_only_in_rows_whose_answer_shows_it_and_errors_say_which_row()
    {
        await using var host = new Host(Autumn);
        var me = await host.Run(sp => sp.PersonAsync("Fay Filler", "fay@new-trust.example", StaffRoles.Supervisor | StaffRoles.Supervisee, "Beacon Primary", Password));
        var client = host.App.Browser();
        await client.SignIn(T, "fay@new-trust.example", Password);
        var started = await client.PostForm($"/{T}/forms?handler=Start", new Dictionary<string, string> { ["formId"] = "supervision-record" }, $"/{T}/forms");
        var recordPath = started.Headers.Location!.OriginalString;

        var page = await client.GetStringAsync(recordPath);
        Assert.DoesNotContain("a.cases[0]", page, StringComparison.Ordinal); // no rows yet

        Dictionary<string, string> Fields(string earlyHelp, string? secondRowEscalated) => new()
        {
            ["a.supervisor"] = me.Id, ["a.supervisee"] = me.Id,
            ["a.date.day"] = "18", ["a.date.month"] = "11", ["a.date.year"] = "2026",
            ["a.early-help"] = earlyHelp,
            ["a.cases.rows"] = "2",
            ["a.cases[0].case-ref"] = "AB1234", ["a.cases[0].risk"] = "low", ["a.cases[0].escalated"] = "yes", // shown without JavaScript, but this row is low risk
            ["a.cases[1].case-ref"] = "CD5678", ["a.cases[1].risk"] = "high",
            ["a.cases[1].escalated"] = secondRowEscalated ?? "",
            ["a.actions.rows"] = "0",
        };
        var refused = await client.PostForm($"{recordPath}?handler=Submit", Fields("", null), recordPath);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<a href=\"#a_early-help\">Enter Early Help cases</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#a_cases_1__escalated\">Case discussion 2: Answer the question: Escalated to the DSL?</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Case discussion 1:", html, StringComparison.Ordinal);
        Assert.Contains("id=\"a_cases_1__escalated\"", html, StringComparison.Ordinal); // the summary's link lands on the row's own question
        Assert.Contains("data-show-name=\"a.cases[0].risk\"", html, StringComparison.Ordinal); // each row's condition reads its own risk
        Assert.Contains("data-show-name=\"a.cases[1].risk\"", html, StringComparison.Ordinal);

        var submitted = await client.PostForm($"{recordPath}?handler=Submit", Fields("2", "no"), recordPath);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var answers = await host.Run(sp => sp.GetRequiredService<AppDbContext>().Submissions.AsNoTracking()
            .Where(s => s.CreatedById == me.Id).Select(s => s.AnswersJson).SingleAsync());
        var cases = JsonNode.Parse(answers)!["cases"]!.AsArray();
        Assert.Null(cases[0]!["escalated"]); // hidden in its row: not kept
        Assert.Equal("no", cases[1]!["escalated"]!.GetValue<string>());
    }

    // ---- 4, 7: what the admin pages show ----

    [Fact]
    public async Task The_rule_editor_tries_site_recipients_and_warns_of_a_year_without_term_dates_and_the_settings_page_sets_holders_per_site()
    {
        await using var host = new Host(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero)); // 2026-27; 2027-28 has no term dates
        await host.Run(sp => sp.PersonAsync("Ada Admin", "ada.admin@new-trust.example", StaffRoles.TenantAdmin, "Trust office", Password));
        var admin = host.App.Browser();
        await admin.SignIn(T, "ada.admin@new-trust.example", Password);

        var tryUrl = $"/{T}/admin/workflows/missed-tell-the-head";
        var tried = await admin.PostForm($"{tryUrl}?handler=Try", new Dictionary<string, string>
        {
            ["Text"] = await File.ReadAllTextAsync(Path.Combine(NewTrust.Folder, "workflows", "missed-tell-the-head.yaml")),
            ["History"] = "script",
            ["Script"] = "until: 2026-12-04\nsessions:\n  - { date: 2026-12-01, outcome: missed }\n",
        }, tryUrl);
        var html = WebUtility.HtmlDecode(await tried.Content.ReadAsStringAsync());
        // The made-up supervisee works at the first site and the supervisor at the second: each site's own holder.
        Assert.Contains("Headteacher at Beacon Primary <head-of-school.beacon-primary@example.org>", html, StringComparison.Ordinal);
        Assert.Contains("Designated Safeguarding Lead at Harbour Academy <site-dsl.harbour-academy@example.org>", html, StringComparison.Ordinal);

        var checkUrl = $"/{T}/admin/workflows/cancelled-rebook";
        var checkedPage = WebUtility.HtmlDecode(await (await admin.PostForm($"{checkUrl}?handler=Check", new Dictionary<string, string>
        {
            ["Text"] = await File.ReadAllTextAsync(Path.Combine(NewTrust.Folder, "workflows", "cancelled-rebook.yaml")),
        }, checkUrl)).Content.ReadAsStringAsync());
        Assert.Contains("no term dates for 2027-28", checkedPage, StringComparison.Ordinal);
        Assert.Contains("due in 5 school days", checkedPage, StringComparison.Ordinal); // What the rule does
        Assert.Contains("for up to 5 school days", checkedPage, StringComparison.Ordinal);

        // The settings page: a box per site for each role; one changed box changes that site's holders alone.
        var settings = WebUtility.HtmlDecode(await admin.GetStringAsync($"/{T}/admin/settings"));
        Assert.Contains("Headteacher at Harbour Academy", settings, StringComparison.Ordinal);
        Assert.Contains("There are no term dates for 2027-28 yet", settings, StringComparison.Ordinal);
        var tenant = await host.Run(sp => Task.FromResult(sp.GetRequiredService<ITenantContext>().Tenant.Settings));
        var fields = new Dictionary<string, string>();
        for (var i = 0; i < tenant.Roles.Count; i++)
        {
            fields[$"Roles[{i}].Id"] = tenant.Roles[i].Id;
            fields[$"Roles[{i}].Holders"] = string.Join("\n", tenant.Roles[i].Holders);
            for (var j = 0; j < tenant.Sites.Count; j++)
            {
                fields[$"Roles[{i}].Sites[{j}].Site"] = tenant.Sites[j];
                fields[$"Roles[{i}].Sites[{j}].Holders"] = string.Join("\n", tenant.Roles[i].Sites.GetValueOrDefault(tenant.Sites[j]) ?? []);
            }
        }
        fields["Roles[0].Sites[1].Holders"] = "new.head@new-trust.example";
        var saved = await admin.PostForm($"/{T}/admin/settings?handler=Roles", fields, $"/{T}/admin/settings");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = (await host.App.Services.GetRequiredService<TenantRegistry>().FindAsync(T))!.Settings.Roles[0];
        Assert.Equal(["new.head@new-trust.example"], after.Sites["Harbour Academy"]);
        Assert.Equal(["head.beacon@new-trust.example"], after.Sites["Beacon Primary"]);
    }
}
