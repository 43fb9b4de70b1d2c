using System.Text.Json.Nodes;
using Jint;
using SupervisionHub.TenantText;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

/// <summary>
/// Plain expressions (ADR 0037) run without the guards and Setup: they must give exactly what the
/// full path gives, and no limit may be lost on the way.
/// </summary>
public sealed class PlainExpressionTests
{
    private static readonly JsSandbox Sandbox = new();

    private static JsonObject Scope() => new()
    {
        ["history"] = new JsonObject
        {
            ["consecutiveMisses"] = 2,
            ["sessionDaysAgo"] = new JsonArray(3, 20, 40),
            ["missDaysAgo"] = new JsonArray(10),
            ["all"] = new JsonObject { ["sessionDaysAgo"] = new JsonArray(3), ["missDaysAgo"] = new JsonArray(), ["count"] = 1 },
        },
        ["event"] = new JsonObject { ["type"] = "session.missed", ["detail"] = null, ["form"] = "supervision-record" },
        ["relationship"] = new JsonObject { ["superviseeIds"] = new JsonArray("a", "b") },
        ["answers"] = new JsonObject
        {
            ["conduct-concern"] = "yes", ["count"] = 3, ["ratio"] = 0.25, ["flag"] = true, ["none"] = null,
            ["case-decisions"] = new JsonArray(new JsonObject { ["child"] = "C0", ["on-case-file"] = "no" }),
            ["text"] = "caf\u00e9 \ud83d\ude00 \"quoted\" \\ \u0001",
        },
        ["vars"] = JsonNode.Parse("""{"2": "two", "1": "one", "__proto__": {"polluted": true}, "negativeZero": -0, "big": 1e300, "nested": [[1, [2]], {"a": [null, false]}]}"""),
        ["tenant"] = new JsonObject
        {
            ["name"] = "Bench",
            ["settings"] = new JsonObject { ["when"] = JsonValue.Create(new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc)), ["money"] = JsonValue.Create(1.50m), ["id"] = JsonValue.Create(Guid.Empty), ["letter"] = JsonValue.Create('x') },
        },
        ["item"] = null,
        ["today"] = "2026-03-02",
    };

    public static TheoryData<string> PlainCases => new()
    {
        "history.consecutiveMisses == 2",
        "history.all",
        "history",
        "history.all.count + history.consecutiveMisses",
        "event.form == 'supervision-record' && event.detail == null",
        "answers['conduct-concern'] == 'yes' || answers['unresolved-issue'] == 'yes'",
        "answers['case-decisions'] + ''",
        "answers['case-decisions']",
        "answers",
        "answers.text",
        "answers.none ?? 'none'",
        "answers.ratio * 4 > answers.count ? 'more' : 'less'",
        "typeof answers.flag + typeof answers.missing + typeof item",
        "relationship.superviseeIds + '|' + relationship.superviseeIds.length",
        "vars",
        "vars[1] + vars['2'] + vars.__proto__.polluted",
        "1 / vars.negativeZero + ''",
        "vars.big * 10",
        "vars.nested + ''",
        "tenant.settings",
        "tenant.settings.money + 1",
        "today > '2026-01-01'",
        "item?.name",
        "-answers.count, !answers.flag, void 0",
        "nothere == 1",
        "event.type.nope.deeper",
    };

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void A_plain_expression_gives_what_the_full_path_gives(string code)
    {
        Assert.NotNull(Verdict(code));
        // The same expression inside a function call is not plain, so it runs with the guards and Setup.
        var full = $"(function () {{ return ({code}); }})()";
        Assert.Null(Verdict(full));
        var plain = Sandbox.Evaluate(code, Scope());
        var guarded = Sandbox.Evaluate(full, Scope());
        Assert.Equal(guarded.Value?.ToJsonString(), plain.Value?.ToJsonString());
        Assert.Equal(guarded.Failure?.Kind, plain.Failure?.Kind);
        Assert.Equal(guarded.Failure?.Message, plain.Failure?.Message);
    }

    [Theory]
    [InlineData("history.sessionsInLast(30) == 2")]        // a call
    [InlineData("history.sessionsInLast")]                 // a name Setup makes
    [InlineData("history['sessionDaysAgo']")]              // a name Setup deletes
    [InlineData("history.all.missDaysAgo")]
    [InlineData("answers[event.type]")]                    // a key worked out at run time
    [InlineData("this.answers")]
    [InlineData("globalThis.answers")]
    [InlineData("typeof Intl")]                            // a global the guards remove
    [InlineData("ArrayBuffer")]
    [InlineData("[answers.text, answers.text] + ''")]      // an array made by the expression
    [InlineData("({ a: 1 })")]
    [InlineData("`${answers.text}`")]
    [InlineData("/a+/")]
    [InlineData("answers.count = 1")]
    [InlineData("answers.count++")]
    [InlineData("delete answers.count")]
    [InlineData("'count' in answers")]
    [InlineData("answers instanceof Object")]
    [InlineData("new Date()")]
    [InlineData("(() => 1)")]
    [InlineData("'x'.repeat(3)")]
    [InlineData("let a = 1; a")]
    [InlineData("1; 2")]
    public void Anything_but_reading_and_comparing_takes_the_full_path(string code)
    {
        Assert.Null(Verdict(code));
    }

    [Fact]
    public void Only_the_scope_a_plain_expression_names_is_put_in()
    {
        var verdict = Verdict("answers['conduct-concern'] == 'yes' && event.form == 'x'");
        Assert.NotNull(verdict);
        Assert.Contains("answers", verdict.Names);
        Assert.Contains("event", verdict.Names);
        Assert.DoesNotContain("history", verdict.Names);
    }

    [Fact]
    public void A_scope_array_too_long_to_join_is_refused_on_the_plain_path_as_on_the_full()
    {
        // Twenty answers of 60,000 characters join to 1.2 million: past JsMaxStringChars, though well under the memory limit.
        var big = new JsonArray([.. Enumerable.Range(0, 20).Select(_ => (JsonNode?)new string('x', 60_000))]);
        var scope = new JsonObject { ["vars"] = new JsonObject { ["big"] = big } };
        foreach (var code in new[] { "'' + vars.big", "vars.big" })
        {
            Assert.NotNull(Verdict(code));
            var outcome = Sandbox.Evaluate(code, (JsonObject)scope.DeepClone());
            Assert.Equal(FailureKind.Memory, outcome.Failure?.Kind);
        }
    }

    [Fact]
    public void The_scope_made_directly_is_what_json_parse_makes_of_its_text()
    {
        var scope = Scope();
        foreach (var name in new[] { "answers", "vars", "tenant", "relationship" })
        {
            scope["text"] = scope[name]!.ToJsonString();
            var same = Sandbox.EvaluateBool($$"""
                (function () {
                  const parsed = JSON.parse(text), made = {{name}};
                  function same(a, b) {
                    if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return false;
                    if (typeof a === 'number') return Object.is(a, b);
                    if (a === null || typeof a !== 'object') return a === b;
                    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
                    const ka = Reflect.ownKeys(a), kb = Reflect.ownKeys(b);
                    if (ka.join('|') !== kb.join('|')) return false;
                    return ka.every(function (k) {
                      const da = Object.getOwnPropertyDescriptor(a, k), db = Object.getOwnPropertyDescriptor(b, k);
                      return da.writable === db.writable && da.enumerable === db.enumerable && da.configurable === db.configurable && same(da.value, db.value);
                    });
                  }
                  return same(made, parsed) && Object.isExtensible(made);
                })()
                """, scope);
            Assert.True(same.Value?.GetValue<bool>(), $"{name}: {same.Failure?.Message}");
        }
    }

    private static PlainExpression? Verdict(string code) =>
        PlainExpression.Of(Jint.Engine.PrepareScript(code, strict: true).Program!);
}
