using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Staff;

[Authorize(Policy = Policies.TenantAdmin)]
[RequestSizeLimit(TenantText.TenantTextLimits.CsvMaxBytes + 64 * 1024)]
public sealed class ImportModel(StaffDirectory directory, ITenantContext tenant) : PageModel
{
    [BindProperty] public IFormFile? Upload { get; set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public void OnGet() { }

    public FileContentResult OnGetTemplate() =>
        File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(StaffDirectory.Template())).ToArray(), "text/csv", "staff-import-template.csv");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "Select a CSV file to import");
            return Page();
        }
        if (!Upload.FileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError(nameof(Upload), "The selected file must be a CSV (save your spreadsheet as 'CSV UTF-8')");
            return Page();
        }
        using var reader = new StreamReader(Upload.OpenReadStream(), Encoding.UTF8);
        var result = await directory.ImportAsync(await reader.ReadToEndAsync(ct), ct);
        if (!result.Succeeded)
        {
            Problems = result.Errors;
            ModelState.AddModelError(nameof(Upload), $"The file has {result.Problems:N0} {(result.Problems == 1 ? "problem" : "problems")}. Nothing was imported. Fix the rows listed below and upload it again");
            return Page();
        }
        TempData["Notice"] = $"Imported {result.Added} new {(result.Added == 1 ? "person" : "people")} and updated {result.Updated}.";
        return Redirect($"/{tenant.Tenant.Identifier}/staff");
    }
}
