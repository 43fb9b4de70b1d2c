using SupervisionHub.Workflows.Supervision;
using YamlDotNet.Serialization;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// The <c>supervision:</c> block of tenant.yaml: the organisation's supervision types with their
/// frequency rules, who may read record content, and how strictly supervisor training is required.
/// Strings here are parsed (and reported) by <see cref="Check"/>, so a typo gets a plain message.
/// </summary>
public sealed record SupervisionSettings
{
    /// <summary>A deadline this close and not yet met shows "due soon".</summary>
    public int DueSoonDays { get; init; } = 14;

    /// <summary>refuse | warn | none: what happens when a supervisor without in-date training is allocated.</summary>
    public string SupervisorTraining { get; init; } = "warn";

    /// <summary>Agreements are reviewed this often unless a type says otherwise (every founding policy: yearly).</summary>
    public int AgreementReviewMonths { get; init; } = 12;

    /// <summary>
    /// How many days before each booked session its people are reminded of it ("2"), or "none". Rules
    /// read it as tenant.settings.reminderDaysBefore (a number, or null for none); the founding
    /// tenants' session-reminder rules wait until then (docs/adr/0035-session-reminders.md).
    /// </summary>
    public string ReminderDaysBefore { get; init; } = "none";

    public const int MaxReminderDaysBefore = 28;

    /// <summary>The setting as a number of days; null for none (or a value <see cref="Check"/> reports).</summary>
    [YamlIgnore]
    public int? ReminderDays => int.TryParse(ReminderDaysBefore, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
        && n <= MaxReminderDaysBefore ? n : null;

    /// <summary>The settings rules may read, as tenant.settings: one object for the service and "Try it" alike.</summary>
    public System.Text.Json.Nodes.JsonObject ForRules() => new() { ["reminderDaysBefore"] = ReminderDays };

    /// <summary>The names <see cref="ForRules"/> gives, which a rule's check holds its tenant.settings references to.</summary>
    public static IReadOnlySet<string> RuleSettingNames { get; } = new SupervisionSettings().ForRules().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    public RecordAccessSettings Records { get; init; } = new();
    public List<SupervisionTypeSettings> Types { get; init; } = [];

    [YamlIgnore]
    public TrainingRule TrainingRule => SupervisorTraining switch
    {
        "refuse" => TrainingRule.Refuse,
        "none" => TrainingRule.None,
        _ => TrainingRule.Warn,
    };

    public SupervisionTypeSettings? Type(string id) => Types.FirstOrDefault(t => t.Id == id);

    /// <summary>Every problem, at the path of the setting it is about (see <see cref="Tenancy.ConfigProblem"/>).</summary>
    public IEnumerable<(string At, string Message)> Check(IReadOnlyCollection<string> tenantRoleIds)
    {
        if (DueSoonDays is < 0 or > 120) yield return ("supervision.dueSoonDays", "supervision.dueSoonDays: give a number of days from 0 to 120.");
        if (SupervisorTraining is not ("refuse" or "warn" or "none"))
            yield return ("supervision.supervisorTraining", $"supervision.supervisorTraining: '{SupervisorTraining}' must be refuse, warn or none.");
        if (!string.Equals(ReminderDaysBefore, "none", StringComparison.Ordinal) && ReminderDays is null)
            yield return ("supervision.reminderDaysBefore", $"supervision.reminderDaysBefore: '{ReminderDaysBefore}' must be how many days before each session to remind its people, from 0 (the morning of the session) to {MaxReminderDaysBefore}, or none.");
        if (AgreementReviewMonths is < 1 or > 60) yield return ("supervision.agreementReviewMonths", "supervision.agreementReviewMonths: give a number of months from 1 to 60.");
        foreach (var p in Records.Check(tenantRoleIds)) yield return p;
        foreach (var dup in Types.GroupBy(t => t.Id).Where(g => g.Count() > 1))
            yield return ($"supervision.types[{Types.FindLastIndex(t => t.Id == dup.Key)}]", $"supervision.types: the id '{dup.Key}' is used more than once.");
        foreach (var type in Types)
            foreach (var (key, p) in type.Check()) yield return ($"supervision.types[{type.Id}]{(key.Length > 0 ? "." + key : "")}", $"supervision.types.{type.Id}: {p}");
    }
}

public enum TrainingRule { None, Warn, Refuse }

public enum SupervisionFormat { OneToOne, Group, Peer, AdHoc }

/// <summary>One kind of supervision the tenant runs (safeguarding one to one, group, peer, clinical...).</summary>
public sealed record SupervisionTypeSettings
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary>one-to-one | group | peer | ad-hoc. Groups have several supervisees; ad hoc sessions are recorded afterwards.</summary>
    public string Format { get; init; } = "one-to-one";

