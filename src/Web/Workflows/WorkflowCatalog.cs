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
/// tenant has (events, email templates, roles, forms) and freezes it as the next version; only the
/// newest version starts new runs. Files publish at start-up when their text is new; the editor
/// publishes through the same <see cref="PublishAsync(string, string, string?, string?, CancellationToken)"/>.
/// </summary>
public sealed class WorkflowCatalog(AppDbContext db, ITenantContext tenant, TimeProvider clock, EmailTemplates templates, TenantFiles files, Audit.AuditLog audit)
{
    private static readonly ConcurrentDictionary<string, WorkflowDefinition> Parsed = new();

    public static WorkflowDefinition Definition(WorkflowVersion version) =>
        Parsed.GetOrAdd(version.ContentHash, _ => WorkflowLoader.Load(version.DefinitionText, version.WorkflowId).Definition
            ?? throw new InvalidOperationException($"Published workflow {version.WorkflowId} v{version.Version} no longer loads."));

    public WorkflowEnvironment Environment()
    {
        var identifier = tenant.Tenant.Identifier;
        var forms = Path.Combine(files.Root, identifier, "forms");
        // The forms folder and the published forms: a tenant made in the browser has only the latter.
        var formIds = Directory.Exists(forms) ? Directory.GetFiles(forms, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
        formIds.UnionWith(db.FormVersions.AsNoTracking().Select(v => v.FormId).Distinct().ToList());
        return new WorkflowEnvironment
        {
            EventTypes = EventNames.Set,
            TemplateNames = EmailTemplateCatalog.NameSet(db, templates, identifier),
            TenantRoleIds = tenant.Tenant.Settings.Roles.Select(r => r.Id).ToHashSet(StringComparer.Ordinal),
            FormIds = formIds,
            SettingNames = SupervisionSettings.RuleSettingNames,
        } with
        {
            RoleSites = RoleSites(tenant.Tenant.Settings),
            Sites = tenant.Tenant.Settings.Sites,
            Calendar = ComplianceService.CalendarFor(tenant.Tenant),
            Today = tenant.Tenant.Today(clock),
        };
    }

    /// <summary>For each role held per site, the sites with a holder: site recipients are checked against them.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> RoleSites(TenantSettings settings) =>
        settings.Roles.Where(r => r.HeldPerSite).ToDictionary(r => r.Id,
            r => (IReadOnlySet<string>)r.Sites.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase), StringComparer.Ordinal);

    /// <summary>What the editor's check says without refusing the rule (school days without term dates, a site without a role's holder).</summary>
    /// <remarks>From the tenant's settings alone: the warnings need no forms or templates, so nothing is read from the database.</remarks>
    public IReadOnlyList<WorkflowError> Warnings(WorkflowDefinition definition, string file) =>
        WorkflowValidator.Warnings(definition, new WorkflowEnvironment
        {
            RoleSites = RoleSites(tenant.Tenant.Settings),
            Sites = tenant.Tenant.Settings.Sites,
            Calendar = ComplianceService.CalendarFor(tenant.Tenant),
            Today = tenant.Tenant.Today(clock),
        }, file);

    public sealed record PublishResult(WorkflowVersion? Version, IReadOnlyList<WorkflowError> Errors, bool Changed);

    /// <summary>
    /// Loads and validates a definition against what the tenant has, as publishing would: the
    /// definition (null when it does not load) and every error with its line and column.
    /// </summary>
    public (WorkflowDefinition? Definition, IReadOnlyList<WorkflowError> Errors) Check(string text, string file, string? workflowId = null) =>
        Check(text, file, workflowId, Environment());

    /// <summary>The same check against a given environment (an import checks against the forms and templates it brings).</summary>
    public static (WorkflowDefinition? Definition, IReadOnlyList<WorkflowError> Errors) Check(string text, string file, string? workflowId, WorkflowEnvironment environment)
    {
        var loaded = WorkflowLoader.Load(text ?? "", file);
        var errors = loaded.Errors.ToList();
        if (loaded.Definition is { } d)
        {
            if (workflowId is not null && d.Id != workflowId)
                errors.Add(new WorkflowError(file, d.PositionOf("id").Line, d.PositionOf("id").Column, $"The workflow id '{d.Id}' must be '{workflowId}'."));
            errors.AddRange(WorkflowValidator.Validate(d, environment, file));
        }
        return (loaded.Definition, errors);
    }

    /// <summary>
    /// The one way a workflow is published, from a file at start-up or from the editor: checks the
    /// definition in full, and freezes it as the next version only if it has no errors and differs
    /// from the current one. The current version is superseded (it finishes the runs it started);
    /// only the new one starts runs. From the editor (an <paramref name="actorId"/>), the publication
    /// is written to the audit log in the same save.
    /// </summary>
    public async Task<PublishResult> PublishAsync(string text, string file, string? workflowId, string? actorId, CancellationToken ct)
    {
        text = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        var (definition, errors) = Check(text, file, workflowId);
        if (errors.Count > 0 || definition is null) return new(null, errors, false);
        var id = definition.Id;
        var current = await db.WorkflowVersions.Where(v => v.WorkflowId == id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        if (current is not null && current.ContentHash == Records.FormVersion.Hash(text)) return new(current, [], false);
        current?.Supersede();
        var version = new WorkflowVersion(id, (current?.Version ?? 0) + 1, text, definition.Title, definition.Trigger.Event, definition.Trigger.Schedule, clock.GetUtcNow());
        db.WorkflowVersions.Add(version);
        // A rule's first version published by a person is a rule made in the browser (files and imports have no actor).
        if (actorId is not null) audit.Log(actorId, current is null ? "create" : "publish", "workflow", $"{id} v{version.Version}");
        await db.SaveChangesAsync(ct);
        return new(version, [], true);
    }

    /// <summary>The file's id is its name: a start-up publication of one file.</summary>
    public Task<PublishResult> PublishAsync(string workflowId, string text, string file, CancellationToken ct) => PublishAsync(text, file, workflowId, null, ct);

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
        // A file publishes only when its text is new to the workflow's history: a version published
        // in the editor stays in force over restarts until the file itself is changed (ADR 0013).
        var known = (await db.WorkflowVersions.AsNoTracking().Select(v => new { v.WorkflowId, v.ContentHash }).ToListAsync(ct))
            .Select(v => (v.WorkflowId, v.ContentHash)).ToHashSet();
        foreach (var (id, text, file) in texts)
            if (!known.Contains((id, Records.FormVersion.Hash(text.Replace("\r\n", "\n", StringComparison.Ordinal)))))
                await PublishAsync(id, text, file, ct);
    }
}
