using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The test tenant's rules (tests/tenants/new-trust/workflows), each from its file through the
/// simulator with the tenant's real settings: its sites and site roles, term dates, year start and
/// closure days. Sam supervises at Harbour Academy; Pat works at Beacon Primary.
/// </summary>
public sealed class NewTrustRuleScenarioTests
{
    private static readonly TenantSettings Tenant = TenantConfigLoader.Load(File.ReadAllText(Path.Combine(NewTrust.Folder, "tenant.yaml")), "tenant.yaml").Settings!;

    private static readonly Recipient Sam = new("sam", "Sam Supervisor", "sam@new-trust.example", "Harbour Academy");
    private static readonly Recipient Pat = new("pat", "Pat Practitioner", "pat@new-trust.example", "Beacon Primary");
    private static readonly Recipient Kim = new("kim", "Kim Member", "kim@new-trust.example", "Beacon Primary");
    private static readonly Recipient Rob = new("rob", "Rob Member", "rob@new-trust.example", "Harbour Academy");
    private static readonly Recipient Lou = new("lou", "Lou Manager", "lou@new-trust.example", "Harbour Academy");

    private static PeopleDirectory People(params Recipient[] supervisees) => new()
    {
        Supervisor = Sam,
        Supervisees = supervisees,
        LineManagerOfSupervisor = Lou,
        RoleHolders = Tenant.Roles.ToDictionary(r => r.Id, r => (IReadOnlyList<Recipient>)[.. r.AllHolders.Select(h => new Recipient(null, r.Name, h))]),
        SiteRoleHolders = Tenant.Roles.Where(r => r.HeldPerSite).ToDictionary(r => r.Id, r => (IReadOnlyDictionary<string, IReadOnlyList<Recipient>>)
            r.Sites.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<Recipient>)[.. kv.Value.Select(h => new Recipient(null, r.Name, h, kv.Key))])),
    };

    private static SimulationSettings Settings(string typeId, params Recipient[] supervisees) => new()
    {
        People = People(supervisees),
        Zone = Scenario.London,
        ClosureDays = [.. Tenant.ClosureDays.Select(c => c.Date)],
        Calendar = Tenant.Calendar(),
        Relationship = new RelationshipInfo(typeId, Tenant.Supervision.Type(typeId)!.Format, Sam.StaffId!, [.. supervisees.Select(s => s.StaffId!)]),
        TenantName = Tenant.Name,
    };

    private static WorkflowDefinition Rule(string id)
    {
        var loaded = WorkflowLoader.Load(File.ReadAllText(Path.Combine(NewTrust.Folder, "workflows", id + ".yaml")), id + ".yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return loaded.Definition!;
    }

    private static SimulationResult Run(string rule, SimulationSettings settings, string script)
    {
        var loaded = SimulationScript.Load(script);
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors));
        var result = WorkflowSimulator.Run(Rule(rule), loaded.Script!, settings);
        Assert.True(result.Incidents.Count == 0, string.Join("\n", result.Incidents));
        return result;
    }

    private static WorkflowEnvironment Environment(DateOnly today) => new()
    {
        EventTypes = EventNames.Set,
        TemplateNames = Directory.GetFiles(Path.Combine(NewTrust.Folder, "emails"), "*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(),
        TenantRoleIds = Tenant.Roles.Select(r => r.Id).ToHashSet(),
        FormIds = Directory.GetFiles(Path.Combine(NewTrust.Folder, "forms"), "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(),
        RoleSites = WorkflowCatalog.RoleSites(Tenant),
        Sites = Tenant.Sites,
        Calendar = Tenant.Calendar(),
        Today = today,
    };

    public static TheoryData<string> Rules => [.. Directory.GetFiles(Path.Combine(NewTrust.Folder, "workflows"), "*.yaml").Select(p => Path.GetFileNameWithoutExtension(p)!)];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Every_rule_of_the_test_tenant_checks_clean_against_what_it_has(string rule) =>
        Assert.Empty(WorkflowValidator.Validate(Rule(rule), Environment(new DateOnly(2026, 3, 2)), rule + ".yaml"));

    [Fact]
    public void The_rule_editor_warns_that_school_days_in_2027_28_have_no_term_dates()
    {
        Assert.Empty(WorkflowValidator.Warnings(Rule("cancelled-rebook"), Environment(new DateOnly(2026, 3, 2)), "cancelled-rebook.yaml"));
        var warning = Assert.Single(WorkflowValidator.Warnings(Rule("cancelled-rebook"), Environment(new DateOnly(2026, 12, 4)), "cancelled-rebook.yaml"));
        Assert.Contains("no term dates for 2027-28", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_miss_goes_to_the_head_of_the_supervisees_school_copied_to_the_supervisors_DSL()
    {
        var result = Run("missed-tell-the-head", Settings("one-to-one", Pat), "until: 2026-03-31\nsessions:\n  - { date: 2026-03-02, outcome: missed }\n");
        var email = Assert.Single(result.Emails);
        Assert.Equal(["head.beacon@new-trust.example"], Scenario.Addresses(email.To));
        Assert.Equal(["dsl.harbour@new-trust.example"], Scenario.Addresses(email.Cc));
    }

    [Fact]
    public void Three_misses_this_academic_year_across_supervisions_escalate_and_a_miss_last_summer_does_not_count()
    {
        // The summer holiday after 2026-27, the last year with term dates listed: still 2026-27 by the
        // year start, so a miss of August 2026 (2025-26) never counts, though it is within 12 months.
        var result = Run("three-misses-a-year", Settings("one-to-one", Pat), """
            until: 2027-08-31
            sessions:
              - { date: 2026-08-20, outcome: missed }
              - { date: 2027-06-07, outcome: missed, supervision: group }
              - { date: 2027-08-16, outcome: missed }
              - { date: 2027-08-23, outcome: missed }
            """);
        var escalation = Assert.Single(result.Emails);
        Assert.Equal(["dsl.beacon@new-trust.example"], Scenario.Addresses(escalation.To));
        Assert.Equal([new DateOnly(2027, 8, 23)], Scenario.DaysOf(result, "escalate")); // the third of 2026-27, counting the group's
    }

    [Fact]
    public void A_miss_not_followed_by_a_session_within_ten_working_days_goes_to_the_school_DSL()
    {
        var rebooked = Run("missed-rebook", Settings("one-to-one", Pat), """
            until: 2026-04-30
            sessions:
              - { date: 2026-03-02, outcome: missed }
              - { date: 2026-03-13, outcome: attended, booked: 2026-03-04 }
            """);
        Assert.Empty(rebooked.Emails);
        var tooLate = Run("missed-rebook", Settings("one-to-one", Pat), """
            until: 2026-04-30
            sessions:
              - { date: 2026-03-02, outcome: missed }
              - { date: 2026-03-30, outcome: attended, booked: 2026-03-04 }
            """);
        Assert.Equal(["dsl.beacon@new-trust.example"], Scenario.Addresses(Assert.Single(tooLate.Emails).To));
    }

    [Fact]
    public void A_cancellation_on_the_last_friday_of_term_is_due_in_the_next_term_counting_school_days()
    {
        var result = Run("cancelled-rebook", Settings("one-to-one", Pat), """
            until: 2026-01-31
            sessions:
              - { date: 2025-12-19, outcome: cancelled-by-supervisor }
            """);
        // Spring starts on 5 January, an INSET day: 6, 7, 8, 9, 12 January.
        Assert.Equal(new DateOnly(2026, 1, 12), Assert.Single(result.Tasks).Due);
        var reminder = Assert.Single(result.Emails);
        Assert.Equal(["sam@new-trust.example"], Scenario.Addresses(reminder.To));
        Assert.Equal([new DateOnly(2026, 1, 12)], Scenario.DaysOf(result, "remind"));
    }

    [Fact]
    public void Each_member_of_the_group_is_asked_and_reminded_on_their_own()
    {
        var result = Run("group-evaluation", Settings("group", Pat, Kim, Rob), """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: group-1 }
            events:
              - { at: "2026-03-03T16:00:00+00:00", event: record.submitted, form: evaluation, session: group-1, person: kim }
            """);
        Assert.Equal(3, result.Tasks.Count);
        var reminded = result.Emails.Where(e => e.Template == "evaluation-reminder").SelectMany(e => e.To).Select(r => r.StaffId).Order().ToList();
        Assert.Equal(["pat", "rob"], reminded);
        Assert.Equal([new DateOnly(2026, 3, 9)], Scenario.DaysOf(result, "remind").Distinct()); // five school days
    }

    [Fact]
    public void A_high_risk_case_not_escalated_goes_to_the_school_DSL_with_a_link_to_the_record()
    {
        var result = Run("escalated-case", Settings("one-to-one", Pat), """
            until: 2026-03-31
            events:
              - { at: "2026-03-02T16:00:00+00:00", event: record.submitted, form: supervision-record, answers: { cases: [ { case-ref: AB1234, risk: high, escalated: "no" } ] } }
              - { at: "2026-03-03T16:00:00+00:00", event: record.submitted, form: supervision-record, answers: { cases: [ { case-ref: AB1234, risk: high, escalated: "yes" } ] } }
            """);
        Assert.Equal(["dsl.beacon@new-trust.example"], Scenario.Addresses(Assert.Single(result.Emails).To));
    }
}
