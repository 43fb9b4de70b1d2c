using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Supervision;

/// <summary>
/// An administrator plans a series of sessions for several supervisions at once and sends a calendar
/// invitation for each session to every party and the supervisees' line managers (mse-icb R3: "three
/// monthly sessions and diary invites are organised and placed in supervisors' and line managers' diaries").
/// </summary>
public sealed class SeriesModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock, SessionInvitations invitations, BookingWarnings warnings) : PageModel
{
    public sealed class InputModel
    {
        public List<Guid> RelationshipIds { get; set; } = [];
        public DateParts First { get; set; } = new();
        public string? Time { get; set; } = "10:00";
        public string? Minutes { get; set; } = "60";
        public string? Location { get; set; }
        public string? Every { get; set; } = "3";

        /// <summary>weeks or months.</summary>
        public string? Unit { get; set; } = "months";
        public string? Count { get; set; } = "4";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public IReadOnlyList<(Guid Id, string Label)> Relationships { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await DeniedAsync() ?? await ShowAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        ModelState.Clear();
        var today = tenant.Tenant.Today(clock);
        var (first, firstError) = Input.First.Parse("Date of the first session");
        if (firstError is not null) ModelState.AddModelError("Input.First", firstError);
        else if (first is null) ModelState.AddModelError("Input.First", "Enter the date of the first session");
        else if (first < today) ModelState.AddModelError("Input.First", "The first session must be today or later");
        if (!TimeInput.TryParse(Input.Time, out var time))
            ModelState.AddModelError("Input.Time", "Enter the start time as hours and minutes, like 10:00");
        if (!int.TryParse(Input.Minutes, out var minutes) || minutes is < 5 or > 600) ModelState.AddModelError("Input.Minutes", "Enter the length in minutes, from 5 to 600");
        if (Input.Unit is not ("weeks" or "months")) ModelState.AddModelError("Input.Unit", "Choose weeks or months");
        if (!int.TryParse(Input.Every, out var every) || every is < 1 or > 12) ModelState.AddModelError("Input.Every", $"Enter how many {(Input.Unit == "weeks" ? "weeks" : "months")} apart, from 1 to 12");
        if (!int.TryParse(Input.Count, out var count) || count is < 1 or > 12) ModelState.AddModelError("Input.Count", "Enter how many sessions, from 1 to 12");
        if (Input.RelationshipIds.Count == 0) ModelState.AddModelError("Input.RelationshipIds", "Choose at least one supervision");
        if (!ModelState.IsValid) return await ShowAsync(ct);

        var chosen = await db.Relationships.Include(r => r.Members).Where(r => Input.RelationshipIds.Contains(r.Id) && r.EndedOn == null).ToListAsync(ct);
        var staffIds = chosen.SelectMany(r => r.Members.Select(m => m.StaffId).Append(r.SupervisorId)).Distinct().ToList();
        var people = await db.Staff.AsNoTracking().Where(s => staffIds.Contains(s.Id)).Select(s => new { s.Id, s.LineManagerId }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var planned = 0;
        try
        {
            foreach (var r in chosen)
            {
                var series = Guid.NewGuid();
                var sessions = Dates(first!.Value, every, count).Select(d => Session.Book(r, d, time, minutes, Input.Location, users.GetUserId(User)!, now, today, series)).ToList();
                db.Sessions.AddRange(sessions);
                planned += sessions.Count;
                // Every party, and the supervisees' line managers (mse-icb R3), gets each session's invitation.
                var managers = r.CurrentMembers.Select(m => people.FirstOrDefault(p => p.Id == m.StaffId)?.LineManagerId).OfType<string>().ToList();
                foreach (var s in sessions) await invitations.QueueAsync(s, r, InvitationReason.Booked, managers, ct);
            }
            await db.SaveChangesAsync(ct);
        }
        catch (SupervisionRuleException ex)
        {
            ModelState.AddModelError("Input.First", ex.Message);
            return await ShowAsync(ct);
        }
        TempData["Notice"] = $"{planned} sessions are planned and diary invitations are on their way.";
        return Redirect($"/{tenant.Tenant.Identifier}/supervision");
    }

    /// <summary>
    /// Every N weeks or months from the first date; a date that is not a school day (weekend, bank
    /// holiday, closure day, school holidays) moves to the next school day, as the page says.
    /// </summary>
    private IEnumerable<DateOnly> Dates(DateOnly first, int every, int count) =>
        Enumerable.Range(0, count).Select(n => warnings.NextSchoolDay(Input.Unit == "weeks" ? first.AddDays(7 * every * n) : first.AddMonths(every * n)));

    private async Task<IActionResult?> DeniedAsync()
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        return SupervisionAccess.CanManage(me) ? null : StatusCode(StatusCodes.Status403Forbidden);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var types = tenant.Tenant.Settings.Supervision.Types.ToDictionary(t => t.Id, t => t.Name);
        var rows = await db.Relationships.AsNoTracking().Where(r => r.EndedOn == null)
            .Select(r => new { r.Id, r.TypeId, Supervisor = r.Supervisor.FullName, Members = r.Members.Where(m => m.LeftOn == null).Select(m => m.Staff.FullName).ToList() })
            .ToListAsync(ct);
        Relationships = rows.OrderBy(r => r.TypeId, StringComparer.Ordinal).ThenBy(r => r.Supervisor, StringComparer.Ordinal)
            .Select(r => (r.Id, $"{types.GetValueOrDefault(r.TypeId, r.TypeId)}: {r.Supervisor} with {string.Join(", ", r.Members)}")).ToList();
        return Page();
    }
}
