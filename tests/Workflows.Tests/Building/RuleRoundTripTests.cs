using SupervisionHub.Tests;
using SupervisionHub.Workflows.Building;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Building;

/// <summary>The rule builder reads a rule into its model and writes it back: every rule under tenants/ must survive that unchanged in meaning.</summary>
public sealed class RuleRoundTripTests
{
    public static TheoryData<string> Files => [.. Structural.TenantFiles("workflows")];

    [Fact]
    public void There_are_rules_to_round_trip() => Assert.NotEmpty(Files);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_rule_under_tenants_round_trips_through_the_builder(string file)
    {
        var original = WorkflowLoader.Load(File.ReadAllText(Path.Combine(Structural.Root(), file)), file);
        Assert.True(original.IsValid, string.Join("\n", original.Errors));

        var written = WorkflowYamlWriter.Write(RuleDraft.From(original.Definition!).ToDefinition());
        var again = WorkflowLoader.Load(written, file);

        Assert.True(again.IsValid, string.Join("\n", again.Errors) + "\n" + written);
        Assert.Null(Structural.Difference(original.Definition, again.Definition, "", nameof(WorkflowDefinition.Positions)));
        Assert.Equal(written, WorkflowYamlWriter.Write(again.Definition!));
    }
}

public sealed class StructuralTests
{
    [Fact]
    public void The_comparison_finds_a_change_deep_inside_a_nested_step()
    {
        var file = Structural.TenantFiles("workflows").First();
        var d = WorkflowLoader.Load(File.ReadAllText(Path.Combine(Structural.Root(), file)), file).Definition!;
        var draft = RuleDraft.From(d);
        Assert.Null(Structural.Difference(d, draft.ToDefinition(), "", nameof(WorkflowDefinition.Positions)));
        draft.Steps[^1] = new StepDraft { Id = draft.Steps[^1].Id, Kind = "note", Text = "changed" };
        Assert.NotNull(Structural.Difference(d, draft.ToDefinition(), "", nameof(WorkflowDefinition.Positions)));
        var wait = new WaitStep("w", "session.booked", WaitMatch.Relationship, new WaitTimeout(10), [new NoteStep("n", "a")], []);
        Assert.NotNull(Structural.Difference(wait, wait with { OnEvent = [new NoteStep("n", "b")] }));
    }
}
