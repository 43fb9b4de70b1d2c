using SupervisionHub.Workflows.Engine;
using static SupervisionHub.Web.Tests.Workflows.Scenario;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>mse-icb founding rules (CATALOG.md R1 to R10), each run from its real workflow file through the simulator.</summary>
public sealed class MseIcbRuleScenarioTests
{
    private const string Tenant = "mse-icb";
    private const string Admin = "administration-team@example.org";
    private static SimulationSettings OneToOne => Settings(Tenant, "one-to-one");

    // ---- R1/R2 not-had-supervision ----

    [Fact]
    public void Mse_icb_R2_a_practitioner_without_supervision_for_three_months_is_reminded_and_their_line_manager_told_and_tasked()
    {
        var result = Run(Tenant, "not-had-supervision", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2025-11-10, outcome: attended }
            events:
              - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
            """);
        Assert.Equal(["supervision-overdue", "line-manager-not-had-supervision"], result.Emails.Select(e => e.Template));
        Assert.Equal([Supervisee.Email], Addresses(result.Emails[0].To));
        Assert.Equal([Supervisor.Email], Addresses(result.Emails[0].Cc));
        Assert.Equal([LineManager.Email], Addresses(result.Emails[1].To));
        Assert.Empty(result.Emails[1].Cc);
        // every three months from 10 November: overdue since 10 February by the tenant's own policy
        Assert.Equal("overdue", result.Emails[1].Model["history"]!["status"]!.GetValue<string>());
        Assert.Equal("2026-02-10", result.Emails[1].Model["history"]!["nextDue"]!.GetValue<string>());
        var task = Assert.Single(result.Tasks);
        Assert.Equal(LineManager.Email, task.For.Email);
        Assert.Equal("Make sure your team member has safeguarding supervision", task.Title);
        Assert.Equal(D(2026, 3, 30), task.Due);
        Assert.False(task.Escalation);
    }

    [Fact]
    public void Mse_icb_R2_the_line_manager_email_never_carries_what_was_discussed()
    {
        var result = Run(Tenant, "not-had-supervision", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
            """);
        Assert.All(result.Emails, e => Assert.Null(e.Model["answers"]));
    }

    [Fact]
    public void Mse_icb_R1_attended_sessions_alone_send_nothing()
    {
        var result = Run(Tenant, "not-had-supervision", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2025-12-10, outcome: attended }
              - { date: 2026-03-10, outcome: attended }
            """);
        Assert.Empty(result.Runs);
    }

    // ---- R4 evaluation-after-session ----

    [Fact]
    public void Mse_icb_R4_after_a_session_the_supervisee_is_asked_for_the_evaluation_and_reminded_after_7_working_days()
    {
        var result = Run(Tenant, "evaluation-after-session", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            """);
        Assert.Equal(["evaluation-request", "evaluation-reminder"], result.Emails.Select(e => e.Template));
        Assert.All(result.Emails, e => Assert.Equal([Supervisee.Email], Addresses(e.To)));
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisee.Email, task.For.Email);
        Assert.Equal("evaluation", task.FormId);
        Assert.Equal(D(2026, 3, 16), task.Due);
        Assert.Equal([D(2026, 3, 11)], DaysOf(result, "remind"));
    }

    [Fact]
    public void Mse_icb_R4_the_evaluation_reminder_counts_working_days_over_Easter()
    {
        var result = Run(Tenant, "evaluation-after-session", OneToOne, """
            until: 2026-04-30
            sessions:
              - { date: 2026-03-30, outcome: attended, id: s1 }
            """);
        Assert.Equal([D(2026, 4, 10)], DaysOf(result, "remind"));
    }

    [Fact]
    public void Mse_icb_R4_an_evaluation_submitted_within_7_working_days_is_not_chased()
    {
        var result = Run(Tenant, "evaluation-after-session", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-05T12:00+00:00, event: record.submitted, form: evaluation, session: s1, person: pat }
            """);
        Assert.Equal(["evaluation-request"], result.Emails.Select(e => e.Template));
        Assert.Empty(DaysOf(result, "remind"));
        Assert.Equal(RunStatus.Completed, Assert.Single(result.Runs).Status);
    }

    [Fact]
    public void Mse_icb_R4_the_sessions_own_record_does_not_stop_the_evaluation_reminder()
    {
        var result = Run(Tenant, "evaluation-after-session", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-03T12:00+00:00, event: record.submitted, form: one-to-one-record, session: s1, person: pat }
            """);
        Assert.Equal(["evaluation-request", "evaluation-reminder"], result.Emails.Select(e => e.Template));
        Assert.Equal([D(2026, 3, 11)], DaysOf(result, "remind"));
    }

    [Fact]
    public void Mse_icb_R4_a_record_of_another_session_does_not_stop_the_reminder()
    {
        var result = Run(Tenant, "evaluation-after-session", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: s1 }
            events:
              - { at: 2026-03-05T12:00+00:00, event: record.submitted, form: evaluation, session: s0, person: pat }
            """);
        Assert.Equal([D(2026, 3, 11)], DaysOf(result, "remind"));
    }

    [Fact]
    public void Mse_icb_R4_a_missed_session_asks_for_no_evaluation()
    {
        var result = Run(Tenant, "evaluation-after-session", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: missed }
            """);
        Assert.Empty(result.Runs);
    }

    // ---- R6 escalation ----

    [Fact]
    public void Mse_icb_R6_unprofessional_conduct_is_escalated_to_the_deputy_director_of_nursing()
    {
        var result = Run(Tenant, "escalation", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: one-to-one-record, answers: { conduct-concern: "yes", unresolved-issue: "yes" } }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal(["deputy-director-nursing-safeguarding@example.org"], Addresses(email.To));
        Assert.Equal("conduct-concern", email.Template);
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Escalation);
        Assert.Equal("deputy-director-nursing-safeguarding@example.org", task.For.Email);
        Assert.Equal("Unprofessional conduct was reported in supervision", task.Title);
    }

    [Fact]
    public void Mse_icb_R6_an_unresolved_issue_gives_the_line_manager_a_three_way_discussion_task_and_an_email()
    {
        var result = Run(Tenant, "escalation", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: one-to-one-record, answers: { conduct-concern: "no", unresolved-issue: "yes" } }
            """);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(LineManager.Email, task.For.Email);
        Assert.Equal("Hold and record a three-way discussion with the supervisor and supervisee", task.Title);
        Assert.Equal(D(2026, 3, 24), task.Due);
        Assert.False(task.Escalation);
        var email = Assert.Single(result.Emails);
        Assert.Equal([LineManager.Email], Addresses(email.To));
        Assert.Equal([Supervisor.Email, Supervisee.Email], Addresses(email.Cc));
        Assert.Equal("three-way-discussion", email.Template);
    }

    [Fact]
    public void Mse_icb_R6_a_record_with_neither_concern_sends_nothing()
    {
        Nothing(Run(Tenant, "escalation", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: one-to-one-record, answers: { conduct-concern: "no", unresolved-issue: "no" } }
            """));
    }

    // ---- R7 confidentiality-broken ----

    [Fact]
    public void Mse_icb_R7_when_confidentiality_is_broken_the_supervisor_must_record_the_decision_within_2_working_days()
    {
        var result = Run(Tenant, "confidentiality-broken", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: one-to-one-record, answers: { confidentiality-broken: "yes" } }
            """);
        Assert.Empty(result.Emails);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Supervisor.Email, task.For.Email);
        Assert.Equal("Record the decision to share information and tell the supervisee unless there is a justified reason not to", task.Title);
        Assert.Equal(D(2026, 3, 12), task.Due);
        Assert.Contains(result.Journal, j => j.StepId == "noted" && j.Decision == "Confidentiality decision to be recorded by the supervisor");
    }

    [Fact]
    public void Mse_icb_R7_a_record_where_confidentiality_was_kept_sends_nothing()
    {
        Nothing(Run(Tenant, "confidentiality-broken", OneToOne, """
            until: 2026-03-31
            events:
              - { at: 2026-03-10T15:00+00:00, event: record.submitted, form: one-to-one-record, answers: { confidentiality-broken: "no" } }
            """));
    }

    // ---- R8 quarterly-monitoring, annual-attendance-audit ----

    [Fact]
    public void Mse_icb_R8_each_quarter_the_attendance_report_and_the_evaluation_audit_are_tasked()
    {
        var result = Run(Tenant, "quarterly-monitoring", Cohort(Tenant, "supervisees"), """
            start: 2026-01-01
            until: 2026-12-31
            """);
        Assert.Equal(4, result.Runs.Count);
        Assert.Empty(result.Emails);
        var report = result.Tasks.Where(t => t.For.Email == Admin).ToList();
        var audit = result.Tasks.Where(t => t.For.Email == "safeguarding-team@example.org").ToList();
        Assert.Equal(8, result.Tasks.Count);
        Assert.All(report, t => Assert.Equal("Prepare the quarterly supervision attendance report for the Quality Assurance Committee", t.Title));
        Assert.All(audit, t => Assert.Equal("Audit this quarter's supervision evaluation forms for the Quality Assurance Committee", t.Title));
        DateOnly?[] due = [D(2026, 1, 22), D(2026, 4, 24), D(2026, 7, 22), D(2026, 10, 22)];
        Assert.Equal(due, report.Select(t => t.Due));
        Assert.Equal(due, audit.Select(t => t.Due));
    }

    [Fact]
    public void Mse_icb_R8_on_1_April_the_annual_attendance_audit_is_tasked_and_the_committee_told()
    {
        var result = Run(Tenant, "annual-attendance-audit", Cohort(Tenant, "supervisees"), """
            start: 2025-09-01
            until: 2026-08-31
            """);
        var run = Assert.Single(result.Runs);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.FromHours(1)), run.StartedAt);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(Admin, task.For.Email);
        Assert.Equal("Complete the annual supervision attendance audit for the Quality Assurance Committee", task.Title);
        Assert.Equal(D(2026, 5, 1), task.Due);
        var email = Assert.Single(result.Emails);
        Assert.Equal(["quality-assurance-committee@example.org"], Addresses(email.To));
        Assert.Equal("annual-audit-started", email.Template);
    }

    // ---- R9 supervisor-training ----

    [Fact]
    public void Mse_icb_R9_supervisors_whose_refresher_is_due_in_exactly_60_30_or_7_days_are_reminded_with_the_administration_team_copied()
    {
        var settings = Cohort(Tenant, "supervisors",
            Member("in60", D(2026, 4, 30)), Member("in30", D(2026, 3, 31)), Member("in7", D(2026, 3, 8)),
            Member("in45", D(2026, 4, 15)), Member("expired", D(2026, 2, 1)), Member("never"));
        var result = Run(Tenant, "supervisor-training", settings, """
            start: 2026-03-01
            until: 2026-03-01
            """);
        Assert.Equal(["in60@example.org", "in30@example.org", "in7@example.org"], result.Emails.SelectMany(e => Addresses(e.To)));
        Assert.All(result.Emails, e =>
        {
            Assert.Equal("training-refresher", e.Template);
            Assert.Equal([Admin], Addresses(e.Cc));
        });
    }

    // ---- R10 attendance-register ----

    [Fact]
    public void Mse_icb_R10_a_non_attendance_is_noted_in_the_register_and_sent_to_the_administration_team()
    {
        var result = Run(Tenant, "attendance-register", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-02-09, outcome: attended }
              - { date: 2026-03-09, outcome: missed }
            """);
        var email = Assert.Single(result.Emails);
        Assert.Equal([Admin], Addresses(email.To));
        Assert.Equal("register-non-attendance", email.Template);
        Assert.Contains(result.Journal, j => j.StepId == "register" && j.Decision == "Non-attendance recorded in the register for the administration team");
        Assert.Equal([D(2026, 3, 9)], DaysOf(result, "tell-admin"));
    }

    [Fact]
    public void Mse_icb_R10_attended_and_cancelled_sessions_send_nothing_to_the_administration_team()
    {
        var result = Run(Tenant, "attendance-register", OneToOne, """
            until: 2026-03-31
            sessions:
              - { date: 2026-02-09, outcome: attended }
              - { date: 2026-03-09, outcome: cancelled-by-supervisor }
            """);
        Assert.Empty(result.Runs);
    }
}
