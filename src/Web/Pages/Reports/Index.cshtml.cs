using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Reports;

/// <summary>Every report in one place for admins, safeguarding leads and auditors: today's compliance, then the periodic reports its tenant.yaml names.</summary>
public sealed class IndexModel(UserManager<StaffMember> users, PeriodicReports reports, ITenantContext tenant, TimeProvider clock) : PageModel
{
    public IReadOnlyList<(ReportSettings Report, string? Audience, ReportPeriod Latest)> Reports { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        if (!SupervisionAccess.CanSeeEveryone(me)) return StatusCode(StatusCodes.Status403Forbidden);
        var today = tenant.Tenant.Today(clock);
        Reports = [.. reports.Configured.Select(r => (r, reports.AudienceName(r), PeriodicReports.DefaultPeriod(r, today)))];
        return Page();
    }
}
