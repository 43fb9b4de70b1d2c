using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Records;

/// <summary>
/// The tenant's published forms. Publishing checks the definition in full and freezes it as the
/// next version; an unchanged definition publishes nothing. Rolling back is publishing an earlier
/// version's text again, as a new version. Parsed versions are cached by their
/// content hash, which never changes for a version.
/// </summary>
public sealed class FormCatalog(AppDbContext db, TimeProvider clock)
{
    private static readonly ConcurrentDictionary<string, FormDefinition> Parsed = new();

    public sealed record PublishResult(FormVersion? Version, IReadOnlyList<FormError> Errors, bool Changed);

    /// <summary>Checks a definition as publishing would, without publishing: the loader's checks, the id, and the tenant's guidance forms.</summary>
    public async Task<FormLoadResult> CheckAsync(string formId, string text, string file, IReadOnlySet<string>? guidanceIds, CancellationToken ct)
    {
        guidanceIds ??= await GuidanceIdsAsync(ct);
        var loaded = FormLoader.Load(text, file, g => guidanceIds.Contains(g));
        if (loaded.Definition is { } d && d.Id != formId)
        {
            var idLine = IdLine(text);
            loaded = loaded with { Errors = [.. loaded.Errors, new FormError(file, idLine, 1, $"The form id '{d.Id}' must be '{formId}'.")] };
        }
        return loaded;
    }

    /// <summary>
    /// Publishes <paramref name="text"/> as the next version of <paramref name="formId"/>, unless it has errors or equals
    /// the current version. Without <paramref name="guidanceIds"/>, the tenant's published guidance forms are the ones a
    /// <c>guidance:</c> may name.
    /// </summary>
    public async Task<PublishResult> PublishAsync(string formId, string text, string file, IReadOnlySet<string>? guidanceIds, CancellationToken ct)
    {
        var loaded = await CheckAsync(formId, text, file, guidanceIds, ct);
        if (loaded.Errors.Count > 0) return new(null, loaded.Errors, false);

        var latest = await LatestVersionAsync(formId, ct);
        if (latest is not null && latest.ContentHash == FormVersion.Hash(text)) return new(latest, [], false);
        var version = new FormVersion(formId, (latest?.Version ?? 0) + 1, text, loaded.Definition!.Title, clock.GetUtcNow());
        db.FormVersions.Add(version);
        await db.SaveChangesAsync(ct);
        return new(version, [], true);
    }

    public Task<FormVersion?> LatestVersionAsync(string formId, CancellationToken ct) =>
        db.FormVersions.Where(v => v.FormId == formId).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);

    /// <summary>Every version of one form, newest first.</summary>
    public async Task<IReadOnlyList<FormVersion>> VersionsAsync(string formId, CancellationToken ct) =>
        await db.FormVersions.AsNoTracking().Where(v => v.FormId == formId).OrderByDescending(v => v.Version).ToListAsync(ct);

    public Task<FormVersion?> VersionAsync(string formId, int version, CancellationToken ct) =>
        db.FormVersions.AsNoTracking().FirstOrDefaultAsync(v => v.FormId == formId && v.Version == version, ct);

    private async Task<HashSet<string>> GuidanceIdsAsync(CancellationToken ct) =>
        (await LatestVersionsAsync(ct)).Where(v => Definition(v).Purpose == FormPurpose.Guidance).Select(v => v.FormId).ToHashSet();

    private static int IdLine(string text)
    {
        var lines = text.Split('\n');
        var i = Array.FindIndex(lines, l => l.StartsWith("id:", StringComparison.Ordinal));
        return i < 0 ? 1 : i + 1;
    }

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
        {
            // A file whose text was published before is not published again: an admin may since have published
            // a newer version in the browser, and a restart must not undo it.
            var text = await File.ReadAllTextAsync(Path.Combine(displayRoot, r.File), ct);
            var hash = FormVersion.Hash(text);
            if (await db.FormVersions.AnyAsync(v => v.FormId == r.Definition!.Id && v.ContentHash == hash, ct)) continue;
            await PublishAsync(r.Definition!.Id, text, r.File, guidance, ct);
        }
    }
}
