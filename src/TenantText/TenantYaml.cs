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
/// the process. So every reader pulls YamlDotNet's event stream through <see cref="Bounded"/>, which
/// counts size, depth and values as the events pass (an alias counts as a copy of what it names) and
/// throws at the first breach, before the reader's recursion goes one level deeper. Counting in the
/// same pass as the reader, not in a walk of its own first, keeps reading as fast as it was before
/// the limits (the walk doubled every parse). Its scanner is also slow on deep flow nesting (seconds
/// for 16,000 levels), which stopping at the limit avoids. A syntax error is the reader's, worded as
/// it always has been: up to that point the text is within the limits.
/// </summary>
public static class TenantYaml
{
    /// <summary>Throws <see cref="YamlLimitException"/> at the place the text breaks a limit; nothing otherwise.</summary>
    public static void CheckLimits(string? text)
    {
        var parser = Bounded(text);
        try
        {
            while (parser.MoveNext()) { }
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

    /// <summary>The text as a YAML stream, read within the limits; throws <see cref="YamlException"/> as YamlDotNet does.</summary>
    public static YamlStream Load(string? text)
    {
        var stream = new YamlStream();
        stream.Load(Bounded(text));
        return stream;
    }

    /// <summary>
    /// A parser over <paramref name="text"/> that throws <see cref="YamlLimitException"/> at the first
    /// event past a limit: give it to a deserialiser (<c>IDeserializer.Deserialize(IParser)</c>) or a
    /// <see cref="YamlStream"/>. The length is checked before anything is read.
    /// </summary>
    public static IParser Bounded(string? text)
    {
        text ??= "";
        if (text.Length > TenantTextLimits.YamlMaxChars)
        {
            var at = MarkAt(text, TenantTextLimits.YamlMaxChars);
            throw new YamlLimitException(at, at,
                $"This text is {text.Length:N0} characters long; the most the service reads in one file is {TenantTextLimits.YamlMaxChars:N0}. Shorten it or split it into several.");
        }
        return new BoundedParser(new Parser(new StringReader(text)));
    }

    private sealed class BoundedParser(IParser inner) : IParser
    {
        private readonly Stack<(string? Anchor, long NodesBefore, int Depth, int Deepest)> _open = new();
        private readonly Dictionary<string, (long Nodes, int Depth)> _anchors = new(StringComparer.Ordinal);
        private long _nodes;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            var e = inner.Current!;
            switch (e)
            {
                case SequenceStart or MappingStart:
                    _nodes++;
                    var depth = _open.Count + 1;
                    if (depth > TenantTextLimits.YamlMaxDepth) throw TooDeep(e);
                    _open.Push((((NodeEvent)e).Anchor.IsEmpty ? null : ((NodeEvent)e).Anchor.Value, _nodes - 1, depth, depth));
                    break;
                case SequenceEnd or MappingEnd when _open.Count > 0:
                    var closed = _open.Pop();
                    if (closed.Anchor is { } name) _anchors[name] = (_nodes - closed.NodesBefore, closed.Deepest - closed.Depth + 1);
                    Deepen(_open, closed.Deepest);
                    break;
                case Scalar s:
                    _nodes++;
                    if (!s.Anchor.IsEmpty) _anchors[s.Anchor.Value] = (1, 0);
                    break;
                case AnchorAlias alias:
                    // An alias stands for a whole copy of what it names, wherever the tree is walked.
                    var (copied, copiedDepth) = _anchors.GetValueOrDefault(alias.Value.Value, (1, 0));
                    _nodes += copied;
                    if (_open.Count + copiedDepth > TenantTextLimits.YamlMaxDepth) throw TooDeep(e);
                    Deepen(_open, _open.Count + copiedDepth);
                    break;
            }
            if (_nodes > TenantTextLimits.YamlMaxNodes)
                throw new YamlLimitException(e.Start, e.End,
                    $"This has more than {TenantTextLimits.YamlMaxNodes:N0} values (each use of an alias such as *name counts as a copy of what it names); the service reads no more.");
            return true;
        }
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
