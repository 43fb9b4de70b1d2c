using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Settings;

/// <summary>The organisation's settings as YAML: check, then save. What was typed stays on the page when there are problems.</summary>
// A posted text is bounded before it is read (docs/security.md); the text's own limits give a located error below this.
[RequestSizeLimit(SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
[RequestFormLimits(ValueLengthLimit = SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
public sealed class YamlModel(TenantSettingsEditor editor, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
    [BindProperty] public string Yaml { get; set; } = "";
    public IReadOnlyList<ConfigError> Problems { get; private set; } = [];
    public bool Checked { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Yaml = await editor.CurrentAsync(ct);

    public IActionResult OnPostCheck()
    {
        Problems = editor.Check(Yaml);
        Checked = true;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var me = users.GetUserId(User);
        if (me is null) return Challenge();
        Problems = await editor.SaveAsync(Yaml, me, ct);
        if (Problems.Count > 0) return Page();
        TempData["Notice"] = "The settings are saved and in force.";
        return Redirect($"/{tenant.Tenant.Identifier}/admin/settings/yaml");
    }
}
