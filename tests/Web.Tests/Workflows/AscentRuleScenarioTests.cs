using SupervisionHub.Workflows.Engine;
using static SupervisionHub.Web.Tests.Workflows.Scenario;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>ascent founding rules (CATALOG.md R1 to R7), each run from its real workflow file through the simulator.</summary>
public sealed class AscentRuleScenarioTests
{
    private const string Tenant = "ascent";
    private const string TrustLead = "trust-safeguarding-lead@example.org";
    private static SimulationSettings OneToOne => Settings(Tenant, "one-to-one");

    // ---- R1/R2 supervision-overdue ----

    [Fact]
    public void Ascent_R1_overdue_supervision_reminds_both_and_after_more_than_90_days_tells_the_trust_lead()
    {
        var result = Run(Tenant, "supervision-overdue", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2025-11-10, outcome: attended }
            events:
              - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
            """);
        Assert.Equal(["supervision-overdue", "supervision-long-overdue"], result.Emails.Select(e => e.Template));
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(result.Emails[0].To));
        Assert.Equal([TrustLead], Addresses(result.Emails[1].To));
        // the tenant's own policy (one a half term, six a year) agrees: no session since November
        Assert.Equal("overdue", result.Emails[0].Model["history"]!["status"]!.GetValue<string>());
        Assert.Equal(112, result.Emails[1].Model["history"]!["daysSinceLastSession"]!.GetValue<int>());
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Ascent_R1_overdue_supervision_within_90_days_of_the_last_session_does_not_tell_the_trust_lead()
    {
        var result = Run(Tenant, "supervision-overdue", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2025-12-02, outcome: attended }
            events:
              - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
            """);
        var email = Assert.Single(result.Emails); // exactly 90 days: not more than 90
        Assert.Equal("supervision-overdue", email.Template);
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(email.To));
    }

    [Fact]
    public void Ascent_R2_peer_support_overdue_reminds_both()
    {
        var result = Run(Tenant, "supervision-overdue", Settings(Tenant, "peer-support"), """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-20, outcome: attended }
            events:
              - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
            """);
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(Assert.Single(result.Emails).To));
    }

    [Fact]
    public void Ascent_R1_without_an_overdue_event_nothing_is_sent()
    {
        var result = Run(Tenant, "supervision-overdue", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2025-11-10, outcome: attended }
              - { date: 2026-03-02, outcome: missed }
            """);
        Assert.Empty(result.Runs);
        Nothing(result);
    }

    // ---- R3 record-signed-by-both ----

    [Fact]
    public void Ascent_R3_a_record_unsigned_for_10_working_days_over_an_INSET_day_reminds_both_and_after_20_is_escalated()
    {
        var result = Run(Tenant, "record-signed-by-both", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-02-06T15:00+00:00, event: record.submitted, form: supervision-record, session: s1 }
            """);
        // 13 February is an ascent INSET day: 10 working days from Friday 6 February end on Monday 23 February
        Assert.Equal([D(2026, 2, 23)], DaysOf(result, "remind"));
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "tell-lead"));
        Assert.Contains(result.Journal, j => j.StepId == "remind" && j.At == new DateTimeOffset(2026, 2, 23, 15, 0, 0, TimeSpan.Zero));
        Assert.Equal(["record-awaiting-signature", "record-unsigned"], result.Emails.Select(e => e.Template));
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(result.Emails[0].To));
        Assert.Equal([TrustLead], Addresses(result.Emails[1].To));
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Escalation);
        Assert.Equal(TrustLead, task.For.Email);
        Assert.Equal("A supervision record is still not signed by both parties after 20 working days", task.Title);
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }

    [Fact]
    public void Ascent_R3_working_days_for_the_signature_reminder_skip_Good_Friday_and_Easter_Monday()
    {
        var result = Run(Tenant, "record-signed-by-both", OneToOne, """
            until: 2026-05-31
            events:
              - { at: 2026-04-01T15:00+01:00, event: record.submitted, form: supervision-record, session: s1 }
            """);
        Assert.Equal([D(2026, 4, 17)], DaysOf(result, "remind"));
        Assert.Equal([D(2026, 5, 1)], DaysOf(result, "tell-lead"));
    }

    [Fact]
    public void Ascent_R3_a_record_signed_by_both_within_10_working_days_sends_nothing()
    {
        var result = Run(Tenant, "record-signed-by-both", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-02-06T15:00+00:00, event: record.submitted, form: supervision-record, session: s1 }
              - { at: 2026-02-20T11:00+00:00, event: record.signed, form: supervision-record, session: s1 }
            """);
        Nothing(result);
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }

    [Fact]
    public void Ascent_R3_a_record_signed_after_the_reminder_is_not_escalated()
    {
        var result = Run(Tenant, "record-signed-by-both", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-02-06T15:00+00:00, event: record.submitted, form: supervision-record, session: s1 }
              - { at: 2026-03-02T11:00+00:00, event: record.signed, form: supervision-record, session: s1 }
            """);
        Assert.Equal(["record-awaiting-signature"], result.Emails.Select(e => e.Template));
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Ascent_R3_the_signature_of_another_sessions_record_does_not_count()
    {
        var result = Run(Tenant, "record-signed-by-both", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-02-06T15:00+00:00, event: record.submitted, form: supervision-record, session: s1 }
              - { at: 2026-02-10T11:00+00:00, event: record.signed, form: supervision-record, session: s2 }
            """);
        Assert.Equal([D(2026, 2, 23)], DaysOf(result, "remind"));
    }

    // ---- R4 contract-review ----

    [Fact]
    public void Ascent_R4_a_contract_due_for_review_tells_both_and_gives_the_supervisor_a_task_for_30_days()
    {
        var result = Run(Tenant, "contract-review", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-02T07:00+00:00, event: contract.review-due }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(email.To));
        Assert.Equal("agreement-review", email.Template);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisor.Email, task.For.Email);
        Assert.Equal("Review the supervision agreement with your supervisee", task.Title);
        Assert.Equal(D(2026, 4, 1), task.Due);
        Assert.False(task.Escalation);
    }

    // ---- R5 unresolved-issue ----

    [Fact]
    public void Ascent_R5_a_record_asking_for_external_advice_is_escalated_to_the_trust_safeguarding_lead_the_same_day()
    {
        var result = Run(Tenant, "unresolved-issue", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, answers: { external-advice-needed: "yes" } }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([TrustLead], Addresses(email.To));
        Assert.Equal("unresolved-issue", email.Template);
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Escalation);
        Assert.Equal("The record asks for external advice on an unresolved issue", task.Title);
        Assert.Contains(result.Journal, j => j.StepId == "noted" && j.Decision == "Escalated to the Trust Safeguarding Lead the same day");
        Assert.Equal([D(2026, 3, 10)], DaysOf(result, "escalate"));
    }

    [Fact]
    public void Ascent_R5_a_record_without_an_unresolved_issue_sends_nothing()
    {
        Nothing(Run(Tenant, "unresolved-issue", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, answers: { external-advice-needed: "no" } }
            """));
    }

    // ---- R6 dsl-training-renewal ----

    [Fact]
    public void Ascent_R6_DSLs_whose_training_lapses_in_exactly_90_60_30_or_7_days_are_reminded_and_no_one_else()
    {
        var settings = Cohort(Tenant, "role:designated-safeguarding-leads",
            Member("in90", D(2026, 5, 30)), Member("in60", D(2026, 4, 30)), Member("in30", D(2026, 3, 31)), Member("in7", D(2026, 3, 8)),
            Member("in89", D(2026, 5, 29)), Member("in1", D(2026, 3, 2)), Member("lapsed", D(2026, 2, 1)), Member("unknown"));
        var result = Run(Tenant, "dsl-training-renewal", settings, """
            start: 2026-03-01
            until: 2026-03-01
            """);
        Assert.Equal(["in90@example.org", "in60@example.org", "in30@example.org", "in7@example.org"], result.Emails.SelectMany(e => Addresses(e.To)));
        Assert.All(result.Emails, e =>
        {
            Assert.Equal("dsl-training-expiring", e.Template);
            Assert.Empty(e.Cc);
        });
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Ascent_R6_a_supervisor_outside_the_DSL_role_is_not_reminded_by_the_DSL_rule()
    {
        var settings = Cohort(Tenant, "supervisors", Member("in30", D(2026, 3, 31)));
        Nothing(Run(Tenant, "dsl-training-renewal", settings, """
            start: 2026-03-01
            until: 2026-03-01
            """));
    }

    // ---- R7 action-overdue ----

    [Fact]
    public void Ascent_R7_an_overdue_action_is_sent_to_the_supervisor()
    {
        var result = Run(Tenant, "action-overdue", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-02T07:00+00:00, event: action.overdue }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email], Addresses(email.To));
        Assert.Empty(email.Cc);
        Assert.Equal("action-overdue", email.Template);
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Ascent_R7_sessions_and_records_alone_do_not_chase_actions()
    {
        var result = Run(Tenant, "action-overdue", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended }
            events:
              - { at: 2026-03-03T07:00+00:00, event: record.submitted }
            """);
        Assert.Empty(result.Runs);
    }
}
