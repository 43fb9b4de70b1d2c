using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Records;

/// <summary>
/// The tenant's published forms. Publishing checks the definition in full and freezes it as the
/// next version; an unchanged definition publishes nothing. Parsed versions are cached by their
/// content hash, which never changes for a version.
/// </summary>
public sealed class FormCatalog(AppDbContext db, TimeProvider clock)
{
    private static readonly ConcurrentDictionary<string, FormDefinition> Parsed = new();

    public sealed record PublishResult(FormVersion? Version, IReadOnlyList<FormError> Errors, bool Changed);

    public async Task<PublishResult> PublishAsync(string formId, string text, string file, IReadOnlySet<string> guidanceIds, CancellationToken ct)
    {
        var loaded = FormLoader.Load(text, file);
        var errors = loaded.Errors.ToList();
        if (loaded.Definition is { } d)
        {
            if (d.Id != formId) errors.Add(new FormError(file, 1, 1, $"The form id '{d.Id}' must be '{formId}'."));
            if (d.Guidance is { } g && !guidanceIds.Contains(g)) errors.Add(new FormError(file, 1, 1, $"guidance: there is no guidance form '{g}' in this tenant."));
        }
        if (errors.Count > 0) return new(null, errors, false);

        var latest = await LatestVersionAsync(formId, ct);
        if (latest is not null && latest.ContentHash == FormVersion.Hash(text)) return new(latest, [], false);
        var version = new FormVersion(formId, (latest?.Version ?? 0) + 1, text, loaded.Definition!.Title, clock.GetUtcNow());
        db.FormVersions.Add(version);
        await db.SaveChangesAsync(ct);
        return new(version, [], true);
    }

    public Task<FormVersion?> LatestVersionAsync(string formId, CancellationToken ct) =>
        db.FormVersions.Where(v => v.FormId == formId).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);

    /// <summary>The newest version of every form, for lists.</summary>
    public async Task<IReadOnlyList<FormVersion>> LatestVersionsAsync(CancellationToken ct)
    {
        var all = await db.FormVersions.AsNoTracking().ToListAsync(ct);
        return all.GroupBy(v => v.FormId).Select(g => g.MaxBy(v => v.Version)!).OrderBy(v => v.Title, StringComparer.Ordinal).ToList();
    }

    public static FormDefinition Definition(FormVersion version) =>
        Parsed.GetOrAdd(version.ContentHash, _ => FormLoader.Load(version.DefinitionText, version.FormId).Definition
            ?? throw new InvalidOperationException($"Published form {version.FormId} v{version.Version} no longer parses."));

    /// <summary>Publishes every changed form in tenants/&lt;slug&gt;/forms for the current tenant; refuses the folder if any has errors.</summary>
    public async Task SyncFolderAsync(string folder, string displayRoot, CancellationToken ct)
    {
        var results = FormLoader.LoadFolder(folder, displayRoot);
        var errors = results.SelectMany(r => r.Errors).ToList();
        if (errors.Count > 0) throw new InvalidOperationException($"The forms in {Path.GetRelativePath(displayRoot, folder)} have errors:\n{string.Join('\n', errors)}");
        var guidance = results.Where(r => r.Definition!.Purpose == FormPurpose.Guidance).Select(r => r.Definition!.Id).ToHashSet();
        foreach (var r in results)
            await PublishAsync(r.Definition!.Id, await File.ReadAllTextAsync(Path.Combine(displayRoot, r.File), ct), r.File, guidance, ct);
    }
}
