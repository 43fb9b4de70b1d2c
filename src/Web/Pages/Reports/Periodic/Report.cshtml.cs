using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Reports.Periodic;

/// <summary>One configured report over a chosen period: headline figures and tables, printable, and as CSV (?handler=Csv).</summary>
public sealed class ReportModel(UserManager<StaffMember> users, PeriodicReports reports, ITenantContext tenant, TimeProvider clock, AuditLog log, AppDbContext db) : PageModel
{
    public const int PickerPeriods = 12;

    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";

    /// <summary>The first day of the period (yyyy-mm-dd); any day in it will do.</summary>
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    public ReportSettings Report { get; private set; } = null!;
    public string? Audience { get; private set; }
    public ReportPeriod Chosen { get; private set; } = null!;
    public IReadOnlyList<ReportPeriod> Periods { get; private set; } = [];
    public ReportOutput? Output { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        if (Output is null) return NotFound();
        var me = await users.GetUserAsync(User);
        log.Log(me!.Id, "export", "report", $"{Report.Id} {Chosen.Key}");
        await db.SaveChangesAsync(ct);
        var name = $"{tenant.Tenant.Identifier}-{Report.Id}-{Chosen.Key}.csv";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Output.ToCsv(tenant.Tenant.Name, Audience))).ToArray(), "text/csv; charset=utf-8", name);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        if (!SupervisionAccess.CanSeeEveryone(me)) return StatusCode(StatusCodes.Status403Forbidden);
        if (reports.Find(Id) is not { } report) return NotFound();
        Report = report;
        Audience = reports.AudienceName(report);
        var today = tenant.Tenant.Today(clock);
        Periods = ReportPeriod.Recent(report.ParsedPeriod, today, PickerPeriods);
        Chosen = DateOnly.TryParseExact(Period, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? ReportPeriod.Containing(report.ParsedPeriod, day)
            : PeriodicReports.DefaultPeriod(report, today);
        Output = await reports.RunAsync(report, Chosen, ct);
        return null;
    }
}
