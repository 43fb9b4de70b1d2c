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
/// Moves a booked session to another time or place; everyone taking part gets the updated calendar
/// invitation (same UID, higher SEQUENCE). Those who may cancel a session may move it.
/// </summary>
public sealed class MoveModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock, SessionInvitations invitations, BookingWarnings warnings) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public BookModel.SessionInput Input { get; set; } = new();
    [BindProperty] public bool BookAnyway { get; set; }

    /// <summary>Clashes and unusual days at the new time, as when booking; moving waits for "Book anyway".</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    public Session Session { get; private set; } = null!;
    public SupervisionTypeSettings Type { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        Input = BookModel.SessionInput.From(Session);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        ModelState.Clear();
        if (Input.Parse(ModelState) is not var (date, time, minutes)) return Page();
        Warnings = await warnings.ForAsync(Session.Relationship, date, time, minutes, Session.Id, ct);
        if (Warnings.Count > 0 && !BookAnyway) return Page();
        try
        {
            Session.Move(Session.Relationship, date, time, minutes, Input.Location, tenant.Tenant.Today(clock), clock.GetUtcNow());
        }
        catch (SupervisionRuleException ex)
        {
            ModelState.AddModelError("Input.Date", ex.Message);
            return Page();
        }
        await invitations.QueueAsync(Session, Session.Relationship, InvitationReason.Moved, null, ct);
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = $"The session is moved to {Session.Date:d MMMM yyyy} at {Session.StartTime:HH:mm}. Everyone taking part has been sent the updated calendar invitation.";
        return Redirect($"/{tenant.Tenant.Identifier}/sessions/{Session.Id}");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        var s = await db.Sessions.Include(x => x.Relationship).ThenInclude(r => r.Members).FirstOrDefaultAsync(x => x.Id == Id, ct);
        if (s is null) return NotFound();
        var r = s.Relationship;
        var ids = r.Members.Select(m => m.StaffId).Append(r.SupervisorId).ToList();
        var managesOne = await db.Staff.AnyAsync(x => ids.Contains(x.Id) && x.LineManagerId == me.Id && x.Id != r.SupervisorId, ct);
        if (!SupervisionAccess.CanView(r, me, managesOne)) return NotFound();
        Type = tenant.Tenant.Settings.Supervision.Type(r.TypeId) ?? new SupervisionTypeSettings { Id = r.TypeId, Name = r.TypeId };
        if (s.Status != SessionStatus.Booked || !SupervisionAccess.CanCancel(r, Type, me)) return StatusCode(StatusCodes.Status403Forbidden);
        Session = s;
        return null;
    }
}
