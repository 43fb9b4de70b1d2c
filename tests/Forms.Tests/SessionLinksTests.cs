using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.Tests;

/// <summary>The <c>session:</c> block: which fields the service fills from a session, and where the actions are.</summary>
public sealed class SessionLinksTests
{
    private const string Form = """
        id: record
        title: Record
        purpose: record
        session:
          supervisor: supervisor
          supervisee: supervisee
          date: date
          duration: minutes
          actions: { table: actions, text: action, owner: by-whom, due: by-when }
        sections:
          - id: main
            title: Main
            filledBy: supervisor
            fields:
              - { id: supervisor, type: person, label: Supervisor }
              - { id: supervisee, type: person, label: Supervisee }
              - { id: date, type: date, label: Date }
              - { id: minutes, type: number, label: Minutes }
              - id: actions
                type: table
                label: Actions
                columns:
                  - { id: action, type: text, label: Action }
                  - { id: by-whom, type: text, label: By whom }
                  - { id: by-when, type: date, label: By when }
        """;

    [Fact]
    public void A_form_names_its_session_fields_and_actions_table()
    {
        var result = FormLoader.Load(Form, "record.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var links = result.Definition!.Session!;
        Assert.Equal(("supervisor", "supervisee", "date", "minutes"), (links.Supervisor, links.Supervisee, links.Date, links.Duration));
        Assert.Equal(new ActionLinks("actions", "action", "by-whom", "by-when"), links.Actions);
    }

    [Theory]
    [InlineData("date: date\n", "date: minutes\n", 7, "a number field; it must be a date field")]
    [InlineData("supervisee: supervisee", "supervisee: nobody", 6, "there is no such field")]
    [InlineData("table: actions,", "table: date,", 9, "not a table")]
    [InlineData("due: by-when", "due: by-whom", 9, "must be a date field")]
    [InlineData("owner: by-whom", "owner: who", 9, "not a column")]
    [InlineData("duration: minutes", "length: minutes", 8, "not a setting of session")]
    public void A_wrong_link_is_reported_at_its_line(string find, string replace, int line, string says)
    {
        var result = FormLoader.Load(Form.Replace(find, replace, StringComparison.Ordinal), "tenants/x/forms/record.yaml");
        Assert.Contains(result.Errors, e => e.Line == line && e.Message.Contains(says, StringComparison.Ordinal));
    }
}
