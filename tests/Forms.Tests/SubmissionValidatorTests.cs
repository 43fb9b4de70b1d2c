using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Submissions;

namespace SupervisionHub.Forms.Tests;

public sealed class SubmissionValidatorTests
{
    private static readonly FormDefinition Form = FormLoader.Load("""
        id: r
        title: Record
        sections:
          - id: s
            title: S
            filledBy: supervisor
            fields:
              - { id: date, type: date, label: Date of supervision, required: true, max: today }
              - { id: concern, type: yesNo, label: Was a concern raised?, required: true }
              - { id: details, type: longText, label: Details of the concern, required: true, showWhen: { field: concern, equals: "yes" } }
              - { id: minutes, type: number, label: Duration, min: 15, max: 240 }
              - id: actions
                type: table
                label: Actions
                minRows: 1
                columns:
                  - { id: action, type: text, label: Action, required: true }
                  - { id: by-when, type: date, label: By when }
          - id: t
            title: T
            filledBy: supervisee
            fields:
              - { id: reflection, type: longText, label: Your reflection, required: true }
        """, "r.yaml").Definition!;

    private static readonly ValidationContext Supervisor = new(SampleAnswers.Today, new HashSet<Filler> { Filler.Supervisor }, Submitting: true);

    [Fact]
    public void Every_missing_and_wrong_answer_is_named()
    {
        var answers = new JsonObject
        {
            ["date"] = "2027-01-01",
            ["concern"] = "yes",
            ["minutes"] = "5",
            ["actions"] = new JsonArray(new JsonObject { ["action"] = "", ["by-when"] = "2026-02-30" }),
        };
        var errors = SubmissionValidator.Validate(Form, answers, Supervisor);
        Assert.Equal(
            ["date", "details", "minutes", "actions[0].action", "actions[0].by-when"],
            errors.Select(e => e.Path));
        Assert.Contains(errors, e => e.Message == "Enter details of the concern");
        Assert.Contains(errors, e => e.Message == "'Duration' must be 15 or more");
        Assert.Contains(errors, e => e.Message == "Actions, row 1: Enter action");
    }

    [Fact]
    public void A_hidden_field_is_not_required_and_not_kept()
    {
        var answers = new JsonObject { ["date"] = "2026-11-20", ["concern"] = "no", ["details"] = "left over", ["actions"] = new JsonArray(new JsonObject { ["action"] = "Read policy" }) };
        Assert.Empty(SubmissionValidator.Validate(Form, answers, Supervisor));
        Assert.Null(SubmissionValidator.Clean(Form, answers)["details"]);
    }

    [Fact]
    public void Only_the_persons_own_sections_are_checked()
    {
        var supervisee = Supervisor with { FilledBy = new HashSet<Filler> { Filler.Supervisee } };
        var errors = SubmissionValidator.Validate(Form, new JsonObject(), supervisee);
        Assert.Equal(["reflection"], errors.Select(e => e.Path));
    }

    [Fact]
    public void A_draft_may_be_incomplete_but_not_malformed()
    {
        var draft = Supervisor with { Submitting = false };
        Assert.Empty(SubmissionValidator.Validate(Form, new JsonObject { ["concern"] = "yes" }, draft));
        Assert.Equal(["minutes"], SubmissionValidator.Validate(Form, new JsonObject { ["minutes"] = "lots" }, draft).Select(e => e.Path));
    }

