using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Emails;

/// <summary>
/// "Create an email template": a name (what rules write as <c>template:</c>), a subject and a starting
/// point (a short skeleton, or a copy of one of this tenant's templates). Nothing is saved here: the
/// template editor opens on the text, and the template exists, for rules too, once it is published.
/// </summary>
public sealed class NewModel(EmailTemplateCatalog catalog, ITenantContext tenant) : PageModel
{
    [BindProperty] public string Id { get; set; } = "";
    [BindProperty] public string Title { get; set; } = "";
    [BindProperty] public string From { get; set; } = "";

    public IReadOnlyList<string> Names { get; private set; } = [];
    public string Root => $"/{tenant.Tenant.Identifier}/admin/emails";

    public NewItemView View => new("email template", "second-reminder", "Subject", "The email's subject line. Rules' emails may fill in names, for example {{ supervisee.name }}.",
        "A short skeleton (a greeting, your words and a link)", [.. Names.Select(n => (n, n))], Id, Title, From);

    public void OnGet() => Names = catalog.Names();

    public IActionResult OnPost()
    {
        Names = catalog.Names();
        Id = Id.Trim();
        Title = Title.Trim();
        if (NewConfigurationItem.IdProblem(Id, "email template", Names.Contains) is { } idProblem) ModelState.AddModelError(nameof(Id), idProblem);
        if (NewConfigurationItem.TitleProblem(Title, "email") is { } titleProblem) ModelState.AddModelError(nameof(Title), titleProblem.Replace("title", "subject", StringComparison.Ordinal));
        if (From.Length > 0 && !Names.Contains(From)) ModelState.AddModelError(nameof(From), "Choose the skeleton or one of your templates to copy.");
        if (ModelState.ErrorCount > 0) return Page();
        return Redirect($"{Root}/{Id}?subject={Uri.EscapeDataString(Title)}{(From.Length > 0 ? "&from=" + From : "")}");
    }
}