    /// <summary>The largest group allowed (mse-icb: six).</summary>
    public int? MaxGroupSize { get; init; }

    /// <summary>Form ids: the agreement (purpose contract) and the session record (purpose record).</summary>
    public string? ContractForm { get; init; }
    public string? RecordForm { get; init; }

    /// <summary>Who may book a session besides administrators and safeguarding leads: supervisee, supervisor.</summary>
    public List<string> BookedBy { get; init; } = ["supervisor", "supervisee"];

    public List<FrequencyRequirementSettings> Frequency { get; init; } = [];
    public int MinimumMinutes { get; init; }
    public int? FirstSessionWithinDays { get; init; }
    public int? AgreementReviewMonths { get; init; }

    [YamlIgnore]
    public SupervisionFormat ParsedFormat => Format switch
    {
        "group" => SupervisionFormat.Group,
        "peer" => SupervisionFormat.Peer,
        "ad-hoc" => SupervisionFormat.AdHoc,
        _ => SupervisionFormat.OneToOne,
    };

    [YamlIgnore]
    public bool IsGroup => ParsedFormat == SupervisionFormat.Group;

    public bool MayBook(string party) => BookedBy.Contains(party);

    public FrequencyPolicy Policy(int dueSoonDays) =>
        new(Frequency.Select(f => f.ToRequirement()).ToList(), MinimumMinutes, dueSoonDays, FirstSessionWithinDays);

    public string DescribeFrequency() =>
        Frequency.Count == 0 ? "as needed" : string.Join(" and ", Frequency.Select(f => f.ToRequirement().Describe()));

    /// <summary>Each problem with the key it is about, within this type.</summary>
    public IEnumerable<(string Key, string Message)> Check()
    {
        if (!Slug(Id)) yield return ("id", "id must be lower-case letters, digits and hyphens.");
        if (string.IsNullOrWhiteSpace(Name)) yield return ("", "a name is required.");
        if (Format is not ("one-to-one" or "group" or "peer" or "ad-hoc")) yield return ("format", $"format '{Format}' must be one-to-one, group, peer or ad-hoc.");
        if (MaxGroupSize is < 2 && IsGroup) yield return ("maxGroupSize", "maxGroupSize must be at least 2.");
        if (MaxGroupSize is not null && !IsGroup) yield return ("maxGroupSize", "maxGroupSize applies only to a group.");
        foreach (var who in BookedBy.Where(b => b is not ("supervisor" or "supervisee")))
            yield return ($"bookedBy[{who}]", $"bookedBy '{who}' must be supervisor or supervisee (administrators can always book).");
        if (MinimumMinutes is < 0 or > 600) yield return ("minimumMinutes", "minimumMinutes must be from 0 to 600.");
        if (FirstSessionWithinDays is < 1) yield return ("firstSessionWithinDays", "firstSessionWithinDays must be at least 1.");
        if (AgreementReviewMonths is < 1 or > 60) yield return ("agreementReviewMonths", "agreementReviewMonths must be from 1 to 60.");
        for (var i = 0; i < Frequency.Count; i++)
            foreach (var p in Frequency[i].Problems()) yield return ($"frequency[{i}]", "frequency: " + p);
    }

