using SupervisionHub.Web.Email;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>Every founding tenant's rules load and validate against what the tenant has; every email template parses.</summary>
public sealed class FoundingWorkflowsTests
{
    public static TheoryData<string> Tenants => new() { "river-tees", "ascent", "mse-icb", "devon-torbay", "ralph-thoresby" };

    public static WorkflowEnvironment EnvironmentOf(string tenant)
    {
        var folder = AppFactory.RepoPath(Path.Combine("tenants", tenant));
        var settings = TenantConfigLoader.Load(File.ReadAllText(Path.Combine(folder, "tenant.yaml")), "tenant.yaml").Settings!;
        return new WorkflowEnvironment
        {
            EventTypes = EventTypes.All.ToHashSet(),
            TemplateNames = Directory.GetFiles(Path.Combine(folder, "emails"), "*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(),
            TenantRoleIds = settings.Roles.Select(r => r.Id).ToHashSet(),
            FormIds = Directory.GetFiles(Path.Combine(folder, "forms"), "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(),
            SettingNames = SupervisionHub.Web.Supervision.SupervisionSettings.RuleSettingNames,
        };
    }

    public static WorkflowDefinition Load(string tenant, string id)
    {
        var path = AppFactory.RepoPath(Path.Combine("tenants", tenant, "workflows", id + ".yaml"));
        var result = WorkflowLoader.Load(File.ReadAllText(path), path);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Every_workflow_loads_and_validates(string tenant)
    {
        var env = EnvironmentOf(tenant);
        var files = Directory.GetFiles(AppFactory.RepoPath(Path.Combine("tenants", tenant, "workflows")), "*.yaml");
        Assert.NotEmpty(files);
        var errors = new List<string>();
        foreach (var path in files)
        {
            var file = Path.GetRelativePath(AppFactory.RepoPath(""), path);
            var loaded = WorkflowLoader.Load(File.ReadAllText(path), file);
            errors.AddRange(loaded.Errors.Select(e => e.ToString()));
            if (loaded.Definition is { } d)
            {
                errors.AddRange(WorkflowValidator.Validate(d, env, file).Select(e => e.ToString()));
                if (d.Id != Path.GetFileNameWithoutExtension(path)) errors.Add($"{file}: id '{d.Id}' is not the file name");
            }
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Every_email_template_parses(string tenant)
    {
        foreach (var path in Directory.GetFiles(AppFactory.RepoPath(Path.Combine("tenants", tenant, "emails")), "*.md"))
        {
            var (template, error) = EmailTemplates.Parse(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path));
            Assert.True(template is not null, error);
        }
    }

    private static readonly string[] ReminderRules = ["session-reminder", "session-reminder-after-move"];

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Every_founding_tenant_reminds_both_people_before_a_session_once_even_when_it_moves_and_never_when_cancelled(string tenant)
    {
        var folder = AppFactory.RepoPath(Path.Combine("tenants", tenant));
        var settings = TenantConfigLoader.Load(File.ReadAllText(Path.Combine(folder, "tenant.yaml")), "tenant.yaml").Settings!;
        var days = settings.Supervision.ReminderDays;
        Assert.NotNull(days);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var simulation = new SimulationSettings { People = Workflows.Scenario.People(tenant, group: false), Zone = zone, Settings = settings.Supervision.ForRules() };
        var bookedAt = new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);
        ScriptedEvent Booked() => new(bookedAt, EventNames.SessionBooked, SessionId: "s-1", SessionDate: new DateOnly(2027, 1, 20));
        var moved = new ScriptedEvent(bookedAt.AddDays(1), EventNames.SessionMoved, SessionId: "s-1", SessionDate: new DateOnly(2027, 1, 27));
        var cancelled = new ScriptedEvent(bookedAt.AddDays(1), EventNames.SessionCancelled, "by-supervisor", SessionId: "s-1");
        List<EmailEffect> Emails(params ScriptedEvent[] events) =>
        [
            .. ReminderRules.SelectMany(id =>
                WorkflowSimulator.Run(Load(tenant, id), new SimulationScript { Until = new DateOnly(2027, 2, 28), Events = events }, simulation).Emails),
        ];

        var once = Assert.Single(Emails(Booked()));
        Assert.Equal([Workflows.Scenario.Supervisor.Name, Workflows.Scenario.Supervisee.Name], once.To.Select(r => r.Name));
        Assert.Equal("Wednesday 27 January 2027", (string?)Assert.Single(Emails(Booked(), moved)).Model["session"]!["day"]);
        Assert.Empty(Emails(Booked(), cancelled));
    }
}
