using SupervisionHub.Workflows.Engine;
using static SupervisionHub.Web.Tests.Workflows.Scenario;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>devon-torbay founding rules (CATALOG.md R1 to R6), each run from its real workflow file through the simulator.</summary>
public sealed class DevonTorbayRuleScenarioTests
{
    private const string Tenant = "devon-torbay";
    private static SimulationSettings OneToOne => Settings(Tenant, "one-to-one");

    // ---- R1 new-starter ----

    [Fact]
    public void Devon_torbay_R1_a_new_starter_gets_a_pairing_task_for_the_safeguarding_lead_and_their_line_manager_is_told()
    {
        var settings = OneToOne with { Relationship = null }; // a new starter has no supervision yet
        var result = Run(Tenant, "new-starter", settings, """
            until: 2026-04-30
            events:
              - { at: 2026-03-30T09:00+01:00, event: staff.started, person: nia }
            """);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(SafeguardingLead.Email, task.For.Email);
        Assert.Equal("Pair the new starter with a supervisor and agree their supervision agreement", task.Title);
        Assert.Equal(D(2026, 4, 8), task.Due); // 5 working days over Good Friday and Easter Monday
        Assert.False(task.Escalation);
        var email = Assert.Single(result.Emails);
        Assert.Equal([PersonsLineManager.Email], Addresses(email.To));
        Assert.Equal("new-starter", email.Template);
    }

    [Fact]
    public void Devon_torbay_R1_a_line_manager_change_is_not_a_new_start()
    {
        var result = Run(Tenant, "new-starter", OneToOne, """
            until: 2026-04-30
            events:
              - { at: 2026-03-30T09:00+01:00, event: staff.line-manager-changed, person: nia }
            """);
        Assert.Empty(result.Runs);
    }

    // ---- R2 rebook-within-two-weeks ----

