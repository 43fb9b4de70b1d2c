using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using SupervisionHub.TenantText;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// Liquid a tenant writes (journal notes here; email subjects and bodies in the host): the one parser
/// and the one set of limits, so the worker, try it, the previews and the simulator all render under
/// the same bounds (<see cref="TenantTextLimits"/>). Fluid 3 refuses nesting deeper than the parser's
/// limit before it recurses (Fluid 2's parser overflowed the stack on 5,000 nested ifs), and counts
/// steps, output (captures and strings built by filters such as append included) and the items of
/// ranges and other collections; a token stops a rendering that runs too long between steps.
/// </summary>
public static partial class LiquidText
{
    private static readonly FluidParser Parser = new(new FluidParserOptions { MaxRecursionDepth = 64 });

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(TenantTextLimits.LiquidTimeoutMs);

    /// <summary>The options every rendering of a tenant's Liquid uses.</summary>
    public static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithMaxSteps(TenantTextLimits.LiquidMaxSteps)
        .WithMaxOutputSize(TenantTextLimits.LiquidMaxOutputChars)
        .WithMaxCollectionSize(TenantTextLimits.LiquidMaxCollectionItems)
        .WithMaxRecursion(16)
        .WithFileProvider(new NoFiles())
        .Build();

    // A template is one text: include, render and from would read other files (Fluid 2 answered them with a 500).
    [GeneratedRegex(@"\{%-?\s*(include|render|from)\b")]
    private static partial Regex OtherFileTag();

    /// <summary>The template, or why it cannot be one: too long, not valid Liquid, or reading another file.</summary>
    /// <param name="lineOffset">Lines before the text in what the admin sees (an email's body follows its subject line).</param>
    /// <param name="columnOffset">Characters before the text on its first line (the subject follows "subject: ").</param>
    public static (IFluidTemplate? Template, string? Error) Parse(string? text, int lineOffset = 0, int columnOffset = 0)
    {
        text ??= "";
        if (text.Length > TenantTextLimits.LiquidMaxChars)
            return (null, $"The text is {text.Length:N0} characters long; a template may have at most {TenantTextLimits.LiquidMaxChars:N0}.");
        if (OtherFileTag().Match(text) is { Success: true } tag)
            return (null, $"{{% {tag.Groups[1].Value} %}} is not supported: a template cannot read another template. Write the text into this one.");
        return Parser.TryParse(text, out var template, out var error) ? (template, null) : (null, LiquidMessages.Explain(error, lineOffset, columnOffset));
    }

    /// <summary>A plain description of why the text is not a template this service renders, or null.</summary>
    public static string? SyntaxError(string text) => Parse(text).Error;

    /// <summary>The text rendered over the model's values, or a failure message.</summary>
    public static (string? Text, string? Error) Render(string text, JsonObject model, TimeSpan? timeLeft = null)
    {
        var (template, error) = Parse(text);
        if (template is null) return (null, error);
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model) context.SetValue(name, Plain(value) is { } plain ? FluidValue.Create(plain, Options) : NilValue.Instance);
        return Render(template, context, null, timeLeft);
    }

    /// <summary>
    /// Renders under every limit, and within <paramref name="timeLeft"/> when that is shorter than the
    /// limit (a run's remaining budget). A breach, or any other failure of the template, is a plain
    /// message: the template is the tenant's, and its failure is theirs to see, not a crash.
    /// </summary>
    public static (string? Text, string? Error) Render(IFluidTemplate template, TemplateContext context, TextEncoder? encoder, TimeSpan? timeLeft = null)
    {
        var limit = timeLeft is { } left && left < Timeout ? left : Timeout;
        if (limit <= TimeSpan.Zero) return (null, TooLong);
        using var stop = new CancellationTokenSource(limit);
        context.CancellationToken = stop.Token;
        try
        {
            return (encoder is null ? template.Render(context) : template.Render(context, encoder), null);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return (null, TooLong);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return (null, "The text could not be written out: " + ex.Message);
        }
    }

    private const string TooLong = "The text took too long to write out and was stopped (is there a long loop?).";

    /// <summary>JSON as dictionaries, lists and primitives, which Liquid reads without any member access rules.</summary>
    internal static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => Plain(kv.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<int>(out var i) ? i : v.TryGetValue<long>(out var l) ? l : (object)v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Refuses every file: a template stands alone.</summary>
    private sealed class NoFiles : ITemplateFileProvider
    {
        public ValueTask<TemplateSourceInfo> GetFileInfoAsync(string path, TemplateContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A template cannot read another template ({% include %}, {% render %} and {% from %} are not supported).");
    }
}
