using SupervisionHub.Forms.Building;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Tests;

namespace SupervisionHub.Forms.Tests.Building;

/// <summary>The builder reads a form into the model and writes it back: every form under tenants/ must survive that unchanged in meaning.</summary>
public sealed class FormRoundTripTests
{
    public static TheoryData<string> Files => [.. Structural.TenantFiles("forms")];

    [Fact]
    public void There_are_forms_to_round_trip() => Assert.NotEmpty(Files);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_form_under_tenants_round_trips_through_the_builder(string file)
    {
        var original = FormLoader.Load(File.ReadAllText(Path.Combine(Structural.Root(), file)), file);
        Assert.True(original.IsValid, string.Join("\n", original.Errors));

        var written = FormYamlWriter.Write(FormDraft.From(original.Definition!).ToDefinition());
        var again = FormLoader.Load(written, file);

        Assert.True(again.IsValid, string.Join("\n", again.Errors) + "\n" + written);
        Assert.Null(Structural.Difference(original.Definition, again.Definition));
        // Canonical: writing again gives the same text.
        Assert.Equal(written, FormYamlWriter.Write(again.Definition!));
    }

    [Fact]
    public void Text_that_reads_as_another_type_or_spans_lines_is_written_so_it_reads_back_the_same()
    {
        var form = new FormDefinition
        {
            Id = "f", Title = "yes", Description = "Line one\nline two: with colon\n",
            Sections = [new FormSection { Id = "s", Title = "10", Fields = [
                new FieldDefinition { Id = "a", Type = FieldType.Choice, Label = "# not a comment: really", Options = [new("true", "True"), new("no", "no")] },
                new FieldDefinition { Id = "b", Type = FieldType.Text, Label = "'quoted' \"both\"", ShowWhen = new Condition("a", "no", null, false) },
            ] }],
        };
        var again = FormLoader.Load(FormYamlWriter.Write(form), "f.yaml");
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Null(Structural.Difference(form, again.Definition));
    }
}
