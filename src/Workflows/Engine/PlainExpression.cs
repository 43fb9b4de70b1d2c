using Acornima;
using Acornima.Ast;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// An expression that only reads and compares: names, members with fixed keys, string, number,
/// boolean and null literals, and the unary, binary, logical and conditional operators (most
/// conditions, e.g. <c>answers['conduct-concern'] == 'yes' || history.consecutiveMisses &gt;= 2</c>).
/// It calls nothing, builds no array, object, function, template or regular expression, assigns and
/// deletes nothing, and reaches no global by a computed name. So no guarded built-in can run in it
/// except an array's toString when it adds a scope array to a string, and that string is no longer
/// than the scope's own data, which the host made. The sandbox evaluates such an expression without
/// installing <see cref="JsGuards"/> and without running Setup (ADR 0037); every Jint limit still applies.
/// Anything else, or a name the guards or Setup change (a removed global, the history functions and
/// day lists), takes the full path. The verdict is made once, when the text is prepared.
/// </summary>
internal sealed class PlainExpression
{
    /// <summary>The identifiers and string keys it mentions: only these scope entries are put in.</summary>
    public required HashSet<string> Names { get; init; }

    private static readonly HashSet<string> Unsafe = new(
        ["globalThis", "sessionsInLast", "missesInLast", "sessionDaysAgo", "missDaysAgo", .. JsGuards.Removed], StringComparer.Ordinal);

    public static PlainExpression? Of(Script script)
    {
        if (script.Body.Count != 1 || script.Body[0] is not ExpressionStatement statement) return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Node>();
        pending.Push(statement.Expression);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            switch (node)
            {
                case Identifier id:
                    if (Unsafe.Contains(id.Name)) return null;
                    names.Add(id.Name);
                    continue;
                case StringLiteral text:
                    if (Unsafe.Contains(text.Value)) return null;
                    names.Add(text.Value);
                    continue;
                case NumericLiteral or BooleanLiteral or NullLiteral:
                    continue;
                case MemberExpression { Computed: true, Property: not (StringLiteral or NumericLiteral) }:
                    return null; // a key worked out at run time could name anything
                case MemberExpression or ConditionalExpression or LogicalExpression or ChainExpression or ParenthesizedExpression or SequenceExpression:
                    break;
                case NonLogicalBinaryExpression binary when binary.Operator is not (Operator.In or Operator.InstanceOf):
                    break;
                case UnaryExpression unary when unary.Operator is not Operator.Delete && unary.Type == NodeType.UnaryExpression:
                    break;
                default:
                    return null;
            }
            foreach (var child in node.ChildNodes) pending.Push(child);
        }
        return new PlainExpression { Names = names };
    }
}
