namespace SupervisionHub.Web.Staff;

/// <summary>Roles a person holds in one tenant; a person may hold several.</summary>
[Flags]
public enum StaffRoles
{
    None = 0,
    TenantAdmin = 1,
    SafeguardingLead = 2,
    Supervisor = 4,
    Supervisee = 8,
    LineManager = 16,
    Auditor = 32,
}

public static class StaffRoleNames
{
    /// <summary>The names used in CSV files, claims and policies.</summary>
    public static readonly IReadOnlyList<(StaffRoles Role, string Name, string Label)> All =
    [
        (StaffRoles.TenantAdmin, "tenant-admin", "Tenant admin"),
        (StaffRoles.SafeguardingLead, "safeguarding-lead", "Safeguarding lead"),
        (StaffRoles.Supervisor, "supervisor", "Supervisor"),
        (StaffRoles.Supervisee, "supervisee", "Supervisee"),
        (StaffRoles.LineManager, "line-manager", "Line manager"),
        (StaffRoles.Auditor, "auditor", "Auditor or inspector"),
    ];

    public static string Name(StaffRoles role) => All.First(r => r.Role == role).Name;

    public static IEnumerable<StaffRoles> Split(StaffRoles roles) => All.Select(r => r.Role).Where(r => (roles & r) == r);

    public static string Labels(StaffRoles roles) => string.Join(", ", Split(roles).Select(r => All.First(x => x.Role == r).Label));

    public static bool TryParse(string name, out StaffRoles role)
    {
        var match = All.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        role = match.Role;
        return match.Name is not null;
    }
}
