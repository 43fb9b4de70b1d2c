using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using SupervisionHub.TenantText;
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
    public const long MaxZipBytes = TenantTextLimits.ZipMaxBytes;
    private const int MaxEntries = TenantTextLimits.ZipMaxEntries;
    private const long MaxEntryBytes = TenantTextLimits.ZipMaxEntryBytes;

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

    /// <summary>
    /// Reads a .zip; every problem (not a zip, too big, no tenant.yaml, a file it does not know) is an error, nothing is thrown.
    /// Sizes are counted as the files unpack, not taken from the zip's own header, which a zip bomb
    /// states falsely; and 500 files of 1 MB, each within its own limit, stop at the total.
    /// </summary>
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
            long total = 0;
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                var path = entry.FullName.Replace('\\', '/')[prefix.Length..];
                // Nothing is written to disk, but a name that climbs out of the folder is no configuration file.
                var full = entry.FullName.Replace('\\', '/');
                if (full.StartsWith('/') || full.Split('/').Any(part => part is ".." or "." || part.Contains(':', StringComparison.Ordinal)))
                {
                    errors.Add(new ConfigError(entry.FullName, 0, 0, "The file's name leads outside the configuration's folder."));
                    continue;
                }
                if (path.StartsWith("demo/", StringComparison.Ordinal)) continue; // demo people are not configuration
                if (entry.Length > MaxEntryBytes) { errors.Add(new ConfigError(path, 0, 0, $"The file is larger than {MaxEntryBytes / 1024} KB.")); continue; }
                using var s = entry.Open();
                var bytes = ReadAtMost(s, MaxEntryBytes);
                if (bytes is null) { errors.Add(new ConfigError(path, 0, 0, $"The file is larger than {MaxEntryBytes / 1024} KB once unpacked.")); continue; }
                if ((total += bytes.Length) > TenantTextLimits.ZipMaxTotalBytes)
                    return (null, [new ConfigError("(zip)", 0, 0, $"The zip unpacks to more than {TenantTextLimits.ZipMaxTotalBytes / 1024 / 1024} MB.")]);
                files[path] = bytes;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
        {
            return (null, [new ConfigError("(zip)", 0, 0, "The file is not a zip file this service can read.")]);
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

    /// <summary>The stream's bytes, or null when there are more than <paramref name="max"/>.</summary>
    private static byte[]? ReadAtMost(Stream stream, long max)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (copy.Length + read > max) return null;
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }
}
