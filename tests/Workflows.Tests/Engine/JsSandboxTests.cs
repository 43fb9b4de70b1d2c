using System.Diagnostics;
using System.Text.Json.Nodes;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

public sealed class JsSandboxTests
{
    private static readonly JsSandbox Sandbox = new();

    // The first Jint engine in a process spends a second or two being compiled; the limits are
    // about the expression, so the timed tests start warm.
    static JsSandboxTests() => Sandbox.Evaluate("[1, 2].map(function (x) { return { x: 'y' + x }; })", new JsonObject());

    private static JsonObject Scope() => new()
    {
        ["history"] = new JsonObject
        {
            ["consecutiveMisses"] = 2,
            ["sessionDaysAgo"] = new JsonArray(3, 20, 40),
            ["missDaysAgo"] = new JsonArray(10),
        },
        ["event"] = new JsonObject { ["type"] = "session.missed", ["detail"] = null },
        ["today"] = "2026-03-02",
    };

    [Fact]
    public void A_condition_reads_the_history_and_its_functions()
    {
        Assert.True(Sandbox.EvaluateBool("history.consecutiveMisses >= 2 && history.sessionsInLast(30) == 2 && history.missesInLast(7) == 0", Scope()).Value!.GetValue<bool>());
    }

    [Theory]
    [InlineData("while(true){}", FailureKind.Statements)]
    [InlineData("for(;;){ let a = 1; }", FailureKind.Statements)]
    [InlineData("new Array(1e9).fill(1)", FailureKind.Memory)]
    [InlineData("let s = 'x'; while (true) s += s;", FailureKind.Memory)]
    [InlineData("'x'.repeat(1e9)", FailureKind.Memory)] // refused before it is made (JsGuards)
    [InlineData("let a = []; while (true) a.push('y'.repeat(10000) + a.length);", FailureKind.Memory)]
    [InlineData("function f(n) { return f(n + 1); } f(0)", FailureKind.Recursion)]
    public void A_runaway_expression_is_stopped_quickly_with_a_plain_message(string code, FailureKind expected)
    {
        // A generous clock, so that on a busy machine the limit under test is the one that stops it.
        var sandbox = new JsSandbox(new JsSandboxLimits { Timeout = TimeSpan.FromSeconds(10) });
        var clock = Stopwatch.StartNew();
        var outcome = sandbox.Evaluate(code, Scope());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.NotNull(outcome.Failure);
        Assert.Equal(expected, outcome.Failure!.Kind);
        Assert.DoesNotContain("Exception", outcome.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slow_loop_under_the_statement_limit_is_stopped_by_the_clock()
    {
        var sandbox = new JsSandbox(new JsSandboxLimits { MaxStatements = int.MaxValue, Timeout = TimeSpan.FromMilliseconds(100) });
        var clock = Stopwatch.StartNew();
        var outcome = sandbox.Evaluate("while(true){}", Scope());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        Assert.Equal(FailureKind.Timeout, outcome.Failure!.Kind);
    }

    [Theory]
    [InlineData("typeof System")]
    [InlineData("typeof importNamespace")]
    [InlineData("typeof clrHelper")]
    [InlineData("typeof require")]
    [InlineData("typeof host")]
    public void A_condition_cannot_reach_the_clr(string code)
    {
        Assert.Equal("undefined", Sandbox.Evaluate(code, Scope()).Value!.GetValue<string>());
    }

    [Theory]
    [InlineData("eval('1+1')")]
    [InlineData("new Function('return 1')()")]
    [InlineData("System.IO.File.Exists('x')")]
    [InlineData("history.consecutiveMisses = 5")]
    public void Escapes_and_changes_fail_as_a_runtime_error(string code)
    {
        Assert.Equal(FailureKind.Runtime, Sandbox.Evaluate(code, Scope()).Failure?.Kind);
    }

    [Fact]
    public void A_syntax_error_is_found_without_running_anything()
    {
        Assert.Null(JsSandbox.SyntaxError("history.consecutiveMisses >= 2"));
        Assert.Contains("syntax error", JsSandbox.SyntaxError("history.consecutiveMisses >=")!, StringComparison.Ordinal);
    }
}
