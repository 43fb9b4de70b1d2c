using System.Text.RegularExpressions;

namespace SupervisionHub.Web.Configuration;

/// <summary>
/// What a tenant admin types to start a new form, rule or email template: the id's rules (one
/// place, with the words the pages show), and the starting texts: a skeleton that checks, or a copy
/// of one of the tenant's own with its id and title replaced line for line (comments and layout kept).
/// Nothing here is saved: the text goes to the kind's editor, and publishing it is the only way in
/// (docs/adr/0014-creating-configuration.md).
/// </summary>
public static partial class NewConfigurationItem
{
    public const int MaxTitleLength = 200;

    /// <summary>The ids the loaders accept and the tenants/ folder uses as file names.</summary>
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex IdPattern();

    /// <summary>"new" is the address of each "create" page, so no item may be called that.</summary>
    private static readonly HashSet<string> Reserved = new(["new"], StringComparer.Ordinal);

    /// <summary>Why an id cannot name a new item of <paramref name="kind"/> ("form", "rule", "email template"), or null when it can.</summary>
    public static string? IdProblem(string? id, string kind, Func<string, bool> exists)
    {
        if (string.IsNullOrWhiteSpace(id)) return $"Enter an id for the {kind}.";
        if (id.Length > 63) return $"The id must be 63 characters or fewer; it has {id.Length}.";
        if (!IdPattern().IsMatch(id))
            return id.Any(char.IsUpper) || id.Contains(' ', StringComparison.Ordinal)
                ? $"The id must be lower-case letters, digits and hyphens, with no spaces or capitals, like 'wellbeing-check'."
                : $"The id must be lower-case letters, digits and hyphens, starting and ending with a letter or digit, like 'wellbeing-check'.";
        if (Reserved.Contains(id)) return $"'{id}' cannot be used as an id. Choose another.";
        if (exists(id)) return $"This organisation already has {("aeiou".Contains(kind[0], StringComparison.Ordinal) ? "an" : "a")} {kind} with the id '{id}'. Choose another id, or change that {kind}.";
        return null;
    }

    /// <summary>Why a title cannot be used, or null.</summary>
    public static string? TitleProblem(string? title, string kind)
    {
        if (string.IsNullOrWhiteSpace(title)) return $"Enter a title for the {kind}.";
        if (title.Length > MaxTitleLength) return $"The title must be {MaxTitleLength} characters or fewer; it has {title.Length}.";
        if (title.Contains('\n', StringComparison.Ordinal) || title.Contains('\r', StringComparison.Ordinal)) return "The title must be one line.";
        return null;
    }

    /// <summary>A new form: one section with one question, and comments saying what else may go there.</summary>
    public static string BlankForm(string id, string title) => $$$"""
        id: {{{id}}}
        title: {{{Scalar(title)}}}
        # What the form is for: contract, record, case-proforma, evaluation, audit, register,
        # self-care-plan, competency or guidance (docs/forms.md).
        purpose: record
        sections:
          - id: main
            title: {{{Scalar(title)}}}
            # Who fills the section in: supervisor, supervisee, each-member or anyone.
            filledBy: anyone
            fields:
              - id: notes
                type: longText
                label: Notes
                required: false

        """;

    /// <summary>A new rule that checks and can be tried at once: it only writes a note, with an example email step in comments.</summary>
    public static string BlankRule(string id, string title) => $$$"""
        id: {{{id}}}
        title: {{{Scalar(title)}}}
        trigger:
          # A domain event (docs/supervision.md lists them), or instead a cron schedule in your time zone:
          # schedule: "0 8 * * 1"
          event: session.missed
        # Optional: a JavaScript condition; the rule runs only when it is true.
        # condition: history.consecutiveMisses >= 2
        steps:
          - id: noted
            note: "A session was missed ({{ history.consecutiveMisses }} in a row)"
          # An example step: email the supervisor using one of your email templates (docs/workflows.md).
          # - id: tell-supervisor
          #   send-email: { to: [supervisor], template: supervision-overdue }

        """;

    /// <summary>A new email template: the subject line, then a short body with the fields a template may use.</summary>
    public static string BlankTemplate(string subject) => $$$"""
        subject: {{{subject}}}

        Dear {{ recipient.name }},

        Write the message here. Never put case details in an email: say what is asked and link to it.

        [Open SupervisionHub]({{ link }})

        """;

    /// <summary>
    /// One of the tenant's definitions with its top-level id (and title, when given) replaced: the
    /// rest of the text, comments included, is kept as written. A multi-line title is replaced whole.
    /// </summary>
    public static string Copy(string text, string id, string? title)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var idLine = lines.FindIndex(l => l.StartsWith("id:", StringComparison.Ordinal));
        if (idLine >= 0) lines[idLine] = $"id: {id}";
        else lines.Insert(0, $"id: {id}");
        if (title is not null)
        {
            var titleLine = lines.FindIndex(l => l.StartsWith("title:", StringComparison.Ordinal));
            if (titleLine < 0) lines.Insert(lines.FindIndex(l => l.StartsWith("id:", StringComparison.Ordinal)) + 1, $"title: {Scalar(title)}");
            else
            {
                // Drop the lines that continue the old title (a block or folded scalar, or a quoted one running on).
                var end = titleLine + 1;
                while (end < lines.Count && lines[end].Length > 0 && char.IsWhiteSpace(lines[end][0])) end++;
                lines.RemoveRange(titleLine, end - titleLine);
                lines.Insert(titleLine, $"title: {Scalar(title)}");
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>A title as YAML: plain when that reads back as the same text, else double-quoted.</summary>
    public static string Scalar(string text)
    {
        text = text.Trim();
        if (PlainSafe().IsMatch(text) && !text.Contains(": ", StringComparison.Ordinal) && !text.Contains(" #", StringComparison.Ordinal) && !Keyword().IsMatch(text))
            return text;
        return "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    [GeneratedRegex(@"^[A-Za-z][^:#""'{}\[\],&*!|>%@`\\]*$")]
    private static partial Regex PlainSafe();

    [GeneratedRegex(@"^(y|n|yes|no|true|false|on|off|null|~)$", RegexOptions.IgnoreCase)]
    private static partial Regex Keyword();
}