    private static bool Slug(string s) => Tenancy.TenantConfigLoader.SlugPattern().IsMatch(s);
}

/// <summary>As written in YAML: <c>{ every: 6, unit: weeks }</c> or <c>{ atLeast: 1, per: half-term }</c>.</summary>
public sealed record FrequencyRequirementSettings
{
    public int? Every { get; init; }
    public string Unit { get; init; } = "weeks";
    public int? AtLeast { get; init; }
    public string? Per { get; init; }

    private static readonly Dictionary<string, PeriodKind> Periods = new()
    {
        ["half-term"] = PeriodKind.HalfTerm, ["term"] = PeriodKind.Term, ["quarter"] = PeriodKind.Quarter, ["academic-year"] = PeriodKind.AcademicYear,
    };

    private static readonly Dictionary<string, IntervalUnit> Units = new()
    {
        ["days"] = IntervalUnit.Days, ["weeks"] = IntervalUnit.Weeks, ["months"] = IntervalUnit.Months,
    };

    public FrequencyRequirement ToRequirement() => new()
    {
        Every = Every,
        Unit = Units.GetValueOrDefault(Unit, IntervalUnit.Weeks),
        Per = Per is { } p && Periods.TryGetValue(p, out var k) ? k : null,
        AtLeast = AtLeast ?? 1,
    };

    public IEnumerable<string> Problems()
    {
        if (Per is { } p && !Periods.ContainsKey(p)) yield return $"per '{p}' must be half-term, term, quarter or academic-year.";
        if (!Units.ContainsKey(Unit)) yield return $"unit '{Unit}' must be days, weeks or months.";
        if (Every is null && Per is null) yield return "say either every (with unit) or atLeast with per.";
        if (Every is not null && Per is not null) yield return "say every or per, not both.";
        if (Every is < 1) yield return "every must be at least 1.";
        if (AtLeast is < 1) yield return "atLeast must be at least 1.";
    }
}

/// <summary>
/// Who may read the content of supervision records, as grants (seeds: ascent R8, ralph-thoresby R6,
/// mse-icb R2). Line managers see attendance and compliance, never content, unless a grant says so.
/// </summary>
public sealed record RecordAccessSettings
{
    public const string Participants = "participants";
    public const string SupervisorLineManagers = "supervisor-line-managers";
    public const string SafeguardingLeads = "safeguarding-leads";
    public const string Auditors = "auditors";
    public const string RolePrefix = "role:";

    /// <summary>participants | supervisor-line-managers | safeguarding-leads | auditors | role:&lt;tenant role id&gt;.</summary>
    public List<string> Readers { get; init; } = [Participants, SafeguardingLeads, Auditors];

    /// <summary>If set, nobody outside this tenant role reads content, whatever else grants it (ascent: DSLs and deputies).</summary>
    public string? OnlyHoldersOf { get; init; }

    public IEnumerable<(string At, string Message)> Check(IReadOnlyCollection<string> tenantRoleIds)
    {
        foreach (var r in Readers)
        {
            if (r.StartsWith(RolePrefix, StringComparison.Ordinal))
            {
                if (!tenantRoleIds.Contains(r[RolePrefix.Length..])) yield return ($"supervision.records.readers[{r}]", $"supervision.records.readers: there is no tenant role '{r[RolePrefix.Length..]}'.");
            }
            else if (r is not (Participants or SupervisorLineManagers or SafeguardingLeads or Auditors))
                yield return ($"supervision.records.readers[{r}]", $"supervision.records.readers: '{r}' must be participants, supervisor-line-managers, safeguarding-leads, auditors or role:<id>.");
        }
        if (OnlyHoldersOf is { } only && !tenantRoleIds.Contains(only))
            yield return ("supervision.records.onlyHoldersOf", $"supervision.records.onlyHoldersOf: there is no tenant role '{only}'.");
    }
}
