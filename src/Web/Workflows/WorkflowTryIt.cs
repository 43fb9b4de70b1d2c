using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Workflows;

/// <summary>An email a simulated run would send: its template, the subject it would have, and to whom.</summary>
public sealed record TriedEmail(string StepId, string Template, string Subject, IReadOnlyList<Recipient> To, IReadOnlyList<Recipient> Cc);

/// <summary>What a definition would do over a history: the journal, emails, tasks, runs and problems.</summary>
public sealed record TryItResult(SimulationResult Simulation, IReadOnlyList<TriedEmail> Emails, string Description);

/// <summary>A supervisee whose real history "try it" can replay.</summary>
public sealed record TryItPerson(string StaffId, string Name, string TypeName);

/// <summary>
/// The editor's "try it": runs a definition that has not been published through the simulator,
/// over a scripted history with made-up people, or over the last 90 days of one real supervisee's
/// sessions with the real people around them. Nothing is saved and nothing is sent.
/// </summary>
public sealed class WorkflowTryIt(AppDbContext db, ITenantContext tenant, TimeProvider clock, WorkflowContextBuilder contexts, EmailTemplates templates)
{
    public const int HistoryDays = 90;

    private static readonly Recipient Supervisor = new("sample-supervisor", "Sam Supervisor", "sam.supervisor@example.org");
    private static readonly Recipient Supervisee = new("sample-supervisee", "Pat Supervisee", "pat.supervisee@example.org");
    private static readonly Recipient LineManager = new("sample-line-manager", "Lee Manager", "lee.manager@example.org");

    /// <summary>The made-up supervisee works at the tenant's first site and the supervisor at its second (or the same), so site roles show whose site they follow.</summary>
    private (string? SuperviseeSite, string? SupervisorSite) SampleSites()
    {
        var sites = tenant.Tenant.Settings.Sites;
        return (sites.FirstOrDefault(), sites.Skip(1).FirstOrDefault() ?? sites.FirstOrDefault());
    }

    private DateOnly Today => tenant.Tenant.Today(clock);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A starting script: a session attended, then three missed in a row, fortnightly up to today.</summary>
    public string SampleScript()
    {
        var t = Today;
        return $$"""
            # A made-up history for "try it". Outcomes: attended, missed, cancelled-by-supervisee,
            # cancelled-by-supervisor, apologies. Events: { at: {{Day(t)}}T09:00, event: record.submitted, form: <form id>, answers: {} }
            until: {{Day(t)}}
            sessions:
              - { date: {{Day(t.AddDays(-56))}}, outcome: attended }
              - { date: {{Day(t.AddDays(-42))}}, outcome: missed }
              - { date: {{Day(t.AddDays(-28))}}, outcome: missed }
              - { date: {{Day(t.AddDays(-14))}}, outcome: missed }
            events: []

            """;
    }

