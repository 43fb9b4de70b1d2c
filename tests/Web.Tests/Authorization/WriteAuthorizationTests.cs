using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;
using static SupervisionHub.Web.Tests.Authorization.Actor;

namespace SupervisionHub.Web.Tests.Authorization;

/// <summary>
/// Every write the service takes, tried by every kind of person over real HTTP (sign-in cookie,
/// antiforgery token, the page's own handler): the ones allowed succeed and do what they say; every
/// other is refused (403 or 404, 409 for a party on a signed-off record, the sign-in page for a
/// cookie that is not this tenant's) and leaves the database and the outbox exactly as they were.
/// The table below is the rule; docs/security.md ("Authorization") prints it and names where each
/// kind of thing is decided.
/// </summary>
public sealed class WriteAuthorizationTests(AuthorizationFactory app) : IClassFixture<AuthorizationFactory>
{
    private const string T = AuthorizationFactory.T;

    private static readonly Actor[] Everyone = Enum.GetValues<Actor>();
    private static readonly Actor[] Parties = [Supervisor, Supervisee, LeadParty];
    private static readonly Actor[] Managers = [TenantAdmin, LeadNotParty, LeadParty];
    private static readonly Actor[] PartiesAndManagers = [.. Parties, TenantAdmin, LeadNotParty];
    private static readonly Actor[] SupervisorAndManagers = [Supervisor, .. Managers];
    private static readonly Actor[] StaffWhoWrite = [TenantAdmin, LeadNotParty, LeadParty, Supervisor, Supervisee, LineManager];
    private static readonly Actor[] AdminOnly = [TenantAdmin];

    /// <summary>A write as a browser makes it, and how to tell it happened.</summary>
    private sealed record Attempt(string Url, Dictionary<string, string> Fields, Func<Task<bool>> Happened, Func<string, HttpContent>? Body = null);

    private sealed record Write(string Name, Actor[] Allowed, Func<AuthorizationFactory, Actor, Scene, Task<Attempt>> Arrange);

