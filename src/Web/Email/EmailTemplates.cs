using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Email;

/// <summary>A tenant's email template: a subject line, a blank line, then a Liquid + Markdown body.</summary>
public sealed record EmailTemplate(string Name, string Subject, IFluidTemplate SubjectTemplate, IFluidTemplate Body);

public sealed record RenderedEmail(string Subject, string Text);

/// <summary>A template that could not be written out (a limit of docs/security.md, or a failure of the template itself), in plain words.</summary>
public sealed class TemplateRenderException(string message) : InvalidOperationException(message);

/// <summary>
/// Reads a tenant's email templates and renders them with Liquid (Fluid): the newest version an admin
/// published in the browser (<see cref="EmailTemplateVersion"/>), else tenants/&lt;slug&gt;/emails/*.md.
/// The model holds names, dates and links only; the templates never see answers or case details.
/// Parsing and rendering go through <see cref="LiquidText"/>, so every path renders under the same limits.
/// </summary>
public sealed class EmailTemplates(SupervisionHub.Web.TenantFiles files)
{
    private readonly ConcurrentDictionary<(string Tenant, string Name), (DateTime Stamp, EmailTemplate? Template, string? Error)> _cache = new();
    private static readonly ConcurrentDictionary<string, (EmailTemplate? Template, string? Error)> Published = new();

    /// <summary>
    /// The template as it is sent now: the newest published version for the current tenant (the
    /// context's query filter keeps it to that tenant), else the file.
    /// </summary>
    public async Task<EmailTemplate> GetAsync(Data.AppDbContext db, string tenantIdentifier, string name, CancellationToken ct = default)
    {
        var text = await PublishedTextAsync(db, name, ct);
        if (text is null) return Get(tenantIdentifier, name);
        var parsed = Published.GetOrAdd(Records.FormVersion.Hash(name + "\n" + text), _ => Parse(name, text));
        return parsed.Template ?? throw new TemplateRenderException(parsed.Error!);
    }

    /// <summary>The newest text published in the browser, or null when the file is still the template.</summary>
    public static Task<string?> PublishedTextAsync(Data.AppDbContext db, string name, CancellationToken ct = default) =>
        db.EmailTemplateVersions.AsNoTracking().Where(v => v.Name == name).OrderByDescending(v => v.Version).Select(v => v.Text).FirstOrDefaultAsync(ct);

    /// <summary>The file's text, or null when the tenant has no such template file.</summary>
    public string? FileText(string tenantIdentifier, string name)
    {
        if (!Names(tenantIdentifier).Contains(name)) return null; // also keeps a name from walking out of the folder
        return File.ReadAllText(Path.Combine(files.Root, tenantIdentifier, "emails", name + ".md"));
    }

    public static (EmailTemplate? Template, string? Error) Parse(string name, string text)
    {
        var normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var firstBreak = normalised.IndexOf('\n', StringComparison.Ordinal);
        var first = firstBreak < 0 ? normalised : normalised[..firstBreak];
        if (!first.StartsWith("subject:", StringComparison.OrdinalIgnoreCase))
            return (null, $"{name}.md: the first line must be 'subject: ...'.");
        var subject = first["subject:".Length..].Trim();
        var afterSubject = firstBreak < 0 ? "" : normalised[(firstBreak + 1)..];
        var body = afterSubject.TrimStart('\n');
        // Lines and characters as the admin sees them in the whole text: the body starts below the subject and its blank lines.
        var subjectColumn = first.Length - first["subject:".Length..].TrimStart().Length;
        var (subjectTemplate, subjectError) = LiquidText.Parse(subject, columnOffset: subjectColumn);
        if (subjectTemplate is null) return (null, $"{name}.md: in the subject line: {subjectError}");
        var (bodyTemplate, bodyError) = LiquidText.Parse(body, lineOffset: 1 + afterSubject.Length - body.Length);
        if (bodyTemplate is null) return (null, $"{name}.md: {bodyError}");
        return (new EmailTemplate(name, subject, subjectTemplate, bodyTemplate), null);
    }

    /// <summary>The names of a tenant's templates, for the workflow validator.</summary>
    public IReadOnlySet<string> Names(string tenantIdentifier)
    {
        var folder = Path.Combine(files.Root, tenantIdentifier, "emails");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
    }

    public EmailTemplate Get(string tenantIdentifier, string name)
    {
        var path = Path.Combine(files.Root, tenantIdentifier, "emails", name + ".md");
        if (!File.Exists(path)) throw new TemplateRenderException($"There is no email template '{name}' for {tenantIdentifier}.");
        var stamp = File.GetLastWriteTimeUtc(path);
        var entry = _cache.AddOrUpdate((tenantIdentifier, name),
            _ => Load(path, name, stamp),
            (_, old) => old.Stamp == stamp ? old : Load(path, name, stamp));
        return entry.Template ?? throw new TemplateRenderException(entry.Error!);
    }

    private static (DateTime, EmailTemplate?, string?) Load(string path, string name, DateTime stamp)
    {
        var (template, error) = Parse(name, File.ReadAllText(path));
        return (stamp, template, error);
    }

    /// <summary>The email over the model, under the limits of <see cref="LiquidText"/>; throws <see cref="TemplateRenderException"/> with a plain message when it cannot be written.</summary>
    public static RenderedEmail Render(EmailTemplate template, JsonObject model, TimeSpan? timeLeft = null)
    {
        var context = new TemplateContext(LiquidText.Options);
        foreach (var (key, value) in model) context.SetValue(key, ToFluid(value, context.Options));
        // Text, not HTML: no HTML encoding here. The HTML part (issue 6) goes through Markdig and the sanitizer.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (subject, subjectError) = LiquidText.Render(template.SubjectTemplate, context, NullEncoder.Default, timeLeft);
        if (subject is null) throw new TemplateRenderException($"{template.Name}.md: subject: {subjectError}");
        var (body, bodyError) = LiquidText.Render(template.Body, context, NullEncoder.Default, timeLeft - System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (body is null) throw new TemplateRenderException($"{template.Name}.md: {bodyError}");
        return new RenderedEmail(subject.Trim(), body.Trim() + "\n");
    }

    private static FluidValue ToFluid(JsonNode? node, TemplateOptions options) => node switch
    {
        null => NilValue.Instance,
        JsonObject o => DictionaryValue.Create(new FluidValueDictionaryFluidIndexable(o.ToDictionary(kv => kv.Key, kv => ToFluid(kv.Value, options)))),
        JsonArray a => ArrayValue.Create(a.Select(x => ToFluid(x, options)).ToArray()),
        JsonValue v when v.TryGetValue<bool>(out var b) => BooleanValue.Create(b),
        JsonValue v when v.TryGetValue<decimal>(out var d) => NumberValue.Create(d),
        _ => StringValue.Create(node.ToString()),
    };
}
