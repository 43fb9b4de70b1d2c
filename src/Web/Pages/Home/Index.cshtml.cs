using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Home;

/// <summary>
/// A home page per person: one panel for each role they hold, each with what to do next.
/// Supervision itself (agreements, sessions, records) arrives with the supervision feature; until
/// then the panels say what is coming and who sets it up.
/// </summary>
public sealed class IndexModel(UserManager<StaffMember> users, AppDbContext db, ITenantContext tenant, TimeProvider clock) : PageModel
{
    public StaffMember Me { get; private set; } = null!;
    public StaffMember? LineManager { get; private set; }
    public int DirectReports { get; private set; }
    public DirectoryCounts? Directory { get; private set; }
    public IReadOnlyList<TrainingRecord> MyTraining { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public sealed record DirectoryCounts(int Active, int Supervisors, int WithoutTraining, int TrainingExpiringSoon);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        Me = me;
        Today = tenant.Tenant.Today(clock);
        LineManager = me.LineManagerId is null ? null : await db.Staff.AsNoTracking().FirstOrDefaultAsync(s => s.Id == me.LineManagerId, ct);
        DirectReports = await db.Staff.CountAsync(s => s.LineManagerId == me.Id && (s.LeftOn == null || s.LeftOn >= Today), ct);
        MyTraining = await db.TrainingRecords.AsNoTracking().Where(t => t.StaffMemberId == me.Id).OrderByDescending(t => t.CompletedOn).ToListAsync(ct);

        if (me.Has(StaffRoles.TenantAdmin) || me.Has(StaffRoles.SafeguardingLead))
        {
            var soon = Today.AddDays(60);
            var active = db.Staff.Where(s => s.LeftOn == null || s.LeftOn >= Today);
            var supervisors = active.Where(s => ((int)s.Roles & (int)StaffRoles.Supervisor) != 0);
            Directory = new DirectoryCounts(
                await active.CountAsync(ct),
                await supervisors.CountAsync(ct),
                await supervisors.CountAsync(s => !s.Training.Any(t => t.ExpiresOn == null || t.ExpiresOn >= Today), ct),
                await supervisors.CountAsync(s => s.Training.Any(t => t.ExpiresOn >= Today && t.ExpiresOn <= soon)
                                                  && !s.Training.Any(t => t.ExpiresOn == null || t.ExpiresOn > soon), ct));
        }
        return Page();
    }
}
