using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Authorization;

/// <summary>
/// The attacks of issue 15 item 3, each made again over real HTTP: writes to a record by people
/// who may read it but are not its parties, a "saved" that saved nothing, and a person answer used
/// to make a colleague a party. Each now does no harm.
/// </summary>
public sealed class RecordWriteFindingsTests(AuthorizationFactory app) : IClassFixture<AuthorizationFactory>
{
    private const string T = AuthorizationFactory.T;

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(T, email, AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private Task<TResult> Db<TResult>(Func<AppDbContext, Task<TResult>> query) => app.InTenant(T, sp => query(sp.GetRequiredService<AppDbContext>()));

    [Theory]
    [InlineData("auditor")]
    [InlineData("lead")]
    public async Task Someone_who_may_read_a_draft_but_is_not_its_party_cannot_submit_it_and_nobody_is_asked_to_sign(string who)
    {
        var scene = await app.SceneAsync(Actor.Supervisor);
        var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene));
        var url = $"/{T}/records/{record.Id}";
        var reader = await SignedInAsync($"{who}@{T}.example");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(url)).StatusCode); // reading is theirs (ralph-thoresby grants leads and auditors)
        var outbox = await Db(db => db.Outbox.CountAsync());

        var submit = await reader.PostForm(url + "?handler=Submit", new Dictionary<string, string> { ["a.discussed"] = "Submitted by someone else." }, url);

        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        var after = await Db(db => db.Submissions.SingleAsync(s => s.Id == record.Id));
        Assert.Equal(SubmissionStatus.Draft, after.Status);
        Assert.DoesNotContain("someone else", after.AnswersJson);
        Assert.Equal(outbox, await Db(db => db.Outbox.CountAsync()));
        Assert.False(await Db(db => db.WorkTasks.AnyAsync(t => t.SubmissionId == record.Id)));

        // The supervisor's own submit is what asks the supervisee to sign.
        var supervisor = await SignedInAsync($"supervisor@{T}.example");
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", new Dictionary<string, string> { ["a.discussed"] = "Our notes." }, url)).StatusCode);
        Assert.True(await Db(db => db.WorkTasks.AnyAsync(t => t.SubmissionId == record.Id && t.AssigneeId == scene.SuperviseeId)));
        Assert.Equal(outbox + 1, await Db(db => db.Outbox.CountAsync()));
    }

    [Fact]
    public async Task A_save_on_a_signed_record_writes_nothing_and_says_so_whoever_makes_it()
    {
        var scene = await app.SceneAsync(Actor.Supervisor);
        var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene, signedOff: true));
        var url = $"/{T}/records/{record.Id}";
        var answers = new Dictionary<string, string> { ["a.discussed"] = "Changed after signing." };
        var before = await Db(db => db.Submissions.SingleAsync(s => s.Id == record.Id));

        var auditor = await SignedInAsync($"auditor@{T}.example");
        var byAuditor = await auditor.PostForm(url + "?handler=Save", answers, url);
        Assert.Equal(HttpStatusCode.Forbidden, byAuditor.StatusCode);
        Assert.DoesNotContain("have been saved", await auditor.GetStringAsync(url));

        var supervisor = await SignedInAsync($"supervisor@{T}.example");
        var byParty = await supervisor.PostForm(url + "?handler=Save", answers, url);
        Assert.Equal(HttpStatusCode.Conflict, byParty.StatusCode);
        var page = await byParty.Content.ReadAsStringAsync();
        Assert.Contains("This record has been signed by everyone, so it is read-only.", page);
        Assert.DoesNotContain("have been saved", page);
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostForm(url + "?handler=Autosave", answers, url)).StatusCode);

        Assert.False(await Db(db => db.AuditEntries.AnyAsync(a => a.EntityId == record.Id.ToString() && a.Action == "save")));
        var after = await Db(db => db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == record.Id));
        Assert.Equal(before.AnswersJson, after.AnswersJson);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.All(after.Signatures, s => Assert.Null(s.VoidedAt));
    }

    [Fact]
    public async Task Naming_a_colleague_in_the_supervisee_question_gives_them_nothing()
    {
        var scene = await app.SceneAsync(Actor.Supervisor);
        var colleagueEmail = $"colin.{Guid.NewGuid():N}@{T}.example";
        var colleague = await app.InTenant(T, async sp => (await sp.NewPersonAsync("Colin Colleague", colleagueEmail, StaffRoles.Supervisee, password: AppFactory.DemoPassword)).Id);
        // A session record with an action carried from the session before.
        var (record, action) = await app.InTenant(T, async sp =>
        {
            var earlier = await AuthorizationFactory.RecordAsync(sp, scene, submitted: true);
            var db = sp.GetRequiredService<AppDbContext>();
            var carried = new ActionItem(scene.Relationship, earlier.Id, 0, "Read the updated policy", null, null);
            db.Actions.Add(carried);
            await db.SaveChangesAsync();
            return (await AuthorizationFactory.RecordAsync(sp, scene, submitted: true), carried.Id);
        });
        var url = $"/{T}/records/{record.Id}";

        // The supervisee fills their own section, which holds the "Supervisee" question, and names the colleague.
        var supervisee = await SignedInAsync($"supervisee@{T}.example");
        var submitted = await supervisee.PostForm(url + "?handler=Submit", new Dictionary<string, string>
        {
            ["a.supervisor"] = scene.SupervisorId, ["a.supervisee"] = colleague, ["a.comments"] = "Fine.",
        }, url);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Contains(colleague, await Db(db => db.Submissions.Where(s => s.Id == record.Id).Select(s => s.AnswersJson).SingleAsync()));

        // The colleague can neither read the record nor act on it: the record belongs to the supervision.
        var intruder = await SignedInAsync(colleagueEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync(url + "/print")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync(url + "?handler=Json")).StatusCode);
        var token = await intruder.AntiforgeryToken($"/{T}");
        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
                 {
                     ("CloseAction", new() { ["actionId"] = action.ToString(), ["outcome"] = "Done" }),
                     ("Sign", new() { ["role"] = "Supervisee" }),
                     ("Save", new() { ["a.comments"] = "Colin was here." }),
                 })
        {
            var post = await intruder.PostAsync($"{url}?handler={handler}", new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }
        Assert.Equal(ActionStatus.Open, await Db(db => db.Actions.Where(a => a.Id == action).Select(a => a.Status).SingleAsync()));
        Assert.False(await Db(db => db.Signatures.AnyAsync(s => s.SignerId == colleague)));
        Assert.False(await Db(db => db.WorkTasks.AnyAsync(t => t.AssigneeId == colleague)));
        Assert.False(await Db(db => db.Outbox.AnyAsync(m => m.To == colleagueEmail)));

        // The real supervisee still owes the signature, and signs.
        Assert.Equal(HttpStatusCode.Redirect, (await supervisee.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisee" }, url)).StatusCode);
        Assert.True(await Db(db => db.Signatures.AnyAsync(s => s.SubmissionId == record.Id && s.SignerId == scene.SuperviseeId)));
    }

    [Fact]
    public async Task Saving_the_same_answers_again_is_not_a_change_and_voids_no_signature()
    {
        var scene = await app.SceneAsync(Actor.Supervisor);
        var record = await app.InTenant(T, sp => AuthorizationFactory.RecordAsync(sp, scene, submitted: true));
        var url = $"/{T}/records/{record.Id}";
        var supervisor = await SignedInAsync($"supervisor@{T}.example");
        var notes = new Dictionary<string, string> { ["a.discussed"] = "Workload.", ["a.actions.rows"] = "0" };
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Save", notes, url)).StatusCode);
        // The supervisee's answers come after the supervisor's in the stored record; then they sign.
        var supervisee = await SignedInAsync($"supervisee@{T}.example");
        Assert.Equal(HttpStatusCode.Redirect, (await supervisee.PostForm(url + "?handler=Save", new Dictionary<string, string>
            { ["a.supervisor"] = scene.SupervisorId, ["a.supervisee"] = scene.SuperviseeId, ["a.comments"] = "Agreed." }, url)).StatusCode);
        var again = await supervisor.PostForm(url + "?handler=Save", notes, url);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("There was nothing new to save", await supervisor.GetStringAsync(url));

        Assert.Equal(HttpStatusCode.Redirect, (await supervisee.PostForm(url + "?handler=Sign", new Dictionary<string, string> { ["role"] = "Supervisee" }, url)).StatusCode);
        var before = await Db(db => db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == record.Id));
        var saves = await Db(db => db.AuditEntries.CountAsync(a => a.EntityId == record.Id.ToString() && a.Action == "save"));

        // Once signed the record is read-only: the same save again is refused and voids nothing.
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostForm(url + "?handler=Save", notes, url)).StatusCode);
        var after = await Db(db => db.Submissions.Include(s => s.Signatures).SingleAsync(s => s.Id == record.Id));
        Assert.Equal(before.AnswersJson, after.AnswersJson);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.All(after.Signatures, s => Assert.Null(s.VoidedAt));
        Assert.Equal(saves, await Db(db => db.AuditEntries.CountAsync(a => a.EntityId == record.Id.ToString() && a.Action == "save")));
    }

    [Fact]
    public async Task A_task_is_closed_only_by_the_person_it_is_for_an_auditor_included()
    {
        var (auditorTask, othersTask) = await app.InTenant(T, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var mine = new WorkTask(await db.StaffIdAsync($"auditor@{T}.example"), "Check the supervision files", null, false, null, null, null, now);
            var theirs = new WorkTask(await db.StaffIdAsync($"supervisee@{T}.example"), "Book your next session", null, false, null, null, null, now);
            db.WorkTasks.AddRange(mine, theirs);
            await db.SaveChangesAsync();
            return (mine.Id, theirs.Id);
        });
        var auditor = await SignedInAsync($"auditor@{T}.example");
        var home = $"/{T}";

        var notTheirs = await auditor.PostForm(home + "?handler=TaskDone", new Dictionary<string, string> { ["taskId"] = othersTask.ToString() }, home);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        Assert.Equal(SupervisionHub.Web.Workflows.TaskStatus.Open, await Db(db => db.WorkTasks.Where(t => t.Id == othersTask).Select(t => t.Status).SingleAsync()));

        // The tenant's rules give auditors tasks (the supervision file audit); saying one is done is theirs.
        var own = await auditor.PostForm(home + "?handler=TaskDone", new Dictionary<string, string> { ["taskId"] = auditorTask.ToString() }, home);
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Equal(SupervisionHub.Web.Workflows.TaskStatus.Done, await Db(db => db.WorkTasks.Where(t => t.Id == auditorTask).Select(t => t.Status).SingleAsync()));
    }
}