    [Fact]
    public void Devon_torbay_R2_a_cancelled_session_not_rebooked_within_14_days_reminds_both()
    {
        var result = Run(Tenant, "rebook-within-two-weeks", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: cancelled-by-supervisee }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisee.Email, Supervisor.Email], Addresses(email.To));
        Assert.Equal("rebook-reminder", email.Template);
        Assert.Contains(result.Journal, j => j.StepId == "remind" && j.At == new DateTimeOffset(2026, 3, 16, 10, 0, 0, TimeSpan.Zero));
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Devon_torbay_R2_a_session_rebooked_within_14_days_sends_nothing()
    {
        var result = Run(Tenant, "rebook-within-two-weeks", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: cancelled-by-supervisor }
            events:
              - { at: 2026-03-13T12:00+00:00, event: session.booked }
            """);
        Nothing(result);
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }

    [Fact]
    public void Devon_torbay_R2_a_session_rebooked_after_14_days_comes_too_late_to_stop_the_reminder()
    {
        var result = Run(Tenant, "rebook-within-two-weeks", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: cancelled-by-supervisee }
            events:
              - { at: 2026-03-17T12:00+00:00, event: session.booked }
            """);
        Assert.Equal([D(2026, 3, 16)], DaysOf(result, "remind"));
    }

    [Fact]
    public void Devon_torbay_R2_a_session_that_went_ahead_or_was_missed_asks_for_no_new_date()
    {
        var result = Run(Tenant, "rebook-within-two-weeks", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended }
              - { date: 2026-03-09, outcome: missed }
            """);
        Assert.Empty(result.Runs);
    }

    // ---- R3 agreement-review ----

    [Fact]
    public void Devon_torbay_R3_an_agreement_due_for_review_tells_supervisor_and_supervisee()
    {
        var result = Run(Tenant, "agreement-review", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-02T07:00+00:00, event: contract.review-due }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(email.To));
        Assert.Equal("agreement-review", email.Template);
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Devon_torbay_R3_a_signed_agreement_is_not_a_review()
    {
        Assert.Empty(Run(Tenant, "agreement-review", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-02T07:00+00:00, event: contract.signed }
            """).Runs);
    }

    // ---- R4 record-promptly ----

    [Fact]
    public void Devon_torbay_R4_a_session_not_recorded_within_5_working_days_reminds_the_supervisor()
    {
        var result = Run(Tenant, "record-promptly", OneToOne, """
            until: 2026-04-30
            sessions:
              - { date: 2026-03-30, outcome: attended, id: s1 }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email], Addresses(email.To));
        Assert.Equal("record-reminder", email.Template);
        Assert.Equal([D(2026, 4, 8)], DaysOf(result, "remind")); // over Good Friday and Easter Monday
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void Devon_torbay_R4_a_prompt_record_with_every_case_decision_on_the_case_file_sends_nothing()
    {
        var result = Run(Tenant, "record-promptly", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-04T15:00+00:00, event: record.submitted, form: session-record, session: s1, answers: { case-decisions: [ { case-reference: C-1, on-case-file: "yes" }, { case-reference: C-2, on-case-file: "yes" } ] } }
            """);
        Nothing(result);
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }

    [Fact]
    public void Devon_torbay_R4_a_record_with_a_case_decision_not_on_the_case_file_gives_the_supervisor_a_task()
    {
        var result = Run(Tenant, "record-promptly", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-04T15:00+00:00, event: record.submitted, form: session-record, session: s1, answers: { case-decisions: [ { case-reference: C-1, on-case-file: "yes" }, { case-reference: C-2, on-case-file: "no" } ] } }
            """);
        Assert.Empty(result.Emails);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisor.Email, task.For.Email);
        Assert.Equal("Note the supervision decisions on the casework file", task.Title);
        Assert.Equal(D(2026, 3, 6), task.Due);
        Assert.False(task.Escalation);
    }

    [Fact]
    public void Devon_torbay_R4_a_late_record_is_reminded_for_and_its_case_decisions_are_still_checked()
    {
        var result = Run(Tenant, "record-promptly", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-12T15:00+00:00, event: record.submitted, form: session-record, session: s1, answers: { case-decisions: [ { case-reference: C-1, on-case-file: "no" } ] } }
            """);
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "remind"));
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisor.Email, task.For.Email);
        Assert.Equal("Note the supervision decisions on the casework file", task.Title);
        Assert.Equal(D(2026, 3, 16), task.Due);
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }

    [Fact]
    public void Devon_torbay_R4_a_record_without_case_decisions_sends_nothing()
    {
        Nothing(Run(Tenant, "record-promptly", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-04T15:00+00:00, event: record.submitted, form: session-record, session: s1, answers: { summary: "Reflection" } }
            """));
    }

    [Fact]
    public void Devon_torbay_R4_a_record_of_another_session_does_not_count_as_recording_this_one()
    {
        var result = Run(Tenant, "record-promptly", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-04T15:00+00:00, event: record.submitted, form: session-record, session: s0, answers: { summary: "Late record of the last session" } }
            """);
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "remind"));
    }

    // ---- R6 quality-concern ----

    [Fact]
    public void Devon_torbay_R6_a_concern_about_the_quality_of_supervision_goes_to_the_safeguarding_team()
    {
        var result = Run(Tenant, "quality-concern", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-concern, answers: { concern: "Sessions keep being cut short" } }
            """);
        Assert.Empty(result.Emails);
        var task = Assert.Single(result.Tasks);
        Assert.Equal("safeguarding-team@example.org", task.For.Email);
        Assert.Equal("Contact the practitioner about their concern with supervision", task.Title);
        Assert.Equal(D(2026, 3, 17), task.Due);
    }

    [Fact]
    public void Devon_torbay_R6_a_session_record_is_not_a_quality_concern()
    {
        var result = Run(Tenant, "quality-concern", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: session-record }
            """);
        Nothing(result);
        Assert.Equal([RunStatus.Skipped], result.Runs.Select(r => r.Status));
    }
}
