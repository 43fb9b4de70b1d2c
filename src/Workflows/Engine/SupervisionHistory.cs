using System.Text.Json.Nodes;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Workflows.Engine;

public enum SessionOutcome { Attended, DidNotAttend, CancelledBySupervisee, CancelledBySupervisor, Apologies }

/// <summary>A booked session that has happened (or was cancelled), as the host or the simulator knows it.</summary>
public sealed record PastSession(DateOnly Date, SessionOutcome Outcome, int Minutes);

/// <summary>
/// What conditions read as <c>history</c> (docs/workflows.md): one supervisee's record worked out
/// from their past sessions. The web host builds the sessions from its database and the simulator
/// from a script; both come through <see cref="From"/> so a rule behaves the same in both.
/// </summary>
/// <remarks>
/// Counting rules, where the policy documents are silent:
/// - consecutiveMisses: did-not-attend sessions in a row, counting back from the latest session up
///   to today. An attended session ends the run. A cancellation (by either side) or apologies sent
///   in advance neither counts nor ends it: the supervisee did not fail to turn up, but nor did
///   supervision happen, so miss, cancel, miss is still two misses in a row.
/// - supervisorCancellationsInRow: sessions cancelled by the supervisor in a row, counting back; a
///   session that went ahead (attended) or that the supervisor turned up to (did not attend) ends
///   the run; the supervisee's cancellations and apologies are skipped.
/// - sessionsThisYear / missesThisYear: attended / did-not-attend sessions in the academic year
///   containing today, from the tenant's year start (1 September unless set) to the day before the
///   next, with or without term dates: a miss from the previous year never counts, even in the summer holiday.
/// - Scope: <c>history</c> is this supervision (the person's sessions of this type of supervision,
///   with any earlier supervisor of that type); <c>history.all</c> is every supervision the person
///   has (one to one, group, peer...), for a policy that says "three missed sessions in a year".
/// - sessionsInLast(n) / missesInLast(n): those dated within the last n days, today included
///   (0 to n-1 days ago).
/// - Sessions dated after today are bookings, not history, and are ignored.
/// </remarks>
public sealed record SupervisionHistory
{
    public required DateOnly Today { get; init; }
    public int ConsecutiveMisses { get; init; }
    public int SupervisorCancellationsInRow { get; init; }
    public int SessionsThisYear { get; init; }
    public int MissesThisYear { get; init; }
    public int? DaysSinceLastSession { get; init; }
    public DateOnly? NextDue { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<int> SessionDaysAgo { get; init; } = [];
    public IReadOnlyList<int> MissDaysAgo { get; init; } = [];

    /// <summary>The same counts over all of the person's supervisions (<c>history.all</c>); null inside it.</summary>
    public SupervisionHistory? All { get; init; }

    public int SessionsInLast(int days) => SessionDaysAgo.Count(a => a < days);
    public int MissesInLast(int days) => MissDaysAgo.Count(a => a < days);

    /// <param name="allSessions">Every session of all the person's supervisions, for <c>history.all</c>; without it, all is this supervision's.</param>
    public static SupervisionHistory From(IReadOnlyList<PastSession> sessions, DateOnly today, SchoolCalendar calendar, ComplianceStatus? status,
        IReadOnlyList<PastSession>? allSessions = null)
    {
        var own = Count(sessions, today, calendar, status);
        return own with { All = allSessions is null ? own : Count(allSessions, today, calendar, null) };
    }

    private static SupervisionHistory Count(IReadOnlyList<PastSession> sessions, DateOnly today, SchoolCalendar calendar, ComplianceStatus? status)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(calendar);
        var past = sessions.Where(s => s.Date <= today).OrderBy(s => s.Date).ToList(); // stable: same-day sessions keep the host's order

        var misses = 0;
        for (var i = past.Count - 1; i >= 0; i--)
        {
            if (past[i].Outcome == SessionOutcome.Attended) break;
            if (past[i].Outcome == SessionOutcome.DidNotAttend) misses++;
        }
        var cancellations = 0;
        for (var i = past.Count - 1; i >= 0; i--)
        {
            if (past[i].Outcome is SessionOutcome.Attended or SessionOutcome.DidNotAttend) break;
            if (past[i].Outcome == SessionOutcome.CancelledBySupervisor) cancellations++;
        }

        var year = calendar.AcademicYear(today);
        bool ThisYear(DateOnly d) => year.Contains(d);
        var attended = past.Where(s => s.Outcome == SessionOutcome.Attended).ToList();
        var missed = past.Where(s => s.Outcome == SessionOutcome.DidNotAttend).ToList();

        return new SupervisionHistory
        {
            Today = today,
            ConsecutiveMisses = misses,
            SupervisorCancellationsInRow = cancellations,
            SessionsThisYear = attended.Count(s => ThisYear(s.Date)),
            MissesThisYear = missed.Count(s => ThisYear(s.Date)),
            DaysSinceLastSession = attended.Count > 0 ? today.DayNumber - attended[^1].Date.DayNumber : null,
            NextDue = status?.NextDue,
            Status = status is null ? null : StatusName(status.State),
            SessionDaysAgo = [.. attended.Select(s => today.DayNumber - s.Date.DayNumber)],
            MissDaysAgo = [.. missed.Select(s => today.DayNumber - s.Date.DayNumber)],
        };
    }

    public static string StatusName(ComplianceState state) => state switch
    {
        ComplianceState.OnTrack => "on-track",
        ComplianceState.DueSoon => "due-soon",
        ComplianceState.Overdue => "overdue",
        ComplianceState.NotRequired => "not-required",
        _ => "unknown",
    };

    /// <summary>The values as conditions and templates read them. With <paramref name="forScript"/>, the day lists the sandbox turns into sessionsInLast/missesInLast.</summary>
    public JsonObject ToJson(bool forScript)
    {
        var o = new JsonObject
        {
            ["consecutiveMisses"] = ConsecutiveMisses,
            ["supervisorCancellationsInRow"] = SupervisorCancellationsInRow,
            ["sessionsThisYear"] = SessionsThisYear,
            ["missesThisYear"] = MissesThisYear,
            ["daysSinceLastSession"] = DaysSinceLastSession,
            ["nextDue"] = NextDue?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = Status,
        };
        if (forScript)
        {
            o["sessionDaysAgo"] = new JsonArray([.. SessionDaysAgo.Select(d => (JsonNode?)d)]);
            o["missDaysAgo"] = new JsonArray([.. MissDaysAgo.Select(d => (JsonNode?)d)]);
        }
        if (All is { } all && !ReferenceEquals(all, this)) o["all"] = (all with { All = null }).ToJson(forScript);
        return o;
    }
}
