using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Pages.Workflows;

/// <summary>
/// One run and its journal: what ran, with which inputs, what it decided; its problems, with
/// "retry" for a run that stopped and "cancel" for one that is waiting or stopped.
/// </summary>
public sealed class RunModel(AppDbContext db, UserManager<StaffMember> users, WorkflowHost host, ITenantContext tenant, TimeProvider clock, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public WorkflowInstance Instance { get; private set; } = null!;
    public IReadOnlyList<JournalEntry> Journal { get; private set; } = [];
    public IReadOnlyList<Incident> Incidents { get; private set; } = [];

    public bool CanCancel => Instance.Status is InstanceStatus.Running or InstanceStatus.Waiting or InstanceStatus.Faulted;
    public Incident? OpenIncident => Incidents.FirstOrDefault(i => i.ResolvedAt is null);

    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        var instance = await db.WorkflowInstances.AsNoTracking().Include(i => i.Version).FirstOrDefaultAsync(i => i.Id == Id, ct);
        if (instance is null) return NotFound();
        Instance = instance;
        Journal = await db.JournalEntries.AsNoTracking().Where(j => j.InstanceId == Id).OrderBy(j => j.Id).ToListAsync(ct);
        Incidents = await db.Incidents.AsNoTracking().Where(i => i.InstanceId == Id).OrderBy(i => i.At).ToListAsync(ct);
        return Page();
    }

    /// <summary>Stops a waiting or stopped run for good: it sends nothing more. Open problems are marked cancelled.</summary>
    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        var instance = await db.WorkflowInstances.FirstOrDefaultAsync(i => i.Id == Id, ct);
        if (instance is null) return NotFound();
        if (instance.Status is InstanceStatus.Running or InstanceStatus.Waiting or InstanceStatus.Faulted)
        {
            var now = clock.GetUtcNow();
            instance.Cancel(now);
            foreach (var incident in await db.Incidents.Where(i => i.InstanceId == Id && i.ResolvedAt == null).ToListAsync(ct))
                incident.Resolve("cancelled", now);
            audit.Log((await users.GetUserAsync(User))!.Id, "cancel", "workflow-run", Id.ToString());
            if (!await SavedAsync(ct)) return Redirect($"/{tenant.Tenant.Identifier}/workflows/runs/{Id}");
            TempData["Notice"] = "The run was cancelled: it will send nothing more.";
        }
        return Redirect($"/{tenant.Tenant.Identifier}/workflows/runs/{Id}");
    }

    /// <summary>Runs a stopped run again from the step that failed.</summary>
    public async Task<IActionResult> OnPostRetryAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        var instance = await db.WorkflowInstances.Include(i => i.Version).FirstOrDefaultAsync(i => i.Id == Id, ct);
        if (instance is null) return NotFound();
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.InstanceId == Id && i.ResolvedAt == null, ct);
        if (incident is not null && instance.Status == InstanceStatus.Faulted)
        {
            incident.Resolve("retried", clock.GetUtcNow());
            await host.RetryAsync(instance, ct);
            if (!await SavedAsync(ct)) return Redirect($"/{tenant.Tenant.Identifier}/workflows/runs/{Id}");
            TempData["Notice"] = $"The run was retried: it is now {instance.Status.ToString().ToLowerInvariant()}.";
        }
        return Redirect($"/{tenant.Tenant.Identifier}/workflows/runs/{Id}");
    }

    /// <summary>
    /// Saves, unless the run changed since it was read (another admin's retry, the worker's timer):
    /// the save is fenced by the run's token (ADR 0024), so a double click or two admins run nothing twice.
    /// </summary>
    private async Task<bool> SavedAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            TempData["Notice"] = "The run changed while you were looking at it, so nothing was done. Here it is now.";
            return false;
        }
    }

    private async Task<IActionResult?> DeniedAsync()
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        return SupervisionAccess.CanManage(me) ? null : StatusCode(StatusCodes.Status403Forbidden);
    }
}
