using System.Globalization;

namespace SupervisionHub.Web.Reports;

public enum PeriodKind { Month, Quarter, Year, FinancialYear, AcademicYear }

/// <summary>
/// A reporting period: whole days from <see cref="From"/> to <see cref="To"/> inclusive, in the
/// tenant's time zone. Quarters are calendar quarters; the financial year runs 1 April to
/// 31 March (NHS and public bodies); the academic year 1 September to 31 August.
/// </summary>
public sealed record ReportPeriod(PeriodKind Kind, DateOnly From, DateOnly To)
{
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-GB");

    public static PeriodKind? Parse(string value) => value switch
    {
        "month" => PeriodKind.Month,
        "quarter" => PeriodKind.Quarter,
        "year" => PeriodKind.Year,
        "financial-year" => PeriodKind.FinancialYear,
        "academic-year" => PeriodKind.AcademicYear,
        _ => null,
    };

    /// <summary>The period of this kind that contains <paramref name="day"/>.</summary>
    public static ReportPeriod Containing(PeriodKind kind, DateOnly day)
    {
        DateOnly from = kind switch
        {
            PeriodKind.Month => new(day.Year, day.Month, 1),
            PeriodKind.Quarter => new(day.Year, (day.Month - 1) / 3 * 3 + 1, 1),
            PeriodKind.Year => new(day.Year, 1, 1),
            PeriodKind.FinancialYear => new(day.Month >= 4 ? day.Year : day.Year - 1, 4, 1),
            _ => new(day.Month >= 9 ? day.Year : day.Year - 1, 9, 1),
        };
        var months = kind switch { PeriodKind.Month => 1, PeriodKind.Quarter => 3, _ => 12 };
        return new(kind, from, from.AddMonths(months).AddDays(-1));
    }

    public ReportPeriod Previous => Containing(Kind, From.AddDays(-1));
    public ReportPeriod Next => Containing(Kind, To.AddDays(1));

    public bool Contains(DateOnly day) => From <= day && day <= To;

    /// <summary>The latest <paramref name="count"/> periods up to the one containing today, newest first.</summary>
    public static IReadOnlyList<ReportPeriod> Recent(PeriodKind kind, DateOnly today, int count)
    {
        var list = new List<ReportPeriod>();
        for (var p = Containing(kind, today); list.Count < count; p = p.Previous) list.Add(p);
        return list;
    }

    /// <summary>The first instant of <see cref="From"/> and of the day after <see cref="To"/>, in UTC, for queries on timestamps.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Instants(TimeZoneInfo zone) => (Midnight(From, zone), Midnight(To.AddDays(1), zone));

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public string Label => Kind switch
    {
        PeriodKind.Month => From.ToString("MMMM yyyy", En),
        PeriodKind.Quarter => $"{From.ToString("MMMM", En)} to {To.ToString("MMMM yyyy", En)}",
        PeriodKind.Year => From.Year.ToString(CultureInfo.InvariantCulture),
        PeriodKind.FinancialYear => $"Financial year {From.Year}-{To.Year % 100:00}",
        _ => $"Academic year {From.Year}-{To.Year % 100:00}",
    };

    public string Range => $"{From.ToString("d MMMM yyyy", En)} to {To.ToString("d MMMM yyyy", En)}";

    /// <summary>As the period picker and links carry it.</summary>
    public string Key => From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
