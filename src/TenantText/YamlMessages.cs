using System.Text.RegularExpressions;

namespace SupervisionHub.TenantText;

/// <summary>YamlDotNet prefixes its messages with its own location; callers report the location separately.</summary>
public static partial class YamlMessages
{
    public static string WithoutLocation(string message) => LocationPrefix().Replace(message, "").Trim();

    /// <summary>What to tell an admin about a YAML problem: a broken limit in its own words, anything else as not valid YAML.</summary>
    public static string Problem(YamlDotNet.Core.YamlException ex) =>
        ex is YamlLimitException ? WithoutLocation(ex.Message) : "This is not valid YAML: " + WithoutLocation(ex.Message);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
