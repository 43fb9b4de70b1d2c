using System.Globalization;
using System.Text.RegularExpressions;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// Fluid's parse errors ("End of tag '}}' was expected at (1:34)") in words for the admin who wrote
/// the template: what is wrong, where (line and character), and what to do. Kept apart from
/// <see cref="LiquidText"/> so the limits that govern rendering and the wording of errors change apart.
/// </summary>
public static partial class LiquidMessages
{
    [GeneratedRegex(@"^(?<what>.*?) at \((?<line>\d+):(?<column>\d+)\)", RegexOptions.Singleline)]
    private static partial Regex Located();

    [GeneratedRegex(@"^'\{% end(?<tag>\w+) %\}' was expected$")]
    private static partial Regex NotClosed();

    [GeneratedRegex(@"^Invalid '(?<tag>\w+)' tag$")]
    private static partial Regex InvalidTag();

    [GeneratedRegex(@"^Unknown tag '(?<tag>\w+)'$")]
    private static partial Regex UnknownTag();

    [GeneratedRegex(@"^An identifier was expected after the '(?<tag>\w+)' tag$")]
    private static partial Regex NameMissing();

    /// <param name="fluidError">The parser's message, with or without its "Source:" lines.</param>
    /// <param name="lineOffset">Lines before the parsed text in what the admin sees (an email's body follows its subject line).</param>
    /// <param name="columnOffset">Characters before the parsed text on its first line (the subject follows "subject: ").</param>
    public static string Explain(string fluidError, int lineOffset = 0, int columnOffset = 0)
    {
        var message = fluidError.Split('\n')[0].Trim();
        if (Located().Match(message) is not { Success: true } m) return $"The template could not be read: {message}";
        var what = m.Groups["what"].Value.Trim();
        var line = int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture);
        var column = int.Parse(m.Groups["column"].Value, CultureInfo.InvariantCulture) + (line == 1 ? columnOffset : 0);
        line += lineOffset;
        var where = $"on line {line}, near character {column}";

        if (what == "End of tag '}}' was expected")
            return $"The template has an unfinished {{{{ }}}} {where}: close it with }}}}.";
        if (what == "End of tag '%}' was expected")
            return $"The template has an unfinished {{% %}} {where}: close it with %}}.";
        if (NotClosed().Match(what) is { Success: true } closed)
        {
            var tag = closed.Groups["tag"].Value;
            return $"The template has a {{% {tag} %}} that is never closed (the text ends {where}): add {{% end{tag} %}} where it should end.";
        }
        if (what == "Not end tag found for {% raw %}")
            return $"The template has a {{% raw %}} that is never closed ({where}): add {{% endraw %}} where it should end.";
        if (InvalidTag().Match(what) is { Success: true } invalid)
        {
            var tag = invalid.Groups["tag"].Value;
            var example = tag switch
            {
                "if" or "elsif" or "unless" => $": it needs a condition, like {{% {tag} supervisee.name %}}",
                "for" or "tablerow" => ": it needs a name and a list, like {% for action in actions %}",
                "case" => ": it needs a value to compare, like {% case status %}",
                "when" => ": it needs a value, like {% when \"overdue\" %}",
                _ => "",
            };
            return $"The {{% {tag} %}} {where} is not written as Liquid expects{example}.";
        }
        if (UnknownTag().Match(what) is { Success: true } unknown)
        {
            var tag = unknown.Groups["tag"].Value;
            return tag.StartsWith("end", StringComparison.Ordinal) && tag.Length > 3
                ? $"The template has a {{% {tag} %}} {where} with no {{% {tag[3..]} %}} before it: remove it, or add the {{% {tag[3..]} %}} it closes."
                : $"The template has a {{% {tag} %}} {where}, which Liquid does not know: check its spelling, or remove it.";
        }
        if (what == "An identifier was expected after the '|' sign")
            return $"The template has a | with no filter after it {where}: name the filter, like {{{{ session.date | date: \"%d %B %Y\" }}}}, or remove the |.";
        if (what == "An identifier was expected after '{%'")
            return $"The template has an empty {{% %}} {where}: write a tag in it, or remove it.";
        if (NameMissing().Match(what) is { Success: true } name)
            return $"The {{% {name.Groups["tag"].Value} %}} {where} needs a name after it, like {{% assign due = session.date %}}.";
        if (what == "A value was expected")
            return $"Something is missing in the {{{{ }}}} {where}: write a name, like {{{{ supervisee.name }}}}, or text in matching quotes.";
        return $"The template could not be read {where}: {what}.";
    }
}
