using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Workflows.Tests.Supervision;

/// <summary>Ascent Academies Trust's term dates for 2025-26 and 2026-27, as in tenants/ascent/tenant.yaml.</summary>
internal static class AscentTerms
{
    public static readonly SchoolTerm[] Terms =
    [
        new("2025-26", "Autumn", D("2025-09-02"), D("2025-12-19"), D("2025-10-27"), D("2025-10-31")),
        new("2025-26", "Spring", D("2026-01-05"), D("2026-03-27"), D("2026-02-16"), D("2026-02-20")),
        new("2025-26", "Summer", D("2026-04-13"), D("2026-07-17"), D("2026-05-25"), D("2026-05-29")),
        new("2026-27", "Autumn", D("2026-09-01"), D("2026-12-18"), D("2026-10-26"), D("2026-10-30")),
        new("2026-27", "Spring", D("2027-01-04"), D("2027-03-19"), D("2027-02-15"), D("2027-02-19")),
        new("2026-27", "Summer", D("2027-04-05"), D("2027-07-23"), D("2027-05-31"), D("2027-06-04")),
    ];

    public static readonly SchoolCalendar Ascent = new(Terms);

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
