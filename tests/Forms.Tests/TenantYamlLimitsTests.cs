using System.Diagnostics;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.TenantText;

namespace SupervisionHub.Forms.Tests;

/// <summary>
/// Issue 15 item 1: YAML a tenant admin writes is bounded before anything recursive reads it. Without
/// the bound, the first test ends the test process with a stack overflow inside YamlDotNet.
/// </summary>
public sealed class TenantYamlLimitsTests
{
    /// <summary>The issue's attack: 200 KB of [ and ] as a form's title.</summary>
    public static string Brackets(int n) => "id: x\ntitle: " + new string('[', n) + new string(']', n) + "\n";

    private static FormError Single(FormLoadResult result)
    {
        Assert.Null(result.Definition);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void A_form_of_100000_nested_brackets_is_a_located_error_not_a_crash()
    {
        var watch = Stopwatch.StartNew();
        var error = Single(FormLoader.Load(Brackets(100_000), "x.yaml"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal(2, error.Line);
        Assert.Equal(7 + TenantTextLimits.YamlMaxDepth, error.Column); // "title: ", then the bracket one past the limit (the form itself is the first level)
        Assert.Contains($"nested more than {TenantTextLimits.YamlMaxDepth} levels", error.Message);
    }

    [Fact]
    public void Nested_flow_maps_and_indented_blocks_are_bounded_too()
    {
        var maps = "id: x\ntitle: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n";
        Assert.Contains("nested more than", Single(FormLoader.Load(maps, "x.yaml")).Message);

        var blocks = string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i) + "a:\n"));
        var error = Single(FormLoader.Load(blocks, "x.yaml"));
        Assert.Contains("nested more than", error.Message);
        Assert.Equal(TenantTextLimits.YamlMaxDepth + 1, error.Line);
    }

    [Fact]
    public void Aliases_count_as_copies_so_a_billion_laughs_is_refused_at_the_alias_that_crosses_the_limit()
    {
        // Nine levels of ten aliases each name 10^9 values; the tree itself is tiny.
        var lines = new List<string> { "id: x", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i <= 9; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        var error = Single(FormLoader.Load(string.Join('\n', lines) + "\n", "x.yaml"));
        Assert.Contains($"more than {TenantTextLimits.YamlMaxNodes:N0} values", error.Message);
        Assert.InRange(error.Line, 4, 11);

        // Aliases also carry depth: a deep anchor used inside a deep list is as deep as the two together.
        var deep = "a: &d " + new string('[', 40) + new string(']', 40) + "\nb: " + new string('[', 30) + "*d" + new string(']', 30) + "\n";
        Assert.Throws<YamlLimitException>(() => TenantYaml.CheckLimits(deep));
    }

    [Fact]
    public void Text_over_the_size_limit_is_refused_at_the_character_where_it_goes_over()
    {
        var line = "# " + new string('x', 97) + "\n"; // 100 characters a line
        var text = "id: x\n" + string.Concat(Enumerable.Repeat(line, 3_000));
        var error = Single(FormLoader.Load(text, "x.yaml"));
        Assert.Contains($"the most the service reads in one file is {TenantTextLimits.YamlMaxChars:N0}", error.Message);
        var before = TenantTextLimits.YamlMaxChars - 6; // characters of comment lines before the limit
        Assert.Equal(2 + before / 100, error.Line);
        Assert.Equal(1 + before % 100, error.Column);
    }

    [Fact]
    public void Text_inside_the_limits_reads_as_before_and_a_syntax_error_keeps_its_own_message_and_place()
    {
        var nested = "id: x\ntitle: " + new string('[', TenantTextLimits.YamlMaxDepth - 1) + new string(']', TenantTextLimits.YamlMaxDepth - 1) + "\n";
        TenantYaml.CheckLimits(nested);
        Assert.NotNull(TenantYaml.Load(nested).Documents.Single().RootNode);

        var unclosed = FormLoader.Load("id: x\ntitle: [a, b\n", "x.yaml");
        Assert.Contains(unclosed.Errors, e => e.Message.StartsWith("This is not valid YAML: While parsing a flow sequence", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_yaml_file_under_tenants_is_inside_the_limits()
    {
        var root = Path.Combine(FoundingFormsTests.RepositoryRoot(), "tenants");
        foreach (var file in Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories))
            TenantYaml.CheckLimits(File.ReadAllText(file)); // throws, naming the place, if a founding file outgrew a limit
    }
}
