using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Editing;

namespace SupervisionHub.Forms.Tests;

public sealed class FormYamlEditsTests
{
    private const string Yaml = """
        id: test
        title: Test
        # a comment that must stay
        sections:
          - id: one
            title: One
            fields:
              - id: name
                type: text
                label: Your name
              - { id: flow, type: yesNo, label: "Agreed?" }
              - id: notes
                type: longText
                label: Notes   # trailing comment
                required: false

          - id: two
            title: Two
            fields:
              - id: when
                type: date
                label: When
        """;

    private static FormDefinition Load(string text)
    {
        var r = FormLoader.Load(text, "test.yaml");
        Assert.Empty(r.Errors);
        return r.Definition!;
    }

    [Fact]
    public void Rewording_and_requiring_keep_everything_else()
    {
        var e = FormYamlEdits.Reword(Yaml, "name", "Your full name: as on your badge");
        Assert.True(e.Ok);
        Assert.Contains("label: \"Your full name: as on your badge\"", e.Text);
        Assert.Contains("# a comment that must stay", e.Text);
        e = FormYamlEdits.SetRequired(e.Text, "name", true);
        e = FormYamlEdits.SetRequired(e.Text, "flow", true);
        e = FormYamlEdits.SetRequired(e.Text, "notes", true);
        var form = Load(e.Text);
        Assert.Equal("Your full name: as on your badge", form.Field("name")!.Label);
        Assert.True(form.Field("name")!.Required);
        Assert.True(form.Field("flow")!.Required);
        Assert.True(form.Field("notes")!.Required);
        Assert.Contains("label: Notes   # trailing comment", e.Text);
        Assert.Contains("{ id: flow, type: yesNo, label: \"Agreed?\", required: true }", e.Text);
    }

    [Fact]
    public void Moving_swaps_questions_within_their_section()
    {
        var down = FormYamlEdits.Move(Yaml, "name", 1);
        Assert.Equal(["flow", "name", "notes"], Load(down.Text).Sections[0].Fields.Select(f => f.Id));
        var up = FormYamlEdits.Move(down.Text, "notes", -1);
        Assert.Equal(["flow", "notes", "name"], Load(up.Text).Sections[0].Fields.Select(f => f.Id));
        Assert.False(FormYamlEdits.Move(Yaml, "when", 1).Ok);
        Assert.Equal(Yaml, FormYamlEdits.Move(FormYamlEdits.Move(Yaml, "notes", -1).Text, "notes", 1).Text);
    }

    [Fact]
    public void Adding_appends_a_question_with_a_new_id_to_the_section()
    {
        var e = FormYamlEdits.Add(Yaml, "one", "Your name", "text", required: true);
        Assert.True(e.Ok);
        Assert.Equal("your-name", e.FieldId);
        var form = Load(e.Text);
        Assert.Equal(["name", "flow", "notes", "your-name"], form.Sections[0].Fields.Select(f => f.Id));
        Assert.True(form.Field("your-name")!.Required);
        e = FormYamlEdits.Add(e.Text, "two", "Your name", "yesNo", required: false);
        Assert.Equal("your-name-2", e.FieldId);
        Assert.Equal(FieldType.YesNo, Load(e.Text).Field("your-name-2")!.Type);
        Assert.False(FormYamlEdits.Add(Yaml, "one", "Pick", "choice", true).Ok);
        Assert.False(FormYamlEdits.Add("id: [", "one", "X", "text", true).Ok);
    }

    [Fact]
    public void Every_founding_form_survives_an_edit_of_each_question()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        foreach (var path in Directory.GetFiles(Path.Combine(root, "tenants"), "*.yaml", SearchOption.AllDirectories).Where(p => p.Contains("/forms/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(path);
            var form = FormLoader.Load(text, path).Definition!;
            foreach (var f in form.Sections.SelectMany(s => s.Fields).Where(f => f.Type != FieldType.Guidance))
            {
                var edited = FormYamlEdits.SetRequired(FormYamlEdits.Reword(text, f.Id, f.Label + " (changed)").Text, f.Id, !f.Required);
                var reloaded = FormLoader.Load(edited.Text, path);
                Assert.True(reloaded.Errors.Count == 0, $"{path} {f.Id}: {string.Join("; ", reloaded.Errors)}");
                Assert.Equal(f.Label + " (changed)", reloaded.Definition!.Field(f.Id)!.Label);
            }
            if (form.Purpose == FormPurpose.Guidance) continue; // only guidance text there
            var last = form.Sections[^1];
            var added = FormYamlEdits.Add(text, last.Id, "A new question?", "longText", true);
            Assert.True(FormLoader.Load(added.Text, path).IsValid, path);
        }
    }

    [Fact]
    public void The_line_diff_marks_added_and_removed_lines()
    {
        var diff = LineDiff.Compare("a\nb\nc\nd\n", "a\nc\nx\nd\n");
        Assert.Equal(["  a", "- b", "  c", "+ x", "  d"], diff.Select(d => (d.Kind switch { DiffKind.Added => "+ ", DiffKind.Removed => "- ", _ => "  " }) + d.Text));
        Assert.Equal(3, diff[3].NewNumber);
        Assert.Equal(2, diff[1].OldNumber);
        Assert.All(LineDiff.Compare("same\n", "same"), d => Assert.Equal(DiffKind.Same, d.Kind));
    }

    [Fact]
    public void A_guidance_reference_to_nothing_is_reported_at_its_line()
    {
        var text = Yaml.Replace("sections:", "guidance: missing\nsections:", StringComparison.Ordinal);
        var error = Assert.Single(FormLoader.Load(text, "t.yaml", _ => false).Errors);
        Assert.Equal(4, error.Line);
        Assert.Empty(FormLoader.Load(text, "t.yaml", g => g == "missing").Errors);
        Assert.Empty(FormLoader.Load(text, "t.yaml").Errors);
    }
}
