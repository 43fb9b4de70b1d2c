using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests;

public sealed class TenantConfigTests
{
    private static readonly string[] Founding = ["river-tees", "ascent", "mse-icb", "devon-torbay", "ralph-thoresby"];

    [Fact]
    public void Every_founding_tenant_loads_without_errors()
    {
        var loaded = TenantConfigLoader.LoadFolder(AppFactory.RepoPath("tenants"));
        foreach (var slug in Founding)
        {
            var (_, _, result) = Assert.Single(loaded, l => Path.GetFileName(l.Folder) == slug);
            Assert.True(result.IsValid, string.Join("\n", result.Errors));
            Assert.NotEmpty(result.Settings!.Sites);
        }
        Assert.Equal(loaded.Count, loaded.Select(l => l.Result.Settings!.Id).Distinct().Count());
    }

    [Fact]
    public void Every_folder_under_tenants_loads_without_errors()
    {
        // About any tenant: whatever folders tenants/ holds, each must load (a new trust's folder included).
        Assert.All(TenantConfigLoader.LoadFolder(AppFactory.RepoPath("tenants")), l => Assert.True(l.Result.IsValid, string.Join("\n", l.Result.Errors)));
    }

    [Fact]
    public void The_founding_schools_and_trusts_have_three_academic_years_of_term_dates()
    {
        // About the founding tenants by name: a tenant added later may list only the years it has.
        foreach (var (folder, _, result) in TenantConfigLoader.LoadFolder(AppFactory.RepoPath("tenants")).Where(l => Founding.Contains(Path.GetFileName(l.Folder))))
        {
            var s = result.Settings!;
            if (s.Kind is not (TenantKind.School or TenantKind.Trust)) continue;
            Assert.Equal(["2025-26", "2026-27", "2027-28"], s.TermDates.Select(y => y.Year));
            Assert.All(s.TermDates, y => Assert.Equal(3, y.Terms.Count(t => t.HalfTermBreak is not null)));
        }
    }

    private const string Valid = """
        id: 5d0c2f0e-8a51-4a8f-9a4e-2c1f6b1d7e01
        identifier: oak-hill
        name: Oak Hill Academy
        kind: partnership
        timeZone: Europe/London
        theme:
          colour: "#1d70b8"
        sites: [Main site]
        """;

    [Fact]
    public void A_valid_file_loads() => Assert.True(TenantConfigLoader.Load(Valid, "tenant.yaml").IsValid);

    [Theory]
    [InlineData("sites: [Main site]", "sites: [Main site]\nsitez: [x]", 9, "sitez")]
    [InlineData("  colour: \"#1d70b8\"", "  colour: [unclosed", 7, "")]
    public void Broken_yaml_is_reported_at_its_line(string find, string replace, int line, string mentions)
    {
        var result = TenantConfigLoader.Load(Valid.Replace(find, replace, StringComparison.Ordinal), "tenants/oak-hill/tenant.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains(mentions, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"tenants/oak-hill/tenant.yaml:{line}:", error.ToString());
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal); // no stack trace
    }

