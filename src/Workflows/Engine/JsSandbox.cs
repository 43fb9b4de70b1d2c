using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;
using SupervisionHub.TenantText;

namespace SupervisionHub.Workflows.Engine;

public enum FailureKind { Syntax, Timeout, Statements, Memory, Recursion, Runtime }

/// <summary>Why a condition or value could not be worked out, in words an admin can act on.</summary>
public sealed record ConditionFailure(FailureKind Kind, string Message);

/// <summary>The result of evaluating JavaScript: a value (JSON; null for undefined/null) or a failure.</summary>
public sealed record JsOutcome(JsonNode? Value, ConditionFailure? Failure)
{
    public bool Failed => Failure is not null;
}

/// <summary>The limits of one evaluation; the defaults are <see cref="TenantTextLimits"/>'s (tests narrow them).</summary>
public sealed record JsSandboxLimits
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(TenantTextLimits.JsTimeoutMs);
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(TenantTextLimits.JsRegexTimeoutMs);
    public int MaxStatements { get; init; } = TenantTextLimits.JsMaxStatements;
    public long MemoryBytes { get; init; } = TenantTextLimits.JsMemoryBytes;
    public int Recursion { get; init; } = TenantTextLimits.JsMaxRecursion;
    public uint MaxArrayLength { get; init; } = TenantTextLimits.JsMaxArrayLength;
}

/// <summary>
/// Runs conditions and values from workflow definitions with Jint under hard limits (time,
/// statements, memory, recursion, array size), in strict mode, with no CLR access: interop is not
/// enabled and nothing .NET is put into the engine, only values parsed from JSON. A tenant admin
/// writes these expressions; one of them must never hang or crash the worker that runs everyone's.
/// Jint checks time and memory between statements, so what one statement can do is bounded too:
/// regular expressions have a match timeout, the native stack is probed (a deeply nested array's
/// toString overflowed it), and the built-ins that make long strings refuse first (<see cref="JsGuards"/>).
/// </summary>
public sealed class JsSandbox(JsSandboxLimits? limits = null)
{
    private readonly JsSandboxLimits _limits = limits ?? new JsSandboxLimits();

    // history.sessionsInLast(days) and missesInLast(days) are JavaScript over day counts the host
    // passed in (days ago, 0 = today), so no .NET delegate is ever reachable from a condition.
    private const string Setup = """
        (function () {
          function counts(h) {
            if (typeof h !== 'object' || h === null) return;
            const s = Array.isArray(h.sessionDaysAgo) ? h.sessionDaysAgo : [];
            const m = Array.isArray(h.missDaysAgo) ? h.missDaysAgo : [];
            delete h.sessionDaysAgo;
            delete h.missDaysAgo;
            h.sessionsInLast = function (days) { return s.filter(function (a) { return a < days; }).length; };
            h.missesInLast = function (days) { return m.filter(function (a) { return a < days; }).length; };
            Object.freeze(h);
          }
          if (typeof history !== 'object' || history === null) return;
          counts(history.all);
          counts(history);
        })();
        """;

    // Parsing is the same for every run of the same text, so Setup and each expression are parsed
    // once (strict, as the engine would) and the parsed program shared by the fresh engine of each
    // evaluation; the engine, its limits and its values are still new every time. Text that does not
    // prepare (a syntax error) is remembered as such and evaluated unprepared, so its error reads
    // exactly as before. Each prepared text carries its <see cref="PlainExpression"/> verdict.
    private static readonly Prepared<Script> PreparedSetup = Jint.Engine.PrepareScript(Setup, strict: true);
    private static readonly Prepared<Script> PreparedStringify = Jint.Engine.PrepareScript("JSON.stringify(__result)", strict: true);
    private static readonly ConcurrentDictionary<string, PreparedCode?> Prepared = new(StringComparer.Ordinal);
    private const int MaxPrepared = 4096; // expressions come from published definitions; a bound keeps an editor's drafts from growing it forever

    private sealed record PreparedCode(Prepared<Script> Script, PlainExpression? Plain);

    private static PreparedCode? Prepare(string code)
    {
        if (Prepared.TryGetValue(code, out var cached)) return cached;
        PreparedCode? prepared;
        try
        {
            var script = Jint.Engine.PrepareScript(code, strict: true);
            prepared = new(script, script.Program is { } program ? PlainExpression.Of(program) : null);
        }
        catch (Exception) { prepared = null; } // a syntax error: evaluated unprepared, which reports it as it always has
        if (Prepared.Count >= MaxPrepared) Prepared.Clear();
        Prepared[code] = prepared;
        return prepared;
    }

    /// <summary>A plain description of the first syntax error, or null when the code parses. Nothing runs.</summary>
    public static string? SyntaxError(string code)
    {
        if (TooLong(code) is { } tooLong) return tooLong;
        try
        {
            _ = new Parser(new ParserOptions { AllowReturnOutsideFunction = false }).ParseScript(code, strict: true);
            return null;
        }
        catch (ParseErrorException ex)
        {
            return $"JavaScript syntax error at character {ex.Column + 1}: {ex.Description}";
        }
    }

    private static string? TooLong(string code) => code.Length > TenantTextLimits.JsMaxChars
        ? $"The expression is {code.Length:N0} characters long; the most is {TenantTextLimits.JsMaxChars:N0}."
        : null;

