using System.Text.Json.Nodes;
using SupervisionHub.Forms.Building;
using SupervisionHub.Forms.ChildFile;
using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.Tests;

/// <summary>The <c>childFile:</c> block: which records give a summary for the child's file, and what goes in it.</summary>
public sealed class ChildFileTests
{
    private const string Proforma = """
        id: proforma
        title: Case proforma
        purpose: case-proforma
        childFile:
          caseReference: case-ref
          date: met-on
          decisions: [decision, direction, actions]
        sections:
          - id: main
            title: Main
            filledBy: supervisor
            fields:
              - { id: case-ref, type: caseReference, label: Case reference }
              - { id: met-on, type: date, label: Date of supervision }
              - { id: wellbeing, type: longText, label: How are you? }
              - { id: decision, type: longText, label: "Decision:" }
              - id: direction
                type: choice
                label: Concerns
                options: [{ value: up, label: Escalated }, { value: same, label: Stayed the same }]
              - id: actions
                type: table
                label: Actions
                columns:
                  - { id: action, type: text, label: Action }
                  - { id: owner, type: person, label: By whom }
                  - { id: due, type: date, label: By when }
              - { id: sig, type: signature, label: Signed, signer: supervisor }
        """;

    private const string Cases = """
        id: record
        title: Supervision record
        session: { date: date }
        childFile:
          caseReference: cases.case-ref
          decisions: [cases.decision, general]
        sections:
          - id: main
            title: Main
            filledBy: supervisor
            fields:
              - { id: date, type: date, label: Date }
              - { id: general, type: longText, label: General }
              - id: cases
                type: table
                label: Cases
                columns:
                  - { id: case-ref, type: caseReference, label: Case reference }
                  - { id: decision, type: longText, label: Decision }
              - { id: other, type: text, label: Other }
        """;

