using SupervisionHub.Workflows.Engine;
using static SupervisionHub.Web.Tests.Workflows.Scenario;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>river-tees founding rules (CATALOG.md R2 to R7), each run from its real workflow file through the simulator.</summary>
public sealed class RiverTeesRuleScenarioTests
{
    private const string Tenant = "river-tees";
    private static SimulationSettings OneToOne => Settings(Tenant, "safeguarding-one-to-one");
    private static SimulationSettings Group => Settings(Tenant, "safeguarding-group");
    private static SimulationSettings Clinical => Settings(Tenant, "clinical-one-to-one");

    // ---- R2 two-consecutive-misses ----

    [Fact]
    public void River_tees_R2_two_missed_sessions_in_a_row_email_the_line_manager_once_with_the_supervisee_copied()
    {
        var result = Run(Tenant, "two-consecutive-misses", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: missed }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([LineManager.Email], Addresses(email.To));
        Assert.Contains(Supervisee.Email, Addresses(email.Cc));
        Assert.Equal([Supervisee.Email, Supervisor.Email], Addresses(email.Cc)); // the supervisor, who informs the manager, keeps a copy
        Assert.Equal("missed-sessions", email.Template);
        Assert.Equal(2, email.Model["history"]!["consecutiveMisses"]!.GetValue<int>());
        Assert.Empty(result.Tasks);
        Assert.Contains(result.Journal, j => j.StepId == "noted" && j.Decision == "Line manager told after 2 missed sessions in a row");
        Assert.Equal([RunStatus.Skipped, RunStatus.Completed], result.Runs.Select(r => r.Status));
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "tell-line-manager"));
    }

    [Fact]
    public void River_tees_R2_a_third_miss_in_a_row_does_not_tell_the_line_manager_again()
    {
        var result = Run(Tenant, "two-consecutive-misses", OneToOne, """
            until: 2026-05-31
            sessions:
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: missed }
              - { date: 2026-04-20, outcome: missed }
            """);
        Assert.Single(result.Emails);
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "tell-line-manager"));
    }

    [Fact]
    public void River_tees_R2_one_missed_session_sends_nothing()
    {
        var result = Run(Tenant, "two-consecutive-misses", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-02-09, outcome: missed }
            """);
        Nothing(result);
        Assert.Equal([RunStatus.Skipped], result.Runs.Select(r => r.Status));
    }

    [Fact]
    public void River_tees_R2_an_attended_session_between_two_misses_sends_nothing()
    {
        var result = Run(Tenant, "two-consecutive-misses", OneToOne, """
            until: 2026-04-30
            sessions:
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: attended }
              - { date: 2026-04-20, outcome: missed }
            """);
        Nothing(result);
    }

    [Fact]
    public void River_tees_R2_a_cancellation_between_two_misses_does_not_break_the_run_of_misses()
    {
        var result = Run(Tenant, "two-consecutive-misses", OneToOne, """
            until: 2026-04-30
            sessions:
              - { date: 2026-02-09, outcome: missed }
              - { date: 2026-03-09, outcome: cancelled-by-supervisee }
              - { date: 2026-04-20, outcome: missed }
            """);
        Assert.Equal([LineManager.Email], Addresses(Assert.Single(result.Emails).To));
    }

    // ---- R3 group-cancelled-by-supervisor, group-apologies ----

    [Fact]
    public void River_tees_R3_a_group_cancelled_by_its_supervisor_tells_the_line_managers_and_safeguarding_team_and_gives_the_supervisor_a_cover_task()
    {
        var result = Run(Tenant, "group-cancelled-by-supervisor", Group, """
            until: 2026-04-30
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-03-30, outcome: cancelled-by-supervisor }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([LineManager.Email, SecondLineManager.Email, "safeguarding-team@example.org"], Addresses(email.To));
        Assert.Empty(email.Cc);
        Assert.Equal("group-cancelled", email.Template);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisor.Email, task.For.Email);
        Assert.Equal("Arrange a cover group supervision session", task.Title);
        Assert.Equal(D(2026, 4, 15), task.Due); // 10 working days over Good Friday and Easter Monday
        Assert.False(task.Escalation);
    }

    [Fact]
    public void River_tees_R3_a_second_cancellation_by_the_group_supervisor_in_a_row_is_escalated_to_the_safeguarding_team()
    {
        var result = Run(Tenant, "group-cancelled-by-supervisor", Group, """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: attended }
              - { date: 2026-02-09, outcome: cancelled-by-supervisor }
              - { date: 2026-03-09, outcome: cancelled-by-supervisor }
            """);
        Assert.Equal(["group-cancelled", "group-cancelled", "group-cancelled-repeatedly"], result.Emails.Select(e => e.Template));
        var escalation = result.Emails[2];
        Assert.Equal(["safeguarding-team@example.org"], Addresses(escalation.To));
        Assert.Equal(2, escalation.Model["history"]!["supervisorCancellationsInRow"]!.GetValue<int>());
        var escalated = Assert.Single(result.Tasks, t => t.Escalation);
        Assert.Equal("safeguarding-team@example.org", escalated.For.Email);
        Assert.Equal("The supervisor has cancelled the group more than once in a row", escalated.Title);
        Assert.Equal([D(2026, 2, 23), D(2026, 3, 23)], result.Tasks.Where(t => !t.Escalation).Select(t => t.Due));
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "escalate-repeated"));
    }

    [Fact]
    public void River_tees_R3_a_group_session_that_went_ahead_between_two_supervisor_cancellations_is_not_escalated()
    {
        var result = Run(Tenant, "group-cancelled-by-supervisor", Group, """
            until: 2026-03-31
            sessions:
              - { date: 2026-01-12, outcome: cancelled-by-supervisor }
              - { date: 2026-02-09, outcome: attended }
              - { date: 2026-03-09, outcome: cancelled-by-supervisor }
            """);
        Assert.Equal(["group-cancelled", "group-cancelled"], result.Emails.Select(e => e.Template));
        Assert.DoesNotContain(result.Tasks, t => t.Escalation);
    }

    [Fact]
    public void River_tees_R3_a_group_session_cancelled_by_the_supervisee_or_with_apologies_does_not_run_the_supervisor_rule()
    {
        var result = Run(Tenant, "group-cancelled-by-supervisor", Group, """
            until: 2026-03-31
            sessions:
              - { date: 2026-02-09, outcome: cancelled-by-supervisee }
              - { date: 2026-03-09, outcome: apologies }
            """);
        Nothing(result);
        Assert.All(result.Runs, r => Assert.Equal(RunStatus.Skipped, r.Status));
    }

    [Fact]
    public void River_tees_R3_a_one_to_one_cancelled_by_the_supervisor_is_not_a_group_cancellation()
    {
        var result = Run(Tenant, "group-cancelled-by-supervisor", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-09, outcome: cancelled-by-supervisor }
            """);
        Nothing(result);
    }

    [Fact]
    public void River_tees_R3_a_group_member_who_sends_apologies_is_asked_to_join_another_group_and_the_supervisor_is_told()
    {
        // The apologies event is about Kim, the second member: the task is hers, not the whole group's.
        var settings = Group with { People = Group.People with { Person = SecondSupervisee } };
        var result = Run(Tenant, "group-apologies", settings, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-09, outcome: apologies }
            """);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(SecondSupervisee.Email, task.For.Email);
        Assert.Equal("Join another group supervision session this term", task.Title);
        Assert.Equal(D(2026, 4, 8), task.Due); // 20 working days over Easter
        Assert.False(task.Escalation);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Supervisor.Email], Addresses(email.To));
        Assert.Equal("group-apologies", email.Template);
    }

    [Fact]
    public void River_tees_R3_apologies_for_a_one_to_one_or_a_group_cancelled_by_the_supervisor_do_not_run_the_apologies_rule()
    {
        Nothing(Run(Tenant, "group-apologies", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-09, outcome: apologies }
            """));
        Nothing(Run(Tenant, "group-apologies", Group, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-09, outcome: cancelled-by-supervisor }
            """));
    }

    // ---- R4 unresolved-concern ----

    [Fact]
    public void River_tees_R4_an_unresolved_concern_in_a_record_is_escalated_to_the_line_manager_and_the_supervisee_is_told()
    {
        var result = Run(Tenant, "unresolved-concern", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, session: s1, answers: { unresolved-concern: "yes", safeguarding-concern: "no" } }
            """);
        Assert.Equal(["concern-escalated", "concern-escalated-supervisee"], result.Emails.Select(e => e.Template));
        Assert.Equal([LineManager.Email], Addresses(result.Emails[0].To));
        Assert.Equal([Supervisee.Email], Addresses(result.Emails[1].To));
        Assert.All(result.Emails, e => Assert.Null(e.Model["answers"]));
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Escalation);
        Assert.Equal(LineManager.Email, task.For.Email);
        Assert.Equal("The record says a concern was not resolved in supervision", task.Title);
        Assert.Null(task.Due);
    }

    [Fact]
    public void River_tees_R4_a_record_without_an_unresolved_concern_sends_nothing()
    {
        var result = Run(Tenant, "unresolved-concern", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, answers: { unresolved-concern: "no" } }
            """);
        Nothing(result);
        Assert.Equal([RunStatus.Skipped], result.Runs.Select(r => r.Status));
    }

    // ---- R5 annual-satisfaction-audit, action-plan-sample-audit ----

    [Fact]
    public void River_tees_R5_on_1_June_every_supervisee_is_asked_for_the_audit_and_the_safeguarding_team_gets_the_report_task()
    {
        var settings = Cohort(Tenant, "supervisees", Member("ava"), Member("ben"), Member("cat"));
        var result = Run(Tenant, "annual-satisfaction-audit", settings, """
            start: 2026-01-01
            until: 2026-12-31
            """);
        var run = Assert.Single(result.Runs);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(1)), run.StartedAt);
        Assert.Equal(["ava@example.org", "ben@example.org", "cat@example.org"], result.Emails.SelectMany(e => Addresses(e.To)));
        Assert.All(result.Emails, e => Assert.Equal("annual-audit", e.Template));
        var forms = result.Tasks.Where(t => t.FormId == "audit-tool").ToList();
        Assert.Equal(["ava@example.org", "ben@example.org", "cat@example.org"], forms.Select(t => t.For.Email));
        Assert.All(forms, t => Assert.Equal(D(2026, 6, 29), t.Due));
        var report = Assert.Single(result.Tasks, t => t.FormId is null);
        Assert.Equal("safeguarding-team@example.org", report.For.Email);
        Assert.Equal("Review the satisfaction audit and report it to the Strategic Safeguarding Group", report.Title);
        Assert.Equal(D(2026, 7, 11), report.Due);
    }

    [Fact]
    public void River_tees_R5_on_15_June_only_those_who_have_not_answered_are_reminded()
    {
        // ava and cat still have the audit to do; ben has answered (his task is closed), and dee was never asked.
        var settings = Cohort(Tenant, "supervisees", Member("ava") with { OpenForms = ["audit-tool"] }, Member("ben"),
            Member("cat") with { OpenForms = ["evaluation", "audit-tool"] }, Member("dee") with { OpenForms = ["evaluation"] });
        var result = Run(Tenant, "annual-satisfaction-audit-reminder", settings, """
            start: 2026-01-01
            until: 2026-12-31
            """);
        var run = Assert.Single(result.Runs);
        Assert.Equal(new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.FromHours(1)), run.StartedAt);
        Assert.Equal(["ava@example.org", "cat@example.org"], result.Emails.SelectMany(e => Addresses(e.To)));
        Assert.All(result.Emails, e => Assert.Equal("annual-audit-reminder", e.Template));
    }

    [Fact]
    public void River_tees_R5_the_satisfaction_audit_does_not_run_on_any_other_day()
    {
        var settings = Cohort(Tenant, "supervisees", Member("ava"));
        var result = Run(Tenant, "annual-satisfaction-audit", settings, """
            start: 2026-06-02
            until: 2027-05-31
            """);
        Assert.Empty(result.Runs);
        Nothing(result);
    }

    [Fact]
    public void River_tees_R5_each_quarter_the_safeguarding_team_is_asked_to_sample_audit_action_plans()
    {
        var result = Run(Tenant, "action-plan-sample-audit", Cohort(Tenant, "supervisees"), """
            start: 2026-01-01
            until: 2026-12-31
            """);
        Assert.Equal(4, result.Runs.Count);
        Assert.Empty(result.Emails);
        Assert.All(result.Tasks, t =>
        {
            Assert.Equal("safeguarding-team@example.org", t.For.Email);
            Assert.Equal("Review this quarter's random sample of supervision action plans", t.Title);
            Assert.False(t.Escalation);
        });
        // 20 working days, skipping the INSET day of 5 January and Easter
        Assert.Equal([D(2026, 1, 30), D(2026, 5, 1), D(2026, 7, 29), D(2026, 10, 29)], result.Tasks.Select(t => t.Due));
    }

    // ---- R6 clinical-safeguarding-concern ----

    [Fact]
    public void River_tees_R6_a_safeguarding_concern_from_clinical_supervision_goes_to_the_safeguarding_team()
    {
        var result = Run(Tenant, "clinical-safeguarding-concern", Clinical, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, answers: { safeguarding-concern: "yes" } }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal(["safeguarding-team@example.org"], Addresses(email.To));
        Assert.Equal("clinical-concern", email.Template);
        Assert.Equal(2, result.Tasks.Count);
        Assert.True(result.Tasks[0].Escalation);
        Assert.Equal("Clinical supervision raised a safeguarding concern", result.Tasks[0].Title);
        Assert.False(result.Tasks[1].Escalation);
        Assert.Equal("safeguarding-team@example.org", result.Tasks[1].For.Email);
        Assert.Equal("Offer specialist safeguarding supervision to the practitioner", result.Tasks[1].Title);
        Assert.Equal(D(2026, 3, 17), result.Tasks[1].Due);
    }

    [Fact]
    public void River_tees_R6_the_same_answer_in_safeguarding_supervision_or_no_concern_in_clinical_supervision_sends_nothing()
    {
        const string yes = """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, answers: { safeguarding-concern: "yes" } }
            """;
        Nothing(Run(Tenant, "clinical-safeguarding-concern", OneToOne, yes));
        Nothing(Run(Tenant, "clinical-safeguarding-concern", Group, yes));
        Nothing(Run(Tenant, "clinical-safeguarding-concern", Clinical, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: supervision-record, answers: { safeguarding-concern: "no" } }
            """));
    }

    // ---- R7 supervisor-training-reminders ----

    [Fact]
    public void River_tees_R7_supervisors_whose_training_expires_in_exactly_60_30_or_7_days_are_reminded_and_no_one_else()
    {
        var settings = Cohort(Tenant, "supervisors",
            Member("in60", D(2026, 4, 30)), Member("in30", D(2026, 3, 31)), Member("in7", D(2026, 3, 8)),
            Member("in59", D(2026, 4, 29)), Member("in61", D(2026, 5, 1)), Member("in8", D(2026, 3, 9)),
            Member("expired", D(2026, 2, 20)), Member("never"));
        var result = Run(Tenant, "supervisor-training-reminders", settings, """
            start: 2026-03-01
            until: 2026-03-01
            """);
        Assert.Equal(["in60@example.org", "in30@example.org", "in7@example.org"], result.Emails.SelectMany(e => Addresses(e.To)));
        Assert.All(result.Emails, e =>
        {
            Assert.Equal("training-expiring", e.Template);
            Assert.Equal(["safeguarding-team@example.org"], Addresses(e.Cc));
        });
        Assert.Equal("2026-04-30", result.Emails[0].Model["item"]!["trainingExpiresOn"]!.GetValue<string>());
        Assert.Empty(result.Tasks);
    }

    [Fact]
    public void River_tees_R7_over_months_and_a_clock_change_a_supervisor_is_reminded_60_30_and_7_days_before_expiry_only()
    {
        var settings = Cohort(Tenant, "supervisors", Member("ola", D(2026, 4, 15)));
        var result = Run(Tenant, "supervisor-training-reminders", settings, """
            start: 2026-01-01
            until: 2026-06-30
            """);
        Assert.Equal([D(2026, 2, 14), D(2026, 3, 16), D(2026, 4, 8)], DaysOf(result, "email"));
    }
}
