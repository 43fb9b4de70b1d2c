using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Email;

namespace SupervisionHub.Web.Pages.Admin.Emails;

/// <summary>The tenant's email templates, each with the version in force: the file, or one published here.</summary>
public sealed class IndexModel(EmailTemplateCatalog catalog) : PageModel
{
    public IReadOnlyList<(EmailTemplateState State, string Subject)> Templates { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var list = new List<(EmailTemplateState, string)>();
        foreach (var name in catalog.Names())
            if (await catalog.CurrentAsync(name, ct) is { } state)
                list.Add((state, EmailTemplates.Parse(name, state.Text).Template?.Subject ?? "(no subject line)"));
        Templates = list;
    }
}
