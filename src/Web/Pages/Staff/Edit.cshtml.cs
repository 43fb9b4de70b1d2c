using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Staff;

/// <summary>Add a person (id "new") or change one. Tenant admins only.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class EditModel(AppDbContext db, StaffDirectory directory, ILookupNormalizer normalizer, ITenantContext tenant, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";
    [BindProperty] public PersonInput Input { get; set; } = new();
    [BindProperty] public TrainingInput Training { get; set; } = new();

    public bool IsNew => Id == "new";
    public StaffMember? Member { get; private set; }
    public IReadOnlyList<(string Id, string Name)> Managers { get; private set; } = [];

    public sealed class PersonInput
    {
        public string FullName { get; set; } = "";
        public string Email { get; set; } = "";
        public string? JobTitle { get; set; }
        public string? Site { get; set; }
        public string? LineManagerId { get; set; }
        public List<string> Roles { get; set; } = [];
        public DateParts StartDate { get; set; } = new();
        public DateParts LeftOn { get; set; } = new();
    }

    public sealed class TrainingInput
    {
        [Display(Name = "Course")] public string? Course { get; set; }
        public DateParts CompletedOn { get; set; } = new();
        public DateParts ExpiresOn { get; set; } = new();
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Member is { } m)
            Input = new PersonInput
            {
                FullName = m.FullName, Email = m.Email ?? "", JobTitle = m.JobTitle, Site = m.Site, LineManagerId = m.LineManagerId,
                Roles = StaffRoleNames.Split(m.Roles).Select(StaffRoleNames.Name).ToList(),
                StartDate = DateParts.From(m.StartDate), LeftOn = DateParts.From(m.LeftOn),
            };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        ModelState.Clear(); // errors come from the directory's rules below, keyed to our fields
        var (start, startError) = Input.StartDate.Parse("Start date");
        var (left, leftError) = Input.LeftOn.Parse("Leaving date");
        if (startError is not null) ModelState.AddModelError("Input.StartDate", startError);
        if (leftError is not null) ModelState.AddModelError("Input.LeftOn", leftError);

        var roles = StaffRoles.None;
        foreach (var name in Input.Roles) if (StaffRoleNames.TryParse(name, out var r)) roles |= r;
        var managerId = string.IsNullOrEmpty(Input.LineManagerId) ? null : Input.LineManagerId;
        if (managerId is not null && Managers.All(m => m.Id != managerId)) ModelState.AddModelError("Input.LineManagerId", "Choose a line manager from the list");

        var details = new StaffDetails(Input.FullName.Trim(), Input.Email.Trim(), Blank(Input.JobTitle), Blank(Input.Site), managerId, roles, start, left);
        foreach (var (field, message) in directory.Check(details, Member?.Id, await directory.EmailsInUseAsync(ct)))
            if (!ModelState.ContainsKey("Input." + field)) ModelState.AddModelError("Input." + field, message);
        if (!ModelState.IsValid) return Page();

        var member = Member ?? new StaffMember();
        if (Member is null) db.Staff.Add(member);
        member.Apply(details, normalizer, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = IsNew ? $"{member.FullName} has been added. They can set a password with 'I have forgotten my password'." : $"{member.FullName}'s details have been saved.";
        return Redirect($"/{tenant.Tenant.Identifier}/staff/{member.Id}");
    }

    public async Task<IActionResult> OnPostTrainingAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Member is null) return NotFound();
        ModelState.Clear();
        var (done, doneError) = Training.CompletedOn.Parse("Date completed");
        var (expires, expiresError) = Training.ExpiresOn.Parse("Expiry date");
        if (string.IsNullOrWhiteSpace(Training.Course)) ModelState.AddModelError("Training.Course", "Enter the name of the course");
        if (doneError is not null) ModelState.AddModelError("Training.CompletedOn", doneError);
        else if (done is null) ModelState.AddModelError("Training.CompletedOn", "Enter the date the course was completed");
        if (expiresError is not null) ModelState.AddModelError("Training.ExpiresOn", expiresError);
        else if (done is not null && expires is not null && expires <= done) ModelState.AddModelError("Training.ExpiresOn", "Expiry date must be after the date completed");
        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct); // show the person's saved details beside the training error
            return Page();
        }
        Member.AddTraining(Training.Course!.Trim(), done!.Value, expires);
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = $"Training recorded for {Member.FullName}.";
        return Redirect($"/{tenant.Tenant.Identifier}/staff/{Member.Id}");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (!IsNew)
        {
            Member = await db.Staff.Include(s => s.Training).FirstOrDefaultAsync(s => s.Id == Id, ct);
            if (Member is null) return false;
        }
        var today = tenant.Tenant.Today(clock);
        Managers = (await db.Staff.AsNoTracking().Where(s => s.Id != Id && (s.LeftOn == null || s.LeftOn >= today))
                .OrderBy(s => s.FullName).Select(s => new { s.Id, s.FullName, s.Email }).ToListAsync(ct))
            .Select(s => (s.Id, $"{s.FullName} ({s.Email})")).ToList();
        return true;
    }

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
