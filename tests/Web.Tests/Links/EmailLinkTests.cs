using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Links;

/// <summary>
/// Email links from the attacker's side as well as the person's: a link opens one task, and a
/// record only after a code sent to the same address; links of one tenant mean nothing in another;
/// used and expired links stop working; guessing tokens and codes fails and is slowed.
/// </summary>
public sealed partial class EmailLinkTests(ClockedAppFixture fx) : IClassFixture<ClockedAppFixture>
{
    private WorkflowAppFactory App => fx.App;

    [GeneratedRegex(@"/link/([A-Za-z0-9_-]{40,})")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\*\*(\d{6})\*\*")]
    private static partial Regex CodePattern();

    /// <summary>A submitted record between the demo supervisor and a new supervisee; the supervisee is asked to sign by link.</summary>
    private Task<(Guid Record, string Token, string Email)> SignRequestAsync(string tenant) => App.InTenant(tenant, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var email = $"pat.{Guid.NewGuid():N}@{tenant}.example";
        var supervisee = await sp.NewPersonAsync("Pat Practitioner", email, Staff.StaffRoles.Supervisee, password: AppFactory.DemoPassword);
        var supervisorId = await db.StaffIdAsync($"lead@{tenant}.example");
        var supervisor = await db.Staff.SingleAsync(s => s.Id == supervisorId);
        var type = tenant == "river-tees" ? "safeguarding-one-to-one" : "one-to-one";
        var relationship = await sp.StartAsync(type, supervisorId, supervisee.Id, sp.Today().AddDays(-30));
        var session = await sp.AttendedTodayAsync(relationship);
        var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(session, sp.GetRequiredService<Allocation>().Type(type), supervisorId, CancellationToken.None);
        record.Submit(record.Answers, fx.Clock.GetUtcNow());
        await db.SaveChangesAsync();
        var form = FormCatalog.Definition(await db.FormVersions.SingleAsync(v => v.Id == record.FormVersionId));
        await sp.GetRequiredService<TaskLinks>().RequestSignaturesAsync(record, form, await sp.GetRequiredService<RecordGate>().PartiesAsync(record.RelationshipId, default), supervisor, default);
        await db.SaveChangesAsync();
        var message = await db.Outbox.Where(m => m.To == email).SingleAsync();
        Assert.DoesNotContain(record.Id.ToString(), message.TextBody); // the email names the task, not the record
        return (record.Id, LinkPattern().Match(message.TextBody).Groups[1].Value, email);
    });

