using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.Tests;

public sealed class FormLoaderTests
{
    private const string Valid = """
        id: sample
        title: Sample record
        purpose: record
        sections:
          - id: main
            title: Main
            filledBy: supervisor
            fields:
              - id: date
                type: date
                label: Date of supervision
                required: true
              - id: concern
                type: yesNo
                label: Was a concern raised?
              - id: details
                type: longText
                label: Details
                showWhen: { field: concern, equals: "yes" }
              - id: minutes
                type: number
                label: Duration
                min: 15
                max: 240
              - id: kind
                type: choice
                label: Kind
                options: [one-to-one, group]
              - id: actions
                type: table
                label: Actions
                minRows: 0
                maxRows: 10
                columns:
                  - { id: action, type: text, label: Action, required: true }
                  - { id: by-when, type: date, label: By when }
              - id: signed
                type: signature
                label: Supervisor's signature
                signer: supervisor
        """;

    [Fact]
    public void A_valid_definition_loads()
    {
        var result = FormLoader.Load(Valid, "sample.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(7, result.Definition!.Fields.Count());
    }

    [Fact]
    public void Json_is_accepted_too()
    {
        const string json = """
            {"id": "j", "title": "J", "sections": [{"id": "s", "title": "S", "filledBy": "anyone",
              "fields": [{"id": "a", "type": "text", "label": "A"}]}]}
            """;
        Assert.True(FormLoader.Load(json, "j.json").IsValid);
    }

    public static TheoryData<string, string, string, int> Broken => new()
    {
        // what is broken, text to find in Valid, what replaces it, the line the error must point at
        { "unknown field type", "type: yesNo", "type: yesOrNo", 14 },
        { "duplicate field id", "- id: minutes", "- id: date", 20 },
        { "condition naming a missing field", "field: concern,", "field: concerned,", 19 },
        { "min above max", "min: 15", "min: 300", 23 },
        { "misspelt setting with a suggestion", "maxRows: 10", "maxRow: 10", 33 },
        { "setting of another type", "label: Duration\n", "label: Duration\n        maxLength: 5\n", 23 },
        { "choice without options", "options: [one-to-one, group]", "hint: none", 25 },
        { "minRows above maxRows", "minRows: 0", "minRows: 20", 32 },
        { "missing label", "label: Was a concern raised?", "hint: Was a concern raised?", 13 },
        { "bad id", "- id: kind", "- id: Kind Of", 25 },
        { "unknown filler", "filledBy: supervisor", "filledBy: headteacher", 7 },
        { "signature in another party's section", "signer: supervisor", "signer: supervisee", 37 },
        { "table column of a type a table cannot hold", "type: date, label: By when", "type: table, label: By when", 36 },
        { "condition testing a yes/no for something else", "equals: \"yes\"", "equals: \"maybe\"", 19 },
        { "invalid YAML", "title: Sample record", "title: [Sample record", 2 },
        { "number that is not a number", "max: 240", "max: lots", 24 },
        { "date bound in the wrong form", "label: Date of supervision\n", "label: Date of supervision\n        min: yesterday\n", 12 },
        { "condition naming a value that is not an option", "label: Actions\n", "label: Actions\n        showWhen: { field: kind, equals: team }\n", 32 },
        { "condition on a later answer", "field: concern,", "field: minutes,", 19 },
        { "column condition on a later column", "{ id: action, type: text, label: Action, required: true }", "{ id: action, type: text, label: Action, required: true, showWhen: { field: by-when, notEmpty: true } }", 35 },
        { "column condition on nothing", "{ id: by-when, type: date, label: By when }", "{ id: by-when, type: date, label: By when, showWhen: { field: risk, equals: high } }", 36 },
        { "column condition on a value that is not an option", "{ id: by-when, type: date, label: By when }", "{ id: by-when, type: date, label: By when, showWhen: { field: kind, equals: team } }", 36 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_broken_definition_gets_a_located_plain_message(string broken, string find, string replace, int line)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        var result = FormLoader.Load(Valid.Replace(find, replace, StringComparison.Ordinal), "tenants/x/forms/sample.yaml");
        Assert.True(result.Errors.Any(e => e.Line == line), $"{broken}: expected an error at line {line}, got:\n{string.Join('\n', result.Errors)}");
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("tenants/x/forms/sample.yaml", e.File);
            Assert.True(e.Column >= 1);
            Assert.DoesNotContain("Exception", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Messages_say_what_to_do()
    {
        var result = FormLoader.Load(Valid.Replace("maxRows: 10", "maxRow: 10", StringComparison.Ordinal), "f.yaml");
        Assert.Contains(result.Errors, e => e.Message == "'maxRow' is not a setting of a table field. Did you mean 'maxRows'?");
        var later = FormLoader.Load(Valid.Replace("field: concern,", "field: minutes,", StringComparison.Ordinal), "f.yaml");
        Assert.Contains(later.Errors, e => e.Message.Contains("comes later in the form", StringComparison.Ordinal));
    }

    [Fact]
    public void A_column_may_show_only_when_another_answer_in_its_row_or_an_earlier_question_holds()
    {
        var text = Valid.Replace("{ id: by-when, type: date, label: By when }",
            "{ id: risk, type: choice, label: Risk, options: [low, high] }\n"
            + "          - { id: escalated, type: yesNo, label: Escalated?, showWhen: { field: risk, equals: high } }\n"
            + "          - { id: group-note, type: text, label: Group note, showWhen: { field: kind, equals: group } }", StringComparison.Ordinal)
            .Replace("label: Actions\n", "label: Actions\n        rowLabel: Action\n", StringComparison.Ordinal);
        var result = FormLoader.Load(text, "f.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var table = result.Definition!.Field("actions")!;
        Assert.True(table.IsSibling("risk"));
        Assert.False(table.IsSibling("kind"));
        Assert.Equal("Action 2", table.RowName(1));
        Assert.Equal("Actions, row 2", (table with { RowLabel = null }).RowName(1));
    }
}
