using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Pages.Home;

/// <summary>
/// A home page per person: one panel for each part they play, each with what to do next.
/// </summary>
public sealed class IndexModel(UserManager<StaffMember> users, AppDbContext db, ITenantContext tenant, TimeProvider clock, Dashboard dashboard, ComplianceService compliance) : PageModel
{
    public StaffMember Me { get; private set; } = null!;
    public string? LineManagerName { get; private set; }
    public int DirectReports { get; private set; }
    public DirectoryCounts? Directory { get; private set; }
    public IReadOnlyList<TrainingRecord> MyTraining { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public Dashboard.SuperviseeView? AsSupervisee { get; private set; }
    public Dashboard.SupervisorView? AsSupervisor { get; private set; }
    public Dashboard.LineManagerView? AsLineManager { get; private set; }
    public IReadOnlyList<SupervisionHub.Web.Workflows.WorkTask> Tasks { get; private set; } = [];

    /// <summary>For leads and admins: how many are overdue or due soon across the organisation.</summary>
    public OrganisationCounts? Organisation { get; private set; }

    public sealed record DirectoryCounts(int Active, int Supervisors, int WithoutTraining, int TrainingExpiringSoon);

    public sealed record OrganisationCounts(int Overdue, int DueSoon, int NoAgreement, int Total);

    /// <summary>Everything the home shows for one person, kept between views (ADR 0049).</summary>
    public sealed record HomeData(StaffMember Me, string? LineManagerName, int DirectReports, DirectoryCounts? Directory,
        IReadOnlyList<TrainingRecord> MyTraining, Dashboard.SuperviseeView? AsSupervisee, Dashboard.SupervisorView? AsSupervisor,
        Dashboard.LineManagerView? AsLineManager, IReadOnlyList<SupervisionHub.Web.Workflows.WorkTask> Tasks, OrganisationCounts? Organisation)
    {
        /// <summary>A rough size in memory, for the kept views' byte budget: a base and so much a row.</summary>
        public long EstimatedBytes => 4096
            + 400L * Tasks.Count + 200L * MyTraining.Count
            + (AsSupervisee is { } a ? 400L * a.Statuses.Count + 300L * (a.Upcoming.Count + a.Recent.Count + a.Actions.Count + a.ToSign.Count) : 0)
            + (AsSupervisor is { } b ? 400L * b.Statuses.Count + 300L * (b.ToRecord.Count + b.Upcoming.Count + b.AwaitingSignature.Count + b.OverdueActions.Count) : 0)
            + (AsLineManager is { } c ? 400L * c.Statuses.Count + 200L * (c.Team.Count + c.Attendance.Count) : 0);
    }

    public async Task<IActionResult> OnGetAsync([FromServices] TenantChanges changes, [FromServices] KeptViews kept, CancellationToken ct)
    {
        if (users.GetUserId(User) is not { } id) return Challenge();
        var today = Today = tenant.Tenant.Today(clock);
        // The stamp before any read: a save committed after it makes the next view read again. A view with the same
        // stamp, day and settings makes no read at all; any save on this node, or one on another node that the
        // stamp's look sees, or MaxAge, makes it read again (ADR 0049). A removed account or a demotion is a save.
        var stamp = await changes.CurrentAsync(db, tenant.Tenant.Id, ct);
        var data = await kept.GetAsync<HomeData>("home", tenant.Tenant, id, stamp, today, async () => await LoadAsync(id, today, kept.ForStatusCache(stamp), ct) is { } d ? (d, d.EstimatedBytes) : null);
        if (data is null) return Challenge();
        (Me, LineManagerName, DirectReports, Directory, MyTraining, AsSupervisee, AsSupervisor, AsLineManager, Tasks, Organisation) =
            (data.Me, data.LineManagerName, data.DirectReports, data.Directory, data.MyTraining, data.AsSupervisee, data.AsSupervisor, data.AsLineManager, data.Tasks, data.Organisation);
        return Page();
    }

    /// <summary>What the home shows this person, read now; null when there is no such person in this tenant.</summary>
    private async Task<HomeData?> LoadAsync(string id, DateOnly today, TenantChanges.Stamp? stamp, CancellationToken ct)
    {
        // The person's row, read as UserManager.GetUserAsync read it (a removed account finds none and is
        // challenged; roles are the row's, so a demotion shows once the view is read again), with their own facts
        // in the same round trip (ADR 0046): who they report to, who reports to them, and their training records.
        var row = await db.Staff.AsNoTracking().Where(s => s.Id == id).Select(s => new
        {
            Me = s,
            LineManager = db.Staff.Where(l => l.Id == s.LineManagerId).Select(l => l.FullName).FirstOrDefault(),
            DirectReports = db.Staff.Count(r => r.LineManagerId == s.Id && (r.LeftOn == null || r.LeftOn >= today)),
            Training = db.TrainingRecords.Where(t => t.StaffMemberId == s.Id).OrderByDescending(t => t.CompletedOn).ToList(),
        }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var me = row.Me;
        // Whether they are in a supervision on either side: their part follows their relationships, whatever their roles say.
        var (supervised, supervises) = await dashboard.PartsAsync(me.Id, ct);

        var tasks = await db.WorkTasks.AsNoTracking().Where(t => t.AssigneeId == me.Id && t.Status == SupervisionHub.Web.Workflows.TaskStatus.Open)
            .OrderBy(t => t.DueOn == null).ThenBy(t => t.DueOn).Take(50).ToListAsync(ct);
        // Everyone's statuses come from the node's cache (ADR 0016) for those who see everyone; their own
        // panels are then cut from that list rather than computed again by scoped queries.
        var everyone = SupervisionAccess.CanSeeEveryone(me) ? await compliance.EveryoneAsync(ct, stamp) : null;
        // The rows that concern this person (as supervisee, supervisor or line manager), from an index kept
        // with the list: each panel takes its own from them, as it would from everyone, without a pass over 20,000.
        var concerning = everyone is null ? null
            : (await compliance.DerivedAsync(everyone, "home-by-person", _ => Task.FromResult(ByPerson(everyone)), ct)).GetValueOrDefault(me.Id, []);
        Dashboard.SuperviseeView? asSupervisee = null;
        Dashboard.SupervisorView? asSupervisor = null;
        Dashboard.LineManagerView? asLineManager = null;
        IReadOnlyList<TrainingRecord> training = [];
        if (me.Has(StaffRoles.Supervisee) || supervised)
            asSupervisee = await dashboard.ForSuperviseeAsync(me.Id, ct, concerning);
        if (me.Has(StaffRoles.Supervisor) || supervises)
        {
            asSupervisor = await dashboard.ForSupervisorAsync(me.Id, ct, concerning);
            training = row.Training;
        }
        if (me.Has(StaffRoles.LineManager) || row.DirectReports > 0)
            asLineManager = await dashboard.ForLineManagerAsync(me.Id, ct, concerning);
        OrganisationCounts? organisation = null;
        DirectoryCounts? directory = null;
        if (everyone is { } all)
        {
            // Kept with the statuses they are counted from (ADR 0041): a view after the first costs a lookup.
            organisation = await compliance.DerivedAsync(all, "home-organisation", _ =>
            {
                int overdue = 0, dueSoon = 0, noAgreement = 0;
                foreach (var s in all) // one pass over what may be 20,000 rows
                {
                    if (s.Compliance.State == ComplianceState.Overdue) overdue++;
                    else if (s.Compliance.State == ComplianceState.DueSoon) dueSoon++;
                    if (s.Agreement != AgreementState.Signed) noAgreement++;
                }
                return Task.FromResult(new OrganisationCounts(overdue, dueSoon, noAgreement, all.Count));
            }, ct);
            // Everyone who may see the directory panel (admins and leads) sees everyone, so the directory
            // figures are kept the same way: every save that changes what they read (a person added, a role,
            // a leaving date, a training record) writes a StatusChange, which drops them on every node.
            if (me.Has(StaffRoles.TenantAdmin) || me.Has(StaffRoles.SafeguardingLead))
                directory = await compliance.DerivedAsync(all, "home-directory", c => DirectoryCountsAsync(db, today, c), ct);
        }
        return new HomeData(me, row.LineManager, row.DirectReports, directory, training, asSupervisee, asSupervisor, asLineManager, tasks, organisation);
    }

    /// <summary>Each person's rows of everyone's statuses (as supervisee, supervisor or line manager), in the list's order.</summary>
    private static Dictionary<string, List<SuperviseeStatus>> ByPerson(IReadOnlyList<SuperviseeStatus> everyone)
    {
        var index = new Dictionary<string, List<SuperviseeStatus>>(StringComparer.Ordinal);
        void Add(string? person, SuperviseeStatus s)
        {
            if (person is null) return;
            if (!index.TryGetValue(person, out var rows)) index[person] = rows = [];
            if (rows.Count == 0 || !ReferenceEquals(rows[^1], s)) rows.Add(s); // one person in two parts of the same row: once
        }
        foreach (var s in everyone)
        {
            Add(s.StaffId, s);
            Add(s.SupervisorId, s);
            Add(s.LineManagerId, s);
        }
        return index;
    }

    /// <summary>The lead's organisation figures, as the database has them now (the uncached computation).</summary>
    public static async Task<DirectoryCounts> DirectoryCountsAsync(AppDbContext db, DateOnly today, CancellationToken ct)
    {
        var soon = today.AddDays(60);
        const int supervisor = (int)StaffRoles.Supervisor;
        var active = db.Staff.Where(s => s.LeftOn == null || s.LeftOn >= today);
        // Two reads and no subquery per person: correlated training checks over a tenant of 20,000
        // staff cost 20 ms a view on PostgreSQL. First the counts, in one walk of the staff...
        var counts = await active.GroupBy(_ => 1)
            .Select(g => new { Active = g.Count(), Supervisors = g.Count(s => ((int)s.Roles & supervisor) != 0) }).FirstOrDefaultAsync(ct);
        // ...then the training records (a few a person) of the active supervisors, as three flags a person.
        var trained = await db.TrainingRecords
            .Join(active.Where(s => ((int)s.Roles & supervisor) != 0), t => t.StaffMemberId, s => s.Id, (t, s) => t)
            .GroupBy(t => t.StaffMemberId)
            .Select(g => new
            {
                InDate = g.Max(t => t.ExpiresOn == null || t.ExpiresOn >= today ? 1 : 0),
                Expiring = g.Max(t => t.ExpiresOn >= today && t.ExpiresOn <= soon ? 1 : 0),
                Beyond = g.Max(t => t.ExpiresOn == null || t.ExpiresOn > soon ? 1 : 0),
            }).ToListAsync(ct);
        var supervisors = counts?.Supervisors ?? 0;
        return new DirectoryCounts(counts?.Active ?? 0, supervisors,
            supervisors - trained.Count(t => t.InDate == 1), trained.Count(t => t.Expiring == 1 && t.Beyond == 0));
    }

    /// <summary>
    /// Opens the form one of the person's own tasks asks for. An anonymous questionnaire cannot be
    /// started here (answers must not meet the sign-in): its link is sent again instead.
    /// </summary>
    public async Task<IActionResult> OnPostStartTaskAsync(Guid taskId, [FromServices] SupervisionHub.Web.Links.TaskLinks links,
        [FromServices] SupervisionHub.Web.Records.FormCatalog catalog, [FromServices] SupervisionHub.Web.Records.RecordGate gate, CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        var task = me is null ? null : await db.WorkTasks.FirstOrDefaultAsync(t => t.Id == taskId && t.AssigneeId == me.Id && t.FormId != null, ct);
        if (task is null || me is null) return NotFound();
        if (task.SubmissionId is { } started) return Redirect($"/{tenant.Tenant.Identifier}/records/{started}");
        var draft = await links.StartFormAsync(task, catalog, ct);
        if (draft is null)
        {
            var url = links.Issue(task, me.Id, me.Email!);
            db.Outbox.Add(new SupervisionHub.Web.Email.OutboxMessage(me.Email!, $"Your link for {tenant.Tenant.Name}: {task.Title}",
                SupervisionHub.Web.Links.LinkEmails.FreshLink(me.FullName, "answer the questionnaire (your answers are kept without your name)", url, links.ExpiryDate), clock.GetUtcNow()));
            await db.SaveChangesAsync(ct);
            TempData["Notice"] = "This questionnaire keeps no record of who answered, so it is answered from a link: we have emailed you one.";
            return Redirect("/" + tenant.Tenant.Identifier);
        }
        gate.LogCreated(draft, me.Id);
        await db.SaveChangesAsync(ct);
        return Redirect($"/{tenant.Tenant.Identifier}/records/{draft.Id}");
    }

    /// <summary>Marks one of the person's own tasks done; someone else's task is not theirs to close.</summary>
    public async Task<IActionResult> OnPostTaskDoneAsync(Guid taskId, CancellationToken ct)
    {
        var me = users.GetUserId(User);
        var task = await db.WorkTasks.FirstOrDefaultAsync(t => t.Id == taskId && t.AssigneeId == me, ct);
        if (task is null) return NotFound();
        task.Complete(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = "The task is marked as done.";
        return Redirect("/" + tenant.Tenant.Identifier);
    }
}