    /// <summary>Supervisees in a current supervision, to replay one's real history.</summary>
    public async Task<IReadOnlyList<TryItPerson>> PeopleAsync(CancellationToken ct)
    {
        var rows = await (from r in db.Relationships.AsNoTracking()
                          where r.EndedOn == null
                          join m in db.RelationshipMembers.AsNoTracking() on r.Id equals m.RelationshipId
                          where m.LeftOn == null
                          join s in db.Staff.AsNoTracking() on m.StaffId equals s.Id
                          select new { m.StaffId, s.FullName, r.TypeId }).ToListAsync(ct);
        return [.. rows.GroupBy(r => r.StaffId).Select(g => g.First())
            .Select(r => new TryItPerson(r.StaffId, r.FullName, tenant.Tenant.Settings.Supervision.Type(r.TypeId)?.Name ?? r.TypeId))
            .OrderBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    private SimulationSettings Base(SupervisionTypeSettings? type) => new()
    {
        Zone = tenant.Tenant.TimeZone,
        ClosureDays = [.. tenant.Tenant.Settings.ClosureDays.Select(c => c.Date)],
        Calendar = ComplianceService.CalendarFor(tenant.Tenant),
        Policy = type?.Policy(tenant.Tenant.Settings.Supervision.DueSoonDays),
        TenantName = tenant.Tenant.Name,
        Settings = tenant.Tenant.Settings.Supervision.ForRules(),
    };

    /// <summary>Made-up people in every part (each tenant role held by one), around the tenant's first one-to-one supervision type.</summary>
    public SimulationSettings SampleSettings()
    {
        var types = tenant.Tenant.Settings.Supervision.Types;
        var type = types.FirstOrDefault(t => !t.IsGroup) ?? types.FirstOrDefault();
        var (superviseeSite, supervisorSite) = SampleSites();
        var supervisee = Supervisee with { Site = superviseeSite };
        var member = new CohortMember("sample-member", "Alex Member", "alex.member@example.org", ["supervisor", "supervisee"], superviseeSite, Today.AddDays(30));
        return Base(type) with
        {
            People = new PeopleDirectory
            {
                Supervisor = Supervisor with { Site = supervisorSite },
                Supervisees = [supervisee],
                LineManagersOfSupervisees = [LineManager],
                LineManagerOfSupervisor = new("sample-supervisors-manager", "Lou Manager", "lou.manager@example.org"),
                Person = supervisee,
                LineManagerOfPerson = LineManager,
                RoleHolders = tenant.Tenant.Settings.Roles.ToDictionary(r => r.Id, r => (IReadOnlyList<Recipient>)[new Recipient(null, r.Name, $"{r.Id}@example.org")]),
                // A role held per site: the real holders' addresses would mean nothing in a made-up history, so one
                // sample holder per site that has one, named for the site, shows whose site the rule follows.
                SiteRoleHolders = tenant.Tenant.Settings.Roles.Where(r => r.HeldPerSite).ToDictionary(r => r.Id,
                    r => (IReadOnlyDictionary<string, IReadOnlyList<Recipient>>)r.Sites.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key,
                        kv => (IReadOnlyList<Recipient>)[new Recipient(null, $"{r.Name} at {kv.Key}", $"{r.Id}.{Slug(kv.Key)}@example.org", kv.Key)], StringComparer.OrdinalIgnoreCase)),
                StaffRoleHolders = SupervisionHub.Workflows.Engine.StepCatalogue.StaffRoles.ToDictionary(r => r, r => (IReadOnlyList<Recipient>)[new Recipient($"sample-{r}", $"Sample {r}", $"{r}@example.org")]),
            },
            Cohorts = new Dictionary<string, IReadOnlyList<CohortMember>> { ["supervisees"] = [member], ["supervisors"] = [member], ["staff"] = [member] },
            RequiredFrom = Today.AddYears(-1),
            Relationship = type is null ? null : new RelationshipInfo(type.Id, type.Format, Supervisor.StaffId!, [Supervisee.StaffId!]),
        };
    }

    private static string Slug(string site) => new([.. site.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    /// <summary>
    /// One real supervisee's last 90 days as a script (their sessions' outcomes, as the service
    /// recorded them), with the real people around their supervision. Null when they are in no current supervision.
    /// </summary>
    public async Task<(SimulationScript Script, SimulationSettings Settings, string Name)?> RealHistoryAsync(string staffId, WorkflowDefinition definition, CancellationToken ct)
    {
        var relationship = await db.Relationships.AsNoTracking().Include(r => r.Members)
            .Where(r => r.EndedOn == null && r.Members.Any(m => m.StaffId == staffId && m.LeftOn == null))
            .OrderByDescending(r => r.StartedOn).FirstOrDefaultAsync(ct);
        if (relationship is null) return null;
        var name = await db.Staff.AsNoTracking().Where(s => s.Id == staffId).Select(s => s.FullName).FirstAsync(ct);
        var type = tenant.Tenant.Settings.Supervision.Type(relationship.TypeId);
        var from = Today.AddDays(-HistoryDays);
        // All the person's supervisions: another type's sessions count in history.all only (ScriptedSession.Supervision).
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.Status != SessionStatus.Booked && s.Date >= from && s.Date <= Today
                        && (s.Attendance.Any(a => a.StaffId == staffId) || s.Status == SessionStatus.CancelledBySupervisee || s.Status == SessionStatus.CancelledBySupervisor)
                        && s.Relationship.Members.Any(m => m.StaffId == staffId))
            .Select(s => new { s.Id, s.TypeId, s.Date, s.Status, s.DurationMinutes, Mine = s.Attendance.Where(a => a.StaffId == staffId).Select(a => (MemberAttendance?)a.Attendance).FirstOrDefault() })
            .ToListAsync(ct);
        var script = new SimulationScript
        {
            Start = from,
            Until = Today,
            Sessions = [.. sessions.OrderBy(s => s.Date).Select(s => new ScriptedSession(s.Date, WorkflowContextBuilder.Outcome(s.Status, s.Mine), s.DurationMinutes, s.Id.ToString(),
                Supervision: s.TypeId == relationship.TypeId ? null : s.TypeId))],
        };
        var people = await contexts.PeopleAsync(relationship, [staffId], staffId, ct);
        var cohorts = contexts.Cohorts();
        var cohortNames = definition.AllSteps().OfType<ForEachStep>().Select(f => f.Cohort).Distinct(StringComparer.Ordinal);
        var settings = Base(type) with
        {
            People = people,
            Cohorts = cohortNames.ToDictionary(c => c, cohorts, StringComparer.Ordinal),
            RequiredFrom = relationship.StartedOn,
            Relationship = new RelationshipInfo(relationship.TypeId, type?.Format ?? "one-to-one", relationship.SupervisorId, [staffId]),
        };
        return (script, settings, name);
    }

    /// <summary>Runs the simulator, and renders each email's subject from the template in force (the preview of what would go).</summary>
    public async Task<TryItResult> RunAsync(WorkflowDefinition definition, SimulationScript script, SimulationSettings settings, string description, CancellationToken ct)
    {
        // One budget for the whole request: the simulation, then the subjects of the emails it would send.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var budget = TimeSpan.FromMilliseconds(TenantText.TenantTextLimits.SimulationBudgetMs);
        var result = WorkflowSimulator.Run(definition, script, settings, budget);
        var emails = new List<TriedEmail>();
        foreach (var e in result.Emails)
        {
            string subject;
            if (clock.Elapsed >= budget)
            {
                emails.Add(new TriedEmail(e.StepId, e.Template, "(not shown: trying the rule used all its time)", e.To, e.Cc));
                continue;
            }
            try
            {
                var model = (JsonObject)e.Model.DeepClone();
                model["recipient"] = new JsonObject { ["name"] = e.To.Count > 0 ? e.To[0].Name : "" };
                model["tenant"] = new JsonObject { ["name"] = tenant.Tenant.Name };
                model["link"] = "https://supervisionhub.example/link";
                model["links"] = new JsonObject
                {
                    ["record"] = "https://supervisionhub.example/records/sample", ["session"] = "https://supervisionhub.example/sessions/sample",
                    ["supervision"] = "https://supervisionhub.example/supervision/sample", ["home"] = "https://supervisionhub.example",
                };
                subject = EmailTemplates.Render(await templates.GetAsync(db, tenant.Tenant.Identifier, e.Template, ct), model, budget - clock.Elapsed).Subject;
            }
            catch (InvalidOperationException ex)
            {
                subject = "(cannot be shown: " + ex.Message + ")";
            }
            emails.Add(new TriedEmail(e.StepId, e.Template, subject, e.To, e.Cc));
        }
        return new TryItResult(result, emails, description);
    }
}
