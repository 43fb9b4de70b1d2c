using System.Globalization;

namespace SupervisionHub.Workflows.Supervision;

public readonly record struct AttendedSession(DateOnly Date, int Minutes);

public enum ComplianceState { OnTrack, DueSoon, Overdue, NotRequired, Unknown }

public sealed record ComplianceStatus(ComplianceState State, DateOnly? NextDue, DateOnly? LastSession, string Reason);

/// <summary>
/// A supervisee's next due date and status from their tenant's frequency policy, term dates and
/// the sessions they actually attended. The rules and why they were chosen are in
/// docs/adr/0004-compliance-periods.md.
/// </summary>
public static class ComplianceCalculator
{
    // Sessions are copied to the stack so that evaluating a whole organisation allocates only the
    // results; five years of fortnightly supervision is about 130 sessions.
    private const int StackSessions = 256;

    /// <param name="requiredFrom">The day supervision became required (relationship start, or the staff start date if later).</param>
    /// <param name="requiredUntil">The leaving day (null if still employed).</param>
    /// <param name="attended">Sessions the person attended, in any order; ones shorter than the policy's minimum do not count.</param>
    /// <param name="today">The tenant's today.</param>
    public static ComplianceStatus Evaluate(FrequencyPolicy policy, SchoolCalendar calendar, DateOnly requiredFrom, DateOnly? requiredUntil, IReadOnlyList<AttendedSession> attended, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(attended);
        if (policy.Requirements is null || policy.Requirements.Count == 0)
            throw new ArgumentException("The policy has no frequency requirement.", nameof(policy));

        var buffer = attended.Count <= StackSessions ? stackalloc DateOnly[attended.Count] : new DateOnly[attended.Count];
        var sessions = Counted(attended, policy.MinimumMinutes, today, buffer);
        DateOnly? last = sessions.Length > 0 ? sessions[^1] : null;

        if (requiredUntil is { } left && left < today)
            return new(ComplianceState.NotRequired, null, last, $"Left on {Long(left)}");

        // A session before supervision became required (with a previous supervisor, say) does not
        // start the new clock, and does not count as the new starter's first session.
        var sinceStart = last >= requiredFrom ? last : null;
        DateOnly? firstDue = policy.FirstSessionWithinDays is { } days && sinceStart is null ? requiredFrom.AddDays(days) : null;

        if (requiredFrom > today)
        {
            // Before they start, only deadlines counted from the start day are known; a period
            // deadline would depend on term dates that may not be listed yet.
            var due = firstDue;
            foreach (var r in policy.Requirements)
                if (r.Every is { } n && (due is null || Add(requiredFrom, n, r.Unit) < due)) due = Add(requiredFrom, n, r.Unit);
            return new(ComplianceState.NotRequired, due, last, $"Starts on {Long(requiredFrom)}");
        }

        Outcome worst = default;
        for (var i = 0; i < policy.Requirements.Count; i++)
        {
            var r = policy.Requirements[i];
            if ((r.Every is null) == (r.Per is null) || r.Every < 1)
                throw new ArgumentException($"Requirement {i + 1}: {string.Join(" ", r.Problems())}", nameof(policy));

            var o = r.Every is { } every
                ? Rolling(r, every, policy.DueSoonDays, requiredFrom, requiredUntil, sinceStart, today)
                : PerPeriod(r, r.Per!.Value, policy.DueSoonDays, calendar, requiredFrom, requiredUntil, sessions, today);

            // devon-torbay: supervision "from the outset". Whatever the regular deadline, a new
            // starter's first session is due soon after they start.
            if (firstDue is { } f && (o.NextDue is null || f < o.NextDue))
            {
                var state = StateBy(f, today, policy.DueSoonDays);
                var first = new Outcome(state, f, state == ComplianceState.Overdue
                    ? $"No first session yet; it was due by {Long(f)}, within {policy.FirstSessionWithinDays} days of starting on {Long(requiredFrom)}"
                    : $"First session due by {Long(f)}, within {policy.FirstSessionWithinDays} days of starting on {Long(requiredFrom)}");
                o = Severity(o.State) > Severity(first.State) ? o with { NextDue = f } : first;
            }

            if (i == 0 || Severity(o.State) > Severity(worst.State) || (Severity(o.State) == Severity(worst.State) && Earlier(o.NextDue, worst.NextDue)))
                worst = o;
        }
        return new(worst.State, worst.NextDue, last, worst.Reason);
    }

    private readonly record struct Outcome(ComplianceState State, DateOnly? NextDue, string Reason);

    private static Outcome Rolling(FrequencyRequirement r, int every, int dueSoonDays, DateOnly requiredFrom, DateOnly? requiredUntil, DateOnly? sinceStart, DateOnly today)
    {
        var deadline = Add(sinceStart ?? requiredFrom, every, r.Unit);
        if (requiredUntil is { } leaving && leaving < deadline)
            return new(ComplianceState.OnTrack, null, $"Leaves on {Long(leaving)}, before the next session is due ({r.Describe()})");
        var state = StateBy(deadline, today, dueSoonDays);
        var since = sinceStart is { } s ? $"No session since {Long(s)}" : $"No session since starting on {Long(requiredFrom)}";
        return new(state, deadline, state == ComplianceState.Overdue
            ? $"{since}; was due by {Long(deadline)} ({r.Describe()})"
            : $"Next due by {Long(deadline)} ({r.Describe()})");
    }

