using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// The tenant's published workflows. Publishing loads and validates a definition against what the
/// tenant has (events, email templates, roles, forms) and freezes it as the next version; an
/// unchanged file publishes nothing; only the newest version starts new runs.
/// </summary>
public sealed class WorkflowCatalog(AppDbContext db, ITenantContext tenant, TimeProvider clock, EmailTemplates templates, TenantFiles files)
{
    private static readonly ConcurrentDictionary<string, WorkflowDefinition> Parsed = new();

    public static WorkflowDefinition Definition(WorkflowVersion version) =>
        Parsed.GetOrAdd(version.ContentHash, _ => WorkflowLoader.Load(version.DefinitionText, version.WorkflowId).Definition
            ?? throw new InvalidOperationException($"Published workflow {version.WorkflowId} v{version.Version} no longer loads."));

    public WorkflowEnvironment Environment()
    {
        var identifier = tenant.Tenant.Identifier;
        var forms = Path.Combine(files.Root, identifier, "forms");
        return new WorkflowEnvironment
        {
            EventTypes = EventTypes.All.ToHashSet(StringComparer.Ordinal),
            TemplateNames = templates.Names(identifier),
            TenantRoleIds = tenant.Tenant.Settings.Roles.Select(r => r.Id).ToHashSet(StringComparer.Ordinal),
            FormIds = Directory.Exists(forms) ? Directory.GetFiles(forms, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal) : new HashSet<string>(),
        };
    }

    public sealed record PublishResult(WorkflowVersion? Version, IReadOnlyList<WorkflowError> Errors, bool Changed);

    /// <summary>Checks a definition in full; publishes it as a new version only if it has no errors and differs from the current one.</summary>
    public async Task<PublishResult> PublishAsync(string workflowId, string text, string file, CancellationToken ct)
    {
        var loaded = WorkflowLoader.Load(text, file);
        var errors = loaded.Errors.ToList();
        if (loaded.Definition is { } d)
        {
            if (d.Id != workflowId) errors.Add(new WorkflowError(file, 1, 1, $"The workflow id '{d.Id}' must be '{workflowId}' (the file name)."));
            errors.AddRange(WorkflowValidator.Validate(d, Environment(), file));
        }
        if (errors.Count > 0) return new(null, errors, false);
        var definition = loaded.Definition!;
        var current = await db.WorkflowVersions.Where(v => v.WorkflowId == workflowId).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        if (current is not null && current.ContentHash == Records.FormVersion.Hash(text)) return new(current, [], false);
        current?.Supersede();
        var version = new WorkflowVersion(workflowId, (current?.Version ?? 0) + 1, text, definition.Title, definition.Trigger.Event, definition.Trigger.Schedule, clock.GetUtcNow());
        db.WorkflowVersions.Add(version);
        await db.SaveChangesAsync(ct);
        return new(version, [], true);
    }

    /// <summary>Publishes every changed workflow in tenants/&lt;slug&gt;/workflows; refuses the folder if any has errors.</summary>
    public async Task SyncFolderAsync(string displayRoot, CancellationToken ct)
    {
        var folder = Path.Combine(files.Root, tenant.Tenant.Identifier, "workflows");
        if (!Directory.Exists(folder)) return;
        var errors = new List<WorkflowError>();
        var texts = new List<(string Id, string Text, string File)>();
        foreach (var path in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(displayRoot, path);
            var text = await File.ReadAllTextAsync(path, ct);
            var loaded = WorkflowLoader.Load(text, file);
            errors.AddRange(loaded.Errors);
            if (loaded.Definition is { } d) errors.AddRange(WorkflowValidator.Validate(d, Environment(), file));
            texts.Add((Path.GetFileNameWithoutExtension(path), text, file));
        }
        foreach (var name in templates.Names(tenant.Tenant.Identifier))
            if (EmailTemplates.Parse(name, await File.ReadAllTextAsync(Path.Combine(files.Root, tenant.Tenant.Identifier, "emails", name + ".md"), ct)).Error is { } bad)
                errors.Add(new WorkflowError(Path.Combine(tenant.Tenant.Identifier, "emails", name + ".md"), 1, 1, bad));
        if (errors.Count > 0)
            throw new InvalidOperationException($"The workflows of {tenant.Tenant.Identifier} have errors:\n{string.Join('\n', errors)}");
        foreach (var (id, text, file) in texts) await PublishAsync(id, text, file, ct);
    }
}
