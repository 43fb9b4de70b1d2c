using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.TenantText;

/// <summary>
/// YAML text that breaks one of <see cref="TenantTextLimits"/>: a <see cref="YamlException"/> with the
/// place, so every reader's existing handling reports it at its line like a syntax error.
/// </summary>
public sealed class YamlLimitException(Mark start, Mark end, string message) : YamlException(start, end, message);

/// <summary>
/// The one way a tenant's YAML is read. YamlDotNet builds trees (and deserialises) by recursion, one
/// level per nesting level, and a stack overflow cannot be caught in .NET: 100,000 [ in a title ended
/// the process. So the text is first walked as YamlDotNet's event stream, which is a loop, counting
/// size, depth and values (an alias counts as a copy of what it names); the walk stops at the first
/// breach, before anything recursive runs. Its scanner is also slow on deep flow nesting (seconds for
/// 16,000 levels), which stopping at the limit avoids. A syntax error is left to the reader, which
/// reports it as it always has: up to that point the text is within the limits.
/// </summary>
public static class TenantYaml
{
    /// <summary>Throws <see cref="YamlLimitException"/> at the place the text breaks a limit; nothing otherwise.</summary>
    public static void CheckLimits(string? text)
    {
        text ??= "";
        if (text.Length > TenantTextLimits.YamlMaxChars)
        {
            var at = MarkAt(text, TenantTextLimits.YamlMaxChars);
            throw new YamlLimitException(at, at,
                $"This text is {text.Length:N0} characters long; the most the service reads in one file is {TenantTextLimits.YamlMaxChars:N0}. Shorten it or split it into several.");
        }
        var parser = new Parser(new StringReader(text));
        var open = new Stack<(string? Anchor, long NodesBefore, int Depth, int Deepest)>();
        var anchors = new Dictionary<string, (long Nodes, int Depth)>(StringComparer.Ordinal);
        long nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                switch (e)
                {
                    case SequenceStart or MappingStart:
                        nodes++;
                        var depth = open.Count + 1;
                        if (depth > TenantTextLimits.YamlMaxDepth) throw TooDeep(e);
                        open.Push((((NodeEvent)e).Anchor.IsEmpty ? null : ((NodeEvent)e).Anchor.Value, nodes - 1, depth, depth));
                        break;
                    case SequenceEnd or MappingEnd when open.Count > 0:
                        var closed = open.Pop();
                        if (closed.Anchor is { } name) anchors[name] = (nodes - closed.NodesBefore, closed.Deepest - closed.Depth + 1);
                        Deepen(open, closed.Deepest);
                        break;
                    case Scalar s:
                        nodes++;
                        if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = (1, 0);
                        break;
                    case AnchorAlias alias:
                        // An alias stands for a whole copy of what it names, wherever the tree is walked.
                        var (copied, copiedDepth) = anchors.GetValueOrDefault(alias.Value.Value, (1, 0));
                        nodes += copied;
                        if (open.Count + copiedDepth > TenantTextLimits.YamlMaxDepth) throw TooDeep(e);
                        Deepen(open, open.Count + copiedDepth);
                        break;
                }
                if (nodes > TenantTextLimits.YamlMaxNodes)
                    throw new YamlLimitException(e.Start, e.End,
                        $"This has more than {TenantTextLimits.YamlMaxNodes:N0} values (each use of an alias such as *name counts as a copy of what it names); the service reads no more.");
            }
        }
        catch (YamlLimitException)
        {
            throw;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // A syntax error: the reader reports it, with its own words and place.
        }
    }

    /// <summary>The text as a YAML stream, after <see cref="CheckLimits"/>; throws <see cref="YamlException"/> as YamlDotNet does.</summary>
    public static YamlStream Load(string? text)
    {
        CheckLimits(text);
        var stream = new YamlStream();
        stream.Load(new StringReader(text ?? ""));
        return stream;
    }

    private static YamlLimitException TooDeep(ParsingEvent e) =>
        new(e.Start, e.End, $"This is nested more than {TenantTextLimits.YamlMaxDepth} levels deep here; the service does not read deeper nesting.");

    private static void Deepen(Stack<(string? Anchor, long NodesBefore, int Depth, int Deepest)> open, int deepest)
    {
        if (open.Count == 0 || open.Peek().Deepest >= deepest) return;
        var top = open.Pop();
        open.Push(top with { Deepest = deepest });
    }

    private static Mark MarkAt(string text, int index)
    {
        long line = 1, column = 1;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return new Mark(index, line, column);
    }
}
