using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Emails;

/// <summary>
/// A tenant admin changes one email template: the text (subject line, then a Liquid + Markdown
/// body), a preview filled in with sample names and a link, and "Publish" (a new version, used by
/// the next emails, and on the audit log).
/// </summary>
public sealed class EditModel(EmailTemplateCatalog catalog, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty] public string Text { get; set; } = "";

    public EmailTemplateState Current { get; private set; } = null!;
    public RenderedEmail? Preview { get; private set; }
    public string? Error { get; private set; }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await catalog.CurrentAsync(Name, ct) is not { } current) return false;
        Current = current;
        return true;
    }

    private void Render() => (Preview, Error) = catalog.Preview(Name, Text);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Text = Current.Text;
        Render();
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Render();
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        var result = await catalog.PublishAsync(Name, Text, me.Id, ct);
        if (result.Error is not null)
        {
            Render();
            Error ??= result.Error;
            return Page();
        }
        TempData["Notice"] = result.Changed
            ? $"Version {result.Version!.Version} of the email template {Name} is published. The next emails use it."
            : "Nothing has changed, so nothing was published.";
        return Redirect($"/{tenant.Tenant.Identifier}/admin/emails");
    }
}
