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
}
