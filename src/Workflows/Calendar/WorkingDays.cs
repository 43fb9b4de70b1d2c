namespace SupervisionHub.Workflows.Calendar;

/// <summary>
/// Working days in England and Wales: not a weekend, not a bank holiday, not one of the tenant's
/// own closure days. Deadlines such as "within 10 working days" count these.
/// </summary>
public sealed class WorkingDays(IEnumerable<DateOnly> closureDays)
{
    private readonly HashSet<DateOnly> _closures = [.. closureDays];

    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !BankHolidays.EnglandAndWales(day.Year).Contains(day)
        && !_closures.Contains(day);

    /// <summary>The day that is <paramref name="count"/> working days after <paramref name="from"/> (from itself not counted).</summary>
    public DateOnly Add(DateOnly from, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var day = from;
        while (count > 0)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) count--;
        }
        return day;
    }
}

/// <summary>
/// Bank holidays in England and Wales by the statutory and customary rules, including
/// substitute days when a holiday falls at a weekend. One-off holidays proclaimed for a single
/// year (coronations, jubilees) are listed, as no rule produces them.
/// </summary>
public static class BankHolidays
{
    private static readonly Dictionary<int, DateOnly[]> OneOff = new()
    {
        [2022] = [new(2022, 6, 3), new(2022, 9, 19)],
        [2023] = [new(2023, 5, 8)],
    };

    // Holidays moved by proclamation: early May 2020 to VE Day's 75th anniversary; the Spring
    // holiday of 2022 to the Platinum Jubilee.
    private static readonly Dictionary<DateOnly, DateOnly> Moved = new()
    {
        [new(2020, 5, 4)] = new(2020, 5, 8),
        [new(2022, 5, 30)] = new(2022, 6, 2),
    };

    public static IReadOnlySet<DateOnly> EnglandAndWales(int year)
    {
        var easter = EasterSunday(year);
        var days = new HashSet<DateOnly>
        {
            Substitute(new DateOnly(year, 1, 1)),
            easter.AddDays(-2),
            easter.AddDays(1),
            FirstMonday(year, 5),
            LastMonday(year, 5),
            LastMonday(year, 8),
        };
        // Christmas and Boxing Day: a weekend holiday moves to the next weekday not already taken.
        var christmas = new DateOnly(year, 12, 25);
        var boxing = new DateOnly(year, 12, 26);
        var christmasObserved = Substitute(christmas);
        var boxingObserved = Substitute(boxing);
        if (boxingObserved == christmasObserved) boxingObserved = boxingObserved.AddDays(1);
        if (christmas.DayOfWeek == DayOfWeek.Saturday) { christmasObserved = new DateOnly(year, 12, 27); boxingObserved = new DateOnly(year, 12, 28); }
        days.Add(christmasObserved);
        days.Add(boxingObserved);
        if (OneOff.TryGetValue(year, out var extra)) days.UnionWith(extra);
        foreach (var (from, to) in Moved.Where(m => m.Key.Year == year))
            if (days.Remove(from)) days.Add(to);
        return days;
    }

    private static DateOnly Substitute(DateOnly d) => d.DayOfWeek switch
    {
        DayOfWeek.Saturday => d.AddDays(2),
        DayOfWeek.Sunday => d.AddDays(1),
        _ => d,
    };

    private static DateOnly FirstMonday(int year, int month)
    {
        var d = new DateOnly(year, month, 1);
        while (d.DayOfWeek != DayOfWeek.Monday) d = d.AddDays(1);
        return d;
    }

    private static DateOnly LastMonday(int year, int month)
    {
        var d = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        while (d.DayOfWeek != DayOfWeek.Monday) d = d.AddDays(-1);
        return d;
    }

    /// <summary>Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }
}
