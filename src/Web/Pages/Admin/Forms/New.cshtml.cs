using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Forms;

/// <summary>
/// "Create a form": an id, a title and a starting point (a skeleton, or a copy of one of this tenant's
/// forms). Nothing is saved here: a good answer opens the form editor on the starting text, and the
/// form exists once the admin publishes version 1 there (docs/adr/0014-creating-configuration.md).
/// </summary>
public sealed class NewModel(FormCatalog catalog, ITenantContext tenant) : PageModel
{
    [BindProperty] public string Id { get; set; } = "";
    [BindProperty] public string Title { get; set; } = "";
    [BindProperty] public string From { get; set; } = "";

    public IReadOnlyList<FormVersion> Forms { get; private set; } = [];
    public string Root => $"/{tenant.Tenant.Identifier}/admin/forms";

    public NewItemView View => new("form", "wellbeing-check", "Title", "What staff see at the top of the form.", "A blank form (one section with one question)",
        [.. Forms.Select(f => (f.FormId, f.Title))], Id, Title, From);

    public async Task OnGetAsync(CancellationToken ct) => Forms = await catalog.LatestVersionsAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Forms = await catalog.LatestVersionsAsync(ct);
        Id = Id.Trim();
        Title = Title.Trim();
        if (NewConfigurationItem.IdProblem(Id, "form", id => Forms.Any(f => f.FormId == id)) is { } idProblem) ModelState.AddModelError(nameof(Id), idProblem);
        if (NewConfigurationItem.TitleProblem(Title, "form") is { } titleProblem) ModelState.AddModelError(nameof(Title), titleProblem);
        if (From.Length > 0 && !Forms.Any(f => f.FormId == From)) ModelState.AddModelError(nameof(From), "Choose a blank form or one of your forms to copy.");
        if (ModelState.ErrorCount > 0) return Page();
        return Redirect($"{Root}/{Id}/edit?title={Uri.EscapeDataString(Title)}{(From.Length > 0 ? "&from=" + From : "")}");
    }
}
