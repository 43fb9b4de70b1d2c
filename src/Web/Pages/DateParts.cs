namespace SupervisionHub.Web.Pages;

/// <summary>
/// The GOV.UK day-month-year date input as a bound value: the parts are kept as typed, so a
/// page shown again after an error gives back exactly what the person entered.
/// </summary>
public sealed class DateParts
{
    public string? Day { get; set; }
    public string? Month { get; set; }
    public string? Year { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Day) && string.IsNullOrWhiteSpace(Month) && string.IsNullOrWhiteSpace(Year);

    public static DateParts From(DateOnly? date) =>
        date is { } d ? new DateParts { Day = d.Day.ToString(), Month = d.Month.ToString(), Year = d.Year.ToString() } : new DateParts();

    /// <summary>Null date and null error when empty; otherwise the date, or a GOV.UK-style message naming what is wrong.</summary>
    public (DateOnly? Date, string? Error) Parse(string label)
    {
        if (IsEmpty) return (null, null);
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(Day)) missing.Add("day");
        if (string.IsNullOrWhiteSpace(Month)) missing.Add("month");
        if (string.IsNullOrWhiteSpace(Year)) missing.Add("year");
        if (missing.Count > 0) return (null, $"{label} must include a {string.Join(" and ", missing)}");
        if (!int.TryParse(Day, out var d) || !int.TryParse(Month, out var m) || !int.TryParse(Year, out var y) || y < 1900 || y > 2200
            || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
            return (null, $"{label} must be a real date");
        return (new DateOnly(y, m, d), null);
    }
}

/// <summary>A time of day as people type it (14:30, 9.15, 09:00): one reading for every page that asks for one.</summary>
public static class TimeInput
{
    public static bool TryParse(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact((text ?? "").Trim().Replace('.', ':'), ["H:mm", "HH:mm"], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out time);
}