    [Theory]
    [InlineData("  colour: \"#1d70b8\"", "  colour: \"#ffdd00\"", "contrast")]
    [InlineData("identifier: oak-hill", "identifier: Oak_Hill", "lower-case")]
    [InlineData("identifier: oak-hill", "identifier: platform", "reserved")]
    [InlineData("timeZone: Europe/London", "timeZone: Mars/Olympus", "time zone")]
    [InlineData("kind: partnership", "kind: school", "term dates")]
    [InlineData("kind: partnership", "kind: castle", "'castle' is not a kind of organisation")]
    [InlineData("sites: [Main site]", "sites: [A, a]", "more than once")]
    public void Wrong_settings_are_explained(string find, string replace, string mentions)
    {
        var result = TenantConfigLoader.Load(Valid.Replace(find, replace, StringComparison.Ordinal), "tenant.yaml");
        Assert.Contains(result.Errors, e => e.Message.Contains(mentions, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("logo.svg", "there is no file 'logo.svg'")]
    [InlineData("../ascent/logo.png", "must be the name of a .png or .svg file")]
    [InlineData("logo.gif", "must be the name of a .png or .svg file")]
    public void A_logo_must_be_a_small_png_or_svg_beside_tenant_yaml(string logo, string message)
    {
        var root = Path.Combine(Path.GetTempPath(), "shub-logo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "oak-hill"));
        File.WriteAllText(Path.Combine(root, "oak-hill", "tenant.yaml"), Valid.Replace("  colour: \"#1d70b8\"", $"  colour: \"#1d70b8\"\n  logo: \"{logo}\"", StringComparison.Ordinal));
        var (_, _, result) = Assert.Single(TenantConfigLoader.LoadFolder(root));
        Assert.Contains(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [InlineData("supervision:\n  types:\n    - id: group\n      name: Group\n      format: group\n      maxGroupSise: 6\n", 14, 7,
        "'maxGroupSise' is not a setting of supervision.types. Did you mean 'maxGroupSize'?")]
    [InlineData("theme2:\n  colour: \"#1d70b8\"\n", 9, 1, "'theme2' is not a setting of tenant.yaml. Did you mean 'theme'?")]
    [InlineData("supervision:\n  dueSoonDays: lots\n", 10, 16, "supervision.dueSoonDays: 'lots' is not a whole number.")]
    [InlineData("closureDays:\n  - date: 2026-13-01\n    name: INSET\n", 10, 11, "closureDays[0].date: '2026-13-01' is not a date like 2026-09-01.")]
    [InlineData("roles:\n  - id: dsl\n    name: DSL\n    holderz: [a@b.example]\n", 12, 5, "'holderz' is not a setting of roles. Did you mean 'holders'?")]
    public void Every_problem_has_a_line_a_column_and_words_for_a_person(string append, int line, int column, string message)
    {
        var result = TenantConfigLoader.Load(Valid + "\n" + append, "tenants/oak-hill/tenant.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
        Assert.DoesNotContain("SupervisionHub", error.Message, StringComparison.Ordinal); // never a C# type name
    }

    [Theory]
    [InlineData("  colour: \"#1d70b8\"", "  colour: \"#ffdd00\"", 7, "contrast")]
    [InlineData("timeZone: Europe/London", "timeZone: Mars/Olympus", 5, "time zone")]
    [InlineData("sites: [Main site]", "sites: [Main site]\nroles:\n  - id: dsl\n    name: DSL\n    sites:\n      Annexe: [dsl@oak.example]", 13, "'Annexe' is not one of the organisation's sites")]
    [InlineData("sites: [Main site]", "sites: [Main site]\nacademicYearStart: \"13-01\"", 9, "academicYearStart")]
    [InlineData("sites: [Main site]", "sites: [Main site]\nadmins:\n  - { name: Ada, email: not-an-address }", 10, "not an email address")]
    [InlineData("sites: [Main site]", "sites: [Main site]\nsupervision:\n  types:\n    - id: one\n      name: One\n      format: triangle", 13, "format 'triangle'")]
    public void Checks_on_meaning_are_at_the_line_of_the_setting(string find, string replace, int line, string mentions)
    {
        var result = TenantConfigLoader.Load(Valid.Replace(find, replace, StringComparison.Ordinal), "tenant.yaml");
        var error = Assert.Single(result.Errors, e => e.Message.Contains(mentions, StringComparison.Ordinal));
        Assert.Equal(line, error.Line);
        Assert.True(error.Column >= 1);
    }

    [Fact]
    public void A_role_may_be_held_per_site_and_an_academic_year_may_start_on_another_day()
    {
        var yaml = Valid.Replace("sites: [Main site]", "sites: [Main site, Annexe]\nacademicYearStart: \"08-01\"\nroles:\n  - id: dsl\n    name: DSL\n    holders: [lead@oak.example]\n    sites:\n      Main site: [dsl.main@oak.example]\n      Annexe: [dsl.annexe@oak.example]", StringComparison.Ordinal);
        var result = TenantConfigLoader.Load(yaml, "tenant.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var role = Assert.Single(result.Settings!.Roles);
        Assert.Equal(["lead@oak.example", "dsl.main@oak.example", "dsl.annexe@oak.example"], role.AllHolders);
        Assert.Equal(new DateOnly(2026, 8, 1), result.Settings.Calendar().AcademicYear(new DateOnly(2027, 3, 1)).Start);
    }
}
