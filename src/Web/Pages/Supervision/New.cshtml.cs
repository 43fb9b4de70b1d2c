using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Supervision;

/// <summary>Pairs a supervisor with a supervisee (or a group), under one of the tenant's supervision types.</summary>
public sealed class NewModel(AppDbContext db, UserManager<StaffMember> users, Allocation allocation, ITenantContext tenant, PairingNotices notices) : PageModel
{
    public sealed class InputModel
    {
        public string? TypeId { get; set; }
        public string? SupervisorId { get; set; }
        public List<string> SuperviseeIds { get; set; } = [];
        public DateParts StartOn { get; set; } = new();

        /// <summary>The supervisor the person has confirmed pairing despite the training warning (a change of supervisor asks again).</summary>
        public string? PairAnyway { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    public IReadOnlyList<(string Id, string Name)> Supervisors { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Supervisees { get; private set; } = [];

    /// <summary>The supervision each person already has ("One to one supervision with Owen Lockwood"), shown beside their name.</summary>
    public IReadOnlyDictionary<string, string> Already { get; private set; } = new Dictionary<string, string>();

    /// <summary>Set when the chosen supervisor has no in-date training and the tenant warns: nothing is saved until the person confirms.</summary>
    public string? TrainingWarning { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        Input.StartOn = DateParts.From(allocation.Today);
        await LoadPeopleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await DeniedAsync() is { } denied) return denied;
        ModelState.Clear();
        var (start, startError) = Input.StartOn.Parse("Start date");
        if (startError is not null) ModelState.AddModelError("Input.StartOn", startError);
        else if (start is null) ModelState.AddModelError("Input.StartOn", "Enter the date supervision starts");
        if (string.IsNullOrEmpty(Input.TypeId)) ModelState.AddModelError("Input.TypeId", "Choose the type of supervision");
        if (string.IsNullOrEmpty(Input.SupervisorId)) ModelState.AddModelError("Input.SupervisorId", "Choose a supervisor");
        if (Input.SuperviseeIds.Count == 0) ModelState.AddModelError("Input.SuperviseeIds", "Choose at least one supervisee");
        if (ModelState.IsValid)
        {
            try
            {
                // Warned before, in the form, not after in a success banner: the person confirms or chooses someone else.
                if (await allocation.CheckSupervisorAsync(Input.SupervisorId!, start!.Value, ct) is { } warning && Input.PairAnyway != Input.SupervisorId)
                {
                    TrainingWarning = warning;
                    await LoadPeopleAsync(ct);
                    return Page();
                }
                var result = await allocation.StartAsync(Input.TypeId!, Input.SupervisorId!, Input.SuperviseeIds, start.Value, ct);
                await notices.QueueAsync(result.Relationship, reallocated: false, ct);
                await db.SaveChangesAsync(ct);
                TempData["Notice"] = "Supervision has been set up. Next, start the agreement.";
                return Redirect($"/{tenant.Tenant.Identifier}/supervision/{result.Relationship.Id}");
            }
            catch (SupervisionRuleException ex)
            {
                ModelState.AddModelError(ex.Message.Contains("supervisor", StringComparison.OrdinalIgnoreCase) && !ex.Message.Contains("supervisees", StringComparison.Ordinal)
                    ? "Input.SupervisorId" : "Input.SuperviseeIds", ex.Message);
            }
        }
        await LoadPeopleAsync(ct);
        return Page();
    }

    private async Task<IActionResult?> DeniedAsync()
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        return SupervisionAccess.CanManage(me) ? null : StatusCode(StatusCodes.Status403Forbidden);
    }

    private async Task LoadPeopleAsync(CancellationToken ct)
    {
        var today = allocation.Today;
        var active = await db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today).OrderBy(s => s.FullName)
            .Select(s => new { s.Id, s.FullName, s.JobTitle, s.Roles }).ToListAsync(ct);
        string Label(string name, string? job) => job is null ? name : $"{name}, {job}";
        Supervisors = active.Where(s => s.Roles.HasFlag(StaffRoles.Supervisor)).Select(s => (s.Id, Label(s.FullName, s.JobTitle))).ToList();
        Supervisees = active.Where(s => s.Roles.HasFlag(StaffRoles.Supervisee)).Select(s => (s.Id, Label(s.FullName, s.JobTitle))).ToList();
        // Marked, not hidden: the type is chosen on the same page, and a group may take someone who has one to one supervision.
        var types = tenant.Tenant.Settings.Supervision;
        Already = (await db.RelationshipMembers.AsNoTracking().Where(m => m.LeftOn == null)
                .Join(db.Relationships.Where(r => r.EndedOn == null), m => m.RelationshipId, r => r.Id, (m, r) => new { m.StaffId, r.TypeId, Supervisor = r.Supervisor.FullName })
                .ToListAsync(ct))
            .GroupBy(m => m.StaffId)
            .ToDictionary(g => g.Key, g => "Already has " + SupervisionHub.Web.Supervision.Display.List(g.Select(m => $"{(types.Type(m.TypeId)?.Name ?? m.TypeId).ToLowerInvariant()} with {m.Supervisor}").ToList()));
        // Untrained supervisors are named as such in the list, before anyone is chosen (where the tenant warns or refuses).
        if (types.TrainingRule != TrainingRule.None)
        {
            var trained = (await db.TrainingRecords.AsNoTracking().Where(t => t.ExpiresOn == null || t.ExpiresOn >= today).Select(t => t.StaffMemberId).Distinct().ToListAsync(ct)).ToHashSet();
            Supervisors = Supervisors.Select(s => trained.Contains(s.Id) ? s : (s.Id, s.Name + " (no in-date supervision training)")).ToList();
        }
    }
}
