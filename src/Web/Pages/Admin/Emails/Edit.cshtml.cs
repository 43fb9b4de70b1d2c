using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Emails;

/// <summary>
/// A tenant admin changes one email template: the text (subject line, then a Liquid + Markdown
/// body), a preview filled in with sample names and a link, and "Publish" (a new version, used by
/// the next emails, and on the audit log). A template not yet published (from "Create an email
/// template") is written the same way; Publish makes version 1, and rules may then name it.
/// </summary>
// A posted text is bounded before it is read (docs/security.md); the text's own limits give a located error below this.
[RequestSizeLimit(SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
[RequestFormLimits(ValueLengthLimit = SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
public sealed class EditModel(EmailTemplateCatalog catalog, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty] public string Text { get; set; } = "";

    /// <summary>The text in force; null while the template is being created.</summary>
    public EmailTemplateState? Current { get; private set; }

    /// <summary>Posted back by the page of a template being created, so that one someone else published meanwhile is not overwritten.</summary>
    [BindProperty] public bool Creating { get; set; }

    /// <summary>A new template's subject and starting point, from "Create an email template".</summary>
    [FromQuery(Name = "subject")] public string? NewSubject { get; set; }
    [FromQuery(Name = "from")] public string? From { get; set; }

    public bool IsNew => Current is null || Creating;
    public RenderedEmail? Preview { get; private set; }
    public string? Error { get; private set; }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Current = await catalog.CurrentAsync(Name, ct);
        // A template being created (from "Create an email template", which gives a subject, or posted back by its page)
        // under a name that could name one; any other missing template is not found. No path is built from the name.
        return Current is not null || (Creating || NewSubject is not null) && NewConfigurationItem.IdProblem(Name, "email template", _ => false) is null;
    }

    /// <summary>A new template's first text: the skeleton with the subject typed, or a copy of one of this tenant's templates.</summary>
    private async Task<string?> StartingTextAsync(CancellationToken ct)
    {
        var subject = NewConfigurationItem.TitleProblem(NewSubject, "email") is null ? NewSubject!.Trim() : null;
        if (string.IsNullOrEmpty(From)) return NewConfigurationItem.BlankTemplate(subject ?? "A message from {{ tenant.name }}");
        if (await catalog.CurrentAsync(From, ct) is not { } source) return null;
        if (subject is null) return source.Text;
        var lines = source.Text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines[0].StartsWith("subject:", StringComparison.OrdinalIgnoreCase)) lines[0] = "subject: " + subject;
        return string.Join('\n', lines);
    }

    private void Render() => (Preview, Error) = catalog.Preview(Name, Text);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Current is not null) Text = Current.Text;
        else if (await StartingTextAsync(ct) is { } start) Text = start;
        else return NotFound();
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
        if (Creating && Current is not null)
        {
            Render();
            Error = $"Someone has published an email template called '{Name}' since you started this one. Copy your text, then create the template again with another name.";
            return Page();
        }
        var result = await catalog.PublishAsync(Name, Text, me.Id, ct, adding: Current is null);
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
