using SupervisionHub.Tests;
using SupervisionHub.Workflows.Building;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Building;

public sealed class ConditionRowsTests
{
    private static ConditionRow Row(string what, string op, string value, string? question = null) => new() { What = what, Operator = op, Value = value, Question = question };

    [Fact]
    public void Rows_compile_to_the_javascript_the_engine_runs()
    {
        Assert.Equal("history.consecutiveMisses == 2", ConditionRows.Compile(false, [Row("history.consecutiveMisses", "==", "2")]));
        Assert.Equal("answers['unresolved-issue'] == 'yes' || answers['conduct-concern'] == 'yes'",
            ConditionRows.Compile(true, [Row("answers", "==", "yes", "unresolved-issue"), Row("answers", "==", "yes", "conduct-concern")]));
        Assert.Equal("history.daysSinceLastSession != null && history.daysSinceLastSession > 90",
            ConditionRows.Compile(false, [Row("history.daysSinceLastSession", ">", "90")]));
        Assert.Equal("(history.daysSinceLastSession != null && history.daysSinceLastSession > 90) || history.status == 'overdue'",
            ConditionRows.Compile(true, [Row("history.daysSinceLastSession", ">", "90"), Row("history.status", "==", "overdue")]));
    }

    [Fact]
    public void A_typed_value_cannot_break_out_of_its_string()
    {
        var js = ConditionRows.Compile(false, [Row("event.detail", "==", "x' || true || '\\")]);
        Assert.Equal("event.detail == 'x\\' || true || \\'\\\\'", js);
        var parsed = ConditionRows.Parse(js);
        Assert.NotNull(parsed);
        Assert.Equal("x' || true || '\\", Assert.Single(parsed.Value.Rows).Value);
    }

    [Fact]
    public void What_the_rows_compile_to_runs_in_the_sandbox_as_meant()
    {
        var sandbox = new JsSandbox();
        var js = ConditionRows.Compile(false, [Row("history.consecutiveMisses", ">=", "2"), Row("history.daysSinceLastSession", ">", "30")]);
        var scope = new System.Text.Json.Nodes.JsonObject { ["history"] = new System.Text.Json.Nodes.JsonObject { ["consecutiveMisses"] = 2, ["daysSinceLastSession"] = null } };
        Assert.False(sandbox.EvaluateBool(js, scope).Value!.GetValue<bool>());
        scope["history"]!["daysSinceLastSession"] = 45;
        Assert.True(sandbox.EvaluateBool(js, scope).Value!.GetValue<bool>());
    }

    [Theory]
    [InlineData("relationship != null && relationship.type.indexOf('clinical') == 0")]
    [InlineData("a == 1 && b == 2 || c == 3")]
    [InlineData("history.nonsense == 2")]
    [InlineData("history.consecutiveMisses == '2'")]
    [InlineData("history.daysSinceLastSession > 90")]
    [InlineData("answers['x'] == 'yes' && (")]
    public void What_rows_cannot_say_stays_javascript(string js) => Assert.Null(ConditionRows.Parse(js));

    private static List<string> Conditions() =>
        [.. Structural.TenantFiles("workflows")
            .Select(file => WorkflowLoader.Load(File.ReadAllText(Path.Combine(Structural.Root(), file)), file).Definition!)
            .SelectMany(d => d.AllSteps().OfType<IfStep>().Select(s => s.Condition).Prepend(d.Condition).OfType<string>()).Distinct()];

    public static TheoryData<string> FoundingConditions() => [.. Conditions()];

    [Theory]
    [MemberData(nameof(FoundingConditions))]
    public void Every_founding_condition_opens_as_rows_that_say_it_exactly_or_stays_javascript(string js)
    {
        if (ConditionRows.Parse(js) is { } parsed) Assert.Equal(js, ConditionRows.Compile(parsed.Any, parsed.Rows));
    }
}
