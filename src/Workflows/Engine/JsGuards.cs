using System.Runtime.CompilerServices;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using SupervisionHub.TenantText;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// What Jint's own limits do not stop, stopped before it happens. Jint checks memory and time between
/// statements, so one built-in call that makes a huge string runs to the end first: 'x'.repeat(268435456)
/// allocated 512 MB, and join, String(array), JSON.stringify, String.raw and Intl.ListFormat over 60,000
/// copies of one string allocated 1 to 8 GB. Each built-in that can make a string much longer than
/// its inputs is replaced by one that works out the length first and refuses past
/// <see cref="TenantTextLimits.JsMaxStringChars"/>; binary buffers (a gigabyte in one statement) and
/// Intl are removed. A refusal is a <see cref="JsSizeLimitException"/>: the script cannot
/// catch it, and the sandbox reports it as too much memory.
/// </summary>
/// <summary>A built-in refused to make a string or join an array past the limits (see <see cref="JsGuards"/>).</summary>
internal sealed class JsSizeLimitException(string message) : Exception(message);

internal static class JsGuards
{
    private const int Max = TenantTextLimits.JsMaxStringChars;

    // Conditions compare numbers and strings: none needs binary data or locale formatting.
    internal static readonly string[] Removed =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Intl",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "BigInt64Array", "BigUint64Array", "Float16Array", "Float32Array", "Float64Array",
    ];

    public static void Install(Jint.Engine engine)
    {
        foreach (var name in Removed) engine.Global.RemoveOwnProperty(name);

        var strings = Prototype(engine, "String");
        var arrays = Prototype(engine, "Array");
        var regExps = Prototype(engine, "RegExp");

        Wrap(engine, strings, "repeat", 1, (original, self, args) =>
        {
            if (!Coercible(self)) return engine.Call(original, self, args); // its own TypeError
            var s = TypeConverter.ToString(self);
            var count = TypeConverter.ToIntegerOrInfinity(Arg(args, 0));
            if (count > 0 && s.Length * count > Max) throw TooLong((double)s.Length * count);
            return engine.Call(original, self, args);
        });
        foreach (var name in new[] { "padStart", "padEnd" })
            Wrap(engine, strings, name, 2, (original, self, args) =>
            {
                var length = TypeConverter.ToLength(Arg(args, 0));
                if (length > Max) throw TooLong(length);
                return engine.Call(original, self, args);
            });
        Wrap(engine, strings, "concat", 1, (original, self, args) =>
        {
            if (!Coercible(self)) return engine.Call(original, self, args);
            var parts = new List<string> { TypeConverter.ToString(self) };
            long total = parts[0].Length;
            foreach (var a in args)
            {
                parts.Add(TypeConverter.ToString(a));
                if ((total += parts[^1].Length) > Max) throw TooLong(total);
            }
            return string.Concat(parts);
        });
        Wrap(engine, strings, "replace", 2, (original, self, args) => ReplaceByString(engine, original, self, args, all: false));
        Wrap(engine, strings, "replaceAll", 2, (original, self, args) => ReplaceByString(engine, original, self, args, all: true));
        var symbolReplace = GlobalSymbolRegistryReplace();
        var regExpReplace = regExps.Get(symbolReplace);
        regExps.FastSetProperty(symbolReplace, new PropertyDescriptor(new ClrFunction(engine, "[Symbol.replace]", (self, args) =>
        {
            var replacement = Arg(args, 1);
            if (!replacement.IsCallable())
            {
                var s = TypeConverter.ToString(Arg(args, 0));
                var global = self is ObjectInstance rx && TypeConverter.ToBoolean(rx.Get("global"));
                CheckReplacement(s, global ? s.Length + 1 : 1, TypeConverter.ToString(replacement));
            }
            return engine.Call(regExpReplace, self, args);
        }, 2), PropertyFlag.NonEnumerable));

        var joining = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        Wrap(engine, arrays, "join", 1, (original, self, args) =>
        {
            if (self is not ObjectInstance array) return engine.Call(original, self, args); // a primitive: no longer than itself
            var separator = Arg(args, 0).IsUndefined() ? "," : TypeConverter.ToString(args[0]);
            return Join(joining, array, separator, element => TypeConverter.ToString(element));
        });
        Wrap(engine, arrays, "toLocaleString", 0, (original, self, args) =>
        {
            if (self is not ObjectInstance array) return engine.Call(original, self, args);
            return Join(joining, array, ",", element => TypeConverter.ToString(engine.Call(engine.GetValue(element, "toLocaleString"), element, [])));
        });

        var stringConstructor = engine.GetValue("String").AsObject();
        Wrap(engine, stringConstructor, "raw", 1, (original, self, args) =>
        {
            if (Arg(args, 0) is not ObjectInstance template || template.Get("raw") is not ObjectInstance raw) return engine.Call(original, self, args); // its own TypeError
            var length = TypeConverter.ToLength(raw.Get("length"));
            if (length > TenantTextLimits.JsMaxArrayLength) throw TooLong(length);
            var text = new StringBuilder();
            for (var i = 0UL; i < length; i++)
            {
                text.Append(TypeConverter.ToString(raw.Get(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                if (i + 1 < length && (int)i + 1 < args.Length) text.Append(TypeConverter.ToString(args[(int)i + 1]));
                if (text.Length > Max) throw TooLong(text.Length);
            }
            return text.ToString();
        });

        var json = engine.GetValue("JSON").AsObject();
        Wrap(engine, json, "stringify", 3, (original, self, args) =>
        {
            // Plain data is measured before it is written; a replacer or toJSON runs as script, where the memory limit applies.
            var space = Arg(args, 2);
            var indent = space.IsNumber() ? Math.Clamp(TypeConverter.ToIntegerOrInfinity(space), 0, 10) : space.IsString() ? Math.Min(space.AsString().Length, 10) : 0;
            if (Measure(Arg(args, 0), indent) > Max) throw TooLong(Max + 1L);
            return engine.Call(original, self, args);
        });
    }

    private static ObjectInstance Prototype(Jint.Engine engine, string constructor) =>
        engine.GetValue(constructor).AsObject().Get("prototype").AsObject();

    private static JsSymbol GlobalSymbolRegistryReplace() => Jint.Native.Symbol.GlobalSymbolRegistry.Replace;

    private static void Wrap(Jint.Engine engine, ObjectInstance target, string name, int length, Func<JsValue, JsValue, JsValue[], JsValue> body)
    {
        var original = target.Get(name);
        target.FastSetProperty(name, new PropertyDescriptor(new ClrFunction(engine, name, (self, args) => body(original, self, args), length), PropertyFlag.NonEnumerable));
    }

    private static JsValue Arg(JsValue[] args, int i) => i < args.Length ? args[i] : JsValue.Undefined;

    private static bool Coercible(JsValue value) => !value.IsNull() && !value.IsUndefined();

    private static JsSizeLimitException TooLong(double length) =>
        new($"A string of {length:N0} characters would be made; the most one expression may make is {Max:N0}.");

    /// <summary>String.prototype.replace and replaceAll with a string pattern (a regular expression goes through RegExp.prototype[Symbol.replace]).</summary>
    private static JsValue ReplaceByString(Jint.Engine engine, JsValue original, JsValue self, JsValue[] args, bool all)
    {
        var search = Arg(args, 0);
        var replacement = Arg(args, 1);
        if (search is ObjectInstance || replacement.IsCallable() || !Coercible(self)) return engine.Call(original, self, args);
        var s = TypeConverter.ToString(self);
        var pattern = TypeConverter.ToString(search);
        long matches = !all ? (s.Contains(pattern, StringComparison.Ordinal) ? 1 : 0)
            : pattern.Length == 0 ? s.Length + 1 : Occurrences(s, pattern);
        CheckReplacement(s, matches, TypeConverter.ToString(replacement));
        return engine.Call(original, self, args);
    }

    private static long Occurrences(string s, string pattern)
    {
        long n = 0;
        for (var i = s.IndexOf(pattern, StringComparison.Ordinal); i >= 0; i = s.IndexOf(pattern, i + pattern.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>The longest the result can be: each match becomes the replacement, where $&amp;, $1, $` and $' can each bring back the whole input.</summary>
    private static void CheckReplacement(string s, long matches, string replacement)
    {
        var perMatch = replacement.Contains('$', StringComparison.Ordinal) ? (double)replacement.Length * Math.Max(1, s.Length) : replacement.Length;
        var longest = s.Length + matches * perMatch;
        if (longest > Max) throw TooLong(longest);
    }

    /// <summary>Array.prototype.join as the standard has it, counting as it goes; an array inside itself joins as "" (as browsers do).</summary>
    private static JsValue Join(HashSet<ObjectInstance> joining, ObjectInstance o, string separator, Func<JsValue, string> text)
    {
        // Nested arrays join by recursion through toString; a 9,000-deep one overflowed the stack. The depth is
        // counted (the arrays being joined are the levels) so the answer does not depend on the thread's stack.
        if (joining.Count >= TenantTextLimits.JsMaxJoinDepth && !joining.Contains(o))
            throw new InvalidOperationException($"Arrays nested more than {TenantTextLimits.JsMaxJoinDepth:N0} deep cannot be joined into text.");
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (!joining.Add(o)) return "";
        try
        {
            var length = TypeConverter.ToLength(o.Get("length"));
            if (length > TenantTextLimits.JsMaxArrayLength) throw new JsSizeLimitException($"An array of {length:N0} items cannot be joined; the most is {TenantTextLimits.JsMaxArrayLength:N0}.");
            var result = new StringBuilder();
            for (var i = 0UL; i < length; i++)
            {
                if (i > 0) result.Append(separator);
                var element = o.Get(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (!element.IsNull() && !element.IsUndefined()) result.Append(text(element));
                if (result.Length > Max) throw TooLong(result.Length);
            }
            return result.ToString();
        }
        finally
        {
            joining.Remove(o);
        }
    }

    /// <summary>
    /// About how many characters JSON.stringify would write for plain data (strings, numbers, arrays and
    /// objects; an accessor counts as nothing, since reading it runs script), stopping once past the limit.
    /// Walked with a stack of its own, not by recursion, and each object once (a cycle is stringify's own error).
    /// </summary>
    private static long Measure(JsValue root, double indent)
    {
        var seen = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(JsValue Value, int Depth)>();
        pending.Push((root, 0));
        long total = 0;
        while (pending.Count > 0 && total <= Max)
        {
            var (value, depth) = pending.Pop();
            if (value.IsString()) { total += value.AsString().Length + 2; continue; }
            if (value is not ObjectInstance o || value.IsCallable()) { total += 24; continue; }
            if (!seen.Add(o)) { total += 24; continue; }
            foreach (var (key, descriptor) in o.GetOwnProperties())
            {
                if (!descriptor.Enumerable || key.IsSymbol()) continue;
                total += (long)((o.IsArray() ? 1 : key.ToString().Length + 4) + indent * (depth + 1) + 1);
                if (!descriptor.IsAccessorDescriptor() && descriptor.Value is { } child) pending.Push((child, depth + 1));
                if (total > Max) break;
            }
        }
        return total;
    }
}
