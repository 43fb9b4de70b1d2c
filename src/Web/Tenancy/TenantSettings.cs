namespace SupervisionHub.Web.Tenancy;

/// <summary>The contents of tenants/&lt;slug&gt;/tenant.yaml: everything about an organisation that is configuration, not records.</summary>
public sealed record TenantSettings
{
    public Guid Id { get; init; }
    public string Identifier { get; init; } = "";
    public string Name { get; init; } = "";
    public TenantKind Kind { get; init; }
    public string TimeZone { get; init; } = "Europe/London";
    public TenantTheme Theme { get; init; } = new();
    public IReadOnlyList<string> Hosts { get; init; } = [];
    public IReadOnlyList<string> Sites { get; init; } = [];
    public IReadOnlyList<TenantRole> Roles { get; init; } = [];
    public IReadOnlyList<AcademicYear> TermDates { get; init; } = [];
    public IReadOnlyList<ClosureDay> ClosureDays { get; init; } = [];
}

public enum TenantKind { Trust, School, Icb, Partnership }

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
    public IReadOnlyList<string> Holders { get; init; } = [];
}

public sealed record AcademicYear
{
    public string Year { get; init; } = "";
    public IReadOnlyList<Term> Terms { get; init; } = [];
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