    private Task<string> LatestCodeAsync(string tenant, string email) => App.InTenant(tenant, async sp =>
    {
        var messages = await sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.To == email && m.Subject.Contains("code")).ToListAsync();
        return CodePattern().Match(messages.OrderBy(m => m.CreatedAt).Last().TextBody).Groups[1].Value;
    });

    private static async Task<HttpResponseMessage> Post(HttpClient client, string url, string handler, Dictionary<string, string>? fields = null) =>
        await client.PostForm($"{url}?handler={handler}", fields ?? [], url);

    [Fact]
    public async Task A_link_opens_the_record_only_after_a_code_from_the_same_address_then_signs_and_is_used_up()
    {
        var (record, token, email) = await SignRequestAsync("mse-icb");
        var client = App.Browser();
        var url = $"/mse-icb/link/{token}";

        var first = await client.GetStringAsync(url);
        Assert.Contains("Confirm it is you", first);
        Assert.Contains("Send me a code", first);
        // The link alone opens nothing: not the record, and no other page.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync($"/mse-icb/records/{record}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Post(client, url, "SendCode")).StatusCode);
        var code = await LatestCodeAsync("mse-icb", email);
        var wrong = await Post(client, url, "Code", new() { ["code"] = code == "000000" ? "111111" : "000000" });
        Assert.Contains("The code is not right", await wrong.Content.ReadAsStringAsync());
        var right = await Post(client, url, "Code", new() { ["code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal($"/mse-icb/records/{record}", right.Headers.Location?.OriginalString);

        var page = await client.GetStringAsync($"/mse-icb/records/{record}");
        Assert.Contains("Sign as supervisee", page);
        Assert.DoesNotContain("Sign out", page); // a link is not a sign-in: no menu
        // The verified link still opens nothing else.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/mse-icb/supervision")).StatusCode);
        var other = (await SignRequestAsync("mse-icb")).Record;
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/mse-icb/records/{other}")).StatusCode);

        var sign = await client.PostForm($"/mse-icb/records/{record}?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisee" }, $"/mse-icb/records/{record}");
        Assert.Equal(HttpStatusCode.Redirect, sign.StatusCode);

        await App.InTenant("mse-icb", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var signed = await db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == record);
            var staffId = await db.StaffIdAsync(email);
            Assert.Contains(signed.ValidSignatures, s => s.SignerId == staffId && s.Role == "Supervisee");
            Assert.Equal(SupervisionHub.Web.Workflows.TaskStatus.Done, (await db.WorkTasks.SingleAsync(t => t.SubmissionId == record && t.AssigneeId == staffId)).Status);
            var audit = await db.AuditEntries.Where(a => a.ActorId == staffId).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
            Assert.Equal(["link-open", "link-code-sent", "link-code-failed", "link-verified"], audit.Where(a => a.StartsWith("link-", StringComparison.Ordinal)).Distinct());
            Assert.Contains("sign", audit);
        });

        // Used: the same link no longer opens anything, and says why.
        var again = await client.GetStringAsync(url);
        Assert.Contains("This link has already been used", again);
        Assert.Contains("Send me a fresh link", again);
    }

    [Fact]
    public async Task A_rules_reminder_to_sign_carries_the_persons_own_link()
    {
        var (_, _, email) = await SignRequestAsync("ralph-thoresby");
        await App.RoundAsync("ralph-thoresby"); // record.submitted starts R3's wait for signatures
        var start = fx.Clock.Now;
        try
        {
            fx.Clock.Now = start.AddDays(10); // past five working days
            await App.RoundAsync("ralph-thoresby");
            var reminder = await App.InTenant("ralph-thoresby", async sp =>
                await sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.To == email && !m.Subject.StartsWith("Please read and sign")).SingleAsync());
            var token = LinkPattern().Match(reminder.TextBody).Groups[1].Value;
            Assert.NotEmpty(token);
            Assert.Contains("Confirm it is you", await App.Browser().GetStringAsync($"/ralph-thoresby/link/{token}"));
        }
        finally
        {
            fx.Clock.Now = start;
        }
    }

    [Fact]
    public async Task A_link_of_one_tenant_is_not_recognised_under_another_tenants_address()
    {
        var (_, token, _) = await SignRequestAsync("ascent");
        var client = App.Browser();
        var response = await client.GetAsync($"/ralph-thoresby/link/{token}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This link is not recognised", await response.Content.ReadAsStringAsync());
        // Nor can its handlers be driven from there.
        var code = await client.PostAsync($"/ralph-thoresby/link/{token}?handler=SendCode", new FormUrlEncodedContent([]));
        Assert.NotEqual(HttpStatusCode.OK, code.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/ascent/link/{token}")).StatusCode);
    }

    [Fact]
    public async Task An_expired_link_offers_a_fresh_one_sent_to_the_same_address()
    {
        var (_, token, email) = await SignRequestAsync("devon-torbay");
        var client = App.Browser();
        var url = $"/devon-torbay/link/{token}";
        var start = fx.Clock.Now;
        try
        {
            fx.Clock.Now = start.AddDays(15); // devon-torbay keeps the default 14 days
            var expired = await client.GetStringAsync(url);
            Assert.Contains("This link has expired", expired);
            Assert.Equal(HttpStatusCode.OK, (await Post(client, url, "Fresh")).StatusCode);
            var fresh = await App.InTenant("devon-torbay", async sp =>
                (await sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.To == email && m.Subject.Contains("new")).SingleAsync()).TextBody);
            var newToken = LinkPattern().Match(fresh).Groups[1].Value;
            Assert.NotEqual(token, newToken);
            Assert.Contains("Confirm it is you", await client.GetStringAsync($"/devon-torbay/link/{newToken}"));
            Assert.Contains("This link has expired", await client.GetStringAsync(url)); // the old one stays dead
            // A used link is not renewed over and over: a few a day, then no.
            for (var i = 0; i < OpenModel_MaxFresh; i++) await Post(client, url, "Fresh");
            Assert.Contains("cannot send another link today", await (await Post(client, url, "Fresh")).Content.ReadAsStringAsync());
        }
        finally
        {
            fx.Clock.Now = start;
        }
    }

    private const int OpenModel_MaxFresh = Pages.Links.OpenModel.MaxFreshLinksPerDay;

    [Fact]
    public async Task Guessed_codes_fail_and_five_wrong_ones_void_the_code()
    {
        var (record, token, email) = await SignRequestAsync("ralph-thoresby");
        var client = App.Browser();
        var url = $"/ralph-thoresby/link/{token}";
        await client.GetAsync(url);
        await Post(client, url, "SendCode");
        var code = await LatestCodeAsync("ralph-thoresby", email);
        var guesses = Enumerable.Range(0, 1000).Select(i => i.ToString("D6")).Where(g => g != code).Take(EmailLink.MaxCodeFailures).ToList();
        HttpResponseMessage last = null!;
        foreach (var guess in guesses) last = await Post(client, url, "Code", new() { ["code"] = guess });
        Assert.Contains("too many times", await last.Content.ReadAsStringAsync());
        // The right code no longer works either: a new one must be sent to the person's address.
        var late = await Post(client, url, "Code", new() { ["code"] = code });
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync($"/ralph-thoresby/records/{record}")).StatusCode);
    }

    [Fact]
    public async Task Guessing_tokens_finds_nothing_and_is_slowed()
    {
        var client = App.Browser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
            statuses.Add((await client.GetAsync($"/river-tees/link/{Guid.NewGuid():N}{Guid.NewGuid():N}")).StatusCode);
        Assert.DoesNotContain(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.NotFound, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}

/// <summary>Forms asked for by a rule arrive with their own link: an evaluation opens as the person's own draft; an anonymous audit keeps no identity.</summary>
public sealed partial class RequestedFormLinkTests(ClockedAppFixture fx) : IClassFixture<ClockedAppFixture>
{
    private WorkflowAppFactory App => fx.App;

    [GeneratedRegex(@"/link/([A-Za-z0-9_-]{40,})")]
    private static partial Regex LinkPattern();

    [Fact]
    public async Task An_evaluation_asked_for_after_a_session_arrives_once_with_a_link_that_opens_a_draft_of_the_session()
    {
        var (session, email) = await App.InTenant("mse-icb", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var address = $"eve.{Guid.NewGuid():N}@mse-icb.example";
            var supervisee = await sp.NewPersonAsync("Eve Evaluator", address, Staff.StaffRoles.Supervisee);
            var relationship = await sp.StartAsync("one-to-one", await db.StaffIdAsync("lead@mse-icb.example"), supervisee.Id, sp.Today().AddDays(-30));
            return ((await sp.AttendedTodayAsync(relationship)).Id, address);
        });
        await App.RoundAsync("mse-icb");

        var emails = await App.InTenant("mse-icb", sp => sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.To == email).ToListAsync());
        var request = Assert.Single(emails); // once: not once for the email and again for the task
        var token = LinkPattern().Match(request.TextBody).Groups[1].Value;
        Assert.NotEmpty(token);

        var client = App.Browser();
        var open = await client.GetAsync($"/mse-icb/link/{token}");
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        var location = open.Headers.Location!.OriginalString;
        Assert.StartsWith("/mse-icb/records/", location);
        var page = await client.GetStringAsync(location);
        Assert.Contains("Submit", page);
        var draftId = Guid.Parse(location.Split('/').Last());
        await App.InTenant("mse-icb", async sp =>
        {
            var draft = await sp.GetRequiredService<AppDbContext>().Submissions.SingleAsync(s => s.Id == draftId);
            Assert.Equal("evaluation", draft.FormId);
            Assert.Equal(session, draft.SessionId);
        });
        // Opened again, the draft now holds what the person typed: it needs the code like any record.
        Assert.Contains("Confirm it is you", await App.Browser().GetStringAsync($"/mse-icb/link/{token}"));

        // Asked again while it is still to do: the same task, with a fresh link, not a second task.
        await App.InTenant("mse-icb", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var s = await db.Sessions.SingleAsync(x => x.Id == session);
            db.Events.Add(new DomainEvent(EventTypes.SessionAttended, fx.Clock.GetUtcNow(), s.RelationshipId, s.Id));
            await db.SaveChangesAsync();
        });
        await App.RoundAsync("mse-icb");
        await App.InTenant("mse-icb", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var staffId = await db.StaffIdAsync(email);
            var task = Assert.Single(await db.WorkTasks.Where(t => t.AssigneeId == staffId && t.FormId == "evaluation").ToListAsync());
            // The task names the form as people know it, not by its id.
            var title = await db.FormVersions.Where(v => v.FormId == "evaluation").OrderByDescending(v => v.Version).Select(v => v.Title).FirstAsync();
            Assert.Equal($"Complete: {title}", task.Title);
            var messages = await db.Outbox.Where(m => m.To == email && m.Subject == request.Subject).ToListAsync();
            Assert.Equal(2, messages.Count);
            Assert.Equal(2, messages.Select(m => LinkPattern().Match(m.TextBody).Groups[1].Value).Distinct().Count());
        });
    }

    [Fact]
    public async Task An_overdue_supervisee_books_their_next_session_from_the_link_and_nothing_else_opens()
    {
        var (relationship, other, email) = await App.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var address = $"bo.{Guid.NewGuid():N}@ralph-thoresby.example";
            var supervisee = await sp.NewPersonAsync("Bo Booker", address, Staff.StaffRoles.Supervisee);
            var lead = await db.StaffIdAsync("lead@ralph-thoresby.example");
            var mine = await sp.StartAsync("one-to-one", lead, supervisee.Id, sp.Today().AddDays(-60));
            var someoneElse = await sp.StartAsync("one-to-one", lead, (await sp.NewPersonAsync("Cy Other", $"cy.{Guid.NewGuid():N}@ralph-thoresby.example", Staff.StaffRoles.Supervisee)).Id, sp.Today().AddDays(-60));
            db.Events.Add(new DomainEvent(EventTypes.SupervisionOverdue, fx.Clock.GetUtcNow(), mine.Id, null, supervisee.Id));
            await db.SaveChangesAsync();
            return (mine.Id, someoneElse.Id, address);
        });
        await App.RoundAsync("ralph-thoresby");
        var message = await App.InTenant("ralph-thoresby", sp => sp.GetRequiredService<AppDbContext>().Outbox.SingleAsync(m => m.To == email));
        var token = LinkPattern().Match(message.TextBody).Groups[1].Value;

        var client = App.Browser();
        var open = await client.GetAsync($"/ralph-thoresby/link/{token}");
        Assert.Equal($"/ralph-thoresby/supervision/{relationship}/book", open.Headers.Location?.OriginalString);
        var book = $"/ralph-thoresby/supervision/{relationship}/book";
        Assert.Contains("Book a session", await client.GetStringAsync(book));
        // The link opens this booking page only: not the supervision, not another one's booking, not ad hoc records.
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync($"/ralph-thoresby/supervision/{relationship}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/ralph-thoresby/supervision/{other}/book")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/ralph-thoresby/supervision/{relationship}/ad-hoc")).StatusCode);

        var day = DateOnly.FromDateTime(fx.Clock.Now.UtcDateTime).AddDays(7);
        var booked = await client.PostForm(book, new Dictionary<string, string>
        {
            ["Input.Date.Day"] = day.Day.ToString(), ["Input.Date.Month"] = day.Month.ToString(), ["Input.Date.Year"] = day.Year.ToString(),
            ["Input.Time"] = "10:00", ["Input.Minutes"] = "60",
        });
        Assert.Contains("Session booked", await booked.Content.ReadAsStringAsync());
        await App.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.True(await db.Sessions.AnyAsync(s => s.RelationshipId == relationship && s.Date == day));
            Assert.Equal(SupervisionHub.Web.Workflows.TaskStatus.Done, (await db.WorkTasks.SingleAsync(t => t.RelationshipId == relationship && t.IsBooking)).Status);
        });
        Assert.Contains("This link has already been used", await client.GetStringAsync($"/ralph-thoresby/link/{token}"));
    }

    [Fact]
    public async Task A_signed_in_person_starts_a_requested_form_from_their_home_page_but_an_anonymous_one_comes_by_link()
    {
        var address = $"hana.{Guid.NewGuid():N}@river-tees.example";
        var (evaluation, audit) = await App.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await sp.NewPersonAsync("Hana Home", address, Staff.StaffRoles.Supervisee, password: AppFactory.DemoPassword);
            var first = new WorkTask(person.Id, "Complete the form supervision-record", null, false, "supervision-record", null, null, fx.Clock.GetUtcNow());
            var second = new WorkTask(person.Id, "Complete the form audit-tool", null, false, "audit-tool", null, null, fx.Clock.GetUtcNow());
            db.WorkTasks.AddRange(first, second);
            await db.SaveChangesAsync();
            return (first.Id, second.Id);
        });
        var client = App.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn("river-tees", address, AppFactory.DemoPassword)).StatusCode);
        var home = await client.GetStringAsync("/river-tees");
        Assert.Contains("Complete the form supervision-record", home);

        var start = await client.PostForm("/river-tees?handler=StartTask", new Dictionary<string, string> { ["taskId"] = evaluation.ToString() }, "/river-tees");
        Assert.StartsWith("/river-tees/records/", start.Headers.Location?.OriginalString);
        var again = await client.PostForm("/river-tees?handler=StartTask", new Dictionary<string, string> { ["taskId"] = evaluation.ToString() }, "/river-tees");
        Assert.Equal(start.Headers.Location, again.Headers.Location); // the same draft, not a second one

        var anonymous = await client.PostForm("/river-tees?handler=StartTask", new Dictionary<string, string> { ["taskId"] = audit.ToString() }, "/river-tees");
        Assert.Equal("/river-tees", anonymous.Headers.Location?.OriginalString);
        await App.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.False(await db.Submissions.AnyAsync(s => s.FormId == "audit-tool" && s.CreatedById != null));
            Assert.Contains("/link/", (await db.Outbox.SingleAsync(m => m.To == address)).TextBody);
        });
    }

    [Fact]
    public async Task An_anonymous_audit_is_answered_from_its_link_and_stored_with_no_identity()
    {
        var (token, staffId) = await App.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await sp.NewPersonAsync("Ann Onymous", $"ann.{Guid.NewGuid():N}@river-tees.example", Staff.StaffRoles.Supervisee);
            var task = new WorkTask(person.Id, "Complete the form audit-tool", null, false, "audit-tool", null, null, fx.Clock.GetUtcNow());
            db.WorkTasks.Add(task);
            var url = sp.GetRequiredService<TaskLinks>().Issue(task, person.Id, person.Email!);
            await db.SaveChangesAsync();
            return (LinkPattern().Match(url).Groups[1].Value, person.Id);
        });
        var client = App.Browser();
        var url = $"/river-tees/link/{token}";
        var form = await client.GetStringAsync(url);
        Assert.Contains("stored without your name", form);

        // Half the answers: errors, and what was typed is still there.
        var partial = await client.PostForm($"{url}?handler=Answer", new Dictionary<string, string> { ["a.sessions-past-year"] = "7" }, url);
        var again = await partial.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", again);
        Assert.Contains("value=\"7\"", again);

        var answers = new Dictionary<string, string> { ["a.sessions-past-year"] = "7", ["a.families-discussed"] = "12" };
        foreach (var id in new[] { "length-met-needs", "extra-sessions", "all-families-discussed", "general-issues-discussed", "training-needs-discussed", "reflective-thinking", "open-and-honest" })
            answers[$"a.{id}"] = "yes";
        var today = fx.Clock.Now;
        (answers["a.date.day"], answers["a.date.month"], answers["a.date.year"]) = (today.Day.ToString(), today.Month.ToString(), today.Year.ToString());
        var done = await client.PostForm($"{url}?handler=Answer", answers, url);
        Assert.Contains("Your answers have been stored without your name", await done.Content.ReadAsStringAsync());

        await App.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var stored = await db.Submissions.Where(s => s.FormId == "audit-tool").ToListAsync();
            var mine = Assert.Single(stored);
            Assert.Null(mine.CreatedById);
            Assert.Null(mine.RelationshipId);
            Assert.Null(mine.SessionId);
            Assert.Equal(TimeSpan.Zero, mine.CreatedAt.TimeOfDay); // the day only, not the moment
            Assert.DoesNotContain(staffId, mine.AnswersJson);
            var task = await db.WorkTasks.SingleAsync(t => t.AssigneeId == staffId);
            Assert.Equal(SupervisionHub.Web.Workflows.TaskStatus.Done, task.Status);
            Assert.Null(task.SubmissionId); // the task does not point at the answers
            Assert.DoesNotContain(await db.AuditEntries.Where(a => a.ActorId == staffId).Select(a => a.EntityId).ToListAsync(), id => id == mine.Id.ToString());
        });
        var used = await client.GetStringAsync(url);
        Assert.Contains("This link has already been used", used);
        // Answered is answered: no fresh link that would let the questionnaire be answered twice.
        Assert.DoesNotContain("Send me a fresh link", used);
        await client.PostForm($"{url}?handler=Fresh", new Dictionary<string, string>(), "/river-tees/account/sign-in"); // the page offers no form: post anyway
        Assert.Equal(0, await App.InTenant("river-tees", sp => sp.GetRequiredService<AppDbContext>().Outbox.CountAsync(m => m.Subject.Contains("new SupervisionHub link"))));
    }
}
