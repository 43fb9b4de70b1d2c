using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Audit;

/// <summary>
/// The tenant admin's view of the audit log: every read and write of records and agreements,
/// newest first, filtered by a GET form (so a filtered view is a link that can be kept), with
/// reads by auditors and inspectors tagged, the chain's state, and the filtered entries as CSV.
/// Authorised to tenant admins for the whole folder in Program.cs.
/// </summary>
public sealed class IndexModel(AppDbContext db, AuditLog log, AuditChain chain, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
    public const int PageSize = 50;

    /// <summary>At most this many entries go into one CSV file; narrow the filter for more.</summary>
    public const int CsvLimit = 100_000;

    [BindProperty(SupportsGet = true)] public string? Person { get; set; }
    [BindProperty(SupportsGet = true, Name = "action")] public string? ActionFilter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Entity { get; set; }
    [BindProperty(SupportsGet = true)] public DateParts FromDate { get; set; } = new();
    [BindProperty(SupportsGet = true)] public DateParts ToDate { get; set; } = new();
    [BindProperty(SupportsGet = true)] public bool AuditorReads { get; set; }
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public IReadOnlyList<(string Id, string Name)> People { get; private set; } = [];
    public AuditChainReport? Chain { get; private set; }
    public bool Filtered { get; private set; }

    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm:ss");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var filter = ReadFilter();
        People = (await db.Staff.AsNoTracking().OrderBy(s => s.FullName).Select(s => new { s.Id, s.FullName, s.Email }).ToListAsync(ct))
            .Select(s => (s.Id, $"{s.FullName} ({s.Email})")).ToList();
        // Checking walks the tenant's whole chain: on request, not on every look at the log.
        if (Request.Query["check"] == "chain") Chain = await chain.VerifyAsync(ct);
        if (filter is null) return Page(); // errors in the dates: show them, and no entries rather than the wrong ones

        var query = log.Query(filter);
        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        var entries = await query.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        Rows = await log.DescribeAsync(entries, ct);
        return Page();
    }

    /// <summary>The filtered entries as CSV, newest first; the export itself goes on the log.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var filter = ReadFilter();
        if (filter is null) return await OnGetAsync(ct);
        var entries = await log.Query(filter).Take(CsvLimit).ToListAsync(ct);

        var csv = new StringBuilder();
        csv.Append('\uFEFF'); // so spreadsheets read the file as UTF-8
        csv.AppendLine(Csv.Line(["Entry", "When (UTC)", "When (" + tenant.Tenant.Settings.TimeZone + ")", "Person id", "Person", "Action", "Entity",
            "Entity id", "What", "Reason", "Auditor or inspector", "From", "Hash"]));
        foreach (var chunk in entries.Chunk(500))
            foreach (var r in await log.DescribeAsync(chunk, ct))
            {
                var e = r.Entry;
                csv.AppendLine(Csv.Line([e.Sequence.ToString(), e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), When(e.At), e.ActorId, r.Who,
                    e.Action, e.Entity, e.EntityId, r.What, e.Reason, e.ByAuditor ? "yes" : "no", e.From, e.Hash]));
            }

        log.Log(users.GetUserId(User)!, "export", "audit-log", Filtered ? "filtered" : "all");
        await db.SaveChangesAsync(ct);
        var name = $"audit-log-{tenant.Tenant.Identifier}-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv";
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", name);
    }

    /// <summary>The filter from the query string; null (with errors in ModelState) when a date is not a real date.</summary>
    private AuditFilter? ReadFilter()
    {
        ModelState.Clear();
        var (from, fromError) = FromDate.Parse("The start date");
        var (to, toError) = ToDate.Parse("The end date");
        if (fromError is not null) ModelState.AddModelError(nameof(FromDate), fromError);
        if (toError is not null) ModelState.AddModelError(nameof(ToDate), toError);
        if (from is { } f && to is { } t && t < f) ModelState.AddModelError(nameof(ToDate), "The end date must be the same as or after the start date");
        Filtered = !string.IsNullOrEmpty(Person) || !string.IsNullOrEmpty(ActionFilter) || !string.IsNullOrEmpty(Entity) || from is not null || to is not null || AuditorReads;
        return ModelState.IsValid ? new AuditFilter(Blank(Person), Blank(ActionFilter), Blank(Entity), from, to, AuditorReads) : null;
    }

    /// <summary>The current filter as a query string (without the page), for paging links and the CSV link.</summary>
    public string Query(int? page = null, string? handler = null)
    {
        var parts = new List<string>();
        void Add(string key, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{key}={Uri.EscapeDataString(value)}"); }
        Add("handler", handler);
        Add("person", Person);
        Add("action", ActionFilter);
        Add("entity", Entity);
        Add("FromDate.Day", FromDate.Day); Add("FromDate.Month", FromDate.Month); Add("FromDate.Year", FromDate.Year);
        Add("ToDate.Day", ToDate.Day); Add("ToDate.Month", ToDate.Month); Add("ToDate.Year", ToDate.Year);
        if (AuditorReads) Add("auditorReads", "true");
        if (page is > 1) Add("pageNumber", page.ToString());
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
