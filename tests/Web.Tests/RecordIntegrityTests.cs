using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// Records that keep their integrity (issue 18), over plain HTTP: a signed record is read-only
/// (saves and autosaves refused with the reason, nothing voided) until someone chooses "Change this
/// record" with a reason; "Sign" saves what was typed first or refuses and keeps it; the signer's
/// comment or disagreement is part of the record; a mistaken attendance outcome is corrected openly.
/// </summary>
public sealed partial class RecordTests
{
    private async Task<Dictionary<string, string>> ValidAnswersAsync(string discussed) => new()
    {
        ["a.supervisee"] = await SuperviseeIdAsync(),
        ["a.date.day"] = "20", ["a.date.month"] = "11", ["a.date.year"] = "2026",
        ["a.discussed"] = discussed, ["a.actions.rows"] = "0",
    };

    private Task<TResult> Db<TResult>(Func<AppDbContext, Task<TResult>> query) => app.InTenant(T, sp => query(sp.GetRequiredService<AppDbContext>()));

    [Fact]
    public async Task Sign_saves_what_was_typed_first_or_refuses_with_the_reason_and_keeps_it()
    {
        var (supervisor, url) = await StartForSupervisionAsync(await DemoSupervisionAsync(), "test-record");
        var id = Guid.Parse(url.Split('/').Last());
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", await ValidAnswersAsync("First draft."), url)).StatusCode);

        // Typed, then "Sign" at once, with an impossible date: not signed, and the typed text is kept.
        var typed = await ValidAnswersAsync("Typed just before pressing Sign.");
        typed["a.date.day"] = "31"; typed["a.date.month"] = "2";
        var sign = new Dictionary<string, string>(typed) { ["role"] = "Supervisor", ["withAnswers"] = "true" };
        var refused = await supervisor.PostForm(url + "?handler=Sign", sign, url);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("You have not signed yet", html);
        Assert.Contains("Typed just before pressing Sign.", html);
        Assert.False(await Db(db => db.Signatures.AnyAsync(s => s.SubmissionId == id)));

        // Corrected and signed in the same press: what was typed is what is signed.
        sign["a.date.day"] = "20"; sign["a.date.month"] = "11";
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Sign", sign, url)).StatusCode);
        var record = await Db(db => db.Submissions.Include(s => s.FormVersion).Include(s => s.Signatures).SingleAsync(s => s.Id == id));
        Assert.Contains("Typed just before pressing Sign.", record.AnswersJson);
        var signature = Assert.Single(record.Signatures);
        Assert.Null(signature.VoidedAt);
        Assert.Equal(record.CoveredHash(record.Answers, signature.SignerId), signature.ContentHash);
    }

