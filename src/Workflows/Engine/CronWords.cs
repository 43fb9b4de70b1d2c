using System.Globalization;
using Cronos;

namespace SupervisionHub.Workflows.Engine;

/// <summary>
/// A rule's schedule (standard five-field cron, run in the tenant's time zone) as a sentence an admin
/// reads without knowing cron: "0 8 1 4 *" is "every year on 1 April at 08:00", "30 7 * * 1-5" is
/// "every weekday at 07:30". What it cannot say plainly (steps, L, W, #, both a day of the month and
/// a day of the week, which cron reads as either) it gives as written: "on a schedule written as cron: ...".
/// </summary>
public static class CronWords
{
    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static string Describe(string cron)
    {
        var fallback = $"on a schedule written as cron: {cron.Trim()}";
        try
        {
            _ = CronExpression.Parse(cron, CronFormat.Standard);
        }
        catch (CronFormatException)
        {
            return fallback;
        }
        var f = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 5) return fallback;
        if (Values(f[0], 0, 59, null) is not [var minute]) return fallback; // one minute of the hour: "every 15 minutes" is not a supervision rule
        if (Values(f[1], 0, 23, null) is not { Count: > 0 } hours || f[1] == "*") return fallback;
        var at = "at " + Join(hours.Select(h => $"{h:00}:{minute:00}").ToList());

        var anyDay = f[2] == "*";
        var anyMonth = f[3] == "*";
        var anyWeekday = f[4] == "*";
        var days = anyDay ? [] : Values(f[2], 1, 31, null);
        var months = anyMonth ? [] : Values(f[3], 1, 12, MonthNames);
        var weekdays = anyWeekday ? [] : Values(f[4], 0, 7, DayNames)?.Select(d => d % 7).Distinct().Order().ToList();
        if (days is null || months is null || weekdays is null) return fallback;
        if (!anyDay && !anyWeekday) return fallback; // cron runs on either: easier read as written

        var inMonths = anyMonth ? "" : " in " + Join(months.Select(m => Months[m - 1]).ToList());
        if (!anyWeekday)
        {
            var which = weekdays.SequenceEqual([1, 2, 3, 4, 5]) ? "every weekday"
                : weekdays.SequenceEqual([0, 6]) ? "every Saturday and Sunday"
                : "every " + Join(weekdays.Select(d => Days[d]).ToList());
            return $"{which}{inMonths} {at}";
        }
        if (anyDay) return $"every day{inMonths} {at}";
        if (anyMonth) return $"on the {Join(days.Select(Ordinal).ToList())} of every month {at}";
        // Named days of the year: "1 April", or "1 January, 1 April, 1 July and 1 October".
        var dates = months.SelectMany(m => days.Select(d => $"{d} {Months[m - 1]}")).ToList();
        return $"every year on {Join(dates)} {at}";
    }

    /// <summary>The values a field lists (numbers, names, ranges a-b, separated by commas), or null for anything else (steps, L, W, #, ?).</summary>
    private static List<int>? Values(string field, int min, int max, string[]? names)
    {
        if (field == "*") return Enumerable.Range(min, max - min + 1).ToList();
        var values = new List<int>();
        foreach (var part in field.Split(','))
        {
            var ends = part.Split('-');
            if (ends.Length > 2) return null;
            var from = Number(ends[0], min, max, names);
            var to = ends.Length == 2 ? Number(ends[1], min, max, names) : from;
            if (from is null || to is null || to < from) return null;
            for (var v = from.Value; v <= to; v++) if (!values.Contains(v)) values.Add(v);
        }
        values.Sort();
        return values;
    }

    private static int? Number(string text, int min, int max, string[]? names)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n >= min && n <= max ? n : null;
        var i = names is null ? -1 : Array.IndexOf(names, text.ToUpperInvariant());
        return i < 0 ? null : i + (min == 0 ? 0 : 1); // months are 1-12, days of the week 0-6
    }

    private static string Ordinal(int day) => day + (day % 100 is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static string Join(List<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
