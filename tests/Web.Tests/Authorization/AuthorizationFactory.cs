using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Authorization;

/// <summary>Who makes a write in the authorization tests, each as a real browser with its own cookies.</summary>
public enum Actor
{
    TenantAdmin,
    /// <summary>A safeguarding lead who is not in the supervision: reads its records (ralph-thoresby grants leads), changes none.</summary>
    LeadNotParty,
    /// <summary>The same lead as the supervisor of the supervision.</summary>
    LeadParty,
    Supervisor,
    Supervisee,
    /// <summary>The supervisee's line manager: sees attendance, never content.</summary>
    LineManager,
    Auditor,
    /// <summary>A supervisor signed in at another tenant (ascent), trying ralph-thoresby's pages.</summary>
    OtherTenant,
    /// <summary>The supervisee's verified email link to sign one other record: good for that record only.</summary>
    LinkHolder,
}

/// <summary>One supervision made for one attempt, so what an allowed write changes never meets the next attempt.</summary>
public sealed record Scene(Guid Relationship, string SupervisorId, string SuperviseeId);

/// <summary>
/// ralph-thoresby (copied) with a test record form whose supervisee fills the "Supervisee" person
/// question, as mse-icb's one-to-one record does, and no background workers, so that nothing but
/// the request under test changes the database while it is compared.
/// </summary>
public sealed class AuthorizationFactory : CopiedTenantsFactory
{
    public const string T = "ralph-thoresby";
    public const string FormId = "authz-record";

    public const string Form = """
        id: authz-record
        title: Authorisation test record
        purpose: record
        session:
          supervisor: supervisor
          supervisee: supervisee
          actions: { table: actions, text: action }
        sections:
          - id: about
            title: About the session
            filledBy: supervisee
            fields:
              - { id: supervisor, type: person, label: Supervisor, roles: [supervisor] }
              - { id: supervisee, type: person, label: Supervisee, roles: [supervisee] }
              - { id: comments, type: longText, label: Your comments }
          - id: notes
            title: Notes
            filledBy: supervisor
            fields:
              - { id: discussed, type: longText, label: Issues discussed, required: true }
              - id: actions
                type: table
                label: Actions
                columns:
                  - { id: action, type: text, label: Action }
              - { id: supervisor-signature, type: signature, label: Supervisor signature, signer: supervisor }
          - id: agree
            title: Agreement
            filledBy: supervisee
            fields:
              - { id: supervisee-signature, type: signature, label: Supervisee signature, signer: supervisee }
        """;