    [Fact]
    public void Each_member_answers_their_own_section_and_every_members_answers_are_kept()
    {
        var group = FormLoader.Load("""
            id: g
            title: Group agreement
            sections:
              - id: terms
                title: Terms
                filledBy: supervisor
                fields:
                  - { id: venue, type: text, label: Venue, required: true }
              - id: mine
                title: Each supervisee
                filledBy: each-member
                fields:
                  - { id: expects, type: longText, label: What you expect, required: true }
            """, "g.yaml").Definition!;
        var answers = new JsonObject
        {
            ["venue"] = "Room 2",
            [SubmissionValidator.MembersKey] = new JsonObject { ["ann"] = new JsonObject { ["expects"] = "Reflection." } },
        };
        var member = new ValidationContext(SampleAnswers.Today, new HashSet<Filler> { Filler.EachMember }, Submitting: true, MemberId: "bob");
        Assert.Equal(["expects"], SubmissionValidator.Validate(group, answers, member).Select(e => e.Path));
        Assert.Empty(SubmissionValidator.Validate(group, answers, member with { MemberId = "ann" }));

        answers[SubmissionValidator.MembersKey]!["bob"] = new JsonObject { ["expects"] = "Challenge.", ["stray"] = "dropped" };
        var cleaned = SubmissionValidator.Clean(group, answers);
        Assert.Equal("Reflection.", cleaned[SubmissionValidator.MembersKey]!["ann"]!["expects"]!.GetValue<string>());
        Assert.Equal("Challenge.", cleaned[SubmissionValidator.MembersKey]!["bob"]!["expects"]!.GetValue<string>());
        Assert.Null(cleaned[SubmissionValidator.MembersKey]!["bob"]!["stray"]);
    }

    private static readonly FormDefinition Cases = FormLoader.Load("""
        id: c
        title: Case discussions
        sections:
          - id: s
            title: S
            filledBy: supervisor
            fields:
              - { id: early-help, type: number, label: Early Help cases, required: true }
              - id: cases
                type: table
                label: Case discussions
                rowLabel: Case discussion
                columns:
                  - { id: case-ref, type: caseReference, label: Case reference, required: true, pattern: "^[A-Z]{2}[0-9]{4}$", patternMessage: Enter a reference like AB1234 }
                  - { id: risk, type: choice, label: Risk, options: [low, high], required: true }
                  - { id: escalated, type: yesNo, label: Escalated?, required: true, showWhen: { field: risk, equals: high } }
        """, "c.yaml").Definition!;

    [Fact]
    public void A_column_shown_by_its_row_is_required_in_that_row_alone_and_hidden_answers_are_dropped_per_row()
    {
        var answers = new JsonObject
        {
            ["early-help"] = "2",
            ["cases"] = new JsonArray(
                new JsonObject { ["case-ref"] = "AB1234", ["risk"] = "low", ["escalated"] = "yes" },
                new JsonObject { ["case-ref"] = "CD5678", ["risk"] = "high" }),
        };
        var errors = SubmissionValidator.Validate(Cases, answers, Supervisor);
        var error = Assert.Single(errors);
        Assert.Equal("cases[1].escalated", error.Path);
        Assert.Equal("Case discussion 2: Answer the question: Escalated?", error.Message);

        ((JsonObject)answers["cases"]![1]!)["escalated"] = "no";
        Assert.Empty(SubmissionValidator.Validate(Cases, answers, Supervisor));
        var kept = SubmissionValidator.Clean(Cases, answers)["cases"]!.AsArray();
        Assert.Null(kept[0]!["escalated"]); // row 1 is low risk: its stray answer is not kept
        Assert.Equal("no", kept[1]!["escalated"]!.ToString());
    }

    [Fact]
    public void Two_bad_rows_give_two_messages_that_say_which_row()
    {
        var answers = new JsonObject
        {
            ["early-help"] = "1",
            ["cases"] = new JsonArray(
                new JsonObject { ["case-ref"] = "bad", ["risk"] = "low" },
                new JsonObject { ["case-ref"] = "also bad", ["risk"] = "low" }),
        };
        var messages = SubmissionValidator.Validate(Cases, answers, Supervisor).Select(e => e.Message).ToList();
        Assert.Equal(["Case discussion 1: Enter a reference like AB1234", "Case discussion 2: Enter a reference like AB1234"], messages);
    }

    [Theory]
    [InlineData("Early Help cases", "Enter Early Help cases")]
    [InlineData("Date of supervision", "Enter date of supervision")]
    [InlineData("DSL name", "Enter DSL name")]
    [InlineData("Name of the DSL", "Enter name of the DSL")]
    [InlineData("Reflection", "Enter reflection")]
    public void Messages_keep_the_labels_own_capitals(string label, string message)
    {
        var form = Cases with { Sections = [Cases.Sections[0] with { Fields = [Cases.Field("early-help")! with { Label = label, Type = FieldType.Text }] }] };
        Assert.Equal(message, Assert.Single(SubmissionValidator.Validate(form, new JsonObject(), Supervisor)).Message);
    }
}
