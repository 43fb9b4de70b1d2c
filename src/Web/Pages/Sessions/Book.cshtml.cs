using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Sessions;

/// <summary>
/// Books a session, or records one that has already happened (ad hoc, open door). One page for
/// both: the same details, a different rule about the date.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(AuthenticationSchemes = SupervisionHub.Web.Links.LinkAccess.RecordSchemes)]
public sealed class BookModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock,
    SupervisionHub.Web.Links.TaskLinks taskLinks, SessionInvitations invitations, BookingWarnings warnings) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public string Mode { get; set; } = "book";
    [BindProperty] public SessionInput Input { get; set; } = new();

    /// <summary>Ticked after the warnings were shown: the person means this time.</summary>
    [BindProperty] public bool BookAnyway { get; set; }

    /// <summary>The warnings the page last showed, so pressing the button again without ticking is told what to do.</summary>
    [BindProperty] public string? WarningsShown { get; set; }

    /// <summary>Clashes and unusual days for the time asked for; booking waits for "Book anyway".</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    public sealed class SessionInput
    {
        public DateParts Date { get; set; } = new();
        public string? Time { get; set; }
        public string? Minutes { get; set; } = "60";
        public string? Location { get; set; }

        public static SessionInput From(Session s) => new()
            { Date = DateParts.From(s.Date), Time = s.StartTime.ToString("HH:mm", CultureInfo.InvariantCulture), Minutes = s.DurationMinutes.ToString(CultureInfo.InvariantCulture), Location = s.Location };

        /// <summary>The date, start and length, or null with an error for each field that is wrong (keys Input.*).</summary>
        public (DateOnly Date, TimeOnly Time, int Minutes)? Parse(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary errors)
        {
            var (date, dateError) = Date.Parse("Date");
            if (dateError is not null) errors.AddModelError("Input.Date", dateError);
            else if (date is null) errors.AddModelError("Input.Date", "Enter the date of the session");
            TimeOnly time = default;
            if (string.IsNullOrWhiteSpace(Time)) errors.AddModelError("Input.Time", "Enter the start time");
            else if (!TimeInput.TryParse(Time, out time))
                errors.AddModelError("Input.Time", "Enter the start time as hours and minutes, like 14:30");
            if (!int.TryParse(Minutes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes) || minutes is < 5 or > 600)
                errors.AddModelError("Input.Minutes", "Enter the length in minutes, from 5 to 600");
            if (Location?.Length > 200) errors.AddModelError("Input.Location", "Location must be 200 characters or fewer");
            return errors.IsValid ? (date!.Value, time, minutes) : null;
        }
    }

    public Relationship Relationship { get; private set; } = null!;
    public SupervisionTypeSettings Type { get; private set; } = null!;
    public string Who { get; private set; } = "";
    public bool IsAdHoc => Mode == "ad-hoc";

    /// <summary>Booked from an email link: the page confirms here, as the session page needs a sign-in.</summary>
    public Session? BookedByLink { get; private set; }
    private StaffMember _me = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (IsAdHoc) Input.Date = DateParts.From(tenant.Tenant.Today(clock));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        ModelState.Clear();
        if (Input.Parse(ModelState) is not var (date, time, minutes)) return Page();
        if (!IsAdHoc)
        {
            Warnings = await warnings.ForAsync(Relationship, date, time, minutes, null, ct);
            if (Warnings.Count > 0 && !BookAnyway)
            {
                if (WarningsShown == string.Join("\n", Warnings)) ModelState.AddModelError(nameof(BookAnyway), "Tick the box to book at this time, or change the date or time");
                return Page();
            }
        }

        var today = tenant.Tenant.Today(clock);
        try
        {
            var session = IsAdHoc
                ? Session.RecordAdHoc(Relationship, date, time, minutes, Input.Location, _me.Id, clock.GetUtcNow(), today)
                : Session.Book(Relationship, date, time, minutes, Input.Location, _me.Id, clock.GetUtcNow(), today);
            db.Sessions.Add(session);
            if (!IsAdHoc)
            {
                await taskLinks.CompleteBookingAsync(Relationship.Id, _me.Id, ct);
                await invitations.QueueAsync(session, Relationship, InvitationReason.Booked, null, ct);
            }
            await db.SaveChangesAsync(ct);
            if (SupervisionHub.Web.Links.LinkAccess.OnlyLink(User))
            {
                BookedByLink = session;
                return Page();
            }
            TempData["Notice"] = IsAdHoc ? "The session has been recorded as attended. You can now write its record." : $"The session on {session.Date:d MMMM yyyy} is booked. Everyone taking part has been sent a calendar invitation.";
            return Redirect($"/{tenant.Tenant.Identifier}/sessions/{session.Id}");
        }
        catch (SupervisionRuleException ex)
        {
            ModelState.AddModelError("Input.Date", ex.Message);
            return Page();
        }
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (Mode is not ("book" or "ad-hoc")) return NotFound();
        // An email link to book opens this one supervision's booking page and nothing else.
        if (!SupervisionHub.Web.Links.LinkAccess.MayBook(User, Id) || IsAdHoc && SupervisionHub.Web.Links.LinkAccess.OnlyLink(User)) return NotFound();
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        _me = me;
        var r = await db.Relationships.Include(x => x.Members).FirstOrDefaultAsync(x => x.Id == Id, ct);
        if (r is null) return NotFound();
        Relationship = r;
        Type = tenant.Tenant.Settings.Supervision.Type(r.TypeId) ?? throw new SupervisionRuleException("This type of supervision no longer exists.");
        var allowed = IsAdHoc ? SupervisionAccess.CanRecordAdHoc(r, me) : SupervisionAccess.CanBook(r, Type, me);
        if (!allowed) return SupervisionAccess.CanView(r, me, false) ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        var ids = r.CurrentMembers.Select(m => m.StaffId).Append(r.SupervisorId).ToList();
        var names = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        Who = $"{names.GetValueOrDefault(r.SupervisorId)} with {string.Join(", ", r.CurrentMembers.Select(m => names.GetValueOrDefault(m.StaffId)))}";
        return null;
    }
}
