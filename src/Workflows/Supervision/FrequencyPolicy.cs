namespace SupervisionHub.Workflows.Supervision;

public enum PeriodKind { HalfTerm, Term, Quarter, AcademicYear }

public enum IntervalUnit { Days, Weeks, Months }

/// <summary>
/// One requirement of a policy: either rolling ("every 6 weeks": Every=6, Unit=Weeks) or per period
/// ("at least 1 per half term": AtLeast=1, Per=HalfTerm). Exactly one of Every / Per is set.
/// </summary>
public sealed record FrequencyRequirement
{
    public int? Every { get; init; }
    public IntervalUnit Unit { get; init; } = IntervalUnit.Weeks;
    public PeriodKind? Per { get; init; }
    public int AtLeast { get; init; } = 1;

    public bool IsRolling => Every is not null;

    public string Describe() => (Every, Per) switch
    {
        ({ } n, _) => n == 1 ? $"every {UnitName(Unit)}" : $"every {n} {UnitName(Unit)}s",
        (null, { } p) => $"at least {AtLeast} per {PeriodName(p)}",
        _ => "no frequency set",
    };

    /// <summary>Plain-English problems for a config loader to report; empty when the requirement is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Every is not null && Per is not null)
            problems.Add($"Set either \"every\" or \"per\", not both (every {Every}, per {PeriodName(Per.Value)}).");
        if (Every is null && Per is null)
            problems.Add("Set how often supervision is needed: \"every\" (for example every 6 weeks) or \"per\" (for example at least 1 per half term).");
        if (Every is < 1)
            problems.Add($"\"every\" must be at least 1; it is {Every}.");
        if (!Enum.IsDefined(Unit))
            problems.Add($"The unit must be days, weeks or months; it is {(int)Unit}.");
        if (Per is { } per && !Enum.IsDefined(per))
            problems.Add($"\"per\" must be half term, term, quarter or academic year; it is {(int)per}.");
        if (Per is not null && AtLeast < 1)
            problems.Add($"\"at least\" must be 1 or more; it is {AtLeast}.");
        // AtLeast defaults to 1, so only a changed value shows someone expected it to mean something.
        if (Every is not null && Per is null && AtLeast != 1)
            problems.Add($"\"at least {AtLeast}\" only applies to a per-period requirement; \"every {Every}\" means one session in each interval.");
        return problems;
    }

    internal static string UnitName(IntervalUnit unit) => unit switch
    {
        IntervalUnit.Days => "day",
        IntervalUnit.Weeks => "week",
        _ => "month",
    };

    internal static string PeriodName(PeriodKind kind) => kind switch
    {
        PeriodKind.HalfTerm => "half term",
        PeriodKind.Term => "term",
        PeriodKind.Quarter => "quarter",
        _ => "academic year",
    };
}

/// <summary>
/// A tenant's supervision frequency.
/// DueSoonDays: a requirement whose deadline is within this many days and is not yet met shows "due soon".
/// MinimumMinutes: an attended session shorter than this does not count (ascent: at least one hour).
/// FirstSessionWithinDays: a new starter with no counted session yet is due this many days after they
/// became required (devon-torbay: "from the outset").
/// </summary>
public sealed record FrequencyPolicy(
    IReadOnlyList<FrequencyRequirement> Requirements,
    int MinimumMinutes = 0,
    int DueSoonDays = 14,
    int? FirstSessionWithinDays = null)
{
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Requirements is null || Requirements.Count == 0)
            problems.Add("The policy has no frequency requirement.");
        else
            for (var i = 0; i < Requirements.Count; i++)
                foreach (var p in Requirements[i].Problems())
                    problems.Add(Requirements.Count == 1 ? p : $"Requirement {i + 1}: {p}");
        if (MinimumMinutes < 0) problems.Add($"The minimum session length cannot be negative; it is {MinimumMinutes} minutes.");
        if (DueSoonDays < 0) problems.Add($"\"Due soon\" cannot be a negative number of days; it is {DueSoonDays}.");
        if (FirstSessionWithinDays is < 0) problems.Add($"The first session cannot be due before supervision starts; it is {FirstSessionWithinDays} days.");
        return problems;
    }
}
