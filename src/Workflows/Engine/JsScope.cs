using System.Text.Json.Nodes;
using Jint.Native;
using Jint.Native.Json;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// The scope's JSON made into JavaScript values directly, the same values JSON.parse would make of
/// its text: serialising each part and parsing it again was about a third of an evaluation.
/// </summary>
internal static class JsScope
{
    // JsonNode's own writer stops at 64 levels; deeper (or any value kind not read below) goes the old way, text and parse, so it behaves as before.
    private const int MaxDepth = 64;

    private static readonly string[] DayLists = ["sessionDaysAgo", "missDaysAgo"];

    /// <summary>
    /// <paramref name="value"/> as JavaScript; <paramref name="withoutDayLists"/> leaves out the
    /// history's day lists (of it and of its <c>all</c>), as the sandbox's Setup would have deleted them.
    /// </summary>
    public static JsValue ToJs(Jint.Engine engine, JsonNode? value, bool withoutDayLists)
    {
        if (value is null) return JsValue.Null;
        if (Convert(engine, value, 0, withoutDayLists ? 2 : 0) is { } direct) return direct;
        var parsed = new JsonParser(engine).Parse(value.ToJsonString());
        if (withoutDayLists && parsed is Jint.Native.Object.ObjectInstance history)
        {
            foreach (var target in new[] { history, history.Get("all") as Jint.Native.Object.ObjectInstance })
                if (target is not null)
                    foreach (var list in DayLists) target.RemoveOwnProperty(list);
        }
        return parsed;
    }

    /// <summary>
    /// At least as many characters as joining any array in <paramref name="values"/> (an array's
    /// toString) or writing any of them as JSON could make, counted as <see cref="JsGuards"/> measures;
    /// stops counting once past <paramref name="limit"/>.
    /// </summary>
    public static long TextBound(IEnumerable<JsonNode?> values, long limit)
    {
        long total = 0;
        var pending = new Stack<JsonNode?>(values);
        while (pending.Count > 0 && total <= limit)
        {
            switch (pending.Pop())
            {
                case JsonObject o:
                    total += 24;
                    foreach (var (key, child) in o) { total += key.Length + 5; pending.Push(child); }
                    break;
                case JsonArray a:
                    total += 24 + a.Count;
                    foreach (var child in a) pending.Push(child);
                    break;
                case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    total += (v.TryGetValue<string>(out var s) ? s.Length : v.ToJsonString().Length) + 2;
                    break;
                default:
                    total += 24; // "[object Object]", a number, true, false, null
                    break;
            }
        }
        return total;
    }

    /// <summary>Null when some part is not plain JSON data this reads (the caller then parses the text).</summary>
    /// <param name="dropLevels">How many levels down the day lists are left out (2: the history and its <c>all</c>).</param>
    private static JsValue? Convert(Jint.Engine engine, JsonNode? node, int depth, int dropLevels)
    {
        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonObject o:
            {
                if (depth >= MaxDepth) return null;
                var result = new JsObject(engine);
                foreach (var (key, child) in o)
                {
                    if (dropLevels > 0 && (key == DayLists[0] || key == DayLists[1])) continue;
                    var inner = Convert(engine, child, depth + 1, dropLevels > 0 && key == "all" ? dropLevels - 1 : 0);
                    if (inner is null) return null;
                    result.FastSetDataProperty(key, inner);
                }
                return result;
            }
            case JsonArray a:
            {
                if (depth >= MaxDepth) return null;
                var items = new JsValue[a.Count];
                for (var i = 0; i < items.Length; i++)
                    if ((items[i] = Convert(engine, a[i], depth + 1, 0)!) is null) return null;
                return new JsArray(engine, items);
            }
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case System.Text.Json.JsonValueKind.String:
                        return v.TryGetValue<string>(out var s) ? new JsString(s) : null;
                    case System.Text.Json.JsonValueKind.Number:
                        // A double holds what JSON.parse would (including -0); other number kinds are read as their text.
                        if (v.TryGetValue<double>(out var d)) return JsNumber.Create(d);
                        if (v.TryGetValue<int>(out var i)) return JsNumber.Create(i);
                        return null;
                    case System.Text.Json.JsonValueKind.True: return JsBoolean.True;
                    case System.Text.Json.JsonValueKind.False: return JsBoolean.False;
                    case System.Text.Json.JsonValueKind.Null: return JsValue.Null;
                    default: return null;
                }
            default:
                return null;
        }
    }
}
