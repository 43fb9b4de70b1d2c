using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Building;

/// <summary>One row: what (a ConditionVocabulary path; for an answer, also the question), a comparison, a value.</summary>
public sealed class ConditionRow
{
    public string What { get; set; } = "history.consecutiveMisses";
    public string? Question { get; set; }
    public string Operator { get; set; } = "==";
    public string? Value { get; set; }
}

/// <summary>
/// A condition as rows joined by all (&amp;&amp;) or any (||), compiled to the JavaScript the engine runs,
/// and read back from JavaScript when the expression has the rows' shape, so existing rules open as
/// rows when they can and in the JavaScript box when they cannot. Compile(Parse(js)) gives js back
/// exactly for the shapes Parse accepts (a test holds every founding condition to that).
/// </summary>
public static partial class ConditionRows
{
    [GeneratedRegex(@"^(?<what>[a-z]+\.[A-Za-z]+|answers\['(?<q>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)'\]) (?<op>==|!=|>=|<=|>|<) (?<value>'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?)$")]
    private static partial Regex Term();

    [GeneratedRegex(@"^(?<what>[a-z]+\.[A-Za-z]+) != null$")]
    private static partial Regex Guard();

    public static string Compile(bool any, IEnumerable<ConditionRow> rows)
    {
        var parts = rows.Where(r => !string.IsNullOrWhiteSpace(r.What)).Select(r => CompileRow(r, any)).ToList();
        return string.Join(any ? " || " : " && ", parts);
    }

    private static string CompileRow(ConditionRow row, bool any)
    {
        var term = ConditionVocabulary.Find(row.What);
        var left = row.What == ConditionVocabulary.AnswerPath ? $"answers['{(row.Question ?? "").Trim()}']" : row.What;
        var value = (row.Value ?? "").Trim();
        var literal = term?.Kind == TermKind.Number && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _)
            ? value
            : "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        var text = $"{left} {row.Operator} {literal}";
        // A count that is null until there is something to count: null > 90 is false in JavaScript, but say so.
        if (term is { MayBeEmpty: true } && row.Operator is not ("==" or "!="))
            return any ? $"({left} != null && {text})" : $"{left} != null && {text}";
        return text;
    }

    /// <summary>The rows an expression says, or null when it says more than rows can (then the JavaScript box shows it).</summary>
    public static (bool Any, List<ConditionRow> Rows)? Parse(string? js)
    {
        if (string.IsNullOrWhiteSpace(js)) return (false, []);
        var ands = Split(js.Trim(), "&&");
        var ors = Split(js.Trim(), "||");
        if (ands is null || ors is null) return null;
        if (ands.Count > 1 && ors.Count > 1) return null;
        var any = ors.Count > 1;
        var rows = new List<ConditionRow>();
        var parts = any ? ors : ands;
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (any && part.StartsWith('(') && part.EndsWith(')'))
            {
                // Only a guarded comparison is written in brackets.
                var inner = Split(part[1..^1], "&&");
                if (inner is not [var g, var t] || Guarded(g, t) is not { } guarded) return null;
                rows.Add(guarded);
                continue;
            }
            if (!any && i + 1 < parts.Count && Guarded(part, parts[i + 1]) is { } pair)
            {
                rows.Add(pair);
                i++;
                continue;
            }
            if (Row(part) is not { } row) return null;
            if (ConditionVocabulary.Find(row.What) is { MayBeEmpty: true } && row.Operator is not ("==" or "!=")) return null;
            rows.Add(row);
        }
        return (any, rows);
    }

    private static ConditionRow? Guarded(string guard, string test)
    {
        var g = Guard().Match(guard);
        if (!g.Success || ConditionVocabulary.Find(g.Groups["what"].Value) is not { MayBeEmpty: true }) return null;
        return Row(test) is { } row && row.What == g.Groups["what"].Value && row.Operator is not ("==" or "!=") ? row : null;
    }

    private static ConditionRow? Row(string text)
    {
        var m = Term().Match(text);
        if (!m.Success) return null;
        var question = m.Groups["q"].Success ? m.Groups["q"].Value : null;
        var what = question is null ? m.Groups["what"].Value : ConditionVocabulary.AnswerPath;
        var term = ConditionVocabulary.Find(what);
        if (term is null) return null;
        var raw = m.Groups["value"].Value;
        var quoted = raw.StartsWith('\'');
        // A number compared as text, or text as a number, would not compile back the same.
        if (quoted == (term.Kind == TermKind.Number && decimal.TryParse(Unquote(raw), NumberStyles.Number, CultureInfo.InvariantCulture, out _))) return null;
        return new ConditionRow { What = what, Question = question, Operator = m.Groups["op"].Value, Value = quoted ? Unquote(raw) : raw };
    }

    private static string Unquote(string literal)
    {
        if (!literal.StartsWith('\'')) return literal;
        var sb = new StringBuilder();
        for (var i = 1; i < literal.Length - 1; i++)
        {
            if (literal[i] == '\\' && i + 1 < literal.Length - 1) i++;
            sb.Append(literal[i]);
        }
        return sb.ToString();
    }

    /// <summary>Splits at the operator outside quotes and brackets, each part trimmed; null when quotes or brackets do not close.</summary>
    private static List<string>? Split(string text, string op)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < text.Length && text[end] != c) end += text[end] == '\\' ? 2 : 1;
                if (end >= text.Length) return null;
                i = end;
            }
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') { if (--depth < 0) return null; }
            else if (depth == 0 && string.CompareOrdinal(text, i, op, 0, op.Length) == 0)
            {
                parts.Add(text[start..i].Trim());
                start = i + op.Length;
                i += op.Length - 1;
            }
        }
        if (depth != 0) return null;
        parts.Add(text[start..].Trim());
        return parts;
    }
}