    [Fact]
    public void A_form_names_its_case_reference_date_and_decisions()
    {
        var result = FormLoader.Load(Proforma, "proforma.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var links = result.Definition!.ChildFile!;
        Assert.Equal(("case-ref", "met-on", null), (links.CaseReference, links.Date, links.CaseTable));
        Assert.Equal(["decision", "direction", "actions"], links.Decisions);
    }

    [Fact]
    public void A_form_without_the_block_gives_no_output()
    {
        var form = FormLoader.Load(Proforma[..Proforma.IndexOf("childFile:", StringComparison.Ordinal)] + Proforma[Proforma.IndexOf("sections:", StringComparison.Ordinal)..], "proforma.yaml");
        Assert.True(form.IsValid, string.Join("\n", form.Errors));
        Assert.Null(form.Definition!.ChildFile);
        Assert.Null(ChildFileSummary.For(form.Definition, [], "r", "Sam", new DateOnly(2026, 12, 4), id => id));
    }

    [Theory]
    [InlineData(Proforma, "caseReference: case-ref", "caseReference: wellbeing", 5, "a longText question; it must be a caseReference question")]
    [InlineData(Proforma, "caseReference: case-ref", "caseReference: nobody", 5, "there is no such question")]
    [InlineData(Proforma, "  caseReference: case-ref\n", "", 5, "childFile needs caseReference")]
    [InlineData(Proforma, "date: met-on", "date: wellbeing", 6, "it must be a date question")]
    [InlineData(Proforma, "[decision, direction, actions]", "[decision, nothing]", 7, "lists 'nothing', but there is no such question")]
    [InlineData(Proforma, "[decision, direction, actions]", "[decision, sig]", 7, "only questions people answer")]
    [InlineData(Proforma, "[decision, direction, actions]", "[decision, decision]", 7, "more than once")]
    [InlineData(Proforma, "[decision, direction, actions]", "[]", 7, "childFile needs decisions")]
    [InlineData(Proforma, "[decision, direction, actions]", "[actions.action]", 7, "columns can be listed only when the case reference is itself a column")]
    [InlineData(Proforma, "decisions:", "decision:", 7, "Did you mean 'decisions'?")]
    [InlineData(Cases, "caseReference: cases.case-ref", "caseReference: cases.decision", 5, "a longText column; it must be a caseReference column")]
    [InlineData(Cases, "caseReference: cases.case-ref", "caseReference: cases.nope", 5, "'cases' has no column 'nope'")]
    [InlineData(Cases, "caseReference: cases.case-ref", "caseReference: general.case-ref", 5, "'general' is not a table")]
    [InlineData(Cases, "[cases.decision, general]", "[cases]", 6, "the table of cases itself")]
    [InlineData(Cases, "[cases.decision, general]", "[cases.nope]", 6, "lists 'cases.nope', but there is no such question")]
    public void A_wrong_child_file_setting_is_reported_at_its_line_in_plain_words(string form, string find, string replace, int line, string says)
    {
        var result = FormLoader.Load(form.Replace(find, replace, StringComparison.Ordinal), "tenants/x/forms/f.yaml");
        Assert.Contains(result.Errors, e => e.Line == line && e.Message.Contains(says, StringComparison.Ordinal));
    }

    [Fact]
    public void The_summary_holds_only_the_named_answers_as_labelled_text_headed_by_the_case_reference()
    {
        var form = FormLoader.Load(Proforma, "proforma.yaml").Definition!;
        var answers = JsonNode.Parse("""
            { "case-ref": "CP-2291", "met-on": "2026-11-30", "wellbeing": "Tired after a hard week",
              "decision": "Refer to children's social care.\nReview at the core group.", "direction": "up",
              "actions": [ { "action": "Make the referral", "owner": "u1", "due": "2026-12-02" } ] }
            """)!.AsObject();
        var summary = ChildFileSummary.For(form, answers, "rec-1", "Sam Supervisor", new DateOnly(2026, 12, 4), id => id == "u1" ? "Pat Lead" : "?")!;
        var text = summary.Text(Assert.Single(summary.Cases));
        Assert.StartsWith("Case reference: CP-2291\nSupervision date: 30 November 2026\n", text, StringComparison.Ordinal);
        Assert.Contains("Decision:\nRefer to children's social care.\nReview at the core group.\n", text, StringComparison.Ordinal);
        Assert.Contains("Concerns:\nEscalated\n", text, StringComparison.Ordinal);
        Assert.Contains("1. Action: Make the referral\n   By whom: Pat Lead\n   By when: 2 December 2026", text, StringComparison.Ordinal);
        Assert.EndsWith("Recorded by: Sam Supervisor\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Tired", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_of_cases_gives_one_summary_per_case_with_only_its_own_row()
    {
        var form = FormLoader.Load(Cases, "record.yaml").Definition!;
        var answers = JsonNode.Parse("""
            { "date": "2026-07-01", "general": "Shared note", "other": "Not for the file",
              "cases": [ { "case-ref": "A-1", "decision": "First" }, { "case-ref": "", "decision": "No case" }, { "case-ref": "B-2", "decision": "Second" } ] }
            """)!.AsObject();
        var summary = ChildFileSummary.For(form, answers, "rec-2", "Sam", new DateOnly(2026, 12, 4), id => id)!;
        Assert.Equal(["A-1", "B-2"], summary.Cases.Select(c => c.CaseReference));
        var second = summary.Text(summary.Cases[1]);
        Assert.Contains("Supervision date: 1 July 2026", second, StringComparison.Ordinal); // session.date when childFile names none
        Assert.Contains("Decision:\nSecond\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("First", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Not for the file", summary.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_builder_reads_and_writes_the_block_unchanged()
    {
        var form = FormLoader.Load(Cases, "record.yaml").Definition!;
        var draft = FormDraft.From(form);
        Assert.Equal("cases.decision\ngeneral", draft.ChildFileDecisions);
        var again = FormLoader.Load(FormYamlWriter.Write(draft.ToDefinition()), "record.yaml");
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(form.ChildFile!.Decisions, again.Definition!.ChildFile!.Decisions);
        Assert.Equal(form.ChildFile.CaseReference, again.Definition.ChildFile.CaseReference);
    }
}
