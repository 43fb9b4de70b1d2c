using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Email;

/// <summary>One of the tenant's templates as the editor shows it: its text now, and where that text came from.</summary>
public sealed record EmailTemplateState(string Name, string Text, int? Version, DateTimeOffset? PublishedAt);

/// <summary>
/// Editing the current tenant's email templates in the browser: the text in force, a preview on
/// sample data, and publishing a new version (checked first, and written to the audit log in the
/// same save). The templates a tenant has are the files in tenants/&lt;slug&gt;/emails; an edited one
/// is a newer version of the same name (docs/adr/0013-editing-configuration.md).
/// </summary>
public sealed class EmailTemplateCatalog(AppDbContext db, ITenantContext tenant, EmailTemplates templates, TimeProvider clock, AuditLog audit)
{
    /// <summary>
    /// The tenant's templates: its emails/*.md files, and those published in the database without a file
    /// (a tenant made from a template or an imported configuration has no folder; ADR 0013).
    /// </summary>
    public IReadOnlyList<string> Names() => [.. NameSet(db, templates, tenant.Tenant.Identifier).Order(StringComparer.Ordinal)];

    public static IReadOnlySet<string> NameSet(AppDbContext db, EmailTemplates templates, string identifier)
    {
        var names = new HashSet<string>(templates.Names(identifier), StringComparer.Ordinal);
        names.UnionWith(db.EmailTemplateVersions.AsNoTracking().Select(v => v.Name).Distinct().ToList());
        return names;
    }

    public async Task<EmailTemplateState?> CurrentAsync(string name, CancellationToken ct)
    {
        var latest = await db.EmailTemplateVersions.AsNoTracking().Where(v => v.Name == name).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        if (latest is not null) return new(name, latest.Text, latest.Version, latest.PublishedAt);
        return templates.FileText(tenant.Tenant.Identifier, name) is { } file ? new(name, file, null, null) : null;
    }

    /// <summary>The names, dates and link a preview fills the template with: never real people's details.</summary>
    public JsonObject SampleModel() => SampleModel(tenant.Tenant.Identifier, tenant.Tenant.Name, tenant.Tenant.Today(clock));

    public static JsonObject SampleModel(string identifier, string tenantName, DateOnly today) => new()
    {
        ["recipient"] = new JsonObject { ["name"] = "Robin Recipient" },
        ["supervisor"] = new JsonObject { ["name"] = "Sam Supervisor" },
        ["supervisee"] = new JsonObject { ["name"] = "Pat Supervisee" },
        ["item"] = new JsonObject { ["name"] = "Alex Member", ["trainingExpiresOn"] = today.AddDays(30).ToString("yyyy-MM-dd") },
        ["history"] = new JsonObject { ["consecutiveMisses"] = 2, ["daysSinceLastSession"] = 45, ["nextDue"] = today.AddDays(7).ToString("yyyy-MM-dd"), ["status"] = "overdue" },
        ["vars"] = new JsonObject(),
        ["session"] = new JsonObject
        {
            ["date"] = today.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["day"] = today.AddDays(2).ToString("dddd d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), ["time"] = "10:00",
        },
        ["link"] = "https://supervisionhub.example/" + identifier + "/example-link",
        ["links"] = new JsonObject
        {
            ["record"] = "https://supervisionhub.example/" + identifier + "/records/example",
            ["session"] = "https://supervisionhub.example/" + identifier + "/sessions/example",
            ["supervision"] = "https://supervisionhub.example/" + identifier + "/supervision/example",
            ["home"] = "https://supervisionhub.example/" + identifier,
        },
        ["tenant"] = new JsonObject { ["name"] = tenantName },
    };

    /// <summary>Checks and renders a template text on the sample data: the email it would be, or what is wrong with it.</summary>
    public (RenderedEmail? Email, string? Error) Preview(string name, string text) => Preview(name, text, SampleModel());

    /// <summary>The check publishing makes, on a given sample model (an import checks before its tenant exists).</summary>
    public static (RenderedEmail? Email, string? Error) Preview(string name, string text, JsonObject sample)
    {
        var (template, error) = EmailTemplates.Parse(name, text ?? "");
        if (template is null) return (null, error);
        try
        {
            return (EmailTemplates.Render(template, sample), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, $"{name}.md: {ex.Message}");
        }
    }

    public sealed record PublishResult(EmailTemplateVersion? Version, string? Error, bool Changed);

    /// <summary>
    /// Publishes the text as the template's next version, if it is good and differs from the one in force.
    /// Only with <paramref name="adding"/> (an import, or an admin's "Create an email template") is a template the tenant
    /// has not had published, as version 1, under a name of lower-case letters, digits and hyphens.
    /// </summary>
    public async Task<PublishResult> PublishAsync(string name, string text, string? actorId, CancellationToken ct, bool adding = false)
    {
        text = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        var current = await CurrentAsync(name, ct);
        if (current is null && !(adding && TenantConfigLoader.SlugPattern().IsMatch(name)))
            return new(null, $"There is no email template called {name}.", false);
        if (Preview(name, text).Error is { } error) return new(null, error, false);
        if (current is not null && current.Text.Replace("\r\n", "\n", StringComparison.Ordinal) == text) return new(null, null, false);
        var version = new EmailTemplateVersion(name, (current?.Version ?? 0) + 1, text, actorId ?? "import", clock.GetUtcNow());
        db.EmailTemplateVersions.Add(version);
        if (actorId is not null) audit.Log(actorId, current is null ? "create" : "publish", "email-template", $"{name} v{version.Version}");
        await db.SaveChangesAsync(ct);
        return new(version, null, true);
    }
}
