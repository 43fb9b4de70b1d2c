using System.Text.RegularExpressions;

namespace SupervisionHub.Forms;

/// <summary>YamlDotNet prefixes its messages with its own location; callers report the location separately.</summary>
public static partial class YamlMessages
{
    public static string WithoutLocation(string message) => LocationPrefix().Replace(message, "").Trim();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
