using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.EndToEnd.Tests;

/// <summary>
/// Records that keep their integrity and sessions booked with care, in a real browser: signing with
/// a comment, "Change this record" on a signed record, correcting a mistaken "did not attend", and a
/// booking warned about and made anyway. Every page is checked with axe and measured at 320 and
/// 390 px as well as 1280 px (AssertAccessibleAsync), and photographed at both widths.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IntegrityJourneyTests(BrowserFixture fx)
{
    private const string T = "ralph-thoresby";

    /// <summary>A record of today's session signed by the supervisor, and another session wrongly marked "did not attend".</summary>
    private Task<(string Record, string Missed, Guid Relationship)> SceneAsync() => fx.App.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var tenant = sp.GetRequiredService<ITenantContext>().Tenant;
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = tenant.Today(sp.GetRequiredService<TimeProvider>());
        var supervisee = await db.Staff.Where(s => s.Email == $"supervisee@{T}.example").Select(s => s.Id).SingleAsync();
        var r = await db.Relationships.Include(x => x.Members)
            .SingleAsync(x => x.EndedOn == null && x.Supervisor.Email == $"supervisor@{T}.example" && x.Members.Any(m => m.StaffId == supervisee));
        var type = tenant.Settings.Supervision.Type(r.TypeId)!;
        var attended = Session.Book(r, today, new TimeOnly(6, 0), 60, "Library office", r.SupervisorId, now, today);
        var missed = Session.Book(r, today, new TimeOnly(6, 30), 60, "Library office", r.SupervisorId, now, today);
        db.Sessions.AddRange(attended, missed);
        await db.SaveChangesAsync();
        attended.MarkAttended(new Dictionary<string, MemberAttendance> { [supervisee] = MemberAttendance.Present }, r.SupervisorId, now, today);
        missed.MarkDidNotAttend([supervisee], null, r.SupervisorId, now, today);
        var record = await sp.GetRequiredService<SessionRecords>().StartRecordAsync(attended, type, r.SupervisorId, CancellationToken.None);
        await db.SaveChangesAsync();
        record.Submit(record.Answers, now);
        record.Sign(r.SupervisorId, "Supervisor", now);
        await db.SaveChangesAsync();
        return ($"/{T}/records/{record.Id}", $"/{T}/sessions/{missed.Id}", r.Id);
    });

    [Fact]
    public async Task A_signed_record_is_signed_with_a_comment_changed_deliberately_and_a_mistaken_miss_is_corrected()
    {
        var (record, missed, _) = await SceneAsync();

        // The supervisee signs, recording that they disagree, in their own words.
        var supervisee = await fx.NewPageAsync();
        await supervisee.SignInAsync(T, $"supervisee@{T}.example");
        await supervisee.GotoAsync(record);
        await Assertions.Expect(supervisee.Locator("#read-only")).ToContainTextAsync("This record has been signed, so it is read-only.");
        await supervisee.Locator("#signComment").FillAsync("I do not agree that my caseload is manageable.");
        await supervisee.GetByLabel("I disagree with part of this record").CheckAsync();
        await supervisee.AssertAccessibleAsync();
        await supervisee.ScreenshotAsync("record-sign-with-comment");
        await supervisee.GetByRole(AriaRole.Button, new() { Name = "Sign as supervisee" }).ClickAsync();
        await Assertions.Expect(supervisee.Locator(".app-signature-comment")).ToContainTextAsync("I do not agree that my caseload is manageable.");
        await Assertions.Expect(supervisee.Locator(".app-signature-disagrees")).ToBeVisibleAsync();
        await supervisee.AssertAccessibleAsync();

        // The supervisor finds it read-only, and changes it only by saying why.
        var supervisor = await fx.NewPageAsync();
        await supervisor.SignInAsync(T, $"supervisor@{T}.example");
        await supervisor.GotoAsync(record);
        await Assertions.Expect(supervisor.Locator("form[data-autosave]")).ToHaveCountAsync(0);
        await supervisor.AssertAccessibleAsync();
        await supervisor.ScreenshotAsync("record-signed-read-only");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Change this record" }).ClickAsync();
        await Assertions.Expect(supervisor.Locator("#void-warning")).ToContainTextAsync("voids all 2 signatures");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Void the signatures and change the record" }).ClickAsync();
        await Assertions.Expect(supervisor.Locator(".govuk-error-summary")).ToContainTextAsync("Give the reason for changing the signed record");
        await supervisor.AssertAccessibleAsync();
        await supervisor.ScreenshotAsync("record-change");
        await supervisor.Locator("#Reason").FillAsync("The location of the session was wrong");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Void the signatures and change the record" }).ClickAsync();
        await Assertions.Expect(supervisor.Locator("#void-notice")).ToContainTextAsync("Reason: The location of the session was wrong");
        await Assertions.Expect(supervisor.Locator("form[data-autosave]")).ToHaveCountAsync(1);
        await supervisor.AssertAccessibleAsync();
        await supervisor.ScreenshotAsync("record-reopened");

        // A "did not attend" entered by mistake is corrected, with a reason.
        await supervisor.GotoAsync(missed);
        await supervisor.GetByText("Correct the attendance", new() { Exact = true }).First.ClickAsync();
        await supervisor.GetByLabel("It took place and the supervisee attended").CheckAsync();
        await supervisor.Locator("#CorrectionReason").FillAsync("Entered against the wrong session");
        await supervisor.AssertAccessibleAsync();
        await supervisor.ScreenshotAsync("session-correct-attendance");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Correct the attendance" }).ClickAsync();
        await Assertions.Expect(supervisor.Locator("#session-status")).ToHaveTextAsync("Attended");
        await Assertions.Expect(supervisor.Locator("#corrected")).ToContainTextAsync("Entered against the wrong session");
        await supervisor.AssertAccessibleAsync();
        await supervisor.Context.CloseAsync();
        await supervisee.Context.CloseAsync();
    }

    [Fact]
    public async Task A_booking_on_a_weekend_is_warned_about_keeps_what_was_typed_and_is_made_when_meant()
    {
        var (_, _, relationship) = await SceneAsync();
        var saturday = JourneySteps.Today.AddDays(300);
        while (saturday.DayOfWeek != DayOfWeek.Saturday) saturday = saturday.AddDays(1);
        var page = await fx.NewPageAsync();
        await page.SignInAsync(T, $"supervisor@{T}.example");
        await page.GotoAsync($"/{T}/supervision/{relationship}/book");
        await JourneySteps.FillDateAsync(page, "Input_Date", saturday, "_Month", "_Year");
        await page.Locator("#Input_Time").FillAsync("09:00");
        await page.Locator("#Input_Location").FillAsync("Pastoral office");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book the session" }).ClickAsync();
        await Assertions.Expect(page.Locator("#booking-warnings")).ToContainTextAsync("is a weekend.");
        await Assertions.Expect(page.Locator("#Input_Location")).ToHaveValueAsync("Pastoral office");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("book-warning");
        await page.GetByLabel("Book anyway: I have checked, and want this time").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Book the session" }).ClickAsync();
        await page.WaitForPageAsync(new Regex("/sessions/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("calendar invitation");
        await Assertions.Expect(page.Locator("#session-line, h1")).ToContainTextAsync(saturday.ToString("d MMMM yyyy", CultureInfo.InvariantCulture));
        await page.AssertAccessibleAsync();

        // Moved to the Monday after, by keyboard from the session page; everyone is sent the updated invitation.
        var monday = saturday.AddDays(2);
        await page.Locator("#move-session").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForPageAsync(new Regex("/move$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Move the session");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("move-session");
        await JourneySteps.FillDateAsync(page, "Input_Date", monday, "_Month", "_Year");
        await page.Locator("#Input_Time").FillAsync("10:30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move the session" }).ClickAsync();
        await page.WaitForPageAsync(new Regex("/sessions/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync(
            $"The session is moved to {monday.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} at 10:30. Everyone taking part has been sent the updated calendar invitation.");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("moved-session");

        // Cancelled with a reason: the cancellation goes to every calendar too.
        await page.GetByText("Cancel this session").ClickAsync();
        await Assertions.Expect(page.GetByText("Who cancelled?")).ToHaveCountAsync(0); // a party cancelling: it was them
        await page.GetByLabel("Reason").FillAsync("The supervisor is on a course that day.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the session" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("The session is cancelled.");
        await page.AssertAccessibleAsync();
        await page.Context.CloseAsync();
    }
}
