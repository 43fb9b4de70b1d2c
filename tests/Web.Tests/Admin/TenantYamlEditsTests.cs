using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>The settings page's text edits on the shapes tenant.yaml can take that the founding files do not all show.</summary>
public sealed class TenantYamlEditsTests
{
    [Fact]
    public void A_key_in_a_flow_mapping_is_replaced_in_place_and_a_missing_one_added_inside_it()
    {
        var text = "name: A\ntheme: { colour: \"#1d70b8\" }   # brand\n";
        Assert.Equal("name: A\ntheme: { colour: \"#0b0c0c\" }   # brand\n", TenantYamlEdits.SetScalar(text, ["theme", "colour"], "\"#0b0c0c\""));
        Assert.Equal("name: A\ntheme: { colour: \"#1d70b8\", logo: x.png }   # brand\n", TenantYamlEdits.SetScalar(text, ["theme", "logo"], "x.png"));
    }

    [Fact]
    public void A_missing_block_is_added_at_the_end_and_a_missing_key_goes_into_an_existing_block()
    {
        Assert.Equal("name: A\nemail:\n  linkExpiryDays: 21\n", TenantYamlEdits.SetScalar("name: A\n", ["email", "linkExpiryDays"], "21"));
        Assert.Equal("name: A\nemail:\n  linkExpiryDays: 21\n  replyTo: a@b.example\n",
            TenantYamlEdits.SetScalar("name: A\nemail:\n  replyTo: a@b.example\n", ["email", "linkExpiryDays"], "21"));
    }

    [Fact]
    public void A_list_flush_with_its_key_is_replaced_whole_and_the_comment_after_it_stays()
    {
        var text = "closureDays:\n- date: 2026-01-05\n  name: INSET day\n# next\nsupervision: {}\n";
        var edited = TenantYamlEdits.SetTopLevelList(text, "closureDays", TenantYamlEdits.ClosureLines([new ClosureDay { Date = new DateOnly(2026, 2, 1), Name = "Snow" }]));
        Assert.Equal("closureDays:\n  - date: 2026-02-01\n    name: Snow\n# next\nsupervision: {}\n", edited);
        Assert.Equal("closureDays: []\n# next\nsupervision: {}\n", TenantYamlEdits.SetTopLevelList(text, "closureDays", []));
        Assert.Equal("closureDays:\n  - date: 2026-02-01\n    name: Snow\n", TenantYamlEdits.SetTopLevelList("closureDays: []\n", "closureDays", TenantYamlEdits.ClosureLines([new ClosureDay { Date = new DateOnly(2026, 2, 1), Name = "Snow" }])));
    }

    [Fact]
    public void Holders_written_as_a_block_list_become_one_flow_list()
    {
        var text = "roles:\n  - id: lead\n    name: Lead\n    holders:\n      - a@b.example   # the head\n      - c@d.example\n  - id: other\n    name: Other\n";
        Assert.Equal("roles:\n  - id: lead\n    name: Lead\n    holders: [x@y.example]\n  - id: other\n    name: Other\n", TenantYamlEdits.SetRoleHolders(text, "lead", ["x@y.example"]));
        Assert.Equal("roles:\n  - id: lead\n    name: Lead\n    holders:\n      - a@b.example   # the head\n      - c@d.example\n  - id: other\n    holders: [Someone odd]\n    name: Other\n",
            TenantYamlEdits.SetRoleHolders(text, "other", ["Someone odd"]));
    }

    [Fact]
    public void A_frequency_written_inline_is_replaced_with_one_line_per_requirement()
    {
        var text = "supervision:\n  types:\n    - id: one\n      frequency: [{ every: 6, unit: weeks }]\n      name: One\n";
        var edited = TenantYamlEdits.SetFrequency(text, "one", [new FrequencyRequirementSettings { Every = 4, Unit = "weeks" }, new FrequencyRequirementSettings { AtLeast = 2, Per = "term" }]);
        Assert.Equal("supervision:\n  types:\n    - id: one\n      frequency:\n        - { every: 4, unit: weeks }\n        - { atLeast: 2, per: term }\n      name: One\n", edited);
    }
}
