using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Configuration;

/// <summary>
/// A tenant's configuration as files in the tenants/&lt;slug&gt;/ format: tenant.yaml, forms/*.yaml,
/// workflows/*.yaml, emails/*.md and an optional logo. Keys are file names without extension
/// (the form, workflow or template id). Read from or written to a .zip whose entries sit either
/// at its root or in one folder (&lt;slug&gt;/tenant.yaml), as export writes them.
/// </summary>
public sealed partial record ConfigurationPackage(
    string TenantYaml,
    IReadOnlyDictionary<string, string> Forms,
    IReadOnlyDictionary<string, string> Workflows,
    IReadOnlyDictionary<string, string> Emails,
    string? LogoName = null,
    byte[]? Logo = null)
{
    public const long MaxZipBytes = 5 * 1024 * 1024;
    private const int MaxEntries = 500;
    private const long MaxEntryBytes = 1024 * 1024;

    [GeneratedRegex("^(forms|workflows|emails)/([a-z0-9][a-z0-9-]*)\\.(yaml|md)$")]
    private static partial Regex KnownFile();

    public byte[] ToZip(string folder)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, byte[] bytes)
            {
                var entry = zip.CreateEntry($"{folder}/{path}", CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); // the same configuration gives the same bytes
                using var s = entry.Open();
                s.Write(bytes);
            }
            Add("tenant.yaml", Encoding.UTF8.GetBytes(TenantYaml));
            foreach (var (id, text) in Forms.OrderBy(f => f.Key, StringComparer.Ordinal)) Add($"forms/{id}.yaml", Encoding.UTF8.GetBytes(text));
            foreach (var (id, text) in Workflows.OrderBy(f => f.Key, StringComparer.Ordinal)) Add($"workflows/{id}.yaml", Encoding.UTF8.GetBytes(text));
            foreach (var (id, text) in Emails.OrderBy(f => f.Key, StringComparer.Ordinal)) Add($"emails/{id}.md", Encoding.UTF8.GetBytes(text));
            if (LogoName is not null && Logo is not null) Add(LogoName, Logo);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a .zip; every problem (not a zip, too big, no tenant.yaml, a file it does not know) is an error, nothing is thrown.</summary>
    public static (ConfigurationPackage? Package, IReadOnlyList<ConfigError> Errors) FromZip(Stream stream)
    {
        var errors = new List<ConfigError>();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxEntries) return (null, [new ConfigError("(zip)", 0, 0, $"The zip has more than {MaxEntries} files.")]);
            var paths = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName.Replace('\\', '/')).ToList();
            // Either tenant.yaml at the root, or every file inside one folder (as export writes it).
            var prefix = paths.Contains("tenant.yaml") ? "" :
                paths.Select(p => p.Split('/')[0]).Distinct().ToList() is [var only] && paths.Contains(only + "/tenant.yaml") ? only + "/" : null;
            if (prefix is null) return (null, [new ConfigError("(zip)", 0, 0, "There is no tenant.yaml at the top of the zip or in its one folder.")]);
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                var path = entry.FullName.Replace('\\', '/')[prefix.Length..];
                if (path.StartsWith("demo/", StringComparison.Ordinal)) continue; // demo people are not configuration
                if (entry.Length > MaxEntryBytes) { errors.Add(new ConfigError(path, 0, 0, $"The file is larger than {MaxEntryBytes / 1024} KB.")); continue; }
                using var s = entry.Open();
                using var copy = new MemoryStream();
                s.CopyTo(copy);
                files[path] = copy.ToArray();
            }
        }
        catch (InvalidDataException)
        {
            return (null, [new ConfigError("(zip)", 0, 0, "The file is not a zip file.")]);
        }
        var forms = new Dictionary<string, string>(StringComparer.Ordinal);
        var workflows = new Dictionary<string, string>(StringComparer.Ordinal);
        var emails = new Dictionary<string, string>(StringComparer.Ordinal);
        string? logoName = null;
        byte[]? logo = null;
        foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (path == "tenant.yaml") continue;
            if (KnownFile().Match(path) is { Success: true } m)
            {
                var (kind, id, ext) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                var text = Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal);
                if (kind == "emails" && ext == "md") emails[id] = text;
                else if (kind == "forms" && ext == "yaml") forms[id] = text;
                else if (kind == "workflows" && ext == "yaml") workflows[id] = text;
                else errors.Add(new ConfigError(path, 0, 0, "Forms and workflows are .yaml files, email templates .md files."));
            }
            else if (!path.Contains('/') && (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)
                                              || path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)))
                (logoName, logo) = (path, bytes);
            else
                errors.Add(new ConfigError(path, 0, 0, "This file is not part of a tenant's configuration (tenant.yaml, a logo, forms/*.yaml, workflows/*.yaml, emails/*.md; names in lower-case letters, digits and hyphens)."));
        }
        if (!files.TryGetValue("tenant.yaml", out var yamlBytes)) return (null, errors);
        var yaml = Encoding.UTF8.GetString(yamlBytes).Replace("\r\n", "\n", StringComparison.Ordinal);
        return (new ConfigurationPackage(yaml, forms, workflows, emails, logoName, logo), errors);
    }
}
