using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Forms.Editing;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Forms;

/// <summary>Every version of a form, what changed between any two, and rolling back by publishing an earlier version again.</summary>
public sealed class VersionsModel(FormCatalog catalog, AuditLog audit, AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant) : PageModel
{
    [FromRoute] public string FormId { get; set; } = "";
    [FromQuery] public int? From { get; set; }
    [FromQuery] public int? To { get; set; }

    public IReadOnlyList<FormVersion> Versions { get; private set; } = [];
    public FormVersion Current => Versions[0];
    public FormVersion? Old { get; private set; }
    public FormVersion? New { get; private set; }
    public IReadOnlyList<DiffLine> Diff { get; private set; } = [];

    /// <summary>Lines kept either side of a change; longer runs of unchanged lines are folded into one row.</summary>
    public const int Context = 3;

    /// <summary>The diff as shown: changes with their context, and null for each fold (with how many lines it hides).</summary>
    public IEnumerable<(DiffLine? Line, int Hidden)> Shown()
    {
        var changed = Diff.Select((d, i) => (d, i)).Where(x => x.d.Kind != DiffKind.Same).Select(x => x.i).ToList();
        var keep = new bool[Diff.Count];
        foreach (var i in changed)
            for (var k = Math.Max(0, i - Context); k <= Math.Min(Diff.Count - 1, i + Context); k++) keep[k] = true;
        var hidden = 0;
        for (var i = 0; i < Diff.Count; i++)
        {
            if (keep[i])
            {
                if (hidden > 0) { yield return (null, hidden); hidden = 0; }
                yield return (Diff[i], 0);
            }
            else hidden++;
        }
        if (hidden > 0) yield return (null, hidden);
    }

    public string Root => $"/{tenant.Tenant.Identifier}/admin/forms";

    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Versions = await catalog.VersionsAsync(FormId, ct);
        if (Versions.Count == 0) return NotFound();
        New = Versions.FirstOrDefault(v => v.Version == (To ?? Current.Version)) ?? Current;
        Old = Versions.FirstOrDefault(v => v.Version == (From ?? New.Version - 1));
        Diff = Old is null ? [] : LineDiff.Compare(Old.DefinitionText, New.DefinitionText);
        return Page();
    }

    /// <summary>Publishes an earlier version's text again, as a new version.</summary>
    public async Task<IActionResult> OnPostRollBackAsync(int version, CancellationToken ct)
    {
        var earlier = await catalog.VersionAsync(FormId, version, ct);
        if (earlier is null) return NotFound();
        var result = await catalog.PublishAsync(FormId, earlier.DefinitionText, $"{FormId}.yaml", null, ct);
        if (result.Errors.Count > 0)
        {
            // An old version can name guidance that has since gone; say so rather than publish it.
            TempData["Notice"] = $"Version {version} cannot be published again: {result.Errors[0].Message}";
            return Redirect($"{Root}/{FormId}/versions");
        }
        if (!result.Changed)
        {
            TempData["Notice"] = $"Version {version} is the same as the current version: nothing was published.";
            return Redirect($"{Root}/{FormId}/versions");
        }
        audit.Log(users.GetUserId(User)!, "rollback", "form", $"{FormAudit.EntityId(FormId, result.Version!.Version)} (version {version} again)");
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = $"Version {version} is published again as version {result.Version.Version}.";
        return Redirect($"{Root}/{FormId}/versions?from={version}&to={result.Version.Version}");
    }
}
