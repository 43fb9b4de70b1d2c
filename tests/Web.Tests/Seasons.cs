namespace SupervisionHub.Web.Tests;

public enum Season { Winter, Summer }

/// <summary>
/// Winter and summer time in London, for tests of what time drives (a wait's timeout, a schedule,
/// the outbox's retries). In winter London is on UTC, so a time kept with its local offset looks
/// right; only a summer clock (British Summer Time, UTC+1) shows the hour (docs/adr/0023-utc-times.md).
/// Time-driven test classes run once per season in every run (a base class and two derived ones);
/// SHUB_TEST_CLOCK=summer|winter moves every other test app's clock into that season too.
/// </summary>
public static class Seasons
{
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>The real time this test run began, in whole seconds (the tests compare stored times exactly).</summary>
    private static readonly DateTimeOffset RealStart = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static readonly DateTimeOffset WinterStart = Into(Season.Winter);
    private static readonly DateTimeOffset SummerStart = Into(Season.Summer);

    /// <summary>The season SHUB_TEST_CLOCK names, or none (real time).</summary>
    public static Season? OfRun { get; } = Environment.GetEnvironmentVariable("SHUB_TEST_CLOCK")?.ToLowerInvariant() switch
    {
        null or "" => null,
        "summer" => Season.Summer,
        "winter" => Season.Winter,
        var other => throw new InvalidOperationException($"SHUB_TEST_CLOCK is \"{other}\"; use summer or winter."),
    };

    /// <summary>
    /// This run's start moved on by whole weeks (same weekday, same time of day, as the demo data
    /// moves) into the middle of <paramref name="season"/>: four weeks or more from either change of
    /// the clocks, so a test's waits of days do not cross one by accident.
    /// </summary>
    public static DateTimeOffset Start(Season season) => season == Season.Summer ? SummerStart : WinterStart;

    /// <summary>How far SHUB_TEST_CLOCK moves the test apps' clocks from real time (zero when unset).</summary>
    public static TimeSpan RunShift { get; } = OfRun is { } s ? Start(s) - RealStart : TimeSpan.Zero;

    /// <summary>Now, as this run's test apps have it: what a test writes "as of now" beside them.</summary>
    public static DateTimeOffset UtcNow => DateTimeOffset.UtcNow + RunShift;

    /// <summary>A fixed start for a test's own settable clock: this run's start, in SHUB_TEST_CLOCK's season if set.</summary>
    public static DateTimeOffset RunStart => RealStart + RunShift;

    /// <summary>
    /// Noon in London on <paramref name="at"/>'s London date: a start for a test that books "today" and
    /// counts days, so minutes added to its clock never cross midnight (one CI run began at 23:58).
    /// </summary>
    public static DateTimeOffset MiddayOf(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, London);
        var noon = new DateTime(local.Year, local.Month, local.Day, 12, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(noon, London.GetUtcOffset(noon)).ToUniversalTime();
    }

    public static bool IsSummerTime(DateTimeOffset at) => London.GetUtcOffset(at) != TimeSpan.Zero;

    private static DateTimeOffset Into(Season season)
    {
        var margin = TimeSpan.FromDays(28);
        for (var at = RealStart; ; at = at.AddDays(7))
            if (new[] { at - margin, at, at + margin }.All(t => IsSummerTime(t) == (season == Season.Summer)))
                return at;
    }
}

/// <summary>Real time moved by <see cref="Seasons.RunShift"/>: the clock of every test app under SHUB_TEST_CLOCK.</summary>
public sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
