using YamlDotNet.Serialization;

namespace SupervisionHub.Web.Tenancy;

/// <summary>The contents of tenants/&lt;slug&gt;/tenant.yaml: everything about an organisation that is configuration, not records.
/// Lists are List (not IReadOnlyList) because YamlDotNet can only fill concrete collections.</summary>
public sealed record TenantSettings
{
    public Guid Id { get; init; }
    public string Identifier { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>As written in the file; checked by the loader so a typo gets a plain message, not a parser error.</summary>
    [YamlMember(Alias = "kind")]
    public string KindName { get; init; } = "";

    [YamlIgnore]
    public TenantKind Kind => Enum.TryParse<TenantKind>(KindName, ignoreCase: true, out var k) ? k : TenantKind.Unknown;
    public string TimeZone { get; init; } = "Europe/London";
    public TenantTheme Theme { get; init; } = new();
    public List<string> Hosts { get; init; } = [];
    public List<string> Sites { get; init; } = [];
    public List<TenantRole> Roles { get; init; } = [];
    public List<AcademicYear> TermDates { get; init; } = [];
    public List<ClosureDay> ClosureDays { get; init; } = [];
    public Supervision.SupervisionSettings Supervision { get; init; } = new();
    public TenantEmailSettings Email { get; init; } = new();

    /// <summary>The periodic reports the organisation runs for its committees (docs/reports.md).</summary>
    public List<Reports.ReportSettings> Reports { get; init; } = [];

    /// <summary>Single sign-on and whether passwords stay allowed (docs/adr/0027-single-sign-on.md).</summary>
    public SingleSignOn.SignInSettings SignIn { get; init; } = new();

    /// <summary>
    /// The month and day the academic year starts, as "09-01" (1 September unless set): "this academic
    /// year" in rules runs from it to the day before the next, with or without term dates.
    /// </summary>
    public string? AcademicYearStart { get; init; }

    /// <summary>
    /// The first administrators of a tenant made as a folder: each is given an account and emailed an
    /// invitation to choose a password when the folder is imported, in Production as in Development
    /// (docs/adr/0026-first-admins.md). Someone who already has an account is left as they are.
    /// </summary>
    public List<TenantAdmin> Admins { get; init; } = [];

    [YamlIgnore]
    public global::SupervisionHub.Workflows.Supervision.YearStart YearStart =>
        global::SupervisionHub.Workflows.Supervision.YearStart.TryParse(AcademicYearStart, out var start) ? start : global::SupervisionHub.Workflows.Supervision.YearStart.Default;

    /// <summary>The term dates and year start as the compliance calculator and the workflows read them.</summary>
    public global::SupervisionHub.Workflows.Supervision.SchoolCalendar Calendar() =>
        new(TermDates.SelectMany(y => y.Terms.Select(t => new global::SupervisionHub.Workflows.Supervision.SchoolTerm(
            y.Year, t.Name, t.Start, t.End, t.HalfTermBreak?.Start, t.HalfTermBreak?.End))), YearStart);
}

/// <summary>A first administrator named in tenant.yaml (admins:).</summary>
public sealed record TenantAdmin
{
    public string Name { get; init; } = "";
    public string Email { get; init; } = "";
}

/// <summary>How the organisation's emails are signed: the address itself is the service's (Smtp:From),
/// so mail passes the sending domain's SPF/DKIM; replies go to the organisation.</summary>
public sealed record TenantEmailSettings
{
    /// <summary>The name shown as the sender; the organisation's name when not given.</summary>
    public string? SenderName { get; init; }
    public string? ReplyTo { get; init; }

    /// <summary>How long an emailed link works before it must be renewed.</summary>
    public int LinkExpiryDays { get; init; } = 14;
}

public enum TenantKind { Unknown, Trust, School, Icb, Partnership }

public sealed record TenantTheme
{
    /// <summary>Header background; white text sits on it, so it must keep 4.5:1 contrast (WCAG 1.4.3).</summary>
    public string Colour { get; init; } = "#1d70b8";
    public string? Logo { get; init; }
}

/// <summary>A role the organisation's policy names (safeguarding team, quality committee...), with who holds it.</summary>
public sealed record TenantRole
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public List<string> Holders { get; init; } = [];

    /// <summary>
    /// Holders at each site, by site name (a head of school, a site's DSL): a rule names them as
    /// role:&lt;id&gt;@supervisee-site. Holders listed under holders: hold the role everywhere.
    /// </summary>
    public Dictionary<string, List<string>> Sites { get; init; } = [];

    /// <summary>Everyone who holds the role, anywhere: role:&lt;id&gt; names them all.</summary>
    [YamlIgnore]
    public IEnumerable<string> AllHolders => Holders.Concat(Sites.Values.SelectMany(h => h)).Distinct(StringComparer.OrdinalIgnoreCase);

    [YamlIgnore]
    public bool HeldPerSite => Sites.Count > 0;
}

public sealed record AcademicYear
{
    public string Year { get; init; } = "";
    public List<Term> Terms { get; init; } = [];
}

public sealed record Term
{
    public string Name { get; init; } = "";
    public DateOnly Start { get; init; }
    public DateOnly End { get; init; }
    public DateRange? HalfTermBreak { get; init; }
}

public sealed record DateRange
{
    public DateOnly Start { get; init; }
    public DateOnly End { get; init; }
}

public sealed record ClosureDay
{
    public DateOnly Date { get; init; }
    public string Name { get; init; } = "";
}
