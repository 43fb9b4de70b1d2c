using System.Collections.Concurrent;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// Fake people around one relationship, and a founding tenant's real settings (term dates, closure
/// days, frequency policy, roles, zone), for running that tenant's real workflow files through the
/// simulator. Every tenant role is held by one fake person, &lt;role id&gt;@example.org.
/// </summary>
internal static class Scenario
{
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static readonly Recipient Supervisor = new("sam", "Sam Supervisor", "sam@example.org");
    public static readonly Recipient Supervisee = new("pat", "Pat Supervisee", "pat@example.org");
    public static readonly Recipient SecondSupervisee = new("kim", "Kim Member", "kim@example.org");
    /// <summary>Pat's line manager.</summary>
    public static readonly Recipient LineManager = new("lee", "Lee Manager", "lee@example.org");
    /// <summary>Kim's line manager (groups).</summary>
    public static readonly Recipient SecondLineManager = new("lyn", "Lyn Manager", "lyn@example.org");
    public static readonly Recipient SupervisorsLineManager = new("lou", "Lou Manager", "lou@example.org");
    /// <summary>The person a staff.* event is about, and their (new) line manager.</summary>
    public static readonly Recipient Person = new("nia", "Nia Newcomer", "nia@example.org");
    public static readonly Recipient PersonsLineManager = new("max", "Max Manager", "max@example.org");
    /// <summary>The holder of the staff role safeguarding-lead.</summary>
    public static readonly Recipient SafeguardingLead = new("dee", "Dee Lead", "dee@example.org");

    public static Recipient RoleHolder(string roleId) => new($"{roleId}-holder", $"Holder of {roleId}", $"{roleId}@example.org");

    private static readonly ConcurrentDictionary<string, TenantSettings> Tenants = new();

    public static TenantSettings Tenant(string slug) => Tenants.GetOrAdd(slug, s =>
    {
        var loaded = TenantConfigLoader.Load(File.ReadAllText(AppFactory.RepoPath(Path.Combine("tenants", s, "tenant.yaml"))), "tenant.yaml");
        Assert.NotNull(loaded.Settings);
        return loaded.Settings!;
    });

    public static PeopleDirectory People(string tenant, bool group) => People(Tenant(tenant), group);

    public static PeopleDirectory People(TenantSettings tenant, bool group) => new()
    {
        Supervisor = Supervisor,
        Supervisees = group ? [Supervisee, SecondSupervisee] : [Supervisee],
        LineManagersOfSupervisees = group ? [LineManager, SecondLineManager] : [LineManager],
        LineManagerOfSupervisor = SupervisorsLineManager,
        Person = Person,
        LineManagerOfPerson = PersonsLineManager,
        RoleHolders = tenant.Roles.ToDictionary(r => r.Id, r => (IReadOnlyList<Recipient>)[RoleHolder(r.Id)]),
        StaffRoleHolders = new Dictionary<string, IReadOnlyList<Recipient>> { ["safeguarding-lead"] = [SafeguardingLead] },
    };

    /// <summary>A relationship of the tenant's supervision type <paramref name="typeId"/>, with its real frequency policy, term dates and closure days.</summary>
    public static SimulationSettings Settings(string tenant, string typeId) => Settings(Tenant(tenant), typeId);

    /// <summary>The same, from settings as a tenant has them (one made in the browser has no file).</summary>
    public static SimulationSettings Settings(TenantSettings t, string typeId)
    {
        var tenant = t.Identifier;
        var type = t.Supervision.Type(typeId);
        Assert.True(type is not null, $"{tenant} has no supervision type {typeId}");
        var group = type!.IsGroup;
        Assert.Equal("Europe/London", t.TimeZone);
        return new SimulationSettings
        {
            People = People(t, group),
            Zone = London,
            ClosureDays = [.. t.ClosureDays.Select(c => c.Date)],
            Calendar = t.Calendar(),
            Policy = type.Policy(t.Supervision.DueSoonDays),
            RequiredFrom = new DateOnly(2025, 9, 1),
            Relationship = new RelationshipInfo(typeId, type.Format, Supervisor.StaffId!, group ? [Supervisee.StaffId!, SecondSupervisee.StaffId!] : [Supervisee.StaffId!]),
            TenantName = t.Name,
        };
    }

    /// <summary>Settings for a scheduled rule over a cohort: no relationship, only the tenant's calendar and the cohort.</summary>
    public static SimulationSettings Cohort(string tenant, string cohort, params CohortMember[] members)
    {
        var t = Tenant(tenant);
        return new SimulationSettings
        {
            People = People(tenant, group: false) with { Supervisor = null, Supervisees = [], LineManagersOfSupervisees = [], LineManagerOfSupervisor = null, Person = null, LineManagerOfPerson = null },
            Cohorts = new Dictionary<string, IReadOnlyList<CohortMember>> { [cohort] = members },
            Zone = London,
            ClosureDays = [.. t.ClosureDays.Select(c => c.Date)],
            Calendar = t.Calendar(),
            TenantName = t.Name,
        };
    }

    public static CohortMember Member(string id, DateOnly? trainingExpiresOn = null) =>
        new(id, $"Member {id}", $"{id}@example.org", ["supervisor"], null, trainingExpiresOn);

    /// <summary>Runs the tenant's real workflow file over a script (docs: SimulationScript); a run that faults fails the test.</summary>
    public static SimulationResult Run(string tenant, string workflow, SimulationSettings settings, string script)
    {
        var loaded = SimulationScript.Load(script);
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors));
        var result = WorkflowSimulator.Run(FoundingWorkflowsTests.Load(tenant, workflow), loaded.Script!, settings);
        Assert.True(result.Incidents.Count == 0, string.Join("\n", result.Incidents));
        return result;
    }

    public static string[] Addresses(IEnumerable<Recipient> people) => [.. people.Select(p => p.Email)];

    /// <summary>The local day a journal line for <paramref name="stepId"/> was written, one per line.</summary>
    public static DateOnly[] DaysOf(SimulationResult result, string stepId) =>
        [.. result.Journal.Where(j => j.StepId == stepId && j.What != "incident").Select(j => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(j.At, London).DateTime))];

    public static DateOnly D(int year, int month, int day) => new(year, month, day);

    public static void Nothing(SimulationResult result)
    {
        Assert.Empty(result.Emails);
        Assert.Empty(result.Tasks);
    }
}
