using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Email;

/// <summary>
/// An email template as a tenant admin published it in the browser: the whole text (subject line,
/// blank line, Liquid + Markdown body), numbered per template. The newest version is the one sent;
/// with none, the file tenants/&lt;slug&gt;/emails/&lt;name&gt;.md is (docs/adr/0013-editing-configuration.md).
/// </summary>
public sealed class EmailTemplateVersion : ITenantOwned
{
    private EmailTemplateVersion() { }

    public EmailTemplateVersion(string name, int version, string text, string publishedBy, DateTimeOffset publishedAt)
    {
        Name = name;
        Version = version;
        Text = text;
        PublishedBy = publishedBy;
        PublishedAt = publishedAt;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Name { get; private set; } = "";
    public int Version { get; private set; }
    public string Text { get; private set; } = "";
    public string PublishedBy { get; private set; } = "";
    public DateTimeOffset PublishedAt { get; private set; }
}
