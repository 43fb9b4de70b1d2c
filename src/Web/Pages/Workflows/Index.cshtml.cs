using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Pages.Workflows;

/// <summary>The tenant's rules as they run: published workflows, recent runs, and incidents to retry or cancel.</summary>
public sealed class IndexModel(AppDbContext db, UserManager<StaffMember> users, WorkflowHost host, ITenantContext tenant, TimeProvider clock) : PageModel
{
    public IReadOnlyList<WorkflowVersion> Workflows { get; private set; } = [];
    public IReadOnlyList<WorkflowInstance> Recent { get; private set; } = [];
    public IReadOnlyList<(Incident Incident, WorkflowInstance Instance)> Incidents { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        Workflows = await db.WorkflowVersions.AsNoTracking().Where(v => v.IsCurrent).OrderBy(v => v.WorkflowId).ToListAsync(ct);
        Recent = await db.WorkflowInstances.AsNoTracking().OrderByDescending(i => i.UpdatedAt).Take(50).ToListAsync(ct);
        Incidents = (await db.Incidents.AsNoTracking().Where(i => i.ResolvedAt == null).OrderByDescending(i => i.At).Take(50)
                .Join(db.WorkflowInstances.AsNoTracking(), i => i.InstanceId, w => w.Id, (i, w) => new { i, w }).ToListAsync(ct))
            .Select(x => (x.i, x.w)).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(int incidentId, CancellationToken ct) => await ResolveAsync(incidentId, retry: true, ct);

    public async Task<IActionResult> OnPostCancelAsync(int incidentId, CancellationToken ct) => await ResolveAsync(incidentId, retry: false, ct);

    private async Task<IActionResult> ResolveAsync(int incidentId, bool retry, CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId && i.ResolvedAt == null, ct);
        if (incident is null) return NotFound();
        var instance = await db.WorkflowInstances.Include(i => i.Version).FirstAsync(i => i.Id == incident.InstanceId, ct);
        incident.Resolve(retry ? "retried" : "cancelled", clock.GetUtcNow());
        if (retry) await host.RetryAsync(instance, ct);
        else instance.Cancel(clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Fenced (ADR 0024): another admin or the worker changed the run first, and nothing of this was saved.
            TempData["Notice"] = "The run changed while you were looking at it, so nothing was done. Look at it again before retrying or cancelling.";
            return Redirect($"/{tenant.Tenant.Identifier}/workflows");
        }
        TempData["Notice"] = retry ? $"The run was retried: it is now {instance.Status.ToString().ToLowerInvariant()}." : "The run was cancelled.";
        return Redirect($"/{tenant.Tenant.Identifier}/workflows");
    }

    private async Task<IActionResult?> DeniedAsync()
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        return SupervisionAccess.CanManage(me) ? null : StatusCode(StatusCodes.Status403Forbidden);
    }
}
