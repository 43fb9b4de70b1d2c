using SupervisionHub.Workflows.Engine;
using static SupervisionHub.Web.Tests.Workflows.Scenario;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>ralph-thoresby founding rules (CATALOG.md R1 to R8), each run from its real workflow file through the simulator.</summary>
public sealed class RalphThoresbyRuleScenarioTests
{
    private const string Tenant = "ralph-thoresby";
    private static SimulationSettings OneToOne => Settings(Tenant, "one-to-one");

    // ---- R1/R2 supervision-overdue ----

    [Fact]
    public void Ralph_thoresby_R1_overdue_one_to_one_supervision_reminds_supervisor_and_supervisee()
    {
        var result = Run(Tenant, "supervision-overdue", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
            events:
              - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
            """);
        Assert.Equal([[Supervisor.Email], [Supervisee.Email]], result.Emails.Select(e => Addresses(e.To)));
        Assert.All(result.Emails, e => Assert.Equal("supervision-overdue", e.Template));
        // every six weeks from 12 January: due 23 February, so overdue by the school's own policy
        var email = result.Emails[0];
        Assert.Equal("overdue", email.Model["history"]!["status"]!.GetValue<string>());
        Assert.Equal("2026-02-23", email.Model["history"]!["nextDue"]!.GetValue<string>());
        // The supervisee is asked to book, by a link to the booking page.
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Booking);
        Assert.Equal(Supervisee.Email, task.For.Email);
    }

    [Fact]
    public void Ralph_thoresby_R2_overdue_weekly_group_supervision_reminds_the_supervisor_and_the_group()
    {
        var result = Run(Tenant, "supervision-overdue", Settings(Tenant, "group"), """
            until: 2026-03-31
            sessions:
              - { date: 2026-02-23, outcome: attended }
            events:
              - { at: 2026-03-09T09:00+00:00, event: supervision.overdue }
            """);
        Assert.Equal([Supervisor.Email, Supervisee.Email, SecondSupervisee.Email], result.Emails.SelectMany(e => Addresses(e.To)));
        Assert.All(result.Emails, e => Assert.Equal("overdue", e.Model["history"]!["status"]!.GetValue<string>()));
    }

    [Fact]
    public void Ralph_thoresby_R1_sessions_on_time_raise_no_overdue_reminder()
    {
        Assert.Empty(Run(Tenant, "supervision-overdue", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-02-16, outcome: attended }
              - { date: 2026-03-23, outcome: attended }
            """).Runs);
    }

    // ---- R3 record-sign-off ----

    [Fact]
    public void Ralph_thoresby_R3_a_supervision_record_not_signed_off_within_5_working_days_over_an_INSET_day_reminds_both()
    {
        var result = Run(Tenant, "record-sign-off", OneToOne, """
            until: 2026-07-31
            events:
              - { at: 2026-06-24T15:00+01:00, event: record.submitted, form: supervision-record, session: s1 }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(email.To));
        Assert.Equal("record-sign-off", email.Template);
        Assert.Equal([D(2026, 7, 2)], DaysOf(result, "remind")); // 29 June is an INSET day
    }

    [Fact]
    public void Ralph_thoresby_R3_a_record_signed_off_in_time_sends_nothing()
    {
        var result = Run(Tenant, "record-sign-off", OneToOne, """
            until: 2026-07-31
            events:
              - { at: 2026-06-24T15:00+01:00, event: record.submitted, form: supervision-record, session: s1 }
              - { at: 2026-07-01T15:00+01:00, event: record.signed, form: supervision-record, session: s1 }
            """);
        Nothing(result);
    }

    [Fact]
    public void Ralph_thoresby_R3_other_forms_are_not_chased_for_sign_off()
    {
        var result = Run(Tenant, "record-sign-off", OneToOne, """
            until: 2026-07-31
            events:
              - { at: 2026-06-24T15:00+01:00, event: record.submitted, form: self-care-plan, session: s1 }
            """);
        Nothing(result);
        Assert.Equal([RunStatus.Skipped], result.Runs.Select(r => r.Status));
    }

    // ---- R4 contract-review ----

    [Fact]
    public void Ralph_thoresby_R4_a_contract_due_for_review_tells_supervisor_and_supervisee()
    {
        var result = Run(Tenant, "contract-review", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-02T07:00+00:00, event: contract.review-due }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(email.To));
        Assert.Equal("agreement-review", email.Template);
        Assert.Empty(result.Tasks);
    }

    // ---- R5 difficulties ----

    private static SimulationResult Difficulty(string answers, string form = "supervision-difficulty") => Run(Tenant, "difficulties", OneToOne, $$"""
        until: 2026-03-31
        events:
          - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: {{form}}, answers: {{answers}} }
        """);

    [Fact]
    public void Ralph_thoresby_R5_a_difficulty_at_the_first_stage_is_a_task_for_the_supervisor_to_talk_it_through()
    {
        var result = Difficulty("{ stage: first-conversation, summary: \"We keep running out of time\" }");
        Assert.Empty(result.Emails);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisor.Email, task.For.Email);
        Assert.Equal("Talk with your supervisee about a difficulty in supervision", task.Title);
        Assert.Equal(D(2026, 3, 17), task.Due);
        Assert.False(task.Escalation);
    }

    [Fact]
    public void Ralph_thoresby_R5_a_difficulty_for_a_third_party_is_escalated_to_the_education_safeguarding_team()
    {
        var result = Difficulty("{ stage: third-party, summary: \"Not resolved\" }");
        var email = Assert.Single(result.Emails);
        Assert.Equal(["education-safeguarding-team@example.org"], Addresses(email.To));
        Assert.Equal("difficulty-third-party", email.Template);
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Escalation);
        Assert.Equal("The supervisee asks for an independent third party", task.Title);
    }

    [Fact]
    public void Ralph_thoresby_R5_a_difficulty_the_third_party_could_not_resolve_is_escalated_to_both_line_managers()
    {
        var result = Difficulty("{ stage: line-management, summary: \"Still not resolved\" }");
        var email = Assert.Single(result.Emails);
        Assert.Equal([LineManager.Email, SupervisorsLineManager.Email], Addresses(email.To));
        Assert.Equal("difficulty-line-management", email.Template);
        Assert.Equal([LineManager.Email, SupervisorsLineManager.Email], result.Tasks.Select(t => t.For.Email));
        Assert.All(result.Tasks, t =>
        {
            Assert.True(t.Escalation);
            Assert.Equal("The third party could not resolve a difficulty", t.Title);
        });
    }

    [Fact]
    public void Ralph_thoresby_R5_a_difficulty_without_a_stage_is_only_noted_and_a_supervision_record_is_not_a_difficulty()
    {
        var noStage = Difficulty("{ summary: \"Something\" }");
        Nothing(noStage);
        Assert.Contains(noStage.Journal, j => j.StepId == "unknown-stage" && j.Decision == "Difficulty recorded without a stage");
        var record = Difficulty("{ stage: third-party }", form: "supervision-record");
        Nothing(record);
        Assert.Equal([RunStatus.Skipped], record.Runs.Select(r => r.Status));
    }

    // ---- R7 line-management-handover ----

    [Fact]
    public void Ralph_thoresby_R7_a_change_of_line_manager_gives_the_new_line_manager_a_handover_task()
    {
        var result = Run(Tenant, "line-management-handover", OneToOne with { Relationship = null }, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T09:00+00:00, event: staff.line-manager-changed, person: nia }
            """);
        Assert.Empty(result.Emails);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(PersonsLineManager.Email, task.For.Email);
        Assert.Equal("Arrange a handover with the previous line manager, including supervision arrangements", task.Title);
        Assert.Equal(D(2026, 3, 24), task.Due);
        Assert.False(task.Escalation);
    }

    [Fact]
    public void Ralph_thoresby_R7_a_new_starter_is_not_a_handover()
    {
        Assert.Empty(Run(Tenant, "line-management-handover", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T09:00+00:00, event: staff.started, person: nia }
            """).Runs);
    }

    // ---- R8 supervision-file-audit ----

    [Fact]
    public void Ralph_thoresby_R8_once_a_term_the_governor_and_the_DSL_are_tasked_with_checking_supervision_files()
    {
        var result = Run(Tenant, "supervision-file-audit", Cohort(Tenant, "supervisees"), """
            start: 2025-09-01
            until: 2026-08-31
            """);
        Assert.Equal([new DateTimeOffset(2025, 10, 1, 8, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(1))],
            result.Runs.Select(r => r.StartedAt));
        Assert.Empty(result.Emails);
        var governor = result.Tasks.Where(t => t.For.Email == "designated-safeguarding-governor@example.org").ToList();
        var dsl = result.Tasks.Where(t => t.For.Email == "designated-safeguarding-lead@example.org").ToList();
        Assert.Equal(6, result.Tasks.Count);
        Assert.All(governor, t => Assert.Equal("Periodic check of supervision files this term", t.Title));
        Assert.All(dsl, t => Assert.Equal("Audit a sample of supervision files", t.Title));
        DateOnly?[] due = [D(2025, 10, 29), D(2026, 2, 27), D(2026, 6, 30)]; // 29 June 2026 is an INSET day
        Assert.Equal(due, governor.Select(t => t.Due));
        Assert.Equal(due, dsl.Select(t => t.Due));
    }
}
