using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;
using SupervisionHub.Workflows.Supervision;
using static SupervisionHub.Workflows.Tests.Supervision.AscentTerms;

namespace SupervisionHub.Workflows.Tests.Engine;

/// <summary>
/// Issue 17's rules as the engine runs them: recipients by site, history across supervisions, school
/// days, each member's own request and wait, and the date of the session a booking is for. Each
/// through the runner or the simulator, as a tenant would write the rule.
/// </summary>
public sealed class GeneralCapabilityTests
{
    private static WorkflowDefinition Load(string yaml)
    {
        var result = WorkflowLoader.Load(yaml, "w.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    private static readonly Recipient Head1 = new("head-1", "Hana Head", "head@ash.example", "Ash Trees");
    private static readonly Recipient Head2 = new("head-2", "Hugo Head", "head@hope.example", "Hope Wood");

    /// <summary>Sam supervises at Hope Wood; Pat is at Ash Trees. Heads of school are held per site.</summary>
    private static readonly PeopleDirectory People = new()
    {
        Supervisor = new("sup-1", "Sam Supervisor", "sam@example.org", "Hope Wood"),
        Supervisees = [new("pat-1", "Pat Practitioner", "pat@example.org", "Ash Trees")],
        LineManagersOfSupervisees = [new("lin-1", "Lee Manager", "lee@example.org")],
        RoleHolders = new Dictionary<string, IReadOnlyList<Recipient>> { ["head-of-school"] = [Head1, Head2] },
        SiteRoleHolders = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Recipient>>>
        {
            ["head-of-school"] = new Dictionary<string, IReadOnlyList<Recipient>> { ["Ash Trees"] = [Head1], ["Hope Wood"] = [Head2] },
        },
    };

    private static readonly WorkflowEnvironment Env = new()
    {
        EventTypes = EventNames.Set,
        TemplateNames = new HashSet<string> { "missed-sessions", "evaluation-request", "evaluation-reminder" },
        TenantRoleIds = new HashSet<string> { "head-of-school", "safeguarding-team" },
        FormIds = new HashSet<string> { "evaluation" },
        RoleSites = new Dictionary<string, IReadOnlySet<string>> { ["head-of-school"] = new HashSet<string> { "Ash Trees", "Hope Wood" } },
        Sites = ["Ash Trees", "Hope Wood", "Portland"],
    };

    private static readonly SimulationSettings Settings = new()
    {
        People = People,
        Zone = WorkflowRunnerTests.London,
        Calendar = Ascent,
        TenantName = "New Trust",
    };

    private static SimulationResult Simulate(WorkflowDefinition def, string script, SimulationSettings? settings = null)
    {
        var loaded = SimulationScript.Load(script);
        Assert.Empty(loaded.Errors);
        return WorkflowSimulator.Run(def, loaded.Script!, settings ?? Settings);
    }

    // ---- 4. Recipients by place ----

    private const string HeadOfSite = """
        id: tell-the-head
        title: A miss goes to the head of the supervisee's school, copied to the supervisor's
        trigger: { event: session.missed }
        steps:
          - id: tell
            send-email: { to: ["role:head-of-school@supervisee-site"], cc: ["role:head-of-school@supervisor-site"], template: missed-sessions }
        """;

    [Fact]
    public void A_recipient_names_the_holders_of_a_role_at_the_supervisees_or_the_supervisors_site()
    {
        var result = Simulate(Load(HeadOfSite), "until: 2026-03-31\nsessions:\n  - { date: 2026-03-09, outcome: missed }\n");
        var email = Assert.Single(result.Emails);
        Assert.Equal(["head@ash.example"], email.To.Select(r => r.Email));
        Assert.Equal(["head@hope.example"], email.Cc.Select(r => r.Email));
        Assert.Contains(result.Journal, j => j.StepId == "tell" && j.Decision.Contains("Hana Head", StringComparison.Ordinal));
    }

    [Fact]
    public void A_site_with_no_holder_is_nobody_not_another_sites_holder()
    {
        var elsewhere = Settings with { People = People with { Supervisees = [new("pat-1", "Pat Practitioner", "pat@example.org", "Portland")] } };
        var result = Simulate(Load(HeadOfSite), "until: 2026-03-31\nsessions:\n  - { date: 2026-03-09, outcome: missed }\n", elsewhere);
        Assert.Empty(result.Emails);
        Assert.Contains("role:head-of-school@supervisee-site", Assert.Single(result.Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Site_recipients_are_checked_and_a_site_without_a_holder_is_a_warning()
    {
        var def = Load(HeadOfSite);
        Assert.Empty(WorkflowValidator.Validate(def, Env, "w.yaml"));
        var warnings = WorkflowValidator.Warnings(def, Env, "w.yaml");
        Assert.Equal(2, warnings.Count); // the to and the cc
        Assert.All(warnings, w => Assert.Contains("nobody holds 'head-of-school' at Portland", w.Message, StringComparison.Ordinal));

        var bad = Load(HeadOfSite.Replace("@supervisor-site", "@my-site", StringComparison.Ordinal).Replace("role:head-of-school@supervisee-site", "role:safeguarding-team@supervisee-site", StringComparison.Ordinal));
        var errors = WorkflowValidator.Validate(bad, Env, "w.yaml").Select(e => e.Message).ToList();
        Assert.Contains(errors, e => e.Contains("'my-site' is not a site", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'safeguarding-team' is not held per site", StringComparison.Ordinal));
    }

    // ---- 5. History across supervisions ----

    [Fact]
    public void A_condition_chooses_this_supervision_or_all_of_the_persons()
    {
        var def = Load("""
            id: three-in-a-year
            title: Three missed sessions in a year, across all supervisions
            trigger: { event: session.missed }
            condition: history.all.missesThisYear >= 3 && history.all.missesInLast(365) >= 3
            steps:
              - id: tell
                send-email: { to: [line-manager-of-supervisee], template: missed-sessions }
              - id: noted
                note: "{{ history.missesThisYear }} here, {{ history.all.missesThisYear }} in all"
            """);
        var result = Simulate(def, """
            until: 2026-03-31
            sessions:
              - { date: 2025-10-06, outcome: missed, supervision: group }
              - { date: 2025-11-03, outcome: missed }
              - { date: 2026-03-09, outcome: missed }
            """);
        Assert.Single(result.Emails);
        Assert.Contains(result.Journal, j => j.Decision == "2 here, 3 in all");
        Assert.Equal(2, result.Runs.Count); // the group's miss is not this supervision's event
    }

    // ---- 6. The academic year is a year ----

    [Fact]
    public void In_the_summer_holiday_after_the_listed_years_a_miss_from_the_previous_year_does_not_count()
    {
        var def = Load("""
            id: second-miss-this-year
            title: A second miss this academic year
            trigger: { event: session.missed }
            condition: history.missesThisYear >= 2
            steps:
              - id: tell
                send-email: { to: [line-manager-of-supervisee], template: missed-sessions }
            """);
        // Term dates end with 2026-27; 1 September 2027 starts 2027-28 by the year start, listed or not.
        var result = Simulate(def, """
            until: 2027-09-30
            sessions:
              - { date: 2027-07-05, outcome: missed }
              - { date: 2027-09-13, outcome: missed }
            """);
        Assert.Empty(result.Emails);
    }

    // ---- 7. School days ----

    [Fact]
    public void School_days_skip_weekends_holidays_half_terms_and_closure_days_and_fall_back_to_working_days_without_term_dates()
    {
        var days = new DayCounter(new WorkingDays([D("2026-01-05")]), Ascent); // an INSET day on the first day of spring
        // The last Friday of the autumn term, five school days on: not in the Christmas holiday.
        Assert.Equal(D("2026-01-12"), days.Add(DayKind.School, D("2025-12-19"), 5));
        Assert.Equal(D("2025-12-30"), days.Add(DayKind.Working, D("2025-12-19"), 5)); // 25, 26 December are bank holidays
        Assert.Equal(D("2025-12-24"), days.Add(DayKind.Calendar, D("2025-12-19"), 5));
        // Over the October half term: the break's days are not school days.
        Assert.Equal(D("2025-11-03"), days.Add(DayKind.School, D("2025-10-24"), 1));
        // The summer after the last listed year (2027-28 has no term dates here): working days.
        Assert.Equal(D("2027-09-08"), days.Add(DayKind.School, D("2027-09-01"), 5));
        Assert.True(days.SchoolDaysFallBack(D("2027-09-01"), 5));
        Assert.False(days.SchoolDaysFallBack(D("2025-12-19"), 5));
    }

    [Fact]
    public void A_timeout_and_a_task_count_the_kind_of_day_they_name_and_say_so()
    {
        var def = Load("""
            id: cancelled
            title: A cancelled session is rebooked within five school days
            trigger: { event: session.cancelled }
            steps:
              - id: task
                create-task: { for: [supervisor], title: Rebook the session, dueInDays: 5, dayKind: school }
              - id: wait
                wait:
                  for: session.booked
                  timeout: { days: 5, dayKind: school }
                  onTimeout:
                    - id: tell
                      send-email: { to: [line-manager-of-supervisee], template: missed-sessions }
            """);
        var result = Simulate(def, "until: 2026-01-31\nsessions:\n  - { date: 2025-12-19, outcome: cancelled-by-supervisor }\n");
        Assert.Equal(D("2026-01-09"), Assert.Single(result.Tasks).Due); // the first five days of the spring term, not 2 January
        Assert.Single(result.Emails);
        Assert.Contains(result.Journal, j => j.StepId == "wait" && j.Decision.Contains("5 school days", StringComparison.Ordinal));
    }

    [Fact]
    public void The_editor_warns_when_a_rule_counts_school_days_in_a_year_without_term_dates()
    {
        var def = Load("""
            id: task
            title: A task in school days
            trigger: { event: session.cancelled }
            steps:
              - id: task
                create-task: { for: [supervisor], title: Rebook, dueInDays: 5, dayKind: school }
            """);
        var covered = Env with { Calendar = Ascent, Today = D("2025-11-01") };
        Assert.Empty(WorkflowValidator.Warnings(def, covered, "w.yaml"));
        var warning = Assert.Single(WorkflowValidator.Warnings(def, covered with { Today = D("2026-11-01") }, "w.yaml"));
        Assert.Contains("no term dates for 2027-28", warning.Message, StringComparison.Ordinal);
        Assert.Equal(6, warning.Line);
    }

    [Theory]
    [InlineData("timeout: { days: 5, dayKind: fortnightly }", "dayKind must be calendar, working, school")]
    [InlineData("timeout: { days: 5, dayKind: school, workingDays: true }", "keep dayKind alone")]
    public void A_day_kind_that_is_not_one_is_a_located_error(string timeout, string message)
    {
        var loaded = WorkflowLoader.Load($$"""
            id: w
            title: W
            trigger: { event: session.cancelled }
            steps:
              - id: wait
                wait: { for: session.booked, {{timeout}} }
            """, "w.yaml");
        Assert.Contains(loaded.Errors, e => e.Line == 6 && e.Message.Contains(message, StringComparison.Ordinal));
    }

    // ---- 8. Each member of a group ----

    private const string EachMember = """
        id: evaluations
        title: Each member of the group evaluates the session, and is reminded alone
        trigger: { event: session.attended }
        steps:
          - id: each
            for-each:
              cohort: members
              steps:
                - id: ask
                  request-form: { to: [item], form: evaluation, template: evaluation-request }
                - id: wait
                  wait:
                    for: record.submitted
                    match: session
                    form: evaluation
                    timeout: { days: 7 }
                    onTimeout:
                      - id: remind
                        send-email: { to: [item], template: evaluation-reminder }
          - id: asked
            note: "Everyone asked"
        """;

    private static readonly SimulationSettings Group = Settings with
    {
        People = People with
        {
            Supervisees = [new("m-1", "Mo One", "mo@example.org", "Ash Trees"), new("m-2", "Ani Two", "ani@example.org", "Ash Trees"), new("m-3", "Raj Three", "raj@example.org", "Hope Wood")],
        },
    };

    [Fact]
    public void Each_members_request_wait_and_reminder_stand_alone()
    {
        var def = Load(EachMember);
        Assert.Empty(WorkflowValidator.Validate(def, Env, "w.yaml"));
        var result = Simulate(def, """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: attended, id: group-session }
            events:
              - { at: "2026-03-04T09:00:00+00:00", event: record.submitted, form: evaluation, session: group-session, person: m-2 }
              - { at: "2026-03-04T10:00:00+00:00", event: record.submitted, form: supervision-record, session: group-session, person: m-3 }
            """, Group);
        Assert.Equal(3, result.Tasks.Count);
        // Ani answered; Mo and Raj did not (Raj's supervision record is not the evaluation): each of them alone is reminded.
        var reminders = result.Emails.Where(e => e.Template == "evaluation-reminder").SelectMany(e => e.To).Select(r => r.Name).Order().ToList();
        Assert.Equal(["Mo One", "Raj Three"], reminders);
        Assert.Equal(4, result.Runs.Count); // the rule's run and one per member
        Assert.All(result.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Contains(result.Journal, j => j.StepId == "asked");
    }

    // ---- 10. "Rebooked" means a session happens ----

    private const string Rebooked = """
        id: rebooked
        title: A missed session is followed by a session within 10 working days
        trigger: { event: session.missed }
        steps:
          - id: wait
            wait:
              for: session.booked
              where: event.sessionDate <= wait.until
              timeout: { days: 10, dayKind: working }
              onEvent:
                - id: fine
                  note: "Rebooked for {{ event.sessionDate }}"
              onTimeout:
                - id: tell
                  send-email: { to: [line-manager-of-supervisee], template: missed-sessions }
        """;

    [Fact]
    public void A_booking_for_a_session_inside_the_deadline_ends_the_wait_and_one_after_it_does_not()
    {
        var def = Load(Rebooked);
        Assert.Empty(WorkflowValidator.Validate(def, Env, "w.yaml"));
        var inTime = Simulate(def, """
            until: 2026-04-30
            sessions:
              - { date: 2026-03-02, outcome: missed }
              - { date: 2026-03-12, outcome: attended, booked: 2026-03-03 }
            """);
        Assert.Empty(inTime.Emails);
        Assert.Contains(inTime.Journal, j => j.StepId == "fine" && j.Decision == "Rebooked for 2026-03-12");

        // Booked the next day, but for a session a month away: someone booked something, yet no session within ten working days.
        var tooLate = Simulate(def, """
            until: 2026-04-30
            sessions:
              - { date: 2026-03-02, outcome: missed }
              - { date: 2026-04-02, outcome: attended, booked: 2026-03-03 }
            """);
        Assert.Single(tooLate.Emails);
        Assert.DoesNotContain(tooLate.Journal, j => j.StepId == "fine");
    }

    [Fact]
    public void Conditions_read_the_booked_sessions_date()
    {
        var def = Load("""
            id: far-booking
            title: A booking more than six weeks ahead
            trigger: { event: session.booked }
            condition: event.sessionDate > '2026-04-13'
            steps:
              - id: noted
                note: "Booked for {{ event.sessionDate }}"
            """);
        var result = Simulate(def, """
            until: 2026-04-30
            events:
              - { at: "2026-03-02T09:00:00+00:00", event: session.booked, session: s-1, sessionDate: 2026-03-09 }
              - { at: "2026-03-02T09:00:00+00:00", event: session.booked, session: s-2, sessionDate: 2026-04-20 }
            """);
        Assert.Equal(["Booked for 2026-04-20"], result.Journal.Where(j => j.StepId == "noted").Select(j => j.Decision));
    }
}
