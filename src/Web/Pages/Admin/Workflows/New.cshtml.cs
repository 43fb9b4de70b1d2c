using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Pages.Admin.Workflows;

/// <summary>
/// "Create a rule": an id, a title and a starting point (a skeleton with an example step in comments,
/// or a copy of one of this tenant's rules). Nothing is saved here: the rule editor opens on the
/// starting text, and the rule exists once version 1 is published (docs/adr/0014-creating-configuration.md).
/// </summary>
public sealed class NewModel(AppDbContext db, ITenantContext tenant) : PageModel
{
    [BindProperty] public string Id { get; set; } = "";
    [BindProperty] public string Title { get; set; } = "";
    [BindProperty] public string From { get; set; } = "";

    /// <summary>Every rule the tenant has had, current or superseded: an id is never reused.</summary>
    public IReadOnlyList<WorkflowVersion> Rules { get; private set; } = [];
    public string Root => $"/{tenant.Tenant.Identifier}/admin/workflows";

    public NewItemView View => new("rule", "missed-twice", "Title", "What the rule does, in a sentence, as the list of rules shows it.",
        "A skeleton rule (it notes each missed session; an example email step is in comments)",
        [.. Rules.Where(r => r.IsCurrent).Select(r => (r.WorkflowId, r.Title))], Id, Title, From);

    private async Task LoadAsync(CancellationToken ct) =>
        Rules = await db.WorkflowVersions.AsNoTracking().OrderBy(v => v.WorkflowId).ToListAsync(ct);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Id = Id.Trim();
        Title = Title.Trim();
        if (NewConfigurationItem.IdProblem(Id, "rule", id => Rules.Any(r => r.WorkflowId == id)) is { } idProblem) ModelState.AddModelError(nameof(Id), idProblem);
        if (NewConfigurationItem.TitleProblem(Title, "rule") is { } titleProblem) ModelState.AddModelError(nameof(Title), titleProblem);
        if (From.Length > 0 && !Rules.Any(r => r.IsCurrent && r.WorkflowId == From)) ModelState.AddModelError(nameof(From), "Choose a skeleton rule or one of your rules to copy.");
        if (ModelState.ErrorCount > 0) return Page();
        return Redirect($"{Root}/{Id}?title={Uri.EscapeDataString(Title)}{(From.Length > 0 ? "&from=" + From : "")}");
    }
}
