using System.Net;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests.Email;

/// <summary>
/// Sessions people are told about: booking and cancelling over HTTP send every party a real
/// calendar invitation through the outbox and a real SMTP server (maildev); each is read back from
/// the server's copy with MimeKit and Ical.Net and checked (METHOD, UID, SEQUENCE, ORGANIZER, ATTENDEE).
/// </summary>
public sealed class InvitationTests
{
    private const string T = "ralph-thoresby";
    private const string Supervisor = "supervisor@ralph-thoresby.example";
    private const string Supervisee = "supervisee@ralph-thoresby.example";

    private static async Task<(MimeMessage Mail, Calendar Calendar, string Method)> InvitationAsync(Maildev maildev, string to, string subject, IReadOnlySet<string>? seen = null)
    {
        var found = await maildev.WaitForAsync(to, subject, seen);
        var mail = await maildev.MessageAsync((string)found["id"]!);
        var part = Assert.Single(mail.BodyParts.OfType<MimePart>(), p => p.ContentType.IsMimeType("text", "calendar"));
        using var text = new MemoryStream();
        await part.Content!.DecodeToAsync(text);
        return (mail, Calendar.Load(System.Text.Encoding.UTF8.GetString(text.ToArray()))!, part.ContentType.Parameters["method"] ?? "");
    }

    [Fact]
    public async Task Booking_moving_and_cancelling_send_every_party_a_calendar_request_an_update_then_a_cancel_for_the_same_uid()
    {
        using var folders = new SharedFolders();
        await using var maildev = await Maildev.StartNewAsync();
        await using var app = new EmailAppFactory(folders.Data, folders.Tenants, new SettableClock(DateTimeOffset.UtcNow), maildev.SmtpPort);
        var relationship = await app.InTenant(T, sp =>
            sp.GetRequiredService<AppDbContext>().Relationships.Where(r => r.EndedOn == null && r.Supervisor.Email == Supervisor && r.Members.Any(m => m.Staff.Email == Supervisee))
                .Select(r => r.Id).SingleAsync());
        var supervisor = app.Browser();
        await supervisor.SignIn(T, Supervisor, AppFactory.DemoPassword);
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9);
        var book = $"/{T}/supervision/{relationship}/book";
        var booked = await supervisor.PostForm(book, new Dictionary<string, string>
        {
            ["Input.Date.Day"] = day.Day.ToString(), ["Input.Date.Month"] = day.Month.ToString(), ["Input.Date.Year"] = day.Year.ToString(),
            ["Input.Time"] = "10:00", ["Input.Minutes"] = "60", ["Input.Location"] = "Library office",
            ["BookAnyway"] = "true", // the day may be a weekend: warnings are another test's business
        }, book);
        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        var session = booked.Headers.Location!.OriginalString;
        var sessionId = Guid.Parse(session.Split('/').Last());
        await app.RoundAsync(T);

        var uid = $"{sessionId:N}@supervisionhub";
        foreach (var to in new[] { Supervisor, Supervisee })
        {
            var (mail, calendar, method) = await InvitationAsync(maildev, to, "Invitation: safeguarding supervision");
            Assert.Equal("REQUEST", method);
            Assert.Equal("REQUEST", calendar.Method);
            var evt = Assert.Single(calendar.Events);
            Assert.Equal(uid, evt.Uid);
            Assert.Equal(0, evt.Sequence);
            Assert.Equal("Safeguarding supervision", evt.Summary);
            Assert.Equal("Library office", evt.Location);
            Assert.Equal($"mailto:{EmailAppFactory.From}", evt.Organizer!.Value!.ToString());
            Assert.Equal(new[] { Supervisor, Supervisee }.Select(a => "mailto:" + a).Order(), evt.Attendees.Select(a => a.Value!.ToString()).Order());
            Assert.DoesNotContain("/link/", mail.TextBody); // nothing to sign in for: the invitation is the email
        }

        // Moved: the same UID, SEQUENCE 1, the new time, to everyone.
        var seen = await maildev.SeenAsync();
        var later = day.AddDays(1);
        var moved = await supervisor.PostForm(session + "/move", new Dictionary<string, string>
        {
            ["Input.Date.Day"] = later.Day.ToString(), ["Input.Date.Month"] = later.Month.ToString(), ["Input.Date.Year"] = later.Year.ToString(),
            ["Input.Time"] = "11:30", ["Input.Minutes"] = "60", ["Input.Location"] = "Library office", ["BookAnyway"] = "true",
        }, session + "/move");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        await app.RoundAsync(T);
        foreach (var to in new[] { Supervisor, Supervisee })
        {
            var (_, calendar, method) = await InvitationAsync(maildev, to, "Moved: safeguarding supervision", seen);
            Assert.Equal("REQUEST", method);
            var evt = Assert.Single(calendar.Events);
            Assert.Equal(uid, evt.Uid);
            Assert.Equal(1, evt.Sequence);
            Assert.Equal(later, DateOnly.FromDateTime(evt.DtStart!.AsUtc));
        }

        seen = await maildev.SeenAsync();
        var cancelled = await supervisor.PostForm(session + "?handler=Cancel", new Dictionary<string, string> { ["CancelReason"] = "Called to a meeting" }, session);
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        await app.RoundAsync(T);
        foreach (var to in new[] { Supervisor, Supervisee })
        {
            var (_, calendar, method) = await InvitationAsync(maildev, to, "Cancelled: safeguarding supervision", seen);
            Assert.Equal("CANCEL", method);
            Assert.Equal("CANCEL", calendar.Method);
            var evt = Assert.Single(calendar.Events);
            Assert.Equal(uid, evt.Uid);
            Assert.Equal(2, evt.Sequence);
            Assert.Equal("CANCELLED", evt.Status);
        }
    }
}
