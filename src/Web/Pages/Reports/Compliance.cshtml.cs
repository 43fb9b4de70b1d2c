using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Reports;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Reports;

/// <summary>
/// The compliance report for tenant admins, safeguarding leads and auditors (read-only): the share of
/// supervisees in date, by site, type and supervisor, the overdue list and the trend, filtered by a
/// GET form; the same figures as CSV (?handler=Csv&amp;part=breakdown|overdue|trend) and as a print view.
/// </summary>
public partial class ComplianceModel(UserManager<StaffMember> users, ComplianceReport report, AppDbContext db, ITenantContext tenant, TimeProvider clock,
    TenantChanges changes, KeptViews kept) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Site { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Supervisor { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    /// <summary>The page of the by-supervisor breakdown (a large tenant has hundreds of supervisors).</summary>
    [BindProperty(SupportsGet = true, Name = "sp")] public int SupervisorPageNumber { get; set; } = 1;

    public ComplianceReportResult Report { get; private set; } = null!;

    /// <summary>
    /// The overdue list on the page, fifty at a time like the breakdown below (the CSV and the print view have everyone):
    /// at 20,000 supervisees a hundred rows were 70 KB of a 178 KB page, a long scroll of cards on a phone (ADR 0070).
    /// </summary>
    public const int PageSize = 50;
    public int Pages => Math.Max(1, (Report.Overdue.Count + PageSize - 1) / PageSize);
    public IReadOnlyList<OverdueLine> OverduePage { get; private set; } = [];

    /// <summary>
    /// The by-supervisor breakdown on the page, fifty at a time: at 20,000 supervisees its rows were most
    /// of a 600 KB page (ADR 0041). The totals above it count everyone; the CSV and the print view have every row.
    /// </summary>
    public const int SupervisorPageSize = 50;
    public int SupervisorPages => Math.Max(1, (Report.BySupervisor.Count + SupervisorPageSize - 1) / SupervisorPageSize);
    public IReadOnlyList<Tally> SupervisorPage { get; private set; } = [];

    public ReportFilter Filter => new(Site, Type, Supervisor);

    /// <summary>The filters as a query string (empty ones left out), for the CSV and print links.</summary>
    public string Query(params (string Key, string Value)[] extra) =>
        QueryString.Create(new Dictionary<string, string?> { ["Site"] = Site, ["Type"] = Type, ["Supervisor"] = Supervisor }
            .Where(kv => !string.IsNullOrEmpty(kv.Value)).Concat(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))).ToString();

    /// <summary>A link to another page of the two paged tables: the filters and the other table's page kept.</summary>
    public string PageQuery(int overduePage, int supervisorPage) =>
        Query(("p", overduePage.ToString(CultureInfo.InvariantCulture)), ("sp", supervisorPage.ToString(CultureInfo.InvariantCulture)));

    private const string Allowed = "allowed", Refused = "refused";

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (users.GetUserId(User) is not { } id) return Challenge();
        // Who may see the report, from the person's row as GetUserAsync reads it, kept while the tenant's stamp holds
        // (ADR 0049): a demotion or a removal is a save, which makes the next view read the row again.
        var stamp = await changes.CurrentAsync(db, tenant.Tenant.Id, ct);
        var access = await kept.GetAsync<string>("report-access", tenant.Tenant, id, stamp, tenant.Tenant.Today(clock), async () =>
            await users.GetUserAsync(User) is { } me ? (SupervisionAccess.CanSeeEveryone(me) ? Allowed : Refused, 64L) : null);
        if (access is null) return Challenge();
        if (access != Allowed) return StatusCode(StatusCodes.Status403Forbidden);
        // A page number that is not a number is read as the first page, as one out of range is read as the
        // nearest: not an error the layout would announce ("Error:" in the title) with nothing on the page to fix.
        ModelState.Remove("p");
        ModelState.Remove("sp");
        Report = await report.BuildAsync(Filter, ct, kept.ForStatusCache(stamp));
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        OverduePage = Report.Overdue.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        SupervisorPageNumber = Math.Clamp(SupervisorPageNumber, 1, SupervisorPages);
        SupervisorPage = Report.BySupervisor.Skip((SupervisorPageNumber - 1) * SupervisorPageSize).Take(SupervisorPageSize).ToList();
        return null;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    /// <summary>
    /// The filters and the report under them (`_ComplianceBody`), rendered once per tenant address, filter, pages
    /// and status snapshot and kept with the figures they show (ADR 0046): at 20,000 supervisees rendering them
    /// was most of the request. Nothing in them depends on the viewer: who may see the report is checked on every
    /// request before this, and the layout (the person's name, the menu their roles give) is rendered each time.
    /// </summary>
    public async Task<IHtmlContent> BodyAsync(IHtmlHelper html)
    {
        var services = HttpContext.RequestServices;
        var key = ComplianceReport.Key("compliance-page", services.GetRequiredService<ITenantContext>().Tenant.Identifier, Site, Type, Supervisor,
            PageNumber.ToString(CultureInfo.InvariantCulture), SupervisorPageNumber.ToString(CultureInfo.InvariantCulture));
        return new HtmlString(await report.KeptWithReportAsync(key, async _ =>
        {
            var body = await html.PartialAsync("_ComplianceBody", this);
            await using var text = new StringWriter(CultureInfo.InvariantCulture);
            body.WriteTo(text, services.GetRequiredService<HtmlEncoder>());
            return Compact(text.ToString());
        }, HttpContext.RequestAborted));
    }

    /// <summary>
    /// The template's indentation taken out of the kept body: each run of white space that holds a line break becomes
    /// one line break, which a browser shows as the same single space (the body has no pre or textarea). A sixth of
    /// the bytes every viewer downloads, paid once per kept rendering.
    /// </summary>
    public static string Compact(string html) => Indentation().Replace(html, "\n");

    // Linear whatever the text: names in the body are a tenant's, and a long run of spaces must not cost its square.
    [GeneratedRegex(@"[ \t]*\r?\n\s*", RegexOptions.NonBacktracking)]
    private static partial Regex Indentation();

    public async Task<IActionResult> OnGetCsvAsync(string? part, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        var (name, text) = part switch
        {
            "overdue" => ("overdue", OverdueCsv(Report)),
            "trend" => ("trend", TrendCsv(Report)),
            _ => ("breakdown", BreakdownCsv(Report)),
        };
        var file = $"compliance-{name}-{Report.Today:yyyy-MM-dd}.csv";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray(), "text/csv", file);
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Percent(Tally t) => Percent(t.Share);

    private static string Percent(double? share) => share is { } s ? Math.Round(s * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) : "";

    private static string Date(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Every breakdown in one table: which breakdown, the group, and its figures. Cells are guarded against spreadsheet formulas (Csv.Line).</summary>
    public static string BreakdownCsv(ComplianceReportResult r)
    {
        var sb = new StringBuilder();
        sb.Append(Csv.Line(["Breakdown", "Group", "Supervisees", "In date", "Overdue", "Unknown", "Share in date (%)", "As at",
            "Agreement signed", "In date with a signed agreement", "Share with agreement signed (%)", "Share in date with a signed agreement (%)"])).Append("\r\n");
        void Add(string breakdown, Tally t) =>
            sb.Append(Csv.Line([breakdown, t.Label, Number(t.Supervisees), Number(t.InDate), Number(t.Overdue), Number(t.Unknown), Percent(t), Date(r.Today),
                Number(t.AgreementSigned), Number(t.InDateWithAgreement), Percent(t.AgreementShare), Percent(t.WithAgreementShare)])).Append("\r\n");
        Add("All", r.Total);
        foreach (var t in r.BySite) Add("Site", t);
        foreach (var t in r.ByType) Add("Type", t);
        foreach (var t in r.BySupervisor) Add("Supervisor", t);
        return sb.ToString();
    }

    public static string OverdueCsv(ComplianceReportResult r)
    {
        var sb = new StringBuilder();
        sb.Append(Csv.Line(["Supervisee", "Site", "Type", "Supervisor", "Last session", "Due date", "Days overdue", "Reason"])).Append("\r\n");
        foreach (var o in r.Overdue)
            sb.Append(Csv.Line([o.Name, o.Site, o.TypeName, o.SupervisorName, Date(o.LastSession), Date(o.DueDate), Number(o.DaysOverdue), o.Reason])).Append("\r\n");
        return sb.ToString();
    }

    public static string TrendCsv(ComplianceReportResult r)
    {
        var sb = new StringBuilder();
        sb.Append(Csv.Line(["Month end", "Supervisees", "In date", "Overdue", "Unknown", "Share in date (%)",
            "Agreement signed", "In date with a signed agreement", "Share with agreement signed (%)", "Share in date with a signed agreement (%)"])).Append("\r\n");
        foreach (var p in r.Trend)
            sb.Append(Csv.Line([Date(p.Day), Number(p.Tally.Supervisees), Number(p.Tally.InDate), Number(p.Tally.Overdue), Number(p.Tally.Unknown), Percent(p.Tally),
                Number(p.Tally.AgreementSigned), Number(p.Tally.InDateWithAgreement), Percent(p.Tally.AgreementShare), Percent(p.Tally.WithAgreementShare)])).Append("\r\n");
        return sb.ToString();
    }
}

/// <summary>The same report laid out for printing (committee packs): no form, every table open.</summary>
public sealed class CompliancePrintModel(UserManager<StaffMember> users, ComplianceReport report, AppDbContext db, ITenantContext tenant, TimeProvider clock,
    TenantChanges changes, KeptViews kept) : ComplianceModel(users, report, db, tenant, clock, changes, kept);
