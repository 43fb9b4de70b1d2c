using System.Security.Cryptography;
using System.Text;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Records;

/// <summary>
/// A published, frozen version of a tenant's form. Submissions point at the version they were
/// made with, so a record made years ago renders with the questions it was answered against.
/// </summary>
public sealed class FormVersion : ITenantOwned
{
    private FormVersion() { }

    public FormVersion(string formId, int version, string definitionText, string title, DateTimeOffset publishedAt)
    {
        FormId = formId;
        Version = version;
        DefinitionText = definitionText;
        Title = title;
        ContentHash = Hash(definitionText);
        PublishedAt = publishedAt;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string FormId { get; private set; } = "";
    public int Version { get; private set; }
    public string Title { get; private set; } = "";

    /// <summary>The YAML exactly as published; the definition is re-read from it, never from today's file.</summary>
    public string DefinitionText { get; private set; } = "";

    public string ContentHash { get; private set; } = "";
    public DateTimeOffset PublishedAt { get; private set; }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
