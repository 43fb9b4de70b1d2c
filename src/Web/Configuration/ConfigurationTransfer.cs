using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Configuration;

/// <summary>The result of making a tenant: errors in the request's fields, or in the configuration's files (with file and line).</summary>
public sealed record ImportResult(IReadOnlyDictionary<string, string> FieldErrors, IReadOnlyList<ConfigError> FileErrors)
{
    public bool Succeeded => FieldErrors.Count == 0 && FileErrors.Count == 0;
}

/// <summary>
/// A tenant's configuration out (export, as the tenants/&lt;slug&gt;/ folder it is in force now) and in
/// (a new tenant made from a founding tenant's configuration or an uploaded zip). An import is
/// checked in full, every file with the same checks publishing makes, before anything is written;
/// then the tenant is provisioned and each form, email template and workflow is published through
/// its catalog's one publishing path as version 1 (docs/adr/0013-editing-configuration.md).
/// </summary>
public sealed class ConfigurationTransfer(AppDbContext db, IServiceProvider services, TimeProvider clock)
{
    /// <summary>The current tenant's configuration as it is in force: tenant.yaml as stored, the newest version of every form, workflow and template.</summary>
    public async Task<ConfigurationPackage> ExportAsync(CancellationToken ct)
    {
        var tenant = services.GetRequiredService<ITenantContext>().Tenant;
        var yaml = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant.Id).Select(t => t.ConfigurationYaml).SingleAsync(ct);
        var forms = (await services.GetRequiredService<FormCatalog>().LatestVersionsAsync(ct))
            .ToDictionary(v => v.FormId, v => v.DefinitionText, StringComparer.Ordinal);
        var workflows = (await db.WorkflowVersions.AsNoTracking().ToListAsync(ct))
            .GroupBy(v => v.WorkflowId).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Version)!.DefinitionText, StringComparer.Ordinal);
        var catalog = services.GetRequiredService<EmailTemplateCatalog>();
        var emails = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in catalog.Names())
            if (await catalog.CurrentAsync(name, ct) is { } state) emails[name] = state.Text;
        string? logoName = null;
        byte[]? logo = null;
        // An uploaded logo wins over the folder's file, as it does on the pages; an import takes it back as the uploaded logo.
        var uploaded = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant.Id).Select(t => t.LogoBytes).SingleAsync(ct);
        if (uploaded is not null && LogoRules.Check(uploaded).Logo is { } checkedLogo)
            (logoName, logo) = ("logo." + checkedLogo.Extension, uploaded);
        else if (tenant.Settings.Theme.Logo is { } name2)
        {
            var folder = Path.Combine(services.GetRequiredService<TenantFiles>().Root, tenant.Identifier);
            if (TenantConfigLoader.LogoProblem(folder, name2) is null)
                (logoName, logo) = (name2, await File.ReadAllBytesAsync(Path.Combine(folder, name2), ct));
        }
        return new ConfigurationPackage(yaml, forms, workflows, emails, logoName, logo);
    }

    /// <summary>
    /// tenant.yaml for the new tenant: the template's text with its id, identifier and name replaced, line for
    /// line, so an error is reported at the line of the file the admin has. Host names and theme.logo are not
    /// carried over (a host belongs to one tenant; a tenant made in the browser has no folder), nor single sign-on: the zip's
    /// logo file itself is, as the new tenant's uploaded logo.
    /// </summary>
    public static string Substitute(string yaml, Guid id, string identifier, string name)
    {
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? block = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var topLevel = line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] != '#' && line[0] != '-';
            if (topLevel) block = line.Split(':')[0];
            string? Replace(string key, string value) => topLevel && line.StartsWith(key + ":", StringComparison.Ordinal) && seen.Add(key) ? $"{key}: {value}" : null;
            lines[i] = Replace("id", id.ToString()) ?? Replace("identifier", identifier) ?? Replace("name", Quote(name)) ?? Replace("hosts", "[]")
                ?? Replace("signIn", "{}")
                ?? (!topLevel && block == "hosts" && line.TrimStart().StartsWith('-') ? "# (a host name of the template, not carried over)"
                // Single sign-on is the template organisation's own app registration, domains and break-glass admins:
                // carried over, it could leave the new organisation's first admin unable to set a password.
                : !topLevel && block == "signIn" && line.Trim().Length > 0 ? "# (single sign-on of the template, not carried over)"
                : !topLevel && block == "theme" && line.TrimStart().StartsWith("logo:", StringComparison.Ordinal) ? line[..(line.Length - line.TrimStart().Length)] + "# logo: not carried over"
                : line);
        }
        var text = string.Join('\n', lines);
        if (!text.EndsWith('\n')) text += "\n";
        if (!seen.Contains("id")) text += $"id: {id}\n";
        if (!seen.Contains("identifier")) text += $"identifier: {identifier}\n";
        if (!seen.Contains("name")) text += $"name: {Quote(name)}\n";
        return text;
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
            .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Checks every file of <paramref name="package"/> as the tenant <paramref name="identifier"/> would have it. Writes nothing.</summary>
    public async Task<(TenantSettings? Settings, string Yaml, IReadOnlyList<ConfigError> Errors)> CheckAsync(
        ConfigurationPackage package, Guid id, string identifier, string name, CancellationToken ct)
    {
        var errors = new List<ConfigError>();
        var yaml = Substitute(package.TenantYaml, id, identifier, name);
        var loaded = TenantConfigLoader.Load(yaml, "tenant.yaml");
        errors.AddRange(loaded.Errors);
        var settings = loaded.Settings;
        if (settings is not null)
        {
            errors.AddRange(TenantConfigLoader.FormReferenceProblems(settings, package.Forms.ContainsKey).Select(p => loaded.ErrorAt("tenant.yaml", p.At, p.Message)));
            if (settings.Hosts.Count > 0) errors.Add(loaded.ErrorAt("tenant.yaml", "hosts", "hosts: a new tenant cannot take another's host names; write hosts: [] on one line."));
            if (settings.Theme.Logo is not null) errors.Add(loaded.ErrorAt("tenant.yaml", "theme.logo", "theme.logo: a tenant made in the browser has no folder for a logo; remove it."));
        }
        if (package.Logo is not null && LogoRules.Check(package.Logo).Error is { } logoError)
            errors.Add(new ConfigError(package.LogoName ?? "logo", 0, 0, logoError));

        // Forms: the guidance forms first, so every form's guidance: is checked against them (as FormLoader.LoadFolder does).
        var guidance = package.Forms.Where(f => FormLoader.Load(f.Value, f.Key).Definition?.Purpose == FormPurpose.Guidance).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var forms = services.GetRequiredService<FormCatalog>();
        foreach (var (formId, text) in package.Forms.OrderBy(f => f.Key, StringComparer.Ordinal))
            foreach (var e in (await forms.CheckAsync(formId, text, $"forms/{formId}.yaml", guidance, ct)).Errors)
                errors.Add(new ConfigError(e.File, e.Line, e.Column, e.Message));

        // Email templates: parsed and rendered on sample data, as publishing one does.
        var zone = settings is not null && TimeZoneInfo.TryFindSystemTimeZoneById(settings.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var sample = EmailTemplateCatalog.SampleModel(identifier, name, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime));
        foreach (var (templateName, text) in package.Emails.OrderBy(f => f.Key, StringComparer.Ordinal))
            if (EmailTemplateCatalog.Preview(templateName, text, sample).Error is { } error)
                errors.Add(new ConfigError($"emails/{templateName}.md", 1, 1, error));

        // Workflows: against the events, and the roles, forms and templates the import brings.
        var environment = new WorkflowEnvironment
        {
            EventTypes = EventNames.Set,
            TemplateNames = package.Emails.Keys.ToHashSet(StringComparer.Ordinal),
            TenantRoleIds = (settings?.Roles.Select(r => r.Id) ?? []).ToHashSet(StringComparer.Ordinal),
            FormIds = package.Forms.Keys.ToHashSet(StringComparer.Ordinal),
            SettingNames = Supervision.SupervisionSettings.RuleSettingNames,
            RoleSites = settings is null ? new Dictionary<string, IReadOnlySet<string>>() : WorkflowCatalog.RoleSites(settings),
        };
        foreach (var (workflowId, text) in package.Workflows.OrderBy(f => f.Key, StringComparer.Ordinal))
            foreach (var e in WorkflowCatalog.Check(text, $"workflows/{workflowId}.yaml", workflowId, environment).Errors)
                errors.Add(new ConfigError(e.File, e.Line, e.Column, e.Message));
        return (settings, yaml, errors);
    }

    /// <summary>
    /// Makes a tenant: blank (no <paramref name="package"/>), or with the package's whole configuration.
    /// Nothing is written unless the request and every file pass.
    /// </summary>
    public async Task<ImportResult> CreateTenantAsync(NewTenant request, ConfigurationPackage? package, CancellationToken ct)
    {
        var provisioning = services.GetRequiredService<TenantProvisioning>();
        var fieldErrors = await provisioning.CheckAsync(request, ct);
        if (fieldErrors.Count > 0) return new(fieldErrors, []);
        if (package is null) return new(await provisioning.CreateAsync(request, ct), []);

        var identifier = request.Identifier.Trim().ToLowerInvariant();
        var (settings, yaml, errors) = await CheckAsync(package, Guid.NewGuid(), identifier, request.Name.Trim(), ct);
        if (errors.Count > 0 || settings is null) return new(fieldErrors, errors);
        fieldErrors = await provisioning.CreateAsync(request, ct, (settings, yaml));
        if (fieldErrors.Count > 0) return new(fieldErrors, []);

        var tenant = (await services.GetRequiredService<TenantRegistry>().FindAsync(identifier, ct))!;
        if (package.Logo is not null && LogoRules.Check(package.Logo).Logo is { } logo)
        {
            // The zip's logo file becomes the new tenant's uploaded logo: a tenant made here has no folder.
            var row = await db.Tenants.SingleAsync(t => t.Id == tenant.Id, ct);
            row.SetLogo(logo, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
        await services.GetRequiredService<PerTenantRunner>().RunForAsync(tenant, async (sp, token) =>
        {
            var guidance = package.Forms.Where(f => FormLoader.Load(f.Value, f.Key).Definition?.Purpose == FormPurpose.Guidance).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            var forms = sp.GetRequiredService<FormCatalog>();
            foreach (var (formId, text) in package.Forms.OrderBy(f => f.Key, StringComparer.Ordinal))
                if ((await forms.PublishAsync(formId, text, $"forms/{formId}.yaml", guidance, token)).Errors is [var e, ..])
                    throw new InvalidOperationException($"Importing {identifier}: {e}");
            var emails = sp.GetRequiredService<EmailTemplateCatalog>();
            foreach (var (templateName, text) in package.Emails.OrderBy(f => f.Key, StringComparer.Ordinal))
                if ((await emails.PublishAsync(templateName, text, null, token, adding: true)).Error is { } error)
                    throw new InvalidOperationException($"Importing {identifier}: {error}");
            var workflows = sp.GetRequiredService<WorkflowCatalog>();
            foreach (var (workflowId, text) in package.Workflows.OrderBy(f => f.Key, StringComparer.Ordinal))
                if ((await workflows.PublishAsync(workflowId, text, $"workflows/{workflowId}.yaml", token)).Errors is [var e, ..])
                    throw new InvalidOperationException($"Importing {identifier}: {e}");
        }, ct);
        return new(fieldErrors, []);
    }

    /// <summary>A founding (or any) tenant's configuration in force now, to start a new tenant from.</summary>
    public async Task<ConfigurationPackage?> TemplateAsync(string identifier, CancellationToken ct)
    {
        if (await services.GetRequiredService<TenantRegistry>().FindAsync(identifier, ct) is not { } source) return null;
        ConfigurationPackage? package = null;
        await services.GetRequiredService<PerTenantRunner>().RunForAsync(source,
            async (sp, token) => package = await sp.GetRequiredService<ConfigurationTransfer>().ExportAsync(token), ct);
        return package;
    }
}