    [Fact]
    public async Task A_signed_record_is_read_only_until_changed_deliberately_with_a_reason_on_the_audit_log()
    {
        var (supervisor, url) = await StartForSupervisionAsync(await DemoSupervisionAsync(), "test-record");
        var id = Guid.Parse(url.Split('/').Last());
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", await ValidAnswersAsync("Workload."), url)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisor" }, url)).StatusCode);

        // Signed by one: no inputs, no autosave, and "Change this record" for a party who could edit.
        var page = await supervisor.GetStringAsync(url);
        Assert.DoesNotContain("data-autosave", page);
        Assert.DoesNotContain("name=\"a.discussed\"", page);
        Assert.Contains("This record has been signed, so it is read-only.", page);
        Assert.Contains("Change this record", page);

        // Autosave as the person types is refused with the reason; so is a save; nothing is voided.
        var autosave = await supervisor.PostForm(url + "?handler=Autosave", new Dictionary<string, string> { ["a.discussed"] = "Typed after signing." }, url);
        Assert.Equal(HttpStatusCode.Conflict, autosave.StatusCode);
        Assert.Contains("read-only", await autosave.Content.ReadAsStringAsync());
        var save = await supervisor.PostForm(url + "?handler=Save", await ValidAnswersAsync("Typed after signing."), url);
        Assert.Equal(HttpStatusCode.Conflict, save.StatusCode);
        var record = await Db(db => db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == id));
        Assert.DoesNotContain("Typed after signing.", record.AnswersJson);
        Assert.All(record.Signatures, s => Assert.Null(s.VoidedAt));

        // The supervisee signs with a comment recording disagreement: part of the record everywhere it is shown.
        var supervisee = app.Browser();
        await supervisee.SignIn(T, "supervisee@ralph-thoresby.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisee.PostForm(url + "?handler=Sign", new Dictionary<string, string>
            { ["role"] = "Supervisee", ["signComment"] = "I do not agree that my workload is manageable.", ["disagree"] = "true" }, url)).StatusCode);
        var signed = await supervisee.GetStringAsync(url);
        Assert.Contains("I do not agree that my workload is manageable.", signed);
        Assert.Contains("Disagrees with part of the record", signed);
        Assert.Contains("I do not agree that my workload is manageable.", await supervisee.GetStringAsync(url + "/print"));
        var json = JsonNode.Parse(await supervisee.GetStringAsync(url + "?handler=Json"))!;
        var theirs = json["signatures"]!.AsArray().Single(s => s!["role"]!.GetValue<string>() == "Supervisee")!;
        Assert.Equal("I do not agree that my workload is manageable.", theirs["comment"]!.GetValue<string>());
        Assert.True(theirs["disagrees"]!.GetValue<bool>());

        // A line manager, who may know the record exists but not read it, cannot reopen it.
        var manager = app.Browser();
        await manager.SignIn(T, "linemanager@ralph-thoresby.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostForm(url + "/change", new Dictionary<string, string> { ["Reason"] = "x" }, $"/{T}/forms")).StatusCode);

        // "Change this record" says what it voids and asks why; without a reason nothing happens.
        var change = await supervisor.GetStringAsync(url + "/change");
        Assert.Contains("voids all 2 signatures", change);
        var noReason = await supervisor.PostForm(url + "/change", new Dictionary<string, string> { ["Reason"] = " " }, url + "/change");
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.Contains("Give the reason for changing the signed record", await noReason.Content.ReadAsStringAsync());
        Assert.NotNull((await Db(db => db.Submissions.SingleAsync(s => s.Id == id))).FullySignedAt);

        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "/change", new Dictionary<string, string> { ["Reason"] = "The date of the session was wrong" }, url + "/change")).StatusCode);
        record = await Db(db => db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == id));
        Assert.Null(record.FullySignedAt);
        Assert.All(record.Signatures, s => Assert.Equal("The date of the session was wrong", s.VoidReason));
        Assert.Equal("The date of the session was wrong",
            (await Db(db => db.AuditEntries.SingleAsync(a => a.EntityId == id.ToString() && a.Action == "reopen"))).Reason);
        var reopened = await supervisor.GetStringAsync(url);
        Assert.Contains("Reason: The date of the session was wrong", reopened);
        Assert.Contains("name=\"a.discussed\"", reopened);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", await ValidAnswersAsync("Workload, with the right date."), url)).StatusCode);
        Assert.Contains("Workload, with the right date.", (await Db(db => db.Submissions.SingleAsync(s => s.Id == id))).AnswersJson);
    }

    [Fact]
    public async Task A_mistaken_did_not_attend_is_corrected_by_the_supervisor_with_a_reason_an_event_and_an_audit_entry()
    {
        var relationship = await DemoSupervisionAsync();
        var superviseeId = await SuperviseeIdAsync();
        var sessionId = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var r = await db.Relationships.Include(x => x.Members).SingleAsync(x => x.Id == relationship);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = SupervisionHub.Web.Tests.Supervision.Setup.Today(sp);
            var session = Session.Book(r, today, new TimeOnly(7, 0), 60, null, r.SupervisorId, now, today);
            db.Sessions.Add(session);
            await db.SaveChangesAsync();
            session.MarkDidNotAttend([superviseeId], null, r.SupervisorId, now, today);
            await db.SaveChangesAsync();
            return session.Id;
        });
        var url = $"/{T}/sessions/{sessionId}";
        var correct = new Dictionary<string, string> { ["Outcome"] = "attended", ["CorrectionReason"] = "Entered against the wrong session" };

        var supervisee = app.Browser();
        await supervisee.SignIn(T, "supervisee@ralph-thoresby.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisee.PostForm(url + "?handler=Correct", correct, url)).StatusCode);

        var supervisor = app.Browser();
        await supervisor.SignIn(T, "supervisor@ralph-thoresby.example", AppFactory.DemoPassword);
        Assert.Contains("Correct the attendance", await supervisor.GetStringAsync(url));
        var noReason = await supervisor.PostForm(url + "?handler=Correct", new Dictionary<string, string> { ["Outcome"] = "attended" }, url);
        Assert.Contains("Give the reason for the correction", await noReason.Content.ReadAsStringAsync());
        Assert.Equal(SessionStatus.DidNotAttend, (await Db(db => db.Sessions.SingleAsync(s => s.Id == sessionId))).Status);

        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Correct", correct, url)).StatusCode);
        var session = await Db(db => db.Sessions.Include(s => s.Attendance).SingleAsync(s => s.Id == sessionId));
        Assert.Equal(SessionStatus.Attended, session.Status);
        Assert.Equal("Entered against the wrong session", session.CorrectionReason);
        // History (consecutive misses, minutes) reads these rows: the miss is gone from it.
        Assert.Equal(MemberAttendance.Present, Assert.Single(session.Attendance).Attendance);
        var events = await Db(db => db.Events.Where(e => e.SessionId == sessionId).ToListAsync());
        var corrected = Assert.Single(events, e => e.Type == EventTypes.SessionAttendanceCorrected);
        Assert.Equal(superviseeId, corrected.StaffId);
        Assert.Equal("present", corrected.Detail);
        Assert.Contains(events, e => e.Type == EventTypes.SessionAttended);
        Assert.Equal("Entered against the wrong session",
            (await Db(db => db.AuditEntries.SingleAsync(a => a.EntityId == sessionId.ToString() && a.Action == "correct-attendance"))).Reason);
        Assert.Contains("Reason: <span class=\"app-prewrap\">Entered against the wrong session</span>", await supervisor.GetStringAsync(url));
    }
}
