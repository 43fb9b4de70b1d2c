using System.Diagnostics;
using System.Text.Json.Nodes;
using SupervisionHub.TenantText;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

/// <summary>
/// Issue 15 item 2: what one statement can do inside the sandbox is bounded too. Each attack runs with
/// a ten-second clock, as on a machine fast enough to do much more in the usual 200 ms, so it is the
/// memory and size limits that must stop it; the bytes this thread allocated prove nothing large was
/// made. Before the guards, the first case allocated 512 MB and the join cases 1 to 8 GB, and the
/// nested array ended the test process with a stack overflow.
/// </summary>
public sealed class JsSandboxLimitsTests
{
    private static readonly JsSandbox Patient = new(new JsSandboxLimits { Timeout = TimeSpan.FromSeconds(10), MaxStatements = 100_000 });
    private const long SmallAllocation = 100L * 1024 * 1024; // the 16 MB memory limit plus one refused statement's worth, with room

    static JsSandboxLimitsTests() => Patient.Evaluate("[1, 2].join() + 'x'.repeat(2)", new JsonObject());

    private const string Copies = "let s = 'x'.repeat(20000); let b = new Array(60000).fill(s); ";

    public static TheoryData<string> Attacks => new()
    {
        "'x'.repeat(268435456).length > 0", // the issue's
        "''.padStart(268435456, 'x').length",
        Copies + "b.join('').length",
        Copies + "String(b).length",
        Copies + "(b + '').length",
        Copies + "`${b}`.length",
        Copies + "new Error(b).message.length",
        Copies + "JSON.stringify(b).length",
        Copies + "String.raw({ raw: b }).length",
        Copies + "b.toLocaleString().length",
        Copies + "''.concat(...b).length",
        "let s = 'x'.repeat(1000000); let inner = [s]; new Array(60000).fill(inner).join('').length",
        "'x'.repeat(60000).replace(/x/g, 'y'.repeat(20000)).length",
        "'x'.repeat(60000).replaceAll('x', 'y'.repeat(20000)).length",
        "'x'.repeat(60000).replace(/x/g, () => 'y'.repeat(20000)).length",
        "new ArrayBuffer(1500000000).byteLength",
        "new Uint8Array(1500000000).length",
        Copies + "new Intl.ListFormat('en').format(b).length",
        "(() => { try { return 'x'.repeat(1e9).length } catch (e) { return 'caught' } })()",
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void A_statement_that_would_make_a_huge_string_or_buffer_is_refused_before_it_allocates(string code)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var outcome = Patient.Evaluate(code, new JsonObject());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(outcome.Failed, $"it answered {outcome.Value?.ToJsonString()}");
        Assert.True(allocated < SmallAllocation, $"allocated {allocated / 1024 / 1024} MB");
        Assert.DoesNotContain("Exception", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_catastrophic_regular_expression_is_stopped_by_its_match_timeout()
    {
        var clock = Stopwatch.StartNew();
        var outcome = Patient.Evaluate("/^(a+)+$/.test('a'.repeat(40) + '!')", new JsonObject()); // about 10 s before
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal(FailureKind.Timeout, outcome.Failure?.Kind);
        Assert.Contains("regular expression", outcome.Failure!.Message);
    }

    [Theory]
    [InlineData("(() => { let a = []; for (let i = 0; i < 9000; i++) a = [a]; return String(a).length })()")]
    [InlineData("(() => { let a = []; for (let i = 0; i < 9000; i++) a = [a]; return a.join().length })()")]
    [InlineData("(() => { let a = []; for (let i = 0; i < 9000; i++) a = [a]; return a == 'x' })()")]
    [InlineData("String(Array.from({ length: 60000 }).reduce(x => [x], [])).length")]
    public void Recursion_through_built_ins_fails_as_an_evaluation_not_a_stack_overflow(string code)
    {
        var outcome = Patient.Evaluate(code, new JsonObject());
        Assert.True(outcome.Failed, $"it answered {outcome.Value?.ToJsonString()}");
    }

    [Fact]
    public void Arrays_nested_past_the_join_depth_are_refused_the_same_whatever_the_stack()
    {
        static string Nested(int depth) => $"(() => {{ let a = []; for (let i = 1; i < {depth}; i++) a = [a]; return String(a).length }})()";
        var deepest = Patient.Evaluate(Nested(TenantTextLimits.JsMaxJoinDepth), new JsonObject());
        Assert.False(deepest.Failed, deepest.Failure?.Message);
        Assert.Equal("0", deepest.Value?.ToJsonString());
        // On a thread with a large stack (a new one of 64 MB) as on the test's own: the probe alone let this join there.
        foreach (var stack in new[] { 0, 64 * 1024 * 1024 })
        {
            JsOutcome? refused = null;
            var thread = new Thread(() => refused = Patient.Evaluate(Nested(TenantTextLimits.JsMaxJoinDepth + 1), new JsonObject()), stack);
            thread.Start();
            thread.Join();
            Assert.Equal(FailureKind.Runtime, refused?.Failure?.Kind);
            Assert.Contains($"nested more than {TenantTextLimits.JsMaxJoinDepth:N0} deep", refused!.Failure!.Message);
        }
    }

    [Fact]
    public void An_expression_over_the_length_limit_is_refused_as_a_syntax_problem_without_running()
    {
        var code = "1 + " + string.Join(" + ", Enumerable.Repeat("1", TenantTextLimits.JsMaxChars / 4));
        Assert.Contains("characters long", JsSandbox.SyntaxError(code));
        Assert.Equal(FailureKind.Syntax, Patient.Evaluate(code, new JsonObject()).Failure?.Kind);
    }

    [Fact]
    public void A_run_with_little_time_left_gives_its_expression_only_that()
    {
        var clock = Stopwatch.StartNew();
        var outcome = new JsSandbox(new JsSandboxLimits { MaxStatements = int.MaxValue }).Evaluate("while (true) {}", new JsonObject(), TimeSpan.FromMilliseconds(30));
        Assert.Equal(FailureKind.Timeout, outcome.Failure?.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal(JsSandbox.OutOfTime, new JsSandbox().Evaluate("1", new JsonObject(), TimeSpan.Zero).Failure?.Message);
    }

    [Theory]
    [InlineData("'ab'.repeat(3)", "ababab")]
    [InlineData("'5'.padStart(3, '0') + 'x'.padEnd(3, '-')", "005x--")]
    [InlineData("[1, [2, 3], null, 'a'].join('-')", "1-2,3--a")]
    [InlineData("String([1, [2, [3]]])", "1,2,3")]
    [InlineData("(() => { const a = [1]; a.push(a); return String(a) })()", "1,")]
    [InlineData("'a-b-c'.replace('-', '+')", "a+b-c")]
    [InlineData("'aXbX'.replaceAll('X', '[$&]')", "a[X]b[X]")]
    [InlineData("'abc'.replace(/b/g, '($&)')", "a(b)c")]
    [InlineData("'abc'.replace(/b/, m => m.toUpperCase())", "aBc")]
    [InlineData("'a'.concat('b', 1, null)", "ab1null")]
    [InlineData("String.raw({ raw: ['x', 'y', 'z'] }, 1, 2)", "x1y2z")]
    [InlineData("JSON.stringify({ a: [1, 'x'], b: { c: true } })", "{\"a\":[1,\"x\"],\"b\":{\"c\":true}}")]
    [InlineData("[1, 2].toLocaleString()", "1,2")]
    [InlineData("typeof ArrayBuffer + typeof Intl", "undefinedundefined")]
    public void Ordinary_uses_of_the_guarded_built_ins_give_the_usual_answers(string code, string expected)
    {
        var outcome = Patient.Evaluate(code, new JsonObject());
        Assert.Null(outcome.Failure?.Message);
        Assert.Equal(expected, outcome.Value!.GetValue<string>());
    }
}