    /// <summary>
    /// Evaluates <paramref name="code"/> over <paramref name="scope"/>, within the limits and, when
    /// <paramref name="timeLeft"/> is shorter than the time limit, within that (what is left of a run's budget).
    /// </summary>
    public JsOutcome Evaluate(string code, JsonObject scope, TimeSpan? timeLeft = null)
    {
        if (TooLong(code) is { } tooLong) return new(null, new(FailureKind.Syntax, tooLong));
        var timeout = timeLeft is { } left && left < _limits.Timeout ? left : _limits.Timeout;
        if (timeout <= TimeSpan.Zero) return new(null, new(FailureKind.Timeout, OutOfTime));
        try
        {
            var prepared = Prepare(code);
            var engine = Build(scope, timeout, prepared?.Plain);
            var result = prepared?.Script is { } script ? engine.Evaluate(in script) : engine.Evaluate(code);
            if (result.IsUndefined() || result.IsNull()) return new(null, null);
            if (result.IsBoolean()) return new(JsonValue.Create(result.AsBoolean()), null);
            if (result.IsString()) return new(JsonValue.Create(result.AsString()), null);
            if (result.IsNumber()) return new(JsonValue.Create(result.AsNumber()), null);
            engine.SetValue("__result", result);
            var json = engine.Evaluate(in PreparedStringify);
            return new(json.IsString() ? JsonNode.Parse(json.AsString()) : null, null);
        }
        catch (TimeoutException) when (timeout < _limits.Timeout)
        {
            // Stopped by what was left of the run's budget, not by this expression's own limit.
            return new(null, new(FailureKind.Timeout, OutOfTime));
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            return new(null, failure);
        }
    }

    /// <summary>A condition: true or false by JavaScript's rules (0, "", null and undefined are false).</summary>
    public JsOutcome EvaluateBool(string code, JsonObject scope, TimeSpan? timeLeft = null)
    {
        var outcome = Evaluate(code, scope, timeLeft);
        if (outcome.Failed) return outcome;
        var truthy = outcome.Value switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            JsonValue v when v.TryGetValue<double>(out var d) => d != 0 && !double.IsNaN(d),
            JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
            _ => true,
        };
        return new(JsonValue.Create(truthy), null);
    }

    /// <summary>What a run that has used up its budget is told.</summary>
    public const string OutOfTime = "The rule has used all the time one run may take, so this expression was not worked out.";

    private Jint.Engine Build(JsonObject scope, TimeSpan timeout, PlainExpression? plain)
    {
        var engine = new Jint.Engine(o =>
        {
            o.Strict();
            o.TimeoutInterval(timeout);
            o.MaxStatements(_limits.MaxStatements);
            o.LimitMemory(_limits.MemoryBytes);
            o.LimitRecursion(_limits.Recursion);
            o.Constraints.MaxArraySize = _limits.MaxArrayLength;
            // Jint's default is 10 seconds, and a match runs inside one statement, unseen by the timeout above.
            o.Constraints.RegexTimeout = _limits.RegexTimeout < timeout ? _limits.RegexTimeout : timeout;
            // Recursion through built-ins (a deeply nested array's toString) is not counted by LimitRecursion.
            o.Constraints.StackOverflowGuard = true;
            o.Host.StringCompilationAllowed = false; // no eval, no new Function
        });
        // Nothing in a plain expression can call a built-in or a history function (PlainExpression
        // says why), so the guards and Setup would change nothing it can see; only the scope it names
        // is put in, with the history's day lists left out as Setup would have deleted them. The one
        // built-in it can still reach, an array's toString (and JSON.stringify of its result), is
        // refused by the guards past JsMaxStringChars: a scope that large takes the full path.
        if (plain is not null && JsScope.TextBound(scope.Where(e => plain.Names.Contains(e.Key)).Select(e => e.Value), TenantTextLimits.JsMaxStringChars) <= TenantTextLimits.JsMaxStringChars)
        {
            foreach (var (name, value) in scope)
                if (plain.Names.Contains(name))
                    engine.SetValue(name, JsScope.ToJs(engine, value, withoutDayLists: name == "history"));
            return engine;
        }
        JsGuards.Install(engine);
        foreach (var (name, value) in scope)
            engine.SetValue(name, JsScope.ToJs(engine, value, withoutDayLists: false));
        // Setup only changes a history that is an object; without one it returns at once, so it is not run.
        if (scope["history"] is JsonObject or JsonArray) engine.Execute(in PreparedSetup);
        return engine;
    }

    private static ConditionFailure? Describe(Exception ex) => ex switch
    {
        ParseErrorException p => new(FailureKind.Syntax, $"JavaScript syntax error at character {p.Column + 1}: {p.Description}"),
        System.Text.RegularExpressions.RegexMatchTimeoutException => new(FailureKind.Timeout, "A regular expression took too long and was stopped (does it repeat a repetition, like (a+)+?)."),
        TimeoutException => new(FailureKind.Timeout, "The expression took too long and was stopped (is there an endless loop?)."),
        StatementsCountOverflowException => new(FailureKind.Statements, "The expression ran too many steps and was stopped (is there an endless loop?)."),
        JsSizeLimitException m => new(FailureKind.Memory, "The expression used too much memory and was stopped: " + m.Message),
        MemoryLimitExceededException => new(FailureKind.Memory, "The expression used too much memory and was stopped."),
        OutOfMemoryException => new(FailureKind.Memory, "The expression used too much memory and was stopped."),
        RecursionDepthOverflowException => new(FailureKind.Recursion, "The expression called itself too deeply and was stopped."),
        JavaScriptException j => new(FailureKind.Runtime, "The expression failed: " + j.Message),
        ExecutionCanceledException => new(FailureKind.Timeout, "The expression was stopped."),
        JintException j => new(FailureKind.Runtime, "The expression failed: " + j.Message),
        InvalidOperationException or ArgumentException or InsufficientExecutionStackException => new(FailureKind.Runtime, "The expression failed: " + ex.Message),
        _ => null,
    };
}
