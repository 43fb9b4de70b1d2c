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
    public IReadOnlyList<string> Names() => [.. templates.Names(tenant.Tenant.Identifier).Order(StringComparer.Ordinal)];

    public async Task<EmailTemplateState?> CurrentAsync(string name, CancellationToken ct)
    {
        if (templates.FileText(tenant.Tenant.Identifier, name) is not { } file) return null;
        var latest = await db.EmailTemplateVersions.AsNoTracking().Where(v => v.Name == name).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        return latest is null ? new(name, file, null, null) : new(name, latest.Text, latest.Version, latest.PublishedAt);
    }

    /// <summary>The names, dates and link a preview fills the template with: never real people's details.</summary>
    public JsonObject SampleModel() => new()
    {
        ["recipient"] = new JsonObject { ["name"] = "Robin Recipient" },
        ["supervisor"] = new JsonObject { ["name"] = "Sam Supervisor" },
        ["supervisee"] = new JsonObject { ["name"] = "Pat Supervisee" },
        ["item"] = new JsonObject { ["name"] = "Alex Member", ["trainingExpiresOn"] = tenant.Tenant.Today(clock).AddDays(30).ToString("yyyy-MM-dd") },
        ["history"] = new JsonObject { ["consecutiveMisses"] = 2, ["daysSinceLastSession"] = 45, ["nextDue"] = tenant.Tenant.Today(clock).AddDays(7).ToString("yyyy-MM-dd"), ["status"] = "overdue" },
        ["vars"] = new JsonObject(),
        ["link"] = "https://supervisionhub.example/" + tenant.Tenant.Identifier + "/example-link",
        ["tenant"] = new JsonObject { ["name"] = tenant.Tenant.Name },
    };

    /// <summary>Checks and renders a template text on the sample data: the email it would be, or what is wrong with it.</summary>
    public (RenderedEmail? Email, string? Error) Preview(string name, string text)
    {
        var (template, error) = EmailTemplates.Parse(name, text ?? "");
        if (template is null) return (null, error);
        try
        {
            return (EmailTemplates.Render(template, SampleModel()), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, $"{name}.md: {ex.Message}");
        }
    }

    public sealed record PublishResult(EmailTemplateVersion? Version, string? Error, bool Changed);

    /// <summary>Publishes the text as the template's next version, if it is good and differs from the one in force.</summary>
    public async Task<PublishResult> PublishAsync(string name, string text, string actorId, CancellationToken ct)
    {
        text = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        var current = await CurrentAsync(name, ct);
        if (current is null) return new(null, $"There is no email template called {name}.", false);
        if (Preview(name, text).Error is { } error) return new(null, error, false);
        if (current.Text.Replace("\r\n", "\n", StringComparison.Ordinal) == text) return new(null, null, false);
        var version = new EmailTemplateVersion(name, (current.Version ?? 0) + 1, text, actorId, clock.GetUtcNow());
        db.EmailTemplateVersions.Add(version);
        audit.Log(actorId, "publish", "email-template", $"{name} v{version.Version}");
        await db.SaveChangesAsync(ct);
        return new(version, null, true);
    }
}