    private static readonly Write[] Writes =
    [
        // Records: RecordAccess.Rights, asked by every handler of the record page.
        new("record: save a draft", Parties, async (app, who, scene) =>
        {
            var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene));
            return new($"/{T}/records/{record.Id}?handler=Save", Answers(scene, who), () => AnswersChanged(app, record.Id));
        }),
        new("record: autosave", Parties, async (app, who, scene) =>
        {
            var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene));
            return new($"/{T}/records/{record.Id}?handler=Autosave", Answers(scene, who), () => AnswersChanged(app, record.Id));
        }),
        new("record: submit someone's draft", Parties, async (app, who, scene) =>
        {
            var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene));
            return new($"/{T}/records/{record.Id}?handler=Submit", Answers(scene, who),
                () => Query(app, db => db.Submissions.AnyAsync(s => s.Id == record.Id && s.Status != SubmissionStatus.Draft)));
        }),
        new("record: sign", Parties, async (app, who, scene) =>
        {
            var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene, submitted: true));
            var me = await StaffIdAsync(app, who);
            return new($"/{T}/records/{record.Id}?handler=Sign", new() { ["role"] = who == Supervisee ? "Supervisee" : "Supervisor" },
                () => Query(app, db => db.Signatures.AnyAsync(s => s.SubmissionId == record.Id && s.SignerId == me)));
        }),
        new("record: close an action carried from the last session", Parties, async (app, who, scene) =>
        {
            var (record, action) = await app.InTenant(T, async sp =>
            {
                var earlier = await AuthorizationFactory.RecordAsync(sp, scene, submitted: true);
                var db = sp.GetRequiredService<AppDbContext>();
                var carried = new ActionItem(scene.Relationship, earlier.Id, 0, "Read the updated policy", null, null);
                db.Actions.Add(carried);
                await db.SaveChangesAsync();
                return (await AuthorizationFactory.RecordAsync(sp, scene), carried.Id);
            });
            return new($"/{T}/records/{record.Id}?handler=CloseAction", new() { ["actionId"] = action.ToString(), ["outcome"] = "Done" },
                () => Query(app, db => db.Actions.AnyAsync(a => a.Id == action && a.Status == ActionStatus.Done)));
        }),
        new("record: save a record everyone has signed", [], async (app, who, scene) =>
        {
            var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene, signedOff: true));
            return new($"/{T}/records/{record.Id}?handler=Save", Answers(scene, who), () => AnswersChanged(app, record.Id));
        }),
        new("record: start a form of one's own", StaffWhoWrite, async (app, who, _) =>
        {
            var before = await Query(app, db => db.Submissions.CountAsync(s => s.FormId == "self-care-plan"));
            return new($"/{T}/forms?handler=Start", new() { ["formId"] = "self-care-plan" },
                async () => await Query(app, db => db.Submissions.CountAsync(s => s.FormId == "self-care-plan")) > before);
        }),

        // Supervisions and sessions: SupervisionAccess, asked by the supervision, booking and session pages.
        new("supervision: start a form for it", PartiesAndManagers, (app, who, scene) => Task.FromResult(new Attempt(
            $"/{T}/supervision/{scene.Relationship}?handler=StartForm", new() { ["FormId"] = "self-care-plan" },
            () => Query(app, db => db.Submissions.AnyAsync(s => s.RelationshipId == scene.Relationship && s.FormId == "self-care-plan"))))),
        new("supervision: start the agreement", PartiesAndManagers, (app, who, scene) => Task.FromResult(new Attempt(
            $"/{T}/supervision/{scene.Relationship}?handler=Agreement", [],
            () => Query(app, db => db.Submissions.AnyAsync(s => s.RelationshipId == scene.Relationship && s.FormId == "contract"))))),
        new("session: book", PartiesAndManagers, (app, who, scene) => Task.FromResult(new Attempt(
            $"/{T}/supervision/{scene.Relationship}/book", SessionInput(7),
            () => Query(app, db => db.Sessions.AnyAsync(s => s.RelationshipId == scene.Relationship && s.Status == SessionStatus.Booked))))),
        new("session: record one that happened (ad hoc)", PartiesAndManagers, (app, who, scene) => Task.FromResult(new Attempt(
            $"/{T}/supervision/{scene.Relationship}/ad-hoc", SessionInput(0),
            () => Query(app, db => db.Sessions.AnyAsync(s => s.RelationshipId == scene.Relationship && s.AdHoc))))),
        new("session: take attendance", SupervisorAndManagers, async (app, who, scene) =>
        {
            var session = await BookedAsync(app, scene, 0);
            return new($"/{T}/sessions/{session}?handler=Outcome", new() { ["Outcome"] = "attended" },
                () => Query(app, db => db.Sessions.AnyAsync(s => s.Id == session && s.Status == SessionStatus.Attended)));
        }),
        new("session: cancel", PartiesAndManagers, async (app, who, scene) =>
        {
            var session = await BookedAsync(app, scene, 3);
            return new($"/{T}/sessions/{session}?handler=Cancel", new() { ["CancelledBy"] = "supervisor", ["CancelReason"] = "Called to a meeting" },
                () => Query(app, db => db.Sessions.AnyAsync(s => s.Id == session && s.Status != SessionStatus.Booked)));
        }),
        new("session: write its record", Parties, async (app, who, scene) =>
        {
            var session = await app.InTenant(T, async sp =>
                (await sp.AttendedTodayAsync(await sp.GetRequiredService<AppDbContext>().Relationships.Include(r => r.Members).SingleAsync(r => r.Id == scene.Relationship))).Id);
            return new($"/{T}/sessions/{session}?handler=Record", [],
                () => Query(app, db => db.Sessions.AnyAsync(s => s.Id == session && s.RecordId != null)));
        }),
        new("supervision: pair a supervisor with a supervisee", Managers, async (app, who, scene) =>
        {
            var newcomer = await app.PersonAsync(StaffRoles.Supervisee);
            var today = await TodayAsync(app);
            return new($"/{T}/supervision/new", new()
            {
                ["Input.TypeId"] = "one-to-one", ["Input.SupervisorId"] = scene.SupervisorId, ["Input.SuperviseeIds"] = newcomer,
                ["Input.StartOn.Day"] = today.Day.ToString(), ["Input.StartOn.Month"] = today.Month.ToString(), ["Input.StartOn.Year"] = today.Year.ToString(),
            }, () => Query(app, db => db.RelationshipMembers.AnyAsync(m => m.StaffId == newcomer)));
        }),
        new("supervision: plan a series with diary invitations", Managers, async (app, who, scene) =>
        {
            var first = (await TodayAsync(app)).AddDays(14);
            return new($"/{T}/supervision/series", new()
            {
                ["Input.RelationshipIds"] = scene.Relationship.ToString(),
                ["Input.First.Day"] = first.Day.ToString(), ["Input.First.Month"] = first.Month.ToString(), ["Input.First.Year"] = first.Year.ToString(),
                ["Input.Time"] = "10:00", ["Input.Minutes"] = "60", ["Input.EveryMonths"] = "1", ["Input.Count"] = "2",
            }, () => Query(app, db => db.Sessions.AnyAsync(s => s.RelationshipId == scene.Relationship && s.SeriesId != null)));
        }),
        new("supervision: reallocate", Managers, async (app, who, scene) =>
        {
            var other = await StaffIdAsync(app, scene.SupervisorId == await StaffIdAsync(app, Supervisor) ? LeadParty : Supervisor);
            return new($"/{T}/supervision/{scene.Relationship}?handler=Reallocate", new() { ["NewSupervisorId"] = other, ["HandoverNote"] = "Open actions are on the record." },
                () => Query(app, db => db.Relationships.AnyAsync(r => r.PreviousId == scene.Relationship)));
        }),
        new("supervision: end", Managers, (app, who, scene) => Task.FromResult(new Attempt(
            $"/{T}/supervision/{scene.Relationship}?handler=End", new() { ["EndReason"] = "Moving school" },
            () => Query(app, db => db.Relationships.AnyAsync(r => r.Id == scene.Relationship && r.EndedOn != null))))),
        new("supervision: add a member to a group", Managers, async (app, who, scene) =>
        {
            var group = await GroupAsync(app, scene);
            var joining = await app.PersonAsync(StaffRoles.Supervisee);
            return new($"/{T}/supervision/{group.Id}?handler=AddMember", new() { ["MemberId"] = joining },
                () => Query(app, db => db.RelationshipMembers.AnyAsync(m => m.RelationshipId == group.Id && m.StaffId == joining)));
        }),
        new("supervision: remove a member from a group", Managers, async (app, who, scene) =>
        {
            var group = await GroupAsync(app, scene);
            return new($"/{T}/supervision/{group.Id}?handler=RemoveMember", new() { ["staffId"] = group.Member },
                () => Query(app, db => db.RelationshipMembers.AnyAsync(m => m.RelationshipId == group.Id && m.StaffId == group.Member && m.LeftOn != null)));
        }),
        new("rules: cancel a waiting run", Managers, async (app, who, scene) =>
        {
            var (run, _) = await RunAsync(app, scene, incident: false);
            return new($"/{T}/workflows/runs/{run}?handler=Cancel", [],
                () => Query(app, db => db.WorkflowInstances.AnyAsync(i => i.Id == run && i.Status == InstanceStatus.Cancelled)));
        }),
        new("rules: cancel a run from its incident", Managers, async (app, who, scene) =>
        {
            var (_, incident) = await RunAsync(app, scene, incident: true);
            return new($"/{T}/workflows?handler=Cancel", new() { ["incidentId"] = incident.ToString() },
                () => Query(app, db => db.Incidents.AnyAsync(i => i.Id == incident && i.ResolvedAt != null)));
        }),

        // Staff: the tenant-admin policy on the staff editing and import pages.
        new("staff: add a person", AdminOnly, (app, who, _) =>
        {
            var email = $"new.{Guid.NewGuid():N}@{T}.example";
            return Task.FromResult(new Attempt($"/{T}/staff/new", new() { ["Input.FullName"] = "Nia Newcomer", ["Input.Email"] = email, ["Input.Roles"] = "supervisee" },
                () => Query(app, db => db.Staff.AnyAsync(s => s.Email == email))));
        }),
        new("staff: record training", AdminOnly, async (app, who, scene) =>
        {
            var course = $"Course {Guid.NewGuid():N}";
            var done = (await TodayAsync(app)).AddDays(-10);
            return new($"/{T}/staff/{scene.SupervisorId}?handler=Training", new()
            {
                ["Training.Course"] = course,
                ["Training.CompletedOn.Day"] = done.Day.ToString(), ["Training.CompletedOn.Month"] = done.Month.ToString(), ["Training.CompletedOn.Year"] = done.Year.ToString(),
            }, () => Query(app, db => db.TrainingRecords.AnyAsync(t => t.Course == course)));
        }),
        new("staff: import a CSV", AdminOnly, (app, who, _) =>
        {
            var email = $"imported.{Guid.NewGuid():N}@{T}.example";
            var csv = StaffDirectory.CsvHeader + "\n" + $"Ivy Imported,{email},,,,supervisee,,,,,\n";
            return Task.FromResult(new Attempt($"/{T}/staff/import", [], () => Query(app, db => db.Staff.AnyAsync(s => s.Email == email)), token =>
            {
                var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv));
                file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                return new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Upload", "staff.csv" } };
            }));
        }),
        new("staff: export everything held about a person", AdminOnly, async (app, who, scene) =>
        {
            var before = await Query(app, db => db.AuditEntries.CountAsync(a => a.Action == "export" && a.Entity == "person"));
            return new($"/{T}/audit/subject-access", new() { ["Person"] = scene.SuperviseeId },
                async () => await Query(app, db => db.AuditEntries.CountAsync(a => a.Action == "export" && a.Entity == "person")) > before);
        }),

        // Configuration: the tenant-admin policy on the /admin and /email folders (the other
        // configuration handlers are refused by the same policy in Configuration_is_changed_by_tenant_admins_only).
        new("configuration: change how long email links work", AdminOnly, async (app, who, _) =>
        {
            var yaml = () => Query(app, db => db.Tenants.Where(t => t.Identifier == T).Select(t => t.ConfigurationYaml).SingleAsync());
            var before = await yaml();
            var days = Enumerable.Range(15, 3).First(d => !before.Contains($"linkExpiryDays: {d}", StringComparison.Ordinal));
            return new($"/{T}/admin/settings?handler=Links", new() { ["LinkExpiryDays"] = days.ToString() },
                async () => (await yaml()).Contains($"linkExpiryDays: {days}", StringComparison.Ordinal));
        }),
        new("configuration: send a failed email again", AdminOnly, async (app, who, _) =>
        {
            var id = await app.InTenant(T, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
                var message = new OutboxMessage($"nobody@{T}.example", "A test message", "Body", now);
                while (message.FailedAt is null) message.RecordFailure("Mailbox unavailable", now);
                db.Outbox.Add(message);
                await db.SaveChangesAsync();
                return message.Id;
            });
            return new($"/{T}/email?handler=TryAgain", new() { ["id"] = id.ToString() },
                () => Query(app, db => db.Outbox.AnyAsync(m => m.Id == id && m.FailedAt == null)));
        }),
    ];

    public static TheoryData<string, Actor> Cases()
    {
        var data = new TheoryData<string, Actor>();
        foreach (var write in Writes)
            foreach (var actor in Everyone)
                data.Add(write.Name, actor);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Only_the_people_the_rule_names_can_make_each_write(string writeName, Actor actor)
    {
        var write = Writes.Single(w => w.Name == writeName);
        var allowed = write.Allowed.Contains(actor);
        var client = await app.ClientAsync(actor);
        var scene = await app.SceneAsync(actor);
        var attempt = await write.Arrange(app, actor, scene);
        var token = await client.AntiforgeryToken(app.TokenPage(actor));

        var before = await app.FingerprintAsync();
        var response = await client.PostAsync(attempt.Url, attempt.Body?.Invoke(token)
            ?? new FormUrlEncodedContent(attempt.Fields.Append(new("__RequestVerificationToken", token))));
        var status = response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? "";

        if (allowed)
        {
            Assert.True(status is HttpStatusCode.Redirect or HttpStatusCode.NoContent or HttpStatusCode.OK && !location.Contains("/account/", StringComparison.Ordinal),
                $"{actor} should be able to {writeName}: got {(int)status} {location} {await Snippet(response)}");
            Assert.True(await attempt.Happened(), $"{actor} was answered {(int)status} but '{writeName}' did not happen");
            return;
        }
        var refused = status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Conflict
                      || status == HttpStatusCode.Redirect && location.StartsWith($"/{T}/account/sign-in", StringComparison.Ordinal);
        Assert.True(refused, $"{actor} must not be able to {writeName}: got {(int)status} {location}");
        Assert.Equal(before, await app.FingerprintAsync());
        Assert.False(await attempt.Happened());
    }

    public static TheoryData<string, Actor> ConfigurationCases()
    {
        string[] posts =
        [
            "/admin/forms/new", $"/admin/forms/{AuthorizationFactory.FormId}/edit?handler=Publish", $"/admin/forms/{AuthorizationFactory.FormId}/edit?handler=Questions",
            $"/admin/forms/{AuthorizationFactory.FormId}/edit?handler=Move", $"/admin/forms/{AuthorizationFactory.FormId}/edit?handler=Add",
            $"/admin/forms/{AuthorizationFactory.FormId}/versions?handler=RollBack",
            "/admin/settings?handler=Organisation", "/admin/settings?handler=Terms", "/admin/settings?handler=Closures", "/admin/settings?handler=Roles",
            "/admin/settings?handler=Supervision", "/admin/settings?handler=Logo", "/admin/settings?handler=RemoveLogo", "/admin/settings/yaml?handler=Save",
            "/admin/emails/new", "/admin/emails/record-sign-off?handler=Publish", "/admin/workflows/new", "/admin/workflows/record-sign-off?handler=Publish",
        ];
        var data = new TheoryData<string, Actor>();
        foreach (var post in posts)
            foreach (var actor in Everyone.Where(a => a is not (TenantAdmin or LeadParty))) // the lead is one person: once is enough
                data.Add(post, actor);
        return data;
    }

    /// <summary>
    /// Forms, settings, templates, rules and the logo: every handler under /admin is the tenant
    /// admin's (the folder's policy). Refused ones change nothing. That the tenant admin's own posts
    /// work is shown handler by handler in tests/Web.Tests/Admin.
    /// </summary>
    [Theory]
    [MemberData(nameof(ConfigurationCases))]
    public async Task Configuration_is_changed_by_tenant_admins_only(string post, Actor actor)
    {
        var client = await app.ClientAsync(actor);
        var token = await client.AntiforgeryToken(app.TokenPage(actor));
        var before = await app.FingerprintAsync();
        var response = await client.PostAsync($"/{T}{post}", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Yaml", "name: Taken over")]));
        var location = response.Headers.Location?.OriginalString ?? "";
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden
                    || response.StatusCode == HttpStatusCode.Redirect && location.StartsWith($"/{T}/account/sign-in", StringComparison.Ordinal),
            $"{actor} must not reach {post}: got {(int)response.StatusCode} {location}");
        Assert.Equal(before, await app.FingerprintAsync());
    }

    private static Dictionary<string, string> Answers(Scene scene, Actor who) => new()
    {
        ["a.supervisor"] = scene.SupervisorId, ["a.supervisee"] = scene.SuperviseeId,
        ["a.discussed"] = $"Written by {who}.", ["a.comments"] = $"Comment by {who}.", ["a.actions.rows"] = "0",
    };

    private static Task<bool> AnswersChanged(AuthorizationFactory app, Guid record) =>
        Query(app, db => db.Submissions.AnyAsync(s => s.Id == record && s.AnswersJson.Contains(" by ")));

    private static Dictionary<string, string> SessionInput(int daysFromToday)
    {
        var now = Seasons.UtcNow.UtcDateTime; // the app's clock, which SHUB_TEST_CLOCK may move
        var day = DateOnly.FromDateTime(now).AddDays(daysFromToday);
        if (daysFromToday == 0) day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(now, "Europe/London"));
        return new()
        {
            ["Input.Date.Day"] = day.Day.ToString(), ["Input.Date.Month"] = day.Month.ToString(), ["Input.Date.Year"] = day.Year.ToString(),
            ["Input.Time"] = "07:30", ["Input.Minutes"] = "60", ["Input.Location"] = "Library office",
        };
    }

    private static Task<Guid> BookedAsync(AuthorizationFactory app, Scene scene, int daysFromToday) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var relationship = await db.Relationships.Include(r => r.Members).SingleAsync(r => r.Id == scene.Relationship);
        var today = sp.Today();
        var session = Session.Book(relationship, today.AddDays(daysFromToday), new TimeOnly(7, 0), 60, null, scene.SupervisorId, sp.GetRequiredService<TimeProvider>().GetUtcNow(), today);
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    });

    /// <summary>A group with the scene's supervisor, the demo supervisee and one more member.</summary>
    private static async Task<(Guid Id, string Member)> GroupAsync(AuthorizationFactory app, Scene scene)
    {
        var member = await app.PersonAsync(StaffRoles.Supervisee);
        var id = await app.InTenant(T, async sp =>
        {
            var allocation = sp.GetRequiredService<Allocation>();
            var started = await allocation.StartAsync("group", scene.SupervisorId, [scene.SuperviseeId, member], allocation.Today.AddDays(-7), CancellationToken.None);
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            return started.Relationship.Id;
        });
        return (id, member);
    }

    /// <summary>A run of one of the tenant's rules about the scene's supervision, waiting, or stopped with an incident.</summary>
    private static Task<(Guid Run, int Incident)> RunAsync(AuthorizationFactory app, Scene scene, bool incident) => app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var version = await db.WorkflowVersions.FirstAsync(v => v.IsCurrent);
        var run = new WorkflowInstance(version, null, scene.Relationship, null, scene.SuperviseeId, now);
        if (incident) run.Finished(InstanceStatus.Faulted, "{}", now);
        else run.Waiting("{}", null, null, null, now.AddDays(30), now);
        db.WorkflowInstances.Add(run);
        await db.SaveChangesAsync();
        var problem = new Incident(run.Id, "step", "Failed for a test", now);
        if (incident) db.Incidents.Add(problem);
        await db.SaveChangesAsync();
        return (run.Id, incident ? problem.Id : 0);
    });

    private static Task<T1> Query<T1>(AuthorizationFactory app, Func<AppDbContext, Task<T1>> query) =>
        app.InTenant(T, sp => query(sp.GetRequiredService<AppDbContext>()));

    /// <summary>The actor's id in this tenant (someone from another tenant has none here).</summary>
    private static Task<string> StaffIdAsync(AuthorizationFactory app, Actor who) => who == OtherTenant ? Task.FromResult("not-in-this-tenant")
        : Query(app, db => db.StaffIdAsync(AuthorizationFactory.Email(who == LinkHolder ? Supervisee : who)));

    private static Task<DateOnly> TodayAsync(AuthorizationFactory app) => app.InTenant(T, sp => Task.FromResult(sp.Today()));

    private static async Task<string> Snippet(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var at = html.IndexOf("govuk-error-summary__list", StringComparison.Ordinal);
        return at < 0 ? "" : html.Substring(at, Math.Min(400, html.Length - at));
    }
}
