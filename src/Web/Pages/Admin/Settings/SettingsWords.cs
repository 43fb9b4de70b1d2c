using System.Globalization;
using System.Text.RegularExpressions;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Settings;

/// <summary>
/// The settings check speaks tenant.yaml's keys ("email.linkExpiryDays: 0 must be between 1 and 90
/// days"), as it must for the YAML page and the file on disk. The settings page has no keys: each
/// message here names the thing as the page labels it and says what to do, and the error summary
/// links to the field. A message about something the page does not show points to the YAML page.
/// </summary>
public static partial class SettingsWords
{
    [GeneratedRegex(@"^(?<key>[A-Za-z][\w.-]*(?: \S+ .+?)?): (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex Keyed();

    [GeneratedRegex(@"^termDates (?<year>\S+) (?<term>.+)$")]
    private static partial Regex TermKey();

    [GeneratedRegex(@"\((?<day>\d{4}-\d\d-\d\d)\)")]
    private static partial Regex IsoInBrackets();

    public static string ForPage(string message, TenantSettings settings)
    {
        if (Keyed().Match(message) is not { Success: true } m) return message;
        var key = m.Groups["key"].Value;
        var rest = m.Groups["rest"].Value.Trim();
        string Quoted() => Regex.Match(rest, "'(.*?)'") is { Success: true } q ? q.Groups[1].Value : "";

        switch (key)
        {
            case "name":
                return rest.Contains("required", StringComparison.Ordinal) ? "Enter the organisation's name." : "Organisation name must be 200 characters or fewer.";
            case "theme.colour":
                return rest.StartsWith("white text on", StringComparison.Ordinal)
                    ? "The header colour is too light: " + rest
                    : $"Enter the header colour as # and six letters or digits, like #1d70b8 (not “{Quoted()}”).";
            case "email.linkExpiryDays":
                return $"Days an emailed link works must be from 1 to 90, not {rest.Split(' ')[0]}.";
            case "termDates":
                return "Enter the term dates: a school or trust needs them, because its frequency rules count half terms and terms.";
            case "closureDays":
                return $"The closure day on {Day(rest.Split(' ')[0])} is listed more than once: remove one of them.";
            case "supervision.dueSoonDays":
                return "Days before a session is due that it shows as due soon must be from 0 to 120.";
            case "supervision.reminderDaysBefore":
                return $"Days before each session that its people are reminded must be a whole number from 0 to {SupervisionHub.Web.Supervision.SupervisionSettings.MaxReminderDaysBefore}, or empty for no reminders.";
        }
        if (TermKey().Match(key) is { Success: true } t)
        {
            var term = $"{t.Groups["term"].Value} {t.Groups["year"].Value}";
            if (rest.StartsWith("the term must start before it ends", StringComparison.Ordinal))
                return $"{term}: the first day must be before the last day.";
            if (rest.StartsWith("starts on or before the previous term ends", StringComparison.Ordinal)
                && IsoInBrackets().Match(rest) is { Success: true } previous)
                return $"{term} must start after the previous term ends, on {Day(previous.Groups["day"].Value)}: check both terms' dates.";
            if (rest.StartsWith("the half-term break", StringComparison.Ordinal))
                return $"{term}: the half term must fall inside the term, after its first day and before its last.";
            return $"{term}: {rest}";
        }
        if (key.StartsWith("roles.", StringComparison.Ordinal))
        {
            var role = settings.Roles.FirstOrDefault(r => r.Id == key["roles.".Length..])?.Name ?? key["roles.".Length..];
            return rest.Contains("is not an email address", StringComparison.Ordinal)
                ? $"{role}: “{Quoted()}” is not an email address. Enter each person by their email address, one a line."
                : $"{role}: {rest}";
        }
        if (key.StartsWith("supervision.types.", StringComparison.Ordinal))
        {
            var type = settings.Supervision.Type(key["supervision.types.".Length..])?.Name ?? key["supervision.types.".Length..];
            return rest.StartsWith("frequency: every must be at least", StringComparison.Ordinal) || rest.StartsWith("frequency: atLeast must be at least", StringComparison.Ordinal)
                ? $"{type}: how many must be at least 1."
                : $"{type}: {rest} Change it in the settings as YAML, under {key}.";
        }
        // Not one of this page's fields: say where it is.
        return $"{char.ToUpperInvariant(rest[0])}{rest[1..]} Change it in the settings as YAML, under {key}.";
    }

    private static string Day(string iso) =>
        DateOnly.TryParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) : iso;
}
