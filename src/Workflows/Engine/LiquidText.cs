using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;

namespace SupervisionHub.Workflows.Engine;

/// <summary>Liquid for note text (and, in the host, email templates): parse once to check, render over plain values.</summary>
public static class LiquidText
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new() { MaxSteps = 10_000, MaxRecursion = 16 };

    /// <summary>A plain description of why the text is not valid Liquid, or null.</summary>
    public static string? SyntaxError(string text) =>
        Parser.TryParse(text, out _, out var error) ? null : LiquidMessages.Explain(error);

    /// <summary>The text rendered over the model's values, or a failure message.</summary>
    public static (string? Text, string? Error) Render(string text, JsonObject model)
    {
        if (!Parser.TryParse(text, out var template, out var error)) return (null, LiquidMessages.Explain(error));
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model) context.SetValue(name, Plain(value));
        try
        {
            return (template.Render(context), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, "The text could not be written out: " + ex.Message);
        }
    }

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
}
