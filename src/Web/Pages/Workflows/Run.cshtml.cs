using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Pages.Workflows;

/// <summary>One run and its journal: what ran, with which inputs, what it decided.</summary>
public sealed class RunModel(AppDbContext db, UserManager<StaffMember> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public WorkflowInstance Instance { get; private set; } = null!;
    public IReadOnlyList<JournalEntry> Journal { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        if (!SupervisionAccess.CanManage(me)) return StatusCode(StatusCodes.Status403Forbidden);
        var instance = await db.WorkflowInstances.AsNoTracking().Include(i => i.Version).FirstOrDefaultAsync(i => i.Id == Id, ct);
        if (instance is null) return NotFound();
        Instance = instance;
        Journal = await db.JournalEntries.AsNoTracking().Where(j => j.InstanceId == Id).OrderBy(j => j.Id).ToListAsync(ct);
        return Page();
    }
}
