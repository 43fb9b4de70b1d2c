namespace SupervisionHub.Workflows.Supervision;

/// <summary>One school term as the tenant lists it (tenant.yaml termDates), with its optional half-term break.</summary>
public sealed record SchoolTerm(string Year, string Name, DateOnly Start, DateOnly End, DateOnly? BreakStart = null, DateOnly? BreakEnd = null);

/// <summary>The month and day a tenant's academic year starts (1 September unless tenant.yaml says otherwise).</summary>
public readonly record struct YearStart(int Month, int Day)
{
    public static YearStart Default { get; } = new(9, 1);

    /// <summary>The start in a given year; 29 February is the 28th in other years.</summary>
    public DateOnly In(int year) => new(year, Month, Math.Min(Day, DateTime.DaysInMonth(year, Month)));

    /// <summary>Reads "09-01" (month-day). False when it is not a day of the year.</summary>
    public static bool TryParse(string? text, out YearStart start)
    {
        start = Default;
        if (text is not { Length: 5 } || text[2] != '-' || !int.TryParse(text.AsSpan(0, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m)
            || !int.TryParse(text.AsSpan(3, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d)
            || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(2024, m)) return false;
        start = new YearStart(m, d);
        return true;
    }

    public override string ToString() => $"{Month:00}-{Day:00}";
}

/// <summary>A span of days a period requirement is counted over; its End is the deadline.</summary>
public sealed record Period(string Name, DateOnly Start, DateOnly End)
{
    public bool Contains(DateOnly day) => Start <= day && day <= End;
}

/// <summary>
/// A tenant's term dates turned into half-term, term and academic-year periods once, so that
/// evaluating thousands of people only does binary searches. See docs/adr/0004-compliance-periods.md.
/// </summary>
public sealed class SchoolCalendar
{
    // A holiday longer than this is not a holiday but a year missing from the term dates. Summer is
    // about six weeks; bridging a missing year would make one "half term" fourteen months long and
    // show someone as on track for a year without supervision, so the gap is left uncovered instead.
    private const int LongestHolidayDays = 90;

    private readonly Period[] _halfTerms;
    private readonly Period[] _terms;
    private readonly Period[] _years;
    private readonly Period[] _quarters;
    private readonly SchoolTerm[] _listed;

    /// <summary>The day the tenant's academic year starts (tenant.yaml academicYearStart; 1 September unless set).</summary>
    public YearStart YearStart { get; }

    public SchoolCalendar(IEnumerable<SchoolTerm> terms, YearStart? yearStart = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        YearStart = yearStart ?? YearStart.Default;
        var sorted = terms.OrderBy(t => t.Start).ToArray();
        Check(sorted);
        _listed = sorted;

        var halves = new List<(string, DateOnly, DateOnly)>();
        foreach (var t in sorted)
        {
            if (t.BreakStart is { } bs && t.BreakEnd is { } be)
            {
                halves.Add(($"{t.Name} 1 {t.Year}", t.Start, bs.AddDays(-1)));
                halves.Add(($"{t.Name} 2 {t.Year}", be.AddDays(1), t.End));
            }
            else halves.Add(($"{t.Name} {t.Year}", t.Start, t.End));
        }
        _halfTerms = Contiguous(halves);
        _terms = Contiguous(sorted.Select(t => ($"{t.Name} {t.Year}", t.Start, t.End)));
        _years = Contiguous(sorted.GroupBy(t => t.Year).Select(g => (g.Key, g.Min(t => t.Start), g.Max(t => t.End))));
        _quarters = sorted.Length == 0 ? [] : QuartersBetween(sorted[0].Start, sorted[^1].End);
    }

    /// <summary>No term dates (ICBs, partnerships): only quarters are known.</summary>
    public static SchoolCalendar None { get; } = new([]);

    /// <summary>The terms as the tenant lists them, in order (school days are counted in these).</summary>
    public IReadOnlyList<SchoolTerm> Terms => _listed;

    /// <summary>
    /// The academic year containing <paramref name="day"/>, from the tenant's year start to the day
    /// before the next, whether or not term dates are listed for it. "This academic year" in rules
    /// means this (docs/workflows.md); a summer holiday after the last listed term is still the
    /// year it follows, never "the last 12 months".
    /// </summary>
    public Period AcademicYear(DateOnly day)
    {
        var start = YearStart.In(day.Year);
        if (day < start) start = YearStart.In(day.Year - 1);
        var end = YearStart.In(start.Year + 1).AddDays(-1);
        var name = start.Year == end.Year ? $"{start.Year}" : $"{start.Year}-{end.Year % 100:00}";
        return new Period(name, start, end);
    }

    /// <summary>Whether any term is listed in the academic year containing <paramref name="day"/>: without one, school days there are counted as working days.</summary>
    public bool HasTermsInYear(DateOnly day)
    {
        var year = AcademicYear(day);
        return _listed.Any(t => t.End >= year.Start && t.Start <= year.End);
    }

    /// <summary>Whether <paramref name="day"/> is in a listed term and not in its half-term break (weekends and holidays aside).</summary>
    public bool InTerm(DateOnly day)
    {
        foreach (var t in _listed)
        {
            if (day < t.Start) return false;
            if (day > t.End) continue;
            return !(t.BreakStart is { } bs && t.BreakEnd is { } be && bs <= day && day <= be);
        }
        return false;
    }

    /// <summary>The period of the given kind that contains <paramref name="day"/>, or null when the calendar does not cover it.</summary>
    public Period? PeriodContaining(PeriodKind kind, DateOnly day) =>
        kind == PeriodKind.Quarter ? Quarter(day) : IndexOf(PeriodsOf(kind), day) is var i and >= 0 ? PeriodsOf(kind)[i] : null;

    /// <summary>
    /// The periods of a kind, in order. Quarters exist for every day without term dates; here they
    /// are listed only across the span the term dates cover (none for <see cref="None"/>).
    /// </summary>
    public IReadOnlyList<Period> Periods(PeriodKind kind) => kind == PeriodKind.Quarter ? _quarters : PeriodsOf(kind);

    internal Period[] PeriodsOf(PeriodKind kind) => kind switch
    {
        PeriodKind.HalfTerm => _halfTerms,
        PeriodKind.Term => _terms,
        PeriodKind.AcademicYear => _years,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Quarters are calendar quarters, not a list."),
    };

    /// <summary>Index of the period containing <paramref name="day"/>, or -1.</summary>
    internal static int IndexOf(Period[] periods, DateOnly day)
    {
        int lo = 0, hi = periods.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var p = periods[mid];
            if (day < p.Start) hi = mid - 1;
            else if (day > p.End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    // Quarters for the years anyone will be evaluated in are made once; each evaluation then
    // allocates nothing for them. Days outside the table get a fresh period.
    private const int FirstTableYear = 2000, TableYears = 100;
    private static readonly Period[] QuarterTable = QuartersBetween(new(FirstTableYear, 1, 1), new(FirstTableYear + TableYears - 1, 12, 31));

    internal static Period Quarter(DateOnly day)
    {
        var i = (day.Year - FirstTableYear) * 4 + (day.Month - 1) / 3;
        return (uint)i < (uint)QuarterTable.Length ? QuarterTable[i] : MakeQuarter(day.Year, (day.Month - 1) / 3);
    }

    private static Period MakeQuarter(int year, int q)
    {
        var start = new DateOnly(year, q * 3 + 1, 1);
        return new Period($"Q{q + 1} {year}", start, start.AddMonths(3).AddDays(-1));
    }

    private static Period[] QuartersBetween(DateOnly first, DateOnly last)
    {
        var list = new List<Period>();
        for (var (y, q) = (first.Year, (first.Month - 1) / 3); y < last.Year || (y == last.Year && q <= (last.Month - 1) / 3); (y, q) = q == 3 ? (y + 1, 0) : (y, q + 1))
            list.Add(MakeQuarter(y, q));
        return [.. list];
    }

    // Each period starts the day after the previous one ends, so a session in a break or holiday
    // counts for the period that follows, which it prepares for.
    private static Period[] Contiguous(IEnumerable<(string Name, DateOnly Start, DateOnly End)> spans)
    {
        var result = new List<Period>();
        foreach (var (name, start, end) in spans)
        {
            var from = result.Count > 0 && start.DayNumber - result[^1].End.DayNumber <= LongestHolidayDays ? result[^1].End.AddDays(1) : start;
            result.Add(new Period(name, from, end));
        }
        return [.. result];
    }

    private static void Check(SchoolTerm[] terms)
    {
        for (var i = 0; i < terms.Length; i++)
        {
            var t = terms[i];
            if (t.End < t.Start) throw new ArgumentException($"{t.Name} {t.Year} ends ({t.End:yyyy-MM-dd}) before it starts ({t.Start:yyyy-MM-dd}).", nameof(terms));
            if ((t.BreakStart is null) != (t.BreakEnd is null)) throw new ArgumentException($"{t.Name} {t.Year} has a half-term break with only one of its start and end.", nameof(terms));
            if (t.BreakStart is { } bs && t.BreakEnd is { } be && !(t.Start < bs && bs <= be && be < t.End))
                throw new ArgumentException($"{t.Name} {t.Year}'s half-term break ({bs:yyyy-MM-dd} to {be:yyyy-MM-dd}) must lie inside the term, with teaching days either side.", nameof(terms));
            if (i > 0 && t.Start <= terms[i - 1].End) throw new ArgumentException($"{t.Name} {t.Year} starts before {terms[i - 1].Name} {terms[i - 1].Year} ends.", nameof(terms));
        }
    }
}