    public AuthorizationFactory() =>
        File.WriteAllText(Path.Combine(TenantsFolder, T, "forms", FormId + ".yaml"), Form);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                         && (d.ImplementationType == typeof(WorkflowWorker) || d.ImplementationType == typeof(SupervisionSweepService)
                             || d.ImplementationType == typeof(global::SupervisionHub.Web.Email.OutboxWorker))).ToList())
                services.Remove(hosted);
        });
    }

    public static string Email(Actor a) => a switch
    {
        Actor.TenantAdmin => $"admin@{T}.example",
        Actor.LeadNotParty or Actor.LeadParty => $"lead@{T}.example",
        Actor.Supervisor => $"supervisor@{T}.example",
        Actor.Supervisee or Actor.LinkHolder => $"supervisee@{T}.example",
        Actor.LineManager => $"linemanager@{T}.example",
        Actor.Auditor => $"auditor@{T}.example",
        Actor.OtherTenant => "supervisor@ascent.example",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    private readonly ConcurrentDictionary<string, Task<HttpClient>> _clients = new();

    /// <summary>A browser signed in as the actor (kept for the class), or holding only the link's cookie.</summary>
    public Task<HttpClient> ClientAsync(Actor a) => _clients.GetOrAdd(a == Actor.LinkHolder ? "link" : Email(a), _ => a == Actor.LinkHolder ? LinkClientAsync() : SignedInAsync(a));

    private async Task<HttpClient> SignedInAsync(Actor a)
    {
        var client = Browser();
        var tenant = a == Actor.OtherTenant ? "ascent" : T;
        var signIn = await client.SignIn(tenant, Email(a), DemoPassword);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{Email(a)} could not sign in");
        return client;
    }

    /// <summary>The record the link holder's link was sent for.</summary>
    public Guid LinkRecord { get; private set; }

    private async Task<HttpClient> LinkClientAsync()
    {
        var (token, code) = await InTenant(T, async sp =>
        {
            var scene = await SceneAsync(sp, Actor.Supervisor);
            var record = await RecordAsync(sp, scene, submitted: true);
            LinkRecord = record.Id;
            var db = sp.GetRequiredService<AppDbContext>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var task = new WorkTask(scene.SuperviseeId, "Read and sign", null, false, null, null, scene.Relationship, now).About(record.Id, record.SessionId);
            db.WorkTasks.Add(task);
            var (link, token) = EmailLink.Create(task.Id, scene.SuperviseeId, Email(Actor.Supervisee), now, TimeSpan.FromDays(14));
            var code = link.NewCode(now)!;
            db.EmailLinks.Add(link);
            await db.SaveChangesAsync();
            return (token, code);
        });
        var client = Browser();
        var url = $"/{T}/link/{token}";
        var verified = await client.PostForm(url + "?handler=Code", new Dictionary<string, string> { ["code"] = code }, url);
        Assert.Equal($"/{T}/records/{LinkRecord}", verified.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>The page a browser would have open before posting: it gives the antiforgery token for this actor.</summary>
    public string TokenPage(Actor a) => a switch
    {
        Actor.OtherTenant => $"/{T}/account/sign-in", // their ascent cookie means nothing here: they are anonymous
        Actor.LinkHolder => $"/{T}/records/{LinkRecord}",
        _ => $"/{T}",
    };

    public Task<Scene> SceneAsync(Actor a) => InTenant(T, sp => SceneAsync(sp, a));

    /// <summary>A one-to-one of the demo supervisee, supervised by the lead when the actor is the party lead, else by the demo supervisor.</summary>
    public static async Task<Scene> SceneAsync(IServiceProvider sp, Actor a)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var supervisor = await db.StaffIdAsync(Email(a == Actor.LeadParty ? Actor.LeadParty : Actor.Supervisor));
        var supervisee = await db.StaffIdAsync(Email(Actor.Supervisee));
        var r = await sp.StartAsync("one-to-one", supervisor, supervisee, sp.Today().AddDays(-60));
        return new Scene(r.Id, supervisor, supervisee);
    }

    /// <summary>
    /// A record of the test form for a session of the scene's supervision that took place today,
    /// written by its supervisor: a draft, submitted, or signed off by both.
    /// </summary>
    public static async Task<Submission> RecordAsync(IServiceProvider sp, Scene scene, bool submitted = false, bool signedOff = false)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var relationship = await db.Relationships.Include(r => r.Members).SingleAsync(r => r.Id == scene.Relationship);
        var session = await sp.AttendedTodayAsync(relationship);
        var version = await sp.GetRequiredService<FormCatalog>().LatestVersionAsync(FormId, CancellationToken.None) ?? throw new InvalidOperationException("Test form not published");
        var record = new Submission(version, scene.SupervisorId, now);
        record.LinkTo(scene.Relationship, session.Id);
        record.SaveDraft(new System.Text.Json.Nodes.JsonObject
        {
            ["supervisor"] = scene.SupervisorId, ["supervisee"] = scene.SuperviseeId, ["discussed"] = "Seeded notes.",
        }, now);
        db.Submissions.Add(record);
        session.AttachRecord(record.Id);
        if (submitted || signedOff) record.Submit(record.Answers, now);
        if (signedOff)
        {
            record.Sign(scene.SupervisorId, "Supervisor", now);
            record.Sign(scene.SuperviseeId, "Supervisee", now);
            record.MarkFullySigned(false, now);
        }
        await db.SaveChangesAsync();
        return record;
    }

    /// <summary>
    /// Everything in the tenant a write could change, as text: two equal fingerprints mean the
    /// request changed nothing (no record, signature, session, supervision, action, email, task,
    /// link, person, training, form, rule, template, setting or audit entry).
    /// </summary>
    public Task<string> FingerprintAsync() => InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var text = new StringBuilder();
        void Add<TRow>(string name, IEnumerable<TRow> rows) =>
            text.Append(name).Append(": ").AppendJoin(" | ", rows.Select(r => r?.ToString()).Order(StringComparer.Ordinal)).Append('\n');
        Add("records", await db.Submissions.AsNoTracking().Select(s => new { s.Id, s.Status, s.AnswersJson, s.UpdatedAt, s.FullySignedAt, s.RelationshipId, s.SessionId }).ToListAsync());
        Add("signatures", await db.Signatures.AsNoTracking().Select(s => new { s.Id, s.SignerId, s.Role, s.VoidedAt }).ToListAsync());
        Add("supervisions", await db.Relationships.AsNoTracking().Select(r => new { r.Id, r.SupervisorId, r.EndedOn }).ToListAsync());
        Add("members", await db.RelationshipMembers.AsNoTracking().Select(m => new { m.Id, m.StaffId, m.LeftOn }).ToListAsync());
        Add("sessions", await db.Sessions.AsNoTracking().Select(s => new { s.Id, s.Status, s.Date, s.StartTime, s.RecordId, s.Reason }).ToListAsync());
        Add("attendance", await db.SessionAttendance.AsNoTracking().Select(a => new { a.Id, a.Attendance }).ToListAsync());
        Add("actions", await db.Actions.AsNoTracking().Select(a => new { a.Id, a.Status, a.Text }).ToListAsync());
        Add("outbox", await db.Outbox.AsNoTracking().Select(m => new { m.Id, m.FailedAt, m.Attempts }).ToListAsync());
        Add("tasks", await db.WorkTasks.AsNoTracking().Select(t => new { t.Id, t.Status, t.SubmissionId }).ToListAsync());
        Add("links", await db.EmailLinks.AsNoTracking().Select(l => new { l.Id, l.UsedAt }).ToListAsync());
        Add("staff", await db.Staff.AsNoTracking().Select(s => new { s.Id, s.FullName, s.Email, s.Roles, s.LineManagerId, s.LeftOn }).ToListAsync());
        Add("training", new[] { await db.TrainingRecords.AsNoTracking().CountAsync() });
        Add("forms", await db.FormVersions.AsNoTracking().Select(v => v.Id).ToListAsync());
        Add("rules", await db.WorkflowVersions.AsNoTracking().Select(v => new { v.Id, v.IsCurrent }).ToListAsync());
        Add("runs", await db.WorkflowInstances.AsNoTracking().Select(i => new { i.Id, i.Status }).ToListAsync());
        Add("incidents", await db.Incidents.AsNoTracking().Select(i => new { i.Id, i.ResolvedAt }).ToListAsync());
        Add("templates", await db.EmailTemplateVersions.AsNoTracking().Select(v => v.Id).ToListAsync());
        Add("events", new[] { await db.Events.AsNoTracking().CountAsync() });
        Add("audit", new[] { await db.AuditEntries.AsNoTracking().CountAsync() });
        Add("tenant", await db.Tenants.AsNoTracking().Where(t => t.Identifier == T).Select(t => new { t.UpdatedAt, t.ConfigurationYaml, t.LogoHash }).ToListAsync());
        return text.ToString();
    });

    /// <summary>A person who can sign in, made for one attempt (a new supervisee, a group member).</summary>
    public Task<string> PersonAsync(StaffRoles roles) => InTenant(T, async sp =>
        (await sp.NewPersonAsync("Test Person", $"person.{Guid.NewGuid():N}@{T}.example", roles)).Id);
}
