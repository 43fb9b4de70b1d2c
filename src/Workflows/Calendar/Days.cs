using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Workflows.Calendar;

/// <summary>How a deadline counts its days: every day, working days, or school days.</summary>
public enum DayKind { Calendar, Working, School }

/// <summary>The day kinds by the names definitions use (timeout and create-task dayKind), in one place.</summary>
public static class DayKinds
{
    public static readonly IReadOnlyDictionary<string, DayKind> ByName = new Dictionary<string, DayKind>(StringComparer.Ordinal)
    {
        ["calendar"] = DayKind.Calendar,
        ["working"] = DayKind.Working,
        ["school"] = DayKind.School,
    };

    public static string Name(DayKind kind) => ByName.First(k => k.Value == kind).Key;

    /// <summary>"10 school days", "1 working day", "7 days": as the editor's outline and the journal say it.</summary>
    public static string Describe(int days, DayKind kind) =>
        $"{days} {(kind == DayKind.Calendar ? "" : Name(kind) + " ")}{(days == 1 ? "day" : "days")}";
}

/// <summary>
/// School days: days in a listed term, outside its half-term break, that are working days (no
/// weekend, bank holiday or closure day). A deadline counted in school days that would fall in a
/// holiday runs on into the next term, so a cancellation on the last Friday of term is not due in
/// the middle of the Christmas holiday. In an academic year with no term dates listed, school days
/// are counted as working days (the rule editor warns of it): a rule must still end, and a working
/// day is the nearest thing the service knows.
/// </summary>
public sealed class SchoolDays(SchoolCalendar calendar, WorkingDays working)
{
    public bool IsSchoolDay(DateOnly day) =>
        working.IsWorkingDay(day) && (!calendar.HasTermsInYear(day) || calendar.InTerm(day));

    /// <summary>The day that is <paramref name="count"/> school days after <paramref name="from"/> (from itself not counted).</summary>
    public DateOnly Add(DateOnly from, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var day = from;
        while (count > 0)
        {
            day = day.AddDays(1);
            if (IsSchoolDay(day)) count--;
        }
        return day;
    }
}

/// <summary>Counts deadlines in each kind of day for one tenant: its closure days, bank holidays and term dates.</summary>
public sealed class DayCounter(WorkingDays working, SchoolCalendar calendar)
{
    private readonly SchoolDays _school = new(calendar, working);

    public static DayCounter Plain { get; } = new(new WorkingDays([]), SchoolCalendar.None);

    public WorkingDays Working => working;
    public SchoolCalendar Calendar => calendar;

    public DateOnly Add(DayKind kind, DateOnly from, int count) => kind switch
    {
        DayKind.Working => working.Add(from, count),
        DayKind.School => _school.Add(from, count),
        _ => from.AddDays(count),
    };

    /// <summary>Whether counting school days from <paramref name="from"/> for <paramref name="count"/> of them meets a year without term dates (counted as working days instead).</summary>
    public bool SchoolDaysFallBack(DateOnly from, int count)
    {
        var end = _school.Add(from, count);
        for (var day = from.AddDays(1); day <= end; day = day.AddDays(1))
            if (!calendar.HasTermsInYear(day)) return true;
        return false;
    }
}