    private static Outcome PerPeriod(FrequencyRequirement r, PeriodKind kind, int dueSoonDays, SchoolCalendar calendar, DateOnly requiredFrom, DateOnly? requiredUntil, ReadOnlySpan<DateOnly> sessions, DateOnly today)
    {
        Period current;
        Period? previous, next;
        if (kind == PeriodKind.Quarter)
        {
            current = SchoolCalendar.Quarter(today);
            previous = SchoolCalendar.Quarter(current.Start.AddDays(-1));
            next = SchoolCalendar.Quarter(current.End.AddDays(1));
        }
        else
        {
            var periods = calendar.PeriodsOf(kind);
            var i = SchoolCalendar.IndexOf(periods, today);
            if (i < 0) return new(ComplianceState.Unknown, null, $"No term dates for {Long(today)}; add them to the tenant's settings.");
            current = periods[i];
            previous = i > 0 ? periods[i - 1] : null;
            next = i + 1 < periods.Length ? periods[i + 1] : null;
        }

        // Only whole periods are required: a new starter is not overdue for the half term they
        // joined halfway through, and a leaver is not chased for the one they will not finish.
        bool Required(Period p) => requiredFrom <= p.Start && (requiredUntil is null || requiredUntil >= p.End);
        var needed = r.AtLeast;

        // An earlier miss followed by a met period is history, not a current failing: only the
        // latest ended period decides whether the person is overdue now.
        if (previous is not null && Required(previous) && Count(sessions, previous) is var held && held < needed)
            return new(ComplianceState.Overdue, previous.End, held == 0
                ? $"No session in {previous.Name} (at least {needed} needed)"
                : $"{held} of {needed} sessions in {previous.Name}");

        if (!Required(current))
        {
            if (requiredUntil is { } leaving && leaving < current.End)
                return new(ComplianceState.OnTrack, null, $"Leaves on {Long(leaving)}, before {current.Name} ends");
            if (next is null) return NoTermDatesAfter(current);
            if (!Required(next)) return new(ComplianceState.OnTrack, null, $"Leaves on {Long(requiredUntil!.Value)}, before {next.Name} ends");
            return new(StateBy(next.End, today, dueSoonDays), next.End,
                $"Started part-way through {current.Name}; first due by {Long(next.End)} ({r.Describe()})");
        }

        var so = Count(sessions, current);
        if (so >= needed)
        {
            if (next is null) return new(ComplianceState.OnTrack, null, $"Done for {current.Name}; add the next term dates to see the next deadline.");
            if (!Required(next)) return new(ComplianceState.OnTrack, null, $"Done for {current.Name}; leaves on {Long(requiredUntil!.Value)}, before {next.Name} ends");
            return new(ComplianceState.OnTrack, next.End, $"Done for {current.Name}; next due by {Long(next.End)} ({r.Describe()})");
        }
        return new(StateBy(current.End, today, dueSoonDays), current.End, so == 0
            ? $"No session yet in {current.Name}; due by {Long(current.End)} ({r.Describe()})"
            : $"{so} of {needed} sessions so far in {current.Name}; due by {Long(current.End)}");
    }

    private static Outcome NoTermDatesAfter(Period p) =>
        new(ComplianceState.Unknown, null, $"No term dates after {Long(p.End)}; add them to the tenant's settings.");

    /// <summary>The counted sessions (long enough, not in the future), sorted, in <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<DateOnly> Counted(IReadOnlyList<AttendedSession> attended, int minimumMinutes, DateOnly today, Span<DateOnly> buffer)
    {
        var n = 0;
        var sorted = true;
        for (var i = 0; i < attended.Count; i++)
        {
            var s = attended[i];
            // A session dated after today is a booking or a data error; it cannot meet a deadline yet.
            if (s.Minutes < minimumMinutes || s.Date > today) continue;
            if (n > 0 && s.Date < buffer[n - 1]) sorted = false;
            buffer[n++] = s.Date;
        }
        var counted = buffer[..n];
        if (!sorted) counted.Sort();
        return counted;
    }

    private static int Count(ReadOnlySpan<DateOnly> sessions, Period p) =>
        FirstOnOrAfter(sessions, p.End.AddDays(1)) - FirstOnOrAfter(sessions, p.Start);

    private static int FirstOnOrAfter(ReadOnlySpan<DateOnly> sorted, DateOnly day)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < day) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static DateOnly Add(DateOnly from, int n, IntervalUnit unit) => unit switch
    {
        IntervalUnit.Days => from.AddDays(n),
        IntervalUnit.Weeks => from.AddDays(7 * n),
        // AddMonths clamps to the month's last day: 30 November + 3 months is 28 February.
        _ => from.AddMonths(n),
    };

    private static ComplianceState StateBy(DateOnly deadline, DateOnly today, int dueSoonDays) =>
        today > deadline ? ComplianceState.Overdue
        : deadline.DayNumber - today.DayNumber <= dueSoonDays ? ComplianceState.DueSoon
        : ComplianceState.OnTrack;

    // Overdue is worse than due soon; an unknown status outranks "on track" so that missing term
    // dates are not mistaken for compliance.
    private static int Severity(ComplianceState s) => s switch
    {
        ComplianceState.Overdue => 3,
        ComplianceState.DueSoon => 2,
        ComplianceState.Unknown => 1,
        _ => 0,
    };

    private static bool Earlier(DateOnly? a, DateOnly? b) => a is { } x && (b is null || x < b.Value);

    private static string Long(DateOnly d) => d.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
