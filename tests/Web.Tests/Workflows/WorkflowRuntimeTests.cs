using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// The durable runtime against a real database: restarts, two workers, runaway conditions, and a
/// founding rule end to end; in winter and in summer time (<see cref="Seasons"/>).
/// </summary>
public abstract class WorkflowRuntimeTests(Season season)
{
    private const string T = "river-tees";

    private const string WaitSevenDays = """
        id: test-wait-seven-days
        title: Test - wait seven days for a record, then remind
        trigger: { event: session.attended }
        steps:
          - id: wait-for-record
            wait:
              for: record.submitted
              match: session
              timeout: { days: 7 }
              onTimeout:
                - id: timed-out
                  send-email: { to: [supervisor], template: missed-sessions }
        """;

    private readonly DateTimeOffset Start = Seasons.Start(season);

    /// <summary>A new supervisee of the demo supervisor, with a session today that took place.</summary>
    private static Task<Session> AttendedSessionAsync(WorkflowAppFactory app, string email) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var person = await sp.NewPersonAsync("Test " + email, email, Staff.StaffRoles.Supervisee);
        var r = await sp.StartAsync("safeguarding-one-to-one", await db.StaffIdAsync($"supervisor@{T}.example"), person.Id, sp.Today().AddMonths(-1));
        return await sp.AttendedTodayAsync(r);
    });

    private static Task<int> CountAsync(WorkflowAppFactory app, Func<AppDbContext, Task<int>> count) =>
        app.InTenant(T, sp => count(sp.GetRequiredService<AppDbContext>()));

    /// <summary>
    /// Issue 15 item 7. A wait's timeout is worked out in the tenant's zone, so in summer it came
    /// with +01:00: SQLite kept local ticks and the timer fired an hour late, PostgreSQL refused the
    /// save and the event was dispatched again every round. Stored in UTC, it fires on the minute.
    /// </summary>
    [Fact]
    public async Task A_wait_is_stored_in_UTC_and_times_out_at_its_local_time_not_an_hour_late()
    {
        Assert.Equal(season == Season.Summer, Seasons.IsSummerTime(Start));
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-wait-seven-days", WaitSevenDays);
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await AttendedSessionAsync(app, "seasons@river-tees.example");
        await app.RoundAsync(T);
        Assert.Equal(0, await CountAsync(app, db => db.Events.CountAsync(e => e.DispatchedAt == null)));

        // Seven days on at the same London time, worked out here without the runner.
        var local = TimeZoneInfo.ConvertTime(Start, Seasons.London).DateTime;
        var due = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local.AddDays(7), Seasons.London), TimeSpan.Zero);
        var waiting = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.WorkflowId == "test-wait-seven-days"));
        Assert.Equal(InstanceStatus.Waiting, waiting.Status);
        Assert.Equal(due, waiting.DueAt!.Value);
        // People read it in London time, as they did when it was kept with its offset.
        var lead = app.Browser();
        await lead.SignIn(T, $"lead@{T}.example", AppFactory.DemoPassword);
        Assert.Contains($">{TimeZoneInfo.ConvertTime(due, Seasons.London):d MMM yyyy HH:mm}<", await lead.GetStringAsync($"/{T}/workflows"), StringComparison.Ordinal);

        Task<int> TimedOutAsync() => CountAsync(app, db => db.JournalEntries.CountAsync(j => j.InstanceId == waiting.Id && j.StepId == "timed-out"));
        clock.Now = due - TimeSpan.FromMinutes(1);
        await app.RoundAsync(T);
        Assert.Equal(0, await TimedOutAsync());
        clock.Now = due + TimeSpan.FromMinutes(1);
        await app.RoundAsync(T);
        Assert.Equal(1, await TimedOutAsync());
        Assert.Equal(1, await CountAsync(app, db => db.Outbox.CountAsync(m => m.Subject == "Two missed safeguarding supervision sessions")));
        Assert.Equal(TimeSpan.Zero, waiting.DueAt.Value.Offset); // as read back: what is in the database is UTC
    }

    /// <summary>A cron occurrence comes in the tenant's zone (+01:00 in summer); the claim on it is a write like any other.</summary>
    [Fact]
    public async Task A_daily_8am_rule_starts_at_8am_London_time_and_keeps_its_last_occurrence_in_UTC()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-each-morning", """
            id: test-each-morning
            title: Test - a note each morning
            trigger: { schedule: "0 8 * * *" }
            steps:
              - id: morning
                note: Good morning
            """);
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        _ = app.Services; // published as of Start

        var local = TimeZoneInfo.ConvertTime(Start, Seasons.London).DateTime;
        var day = local.TimeOfDay < TimeSpan.FromHours(8) ? local.Date : local.Date.AddDays(1);
        var eight = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.AddHours(8), Seasons.London), TimeSpan.Zero);
        Task<WorkflowVersion> VersionAsync() => app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking()
            .SingleAsync(v => v.WorkflowId == "test-each-morning" && v.IsCurrent));

        clock.Now = eight - TimeSpan.FromMinutes(1);
        await app.RoundAsync(T);
        Assert.Null((await VersionAsync()).LastScheduledAt);
        clock.Now = eight + TimeSpan.FromMinutes(1);
        await app.RoundAsync(T);
        var last = (await VersionAsync()).LastScheduledAt;
        Assert.Equal(TimeSpan.Zero, last!.Value.Offset);
        Assert.Equal(eight, last.Value);
        Assert.Equal(1, await CountAsync(app, db => db.JournalEntries.CountAsync(j => j.StepId == "morning")));
        await app.RoundAsync(T); // the same occurrence is not started twice
        Assert.Equal(1, await CountAsync(app, db => db.JournalEntries.CountAsync(j => j.StepId == "morning")));
    }

    [Fact]
    public async Task A_seven_day_wait_times_out_exactly_once_when_the_process_comes_back_eight_days_later()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-wait-seven-days", WaitSevenDays);
        var clock = new SettableClock(Start);

        Guid instanceId;
        await using (var first = new WorkflowAppFactory(folders.Data, folders.Tenants, clock))
        {
            await AttendedSessionAsync(first, "restart@river-tees.example");
            await first.RoundAsync(T);
            instanceId = await first.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances
                .Where(i => i.WorkflowId == "test-wait-seven-days").Select(i => i.Id).SingleAsync());
            var waiting = await first.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.Id == instanceId));
            Assert.Equal(InstanceStatus.Waiting, waiting.Status);
            Assert.Equal(Start.AddDays(7).UtcDateTime, waiting.DueAt!.Value.UtcDateTime, TimeSpan.FromHours(2)); // same local time, seven days on
        } // the process stops

        clock.Now = Start.AddDays(8);
        await using var second = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await second.RoundAsync(T);
        await second.RoundAsync(T); // and again: nothing more may happen

        Assert.Equal(1, await CountAsync(second, db => db.JournalEntries.CountAsync(j => j.InstanceId == instanceId && j.StepId == "timed-out")));
        Assert.Equal(1, await CountAsync(second, db => db.Outbox.CountAsync(m => m.Subject == "Two missed safeguarding supervision sessions")));
        var done = await second.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.Id == instanceId));
        Assert.Equal(InstanceStatus.Completed, done.Status);
    }

    [Fact]
    public async Task Two_workers_on_one_database_dispatch_every_event_and_run_every_due_timer_once()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-wait-seven-days", WaitSevenDays);
        var clock = new SettableClock(Start);
        await using var a = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        for (var i = 0; i < 12; i++) await AttendedSessionAsync(a, $"two-workers-{i}@river-tees.example");
        await using var b = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        _ = b.Services; // start the second process on the same database

        // Both dispatch the same twelve events at once: each starts its workflow once.
        Task Dispatcher(WorkflowAppFactory app, string name) => app.InTenant(T, async sp =>
        {
            for (var round = 0; round < 3; round++) await sp.GetRequiredService<WorkflowHost>().DispatchEventsAsync(200, CancellationToken.None, name);
        });
        await Task.WhenAll(Dispatcher(a, "worker-a"), Dispatcher(b, "worker-b"));
        Assert.Equal(12, await CountAsync(a, db => db.WorkflowInstances.CountAsync(x => x.WorkflowId == "test-wait-seven-days")));
        Assert.Equal(12, await CountAsync(a, db => db.WorkflowInstances.CountAsync(x => x.Status == InstanceStatus.Waiting)));

        clock.Now = Start.AddDays(8);
        Task Worker(WorkflowAppFactory app, string name) => app.InTenant(T, async sp =>
        {
            for (var round = 0; round < 3; round++) await sp.GetRequiredService<WorkflowHost>().RunDueTimersAsync(name, CancellationToken.None);
        });
        await Task.WhenAll(Worker(a, "worker-a"), Worker(b, "worker-b"));

        Assert.Equal(12, await CountAsync(a, db => db.JournalEntries.CountAsync(j => j.StepId == "timed-out")));
        Assert.Equal(12, await CountAsync(a, db => db.Outbox.CountAsync(m => m.Subject == "Two missed safeguarding supervision sessions")));
        Assert.Equal(0, await CountAsync(a, db => db.WorkflowInstances.CountAsync(x => x.Status == InstanceStatus.Waiting)));
    }

    [Fact]
    public async Task A_condition_that_never_ends_becomes_an_incident_and_the_worker_goes_on()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-runaway", """
            id: test-runaway
            title: Test - a condition that loops for ever
            trigger: { event: session.booked }
            condition: (function () { while (true) {} })()
            steps:
              - id: never
                note: never reached
            """);
        folders.AddWorkflow(T, "test-allocates", """
            id: test-allocates
            title: Test - a condition that allocates without end
            trigger: { event: session.booked }
            condition: (function () { var s = 'x'; while (true) { s = s + s; } })()
            steps:
              - id: never
                note: never reached
            """);
        folders.AddWorkflow(T, "test-wait-seven-days", WaitSevenDays);
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        await AttendedSessionAsync(app, "runaway@river-tees.example");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await app.RoundAsync(T);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the round took {watch.Elapsed}");

        Assert.Equal(2, await CountAsync(app, db => db.Incidents.CountAsync()));
        Assert.Equal(2, await CountAsync(app, db => db.WorkflowInstances.CountAsync(i => i.Status == InstanceStatus.Faulted)));
        // The other workflow, started by the next event, still ran.
        Assert.Equal(1, await CountAsync(app, db => db.WorkflowInstances.CountAsync(i => i.WorkflowId == "test-wait-seven-days" && i.Status == InstanceStatus.Waiting)));
        Assert.Equal(0, await CountAsync(app, db => db.Events.CountAsync(e => e.DispatchedAt == null)));
    }

    private const string WaitForAudit = """
        id: test-wait-for-audit
        title: Test - wait for the audit tool of the session, not any record
        trigger: { event: session.attended }
        steps:
          - id: wait-for-audit
            wait:
              for: record.submitted
              form: audit-tool
              match: session
              timeout: { days: 7 }
              onEvent:
                - id: audited
                  note: "Audit tool in"
        """;

    [Fact]
    public async Task A_wait_for_one_form_is_not_ended_by_another_record_of_the_same_session()
    {
        using var folders = new SharedFolders();
        folders.AddWorkflow(T, "test-wait-for-audit", WaitForAudit);
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var session = await AttendedSessionAsync(app, "audit-wait@river-tees.example");
        await app.RoundAsync(T);
        Task SubmitAsync(string formId) => app.InTenant(T, async sp =>
        {
            var version = await sp.GetRequiredService<Records.FormCatalog>().LatestVersionAsync(formId, CancellationToken.None);
            var record = new Records.Submission(version!, session.Relationship.SupervisorId, clock.GetUtcNow());
            record.LinkTo(session.RelationshipId, session.Id);
            record.Submit(new System.Text.Json.Nodes.JsonObject(), clock.GetUtcNow());
            var db = sp.GetRequiredService<AppDbContext>();
            db.Submissions.Add(record);
            await db.SaveChangesAsync();
        });
        Task<InstanceStatus> StatusAsync() => app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances
            .Where(i => i.WorkflowId == "test-wait-for-audit").Select(i => i.Status).SingleAsync());

        await SubmitAsync("supervision-record"); // the session's own record
        await app.RoundAsync(T);
        Assert.Equal(InstanceStatus.Waiting, await StatusAsync());

        await SubmitAsync("audit-tool");
        await app.RoundAsync(T);
        Assert.Equal(InstanceStatus.Completed, await StatusAsync());
    }

    [Fact]
    public async Task River_tees_R2_two_missed_sessions_email_the_line_manager_once_with_the_supervisee_copied()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var supervisee = $"r2@{T}.example";
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var manager = await db.StaffIdAsync($"linemanager@{T}.example");
            var person = await sp.NewPersonAsync("Robin Missed", supervisee, Staff.StaffRoles.Supervisee, lineManagerId: manager);
            var r = await sp.StartAsync("safeguarding-one-to-one", await db.StaffIdAsync($"supervisor@{T}.example"), person.Id, sp.Today().AddMonths(-3));
            for (var hour = 9; hour <= 11; hour += 2)
            {
                var now = clock.GetUtcNow();
                var s = Session.Book(r, sp.Today(), new TimeOnly(hour, 0), 60, null, r.SupervisorId, now, sp.Today());
                db.Sessions.Add(s);
                await db.SaveChangesAsync();
                s.MarkDidNotAttend([person.Id], null, r.SupervisorId, now, sp.Today());
                await db.SaveChangesAsync();
                clock.Now += TimeSpan.FromMinutes(5);
            }
        });
        await app.RoundAsync(T);
        await app.RoundAsync(T);

        var emails = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.Subject == "Two missed safeguarding supervision sessions").ToListAsync());
        var email = Assert.Single(emails);
        Assert.Equal($"linemanager@{T}.example", email.To);
        Assert.Contains(supervisee, email.Cc);
        Assert.DoesNotContain("case", email.TextBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_run_with_nobody_to_write_to_becomes_an_incident_that_an_admin_retries_once_the_data_is_fixed()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var incident = await StoppedRunAsync(app, clock, $"no-manager@{T}.example");
        Assert.Contains("nobody", incident.Message, StringComparison.OrdinalIgnoreCase);

        // The admin records the line manager, then retries from the Rules page.
        await GiveLineManagerAsync(app, clock, $"no-manager@{T}.example");
        var lead = app.Browser();
        await lead.SignIn(T, $"lead@{T}.example", AppFactory.DemoPassword);
        var retried = await lead.PostForm($"/{T}/workflows?handler=Retry", new Dictionary<string, string> { ["incidentId"] = incident.Id.ToString() }, $"/{T}/workflows");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, retried.StatusCode);

        var after = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.Id == incident.InstanceId));
        Assert.Equal(InstanceStatus.Completed, after.Status);
        Assert.Equal(1, await CountAsync(app, db => db.Outbox.CountAsync(m => m.To == $"linemanager@{T}.example" && m.Subject == "Two missed safeguarding supervision sessions")));
        Assert.NotNull((await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Incidents.SingleAsync(i => i.Id == incident.Id))).ResolvedAt);
    }

    [Fact]
    public async Task Two_retries_of_one_stopped_run_read_at_the_same_moment_run_its_steps_once()
    {
        using var folders = new SharedFolders();
        var clock = new SettableClock(Start);
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, clock);
        var incident = await StoppedRunAsync(app, clock, $"double-retry@{T}.example");
        await GiveLineManagerAsync(app, clock, $"double-retry@{T}.example");

        // Two admins (or one double click) open the stopped run and retry it: both read it stopped.
        await app.InTenant(T, one => app.InTenant(T, async two =>
        {
            var first = await one.GetRequiredService<AppDbContext>().WorkflowInstances.Include(i => i.Version).SingleAsync(i => i.Id == incident.InstanceId);
            var second = await two.GetRequiredService<AppDbContext>().WorkflowInstances.Include(i => i.Version).SingleAsync(i => i.Id == incident.InstanceId);
            await one.GetRequiredService<WorkflowHost>().RetryAsync(first, CancellationToken.None);
            await two.GetRequiredService<WorkflowHost>().RetryAsync(second, CancellationToken.None);
            await one.GetRequiredService<AppDbContext>().SaveChangesAsync();
            // The second save is fenced by the run's token, which the first changed: it saves nothing (ADR 0024).
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => two.GetRequiredService<AppDbContext>().SaveChangesAsync());
        }));

        Assert.Equal(1, await CountAsync(app, db => db.Outbox.CountAsync(m => m.To == $"linemanager@{T}.example" && m.Subject == "Two missed safeguarding supervision sessions")));
        Assert.Equal(InstanceStatus.Completed, (await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.SingleAsync(i => i.Id == incident.InstanceId))).Status);
    }

    /// <summary>A new supervisee with no line manager misses two sessions: river-tees' rule stops with nobody to write to.</summary>
    private static async Task<Incident> StoppedRunAsync(WorkflowAppFactory app, SettableClock clock, string email)
    {
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await sp.NewPersonAsync("Noor Nomanager", email, Staff.StaffRoles.Supervisee); // no line manager recorded
            var r = await sp.StartAsync("safeguarding-one-to-one", await db.StaffIdAsync($"supervisor@{T}.example"), person.Id, sp.Today().AddMonths(-3));
            for (var hour = 9; hour <= 11; hour += 2)
            {
                var s = Session.Book(r, sp.Today(), new TimeOnly(hour, 0), 60, null, r.SupervisorId, clock.GetUtcNow(), sp.Today());
                db.Sessions.Add(s);
                await db.SaveChangesAsync();
                s.MarkDidNotAttend([person.Id], null, r.SupervisorId, clock.GetUtcNow(), sp.Today());
                await db.SaveChangesAsync();
                clock.Now += TimeSpan.FromMinutes(5);
            }
        });
        await app.RoundAsync(T);
        return await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Incidents.SingleAsync(i => i.ResolvedAt == null));
    }

    /// <summary>The admin records the person's line manager.</summary>
    private static Task GiveLineManagerAsync(WorkflowAppFactory app, SettableClock clock, string email) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var person = await db.Staff.SingleAsync(x => x.Email == email);
        person.Apply(new Staff.StaffDetails(person.FullName, email, null, null, await db.StaffIdAsync($"linemanager@{T}.example"), person.Roles, null, null),
            sp.GetRequiredService<Microsoft.AspNetCore.Identity.ILookupNormalizer>(), clock.GetUtcNow());
        await db.SaveChangesAsync();
    });
}

public sealed class WorkflowRuntimeTestsInWinter() : WorkflowRuntimeTests(Season.Winter);

public sealed class WorkflowRuntimeTestsInSummer() : WorkflowRuntimeTests(Season.Summer);
