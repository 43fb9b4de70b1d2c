using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests.Email;

/// <summary>
/// The outbox sender against a real SMTP server (maildev) and a real database file shared by two
/// processes; in winter and in summer time (<see cref="Seasons"/>).
/// </summary>
public abstract class OutboxSenderTests(Season season)
{
    private const string T = "river-tees";
    private const string SenderName = "River Tees Safeguarding Team";
    private const string ReplyTo = "safeguarding@river-tees.example";
    /// <summary>Whole seconds: the SQLite column keeps a tenth of a millisecond, and the tests compare times exactly.</summary>
    private readonly DateTimeOffset Start = Seasons.Start(season);

    /// <summary>The founding tenants, with river-tees signing its emails as its safeguarding team.</summary>
    private static SharedFolders Folders()
    {
        var folders = new SharedFolders();
        File.AppendAllText(Path.Combine(folders.Tenants, T, "tenant.yaml"), $"\nemail:\n  senderName: {SenderName}\n  replyTo: {ReplyTo}\n");
        return folders;
    }

    private static Task<int> SentCountAsync(EmailAppFactory app, string tenant, string subjectStart) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Outbox.CountAsync(m => m.Subject.StartsWith(subjectStart) && m.SentAt != null));

    [Fact]
    public async Task An_email_in_the_outbox_arrives_once_from_the_organisation_with_reply_to_copy_and_both_parts()
    {
        using var folders = Folders();
        await using var maildev = await Maildev.StartNewAsync();
        await using var app = new EmailAppFactory(folders.Data, folders.Tenants, new SettableClock(Start), maildev.SmtpPort);
        var queued = await app.QueueAsync(T, "supervisor@river-tees.example", "Email test: please book a session",
            "Please book your next supervision session.\n\n**By Friday**, if you can.\n\nhttps://example.test/river-tees/sessions\n",
            cc: "supervisee@river-tees.example, lead@river-tees.example");
        var ascent = await app.QueueAsync("ascent", "admin@ascent.example", "Email test: default sender", "Hello.\n");

        await app.RoundAsync(T);
        await app.RoundAsync("ascent");
        await app.RoundAsync(T);

        var mail = Assert.Single(await maildev.EmailsAsync(), e => (string?)e["subject"] == "Email test: please book a session");
        Assert.Equal(SenderName, (string?)mail["from"]![0]!["name"]);
        Assert.Equal(EmailAppFactory.From, (string?)mail["from"]![0]!["address"]);
        Assert.Equal(ReplyTo, (string?)mail["replyTo"]![0]!["address"]);
        Assert.Equal("supervisor@river-tees.example", (string?)mail["to"]![0]!["address"]);
        Assert.Equal(["supervisee@river-tees.example", "lead@river-tees.example"], mail["cc"]!.AsArray().Select(c => (string?)c!["address"]));
        Assert.Contains("**By Friday**, if you can.", (string?)mail["text"], StringComparison.Ordinal);
        var html = (string?)mail["html"] ?? "";
        Assert.Contains("<strong>By Friday</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.test/river-tees/sessions\">", html, StringComparison.Ordinal);
        Assert.Contains($"{queued.Id:N}@supervisionhub.example", (string?)mail["headers"]!["message-id"], StringComparison.Ordinal);

        // A tenant without email settings signs with its own name and sets no Reply-To.
        var other = Assert.Single(await maildev.EmailsAsync(), e => (string?)e["subject"] == "Email test: default sender");
        Assert.StartsWith("Ascent", (string?)other["from"]![0]!["name"], StringComparison.Ordinal);
        Assert.True(other["replyTo"] is null || other["replyTo"]!.AsArray().Count == 0);

        var sent = await app.FindAsync(T, queued.Id);
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(OutboxStatus.Sent, (await app.FindAsync("ascent", ascent.Id)).Status);
        Assert.Null(sent.ClaimedBy);
    }

    [Fact]
    public async Task With_the_mail_server_down_a_round_schedules_retries_and_once_it_is_back_every_email_arrives_exactly_once()
    {
        using var folders = Folders();
        var clock = new SettableClock(Start);
        await using var maildev = await Maildev.StartNewAsync();
        await using var app = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        var subjects = Enumerable.Range(1, 5).Select(i => $"Outage test {i}").ToList();
        foreach (var subject in subjects) await app.QueueAsync(T, $"person{subject[^1]}@river-tees.example", subject, "Please sign the record.\n");

        await maildev.StopAsync();
        await app.RoundAsync(T);

        var afterFailure = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Outbox.Where(m => m.Subject.StartsWith("Outage test")).ToListAsync());
        Assert.Equal(5, afterFailure.Count);
        Assert.All(afterFailure, m =>
        {
            Assert.Null(m.SentAt);
            Assert.Equal(OutboxStatus.Retrying, m.Status);
            Assert.Equal(1, m.Attempts);
            Assert.Equal(Start + TimeSpan.FromMinutes(1), m.NextAttemptAt);
            Assert.StartsWith("The mail server could not be reached", m.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain("@", m.LastError, StringComparison.Ordinal);
        });

        await maildev.StartAsync();
        await app.RoundAsync(T); // the backoff has not passed: nothing is tried
        Assert.Equal(0, await SentCountAsync(app, T, "Outage test"));
        Assert.Empty(await maildev.EmailsAsync());

        clock.Now = Start + TimeSpan.FromMinutes(2);
        await app.RoundAsync(T);
        await app.RoundAsync(T);
        clock.Now = Start + TimeSpan.FromHours(10);
        await app.RoundAsync(T); // and much later: nothing more

        foreach (var subject in subjects) Assert.Equal(1, await maildev.CountAsync(subject));
        Assert.Equal(5, await SentCountAsync(app, T, "Outage test"));
        Assert.Equal(5, (await maildev.EmailsAsync()).Count(e => ((string?)e["subject"])!.StartsWith("Outage test", StringComparison.Ordinal)));
    }

    /// <summary>A retry time given in London time (+01:00 in summer) falls due at its instant, not an hour later.</summary>
    [Fact]
    public async Task An_email_whose_retry_time_was_given_in_London_time_is_sent_at_that_instant()
    {
        using var folders = Folders();
        var clock = new SettableClock(Start);
        await using var maildev = await Maildev.StartNewAsync();
        await using var app = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        var queued = await app.QueueAsync(T, "supervisor@river-tees.example", "London retry test", "Hello.\n");
        await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            (await db.Outbox.SingleAsync(m => m.Id == queued.Id)).RecordFailure("The mail server could not be reached (test).", TimeZoneInfo.ConvertTime(Start, Seasons.London));
            await db.SaveChangesAsync();
        });
        var retry = Start + OutboxMessage.Backoff[0];
        var stored = (await app.FindAsync(T, queued.Id)).NextAttemptAt!.Value;
        Assert.Equal((retry, TimeSpan.Zero), (stored, stored.Offset));

        clock.Now = retry - TimeSpan.FromSeconds(30);
        await app.RoundAsync(T);
        Assert.Equal(0, await maildev.CountAsync("London retry test"));
        clock.Now = retry + TimeSpan.FromSeconds(30);
        await app.RoundAsync(T);
        Assert.Equal(1, await maildev.CountAsync("London retry test"));
    }

    [Fact]
    public async Task Two_senders_on_one_database_sending_at_once_deliver_every_email_once()
    {
        using var folders = Folders();
        var clock = new SettableClock(Start);
        await using var maildev = await Maildev.StartNewAsync();
        await using var a = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        var subjects = Enumerable.Range(1, 30).Select(i => $"Two senders {i:00}").ToList();
        foreach (var subject in subjects) await a.QueueAsync(T, "supervisor@river-tees.example", subject, "A reminder.\n");
        await using var b = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        _ = b.Services; // the second process, on the same database

        Task Sender(EmailAppFactory app, string name) => app.InTenant(T, async sp =>
        {
            for (var round = 0; round < 3; round++) await sp.GetRequiredService<OutboxSender>().SendDueAsync(name, CancellationToken.None);
        });
        await Task.WhenAll(Sender(a, "sender-a"), Sender(b, "sender-b"));

        var emails = (await maildev.EmailsAsync()).Where(e => ((string?)e["subject"])!.StartsWith("Two senders", StringComparison.Ordinal)).ToList();
        Assert.Equal(subjects.Order(), emails.Select(e => (string)e["subject"]!).Order());
        Assert.Equal(30, await SentCountAsync(a, T, "Two senders"));
    }

    [Fact]
    public async Task An_email_that_keeps_failing_is_given_up_after_the_last_attempt_and_shown_to_the_tenant_admin_who_can_try_again()
    {
        using var folders = Folders();
        var clock = new SettableClock(Start);
        await using var maildev = await Maildev.StartNewAsync();
        await maildev.StopAsync(); // a mail server that never comes back
        await using var app = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        var queued = await app.QueueAsync(T, "supervisor@river-tees.example", "Never delivered test", "Hello.\n");

        for (var attempt = 1; attempt <= OutboxMessage.MaxAttempts; attempt++)
        {
            await app.RoundAsync(T);
            var m = await app.FindAsync(T, queued.Id);
            Assert.Equal(attempt, m.Attempts);
            if (attempt < OutboxMessage.MaxAttempts)
            {
                Assert.Equal(OutboxStatus.Retrying, m.Status);
                Assert.Equal(clock.Now + OutboxMessage.Backoff[attempt - 1], m.NextAttemptAt);
                clock.Now = m.NextAttemptAt!.Value;
            }
        }
        var failed = await app.FindAsync(T, queued.Id);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(clock.Now, failed.FailedAt);
        clock.Now += TimeSpan.FromDays(1);
        await app.RoundAsync(T); // given up: not tried again on its own
        Assert.Equal(OutboxMessage.MaxAttempts, (await app.FindAsync(T, queued.Id)).Attempts);

        var supervisor = app.Browser();
        await supervisor.SignIn(T, "supervisor@river-tees.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync($"/{T}/email")).StatusCode);

        var admin = app.Browser();
        await admin.SignIn(T, "admin@river-tees.example", AppFactory.DemoPassword);
        var page = await admin.GetStringAsync($"/{T}/email");
        var failedTable = page[page.IndexOf("id=\"failed\"", StringComparison.Ordinal)..page.IndexOf("Recent emails", StringComparison.Ordinal)];
        Assert.Contains("Never delivered test", failedTable, StringComparison.Ordinal);
        Assert.Contains("The mail server could not be reached", failedTable, StringComparison.Ordinal);
        Assert.DoesNotContain("Hello.", page, StringComparison.Ordinal); // no bodies

        var retry = await admin.PostForm($"/{T}/email?handler=TryAgain", new Dictionary<string, string> { ["id"] = queued.Id.ToString() }, $"/{T}/email");
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        var again = await app.FindAsync(T, queued.Id);
        Assert.Equal(OutboxStatus.Queued, again.Status);
        Assert.Equal(0, again.Attempts);

        await maildev.StartAsync();
        await app.RoundAsync(T);
        Assert.Equal(1, await maildev.CountAsync("Never delivered test"));
    }
}

public sealed class OutboxSenderTestsInWinter() : OutboxSenderTests(Season.Winter);

public sealed class OutboxSenderTestsInSummer() : OutboxSenderTests(Season.Summer);
