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
    public void Schools_and_trusts_have_three_academic_years_of_term_dates()
    {
        foreach (var (_, _, result) in TenantConfigLoader.LoadFolder(AppFactory.RepoPath("tenants")))
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
}
