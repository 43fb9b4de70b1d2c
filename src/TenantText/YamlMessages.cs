using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace SupervisionHub.TenantText;

/// <summary>YamlDotNet prefixes its messages with its own location; callers report the location separately.</summary>
public static partial class YamlMessages
{
    public static string WithoutLocation(string message) => LocationPrefix().Replace(message, "").Trim();

    /// <remarks>YamlDotNet's scanner fails without a position on an unclosed [ or {; every loader of tenant text reports it here.</remarks>
    /// <summary>Where the innermost [ or { that was never closed starts, found by scanning tokens until the scanner gives up.</summary>
    public static (int Line, int Column) UnclosedBracket(string text)
    {
        var open = new Stack<Mark>();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            while (scanner.MoveNext())
            {
                switch (scanner.Current)
                {
                    case YamlDotNet.Core.Tokens.FlowSequenceStart or YamlDotNet.Core.Tokens.FlowMappingStart: open.Push(scanner.Current.Start); break;
                    case YamlDotNet.Core.Tokens.FlowSequenceEnd or YamlDotNet.Core.Tokens.FlowMappingEnd when open.Count > 0: open.Pop(); break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlException)
        {
            // expected: this is how we found the bad spot
        }
        return open.TryPeek(out var mark) ? ((int)mark.Line, (int)mark.Column) : (1, 1);
    }

    /// <summary>What to tell an admin about a YAML problem: a broken limit in its own words, anything else as not valid YAML.</summary>
    public static string Problem(YamlDotNet.Core.YamlException ex) =>
        ex is YamlLimitException ? WithoutLocation(ex.Message) : "This is not valid YAML: " + WithoutLocation(ex.Message);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
