using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Email;

/// <summary>
/// The founding tenants' reminder before each session (ADR 0035), through HTTP, the real worker and a
/// real SMTP server (maildev), with the app's clock in summer time and in winter: booked, it reaches
/// both people at 08:00 London time two days before (tenant.yaml supervision.reminderDaysBefore: 2);
/// moved, only the new day's reminder goes; cancelled, none does.
/// </summary>
public abstract class SessionReminderTests(Season season)
{
    private const string T = "ralph-thoresby";
    private const string Supervisor = "supervisor@ralph-thoresby.example";
    private const string Supervisee = "supervisee@ralph-thoresby.example";
    private readonly DateTimeOffset Start = Seasons.Start(season);

    private sealed record Booking(EmailAppFactory App, Maildev Maildev, SettableClock Clock, HttpClient Browser, string Session, DateOnly Day) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Maildev.DisposeAsync();
        }
    }

    private static DateOnly Today(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Seasons.London).DateTime);

    /// <summary>08:00 London time two days before the day, in UTC.</summary>
    private static DateTimeOffset ReminderTime(DateOnly day)
    {
        var local = day.AddDays(-2).ToDateTime(new TimeOnly(8, 0));
        return new DateTimeOffset(local, Seasons.London.GetUtcOffset(local)).ToUniversalTime();
    }

    private static string Subject(DateOnly day) => $"Reminder: supervision session on {day.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)}";

    private static Dictionary<string, string> When(DateOnly day, string time) => new()
    {
        ["Input.Date.Day"] = day.Day.ToString(CultureInfo.InvariantCulture), ["Input.Date.Month"] = day.Month.ToString(CultureInfo.InvariantCulture),
        ["Input.Date.Year"] = day.Year.ToString(CultureInfo.InvariantCulture), ["Input.Time"] = time, ["Input.Minutes"] = "60", ["Input.Location"] = "Library office",
        ["BookAnyway"] = "true", // the day may be a weekend: warnings are another test's business
    };

    private static async Task RoundsAsync(Booking b)
    {
        await b.App.InTenant(T, sp => WorkflowWorker.RunOnceAsync(sp, CancellationToken.None));
        await b.App.RoundAsync(T);
    }

    private async Task<Booking> BookAsync(SharedFolders folders, bool dispatched = true)
    {
        Assert.Equal(season == Season.Summer, Seasons.IsSummerTime(Start));
        var maildev = await Maildev.StartNewAsync();
        var clock = new SettableClock(Start);
        var app = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        var relationship = await app.InTenant(T, sp =>
            sp.GetRequiredService<AppDbContext>().Relationships.Where(r => r.EndedOn == null && r.Supervisor.Email == Supervisor && r.Members.Any(m => m.Staff.Email == Supervisee))
                .Select(r => r.Id).SingleAsync());
        var browser = app.Browser();
        await browser.SignIn(T, Supervisor, AppFactory.DemoPassword);
        var day = Today(Start).AddDays(9);
        var book = $"/{T}/supervision/{relationship}/book";
        var booked = await browser.PostForm(book, When(day, "09:00"), book);
        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        var b = new Booking(app, maildev, clock, browser, booked.Headers.Location!.OriginalString, day);
        if (!dispatched) return b;
        await RoundsAsync(b);
        await maildev.WaitForAsync(Supervisee, "Invitation: safeguarding supervision"); // the booking's own email went
        return b;
    }

    private static async Task<int> RemindersAsync(Booking b) =>
        (await b.Maildev.EmailsAsync()).Count(e => ((string?)e["subject"])?.StartsWith("Reminder: supervision session", StringComparison.Ordinal) == true);

    [Fact]
    public async Task A_booked_session_reminds_both_people_at_8am_London_time_two_days_before_and_only_once()
    {
        using var folders = new SharedFolders();
        await using var b = await BookAsync(folders);
        var due = ReminderTime(b.Day);

        b.Clock.Now = due - TimeSpan.FromMinutes(1);
        await RoundsAsync(b);
        Assert.Equal(0, await RemindersAsync(b));

        b.Clock.Now = due + TimeSpan.FromMinutes(1);
        await RoundsAsync(b);
        foreach (var to in new[] { Supervisor, Supervisee })
        {
            var mail = await b.Maildev.MessageAsync((string)(await b.Maildev.WaitForAsync(to, Subject(b.Day)))["id"]!);
            Assert.Contains("at 09:00", mail.TextBody, StringComparison.Ordinal);
            Assert.Contains(b.Session.Split('/').Last(), mail.TextBody, StringComparison.Ordinal); // the link opens the session
        }

        b.Clock.Now = due + TimeSpan.FromDays(1);
        await RoundsAsync(b);
        Assert.Equal(2, await RemindersAsync(b));
    }

    [Fact]
    public async Task A_moved_session_is_reminded_once_on_its_new_day_and_not_on_its_old_one()
    {
        using var folders = new SharedFolders();
        await using var b = await BookAsync(folders);
        var later = b.Day.AddDays(3);
        var moved = await b.Browser.PostForm(b.Session + "/move", When(later, "11:30"), b.Session + "/move");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        await RoundsAsync(b);

        b.Clock.Now = ReminderTime(b.Day) + TimeSpan.FromMinutes(1);
        await RoundsAsync(b);
        Assert.Equal(0, await RemindersAsync(b));

        b.Clock.Now = ReminderTime(later) + TimeSpan.FromMinutes(1);
        await RoundsAsync(b);
        foreach (var to in new[] { Supervisor, Supervisee })
        {
            var mail = await b.Maildev.MessageAsync((string)(await b.Maildev.WaitForAsync(to, Subject(later)))["id"]!);
            Assert.Contains("at 11:30", mail.TextBody, StringComparison.Ordinal);
        }
        b.Clock.Now = ReminderTime(later) + TimeSpan.FromDays(3);
        await RoundsAsync(b);
        Assert.Equal(2, await RemindersAsync(b)); // one each: the old day's run lapsed
        var runs = await b.App.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().WorkflowInstances.AsNoTracking()
            .Where(i => i.WorkflowId == "session-reminder" || i.WorkflowId == "session-reminder-after-move").Select(i => i.Status).ToListAsync());
        Assert.Equal(2, runs.Count);
        Assert.All(runs, s => Assert.Equal(InstanceStatus.Completed, s));
    }

    [Fact]
    public async Task A_session_moved_twice_before_the_worker_saw_its_booking_is_reminded_once_on_its_last_day()
    {
        // The booking and both moves are dispatched in one round, each event's context reading the
        // session as it is now: only the last move's event may time the reminder (ADR 0035).
        using var folders = new SharedFolders();
        await using var b = await BookAsync(folders, dispatched: false);
        var second = b.Day.AddDays(2);
        var last = b.Day.AddDays(4);
        foreach (var day in new[] { second, last })
        {
            var moved = await b.Browser.PostForm(b.Session + "/move", When(day, "11:30"), b.Session + "/move");
            Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        }
        await RoundsAsync(b);

        b.Clock.Now = ReminderTime(last) + TimeSpan.FromMinutes(1);
        await RoundsAsync(b);
        foreach (var to in new[] { Supervisor, Supervisee })
            await b.Maildev.WaitForAsync(to, Subject(last));
        b.Clock.Now = ReminderTime(last) + TimeSpan.FromDays(3);
        await RoundsAsync(b);
        Assert.Equal(2, await RemindersAsync(b)); // one each, for the last day
        var journal = await b.App.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().JournalEntries.AsNoTracking()
            .Where(j => j.Decision.Contains("the session has changed since this event")).CountAsync());
        Assert.Equal(2, journal); // the booking's run and the first move's did not time one
    }

    [Fact]
    public async Task A_cancelled_session_is_not_reminded()
    {
        using var folders = new SharedFolders();
        await using var b = await BookAsync(folders);
        var cancelled = await b.Browser.PostForm(b.Session + "?handler=Cancel", new Dictionary<string, string> { ["CancelReason"] = "Called to a meeting" }, b.Session);
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        await RoundsAsync(b);

        b.Clock.Now = ReminderTime(b.Day) + TimeSpan.FromDays(1);
        await RoundsAsync(b);
        await b.Maildev.WaitForAsync(Supervisee, "Cancelled: safeguarding supervision"); // the outbox has been sent
        Assert.Equal(0, await RemindersAsync(b));
    }
}

public sealed class SessionReminderTestsInWinter() : SessionReminderTests(Season.Winter);

public sealed class SessionReminderTestsInSummer() : SessionReminderTests(Season.Summer);
