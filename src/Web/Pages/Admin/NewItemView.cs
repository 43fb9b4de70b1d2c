namespace SupervisionHub.Web.Pages.Admin;

/// <summary>
/// The fields of each "create" page (a form, a rule, an email template): an id, a title or subject,
/// and what to start from. One view for the three, so they ask the same way and show errors the same way.
/// </summary>
public sealed record NewItemView(
    string Kind,
    string IdExample,
    string TitleLabel,
    string TitleHint,
    string BlankLabel,
    IReadOnlyList<(string Value, string Label)> Copies,
    string Id,
    string Title,
    string From);
