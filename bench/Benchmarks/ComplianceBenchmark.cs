using System.Globalization;
using System.Text;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Benchmarks;

// Compliance benchmark: the status of every supervisee in a large organisation, as a dashboard or
// the nightly reminder run would compute it. Writes its table between the COMPLIANCE markers.
internal static class ComplianceBenchmark
{
    private const int People = 10_000;
    private const int Runs = 50;
    private static readonly DateOnly Today = new(2026, 11, 23);

    private sealed record Supervisee(FrequencyPolicy Policy, SchoolCalendar Calendar, DateOnly From, DateOnly? Until, AttendedSession[] Sessions);

    public static void Run()
    {
        var root = Bench.FindRoot();
        var calendar = new SchoolCalendar(Terms(2020, 2027));
        var people = Generate(calendar, new Random(20261123));
        var sessions = people.Sum(p => p.Sessions.Length);

        var states = new int[Enum.GetValues<ComplianceState>().Length];
        void EvaluateAll()
        {
            foreach (var p in people)
                states[(int)ComplianceCalculator.Evaluate(p.Policy, p.Calendar, p.From, p.Until, p.Sessions, Today).State]++;
        }

        // The first run in a fresh process (what a nightly job pays) includes JIT. Measure's own
        // warm-up is too short for tiered compilation to finish with runs this quick, so the
        // steady state is measured after a second of evaluating.
        var cold = System.Diagnostics.Stopwatch.StartNew();
        EvaluateAll();
        var first = cold.Elapsed.TotalMilliseconds;
        while (cold.Elapsed < TimeSpan.FromSeconds(1)) EvaluateAll();
        var stats = Bench.Measure(Runs, EvaluateAll);
        Array.Clear(states);
        var before = GC.GetAllocatedBytesForCurrentThread();
        EvaluateAll();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var mix = string.Join(", ", Enum.GetValues<ComplianceState>().Where(s => states[(int)s] > 0).Select(s => $"{s} {states[(int)s]}"));
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release build.");
        table.AppendLine();
        table.AppendLine("| What | Runs | Mean | p50 | p95 | Allocated per run | Notes |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        table.AppendLine(CultureInfo.InvariantCulture, $"| Evaluate {People:N0} supervisees, first run in a fresh process | 1 | {first:0.000} ms | | | | includes JIT |");
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| Evaluate {People:N0} supervisees, steady state | {stats.Runs} | {stats.Mean:0.000} ms | {stats.P50:0.000} ms | {stats.P95:0.000} ms | {allocated / 1024.0 / 1024.0:0.00} MB ({allocated / People} B each) | {sessions:N0} sessions over 5 years; {mix} |");
        Console.WriteLine(table);
        Bench.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), "COMPLIANCE", table.ToString());
    }

    // Ascent's 2025-26 term pattern repeated for each year: the weekdays drift, which does not
    // matter for timing, and it gives every year a real shape (three terms, each with a break).
    private static IEnumerable<SchoolTerm> Terms(int firstYear, int lastYear)
    {
        for (var y = firstYear; y <= lastYear; y++)
        {
            var name = $"{y}-{(y + 1) % 100:00}";
            yield return new(name, "Autumn", new(y, 9, 2), new(y, 12, 19), new(y, 10, 27), new(y, 10, 31));
            yield return new(name, "Spring", new(y + 1, 1, 5), new(y + 1, 3, 27), new(y + 1, 2, 16), new(y + 1, 2, 20));
            yield return new(name, "Summer", new(y + 1, 4, 13), new(y + 1, 7, 17), new(y + 1, 5, 25), new(y + 1, 5, 29));
        }
    }

    private static List<Supervisee> Generate(SchoolCalendar calendar, Random random)
    {
        // The three shapes of policy the founding tenants have: half-termly with a yearly minimum
        // and an hour's minimum length (ascent), six-weekly with a prompt first session
        // (devon-torbay), and quarterly without term dates (an ICB).
        var halfTermly = new FrequencyPolicy([new() { Per = PeriodKind.HalfTerm }, new() { Per = PeriodKind.AcademicYear, AtLeast = 6 }], MinimumMinutes: 60);
        var sixWeekly = new FrequencyPolicy([new() { Every = 6, Unit = IntervalUnit.Weeks }], FirstSessionWithinDays: 28);
        var quarterly = new FrequencyPolicy([new() { Per = PeriodKind.Quarter, AtLeast = 2 }]);
        var start = Today.AddYears(-5);

        var people = new List<Supervisee>(People);
        for (var i = 0; i < People; i++)
        {
            // Most have been here the whole five years; some joined recently, a few have left.
            var from = random.Next(10) < 8 ? start : start.AddDays(random.Next(5 * 365));
            DateOnly? until = random.Next(20) == 0 ? Today.AddDays(-random.Next(1, 300)) : null;
            var end = until is { } u && u < Today ? u : Today;
            var sessions = new List<AttendedSession>();
            (FrequencyPolicy policy, SchoolCalendar cal) = (i % 3) switch
            {
                0 => (halfTermly, calendar),
                1 => (sixWeekly, calendar),
                _ => (quarterly, SchoolCalendar.None),
            };
            switch (i % 3)
            {
                case 0:
                    foreach (var p in calendar.Periods(PeriodKind.HalfTerm))
                        if (p.End >= from && p.Start <= end && random.Next(20) > 0)
                            sessions.Add(new(Between(random, Max(p.Start, from), Min(p.End, end)), random.Next(10) == 0 ? 45 : 60));
                    break;
                case 1:
                    for (var d = from.AddDays(random.Next(1, 40)); d <= end; d = d.AddDays(random.Next(30, random.Next(30) == 0 ? 70 : 43)))
                        sessions.Add(new(d, 60));
                    break;
                default:
                    for (var d = from.AddDays(random.Next(1, 30)); d <= end; d = d.AddDays(random.Next(25, random.Next(15) == 0 ? 60 : 40)))
                        sessions.Add(new(d, 50));
                    break;
            }
            // Records usually come from the database in date order; some arrive shuffled.
            if (random.Next(10) == 0) random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sessions));
            people.Add(new(policy, cal, from, until, [.. sessions]));
        }
        return people;
    }

    private static DateOnly Between(Random random, DateOnly a, DateOnly b) => a.AddDays(random.Next(b.DayNumber - a.DayNumber + 1));
    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
