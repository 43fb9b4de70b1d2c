using System.Diagnostics;
using System.Text.Json.Nodes;
using SupervisionHub.TenantText;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

/// <summary>Issue 15 item 2: Liquid renderings, runs and simulations are bounded as a whole, not only per expression.</summary>
public sealed class RunLimitsTests
{
    [Fact]
    public void Nested_liquid_loops_stop_at_the_step_limit()
    {
        var text = string.Concat(Enumerable.Repeat("{% for i in (1..100) %}", 5)) + "x" + string.Concat(Enumerable.Repeat("{% endfor %}", 5)); // 10^10 turns
        var clock = Stopwatch.StartNew();
        var (rendered, error) = LiquidText.Render(text, new JsonObject());
        Assert.Null(rendered);
        Assert.Contains($"The maximum number of {TenantTextLimits.LiquidMaxSteps} steps has been reached", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_rendering_with_no_time_left_of_its_run_is_refused_as_too_long()
    {
        // What is left of a run's budget bounds each rendering; none left, nothing renders. (How long a
        // rendering may run at most is Fluid's cancellation, timed by the machine: not asserted here.)
        const string template = "{% for i in (1..3) %}{{ i }}{% endfor %}";
        var (rendered, error) = LiquidText.Render(template, new JsonObject(), TimeSpan.Zero);
        Assert.Null(rendered);
        Assert.Contains("took too long", error);
        Assert.Equal("123", LiquidText.Render(template, new JsonObject(), TimeSpan.FromSeconds(1)).Text);
    }

    private const string EveryMinute = """
        id: every-minute
        title: Notes every minute
        trigger:
          schedule: "* * * * *"
        steps:
          - id: noted
            note: "tick"
        """;

    [Fact]
    public void A_simulation_of_a_schedule_every_minute_for_ten_years_stops_at_the_run_limit_and_says_so()
    {
        var definition = WorkflowLoader.Load(EveryMinute, "m.yaml").Definition!;
        var script = SimulationScript.Load("start: 2020-01-01\nuntil: 2029-12-31\n").Script!;
        var clock = Stopwatch.StartNew();
        var result = WorkflowSimulator.Run(definition, script, new SimulationSettings());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(TenantTextLimits.SimulationMaxRuns, result.Runs.Count);
        var stopped = Assert.Single(result.Incidents, i => i.StepId == WorkflowSimulator.StoppedStep);
        Assert.Contains($"started {TenantTextLimits.SimulationMaxRuns:N0} runs", stopped.Message);
    }

    [Fact]
    public void A_simulation_stops_when_its_time_is_up()
    {
        var definition = WorkflowLoader.Load(EveryMinute.Replace("note: \"tick\"", "note: \"{% for i in (1..9999) %}{{ i }}{% endfor %}\"", StringComparison.Ordinal), "m.yaml").Definition!;
        var script = SimulationScript.Load("start: 2020-01-01\nuntil: 2020-01-02\n").Script!;
        var result = WorkflowSimulator.Run(definition, script, new SimulationSettings(), TimeSpan.FromMilliseconds(50));
        Assert.True(result.Runs.Count < 1440, $"{result.Runs.Count} runs");
        Assert.Contains(result.Incidents, i => i.StepId == WorkflowSimulator.StoppedStep && i.Message.Contains("used all the time", StringComparison.Ordinal));
    }

    [Fact]
    public void A_for_each_whose_conditions_outlast_the_run_budget_faults_the_run_instead_of_holding_the_worker()
    {
        // Each member's condition is slow but within its own limits; a thousand of them are not.
        var definition = WorkflowLoader.Load("""
            id: slow-each
            title: A slow where for everyone
            trigger:
              event: staff.started
            steps:
              - id: each
                for-each:
                  cohort: staff
                  where: "(() => { let n = 0; for (let i = 0; i < 5000; i++) n++; return n > 0 })()"
                  steps:
                    - id: noted
                      note: "{{ item.name }}"
            """, "s.yaml").Definition!;
        var staff = Enumerable.Range(0, 1000).Select(i => new CohortMember($"p{i}", $"Person {i}", $"p{i}@example.org", ["supervisee"], null, null)).ToList();
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var context = new WorkflowContext
        {
            Event = new EventInfo("staff.started", null, at, null, null, "p0"),
            People = PeopleDirectory.Empty, Cohorts = c => c == "staff" ? staff : [], Today = DateOnly.FromDateTime(at.Date),
            Zone = TimeZoneInfo.Utc, TenantName = "T",
        };
        var budget = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();
        var result = new WorkflowRunner().Start(definition, context, at, budget);
        Assert.True(clock.Elapsed < budget + TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal(RunStatus.Faulted, result.Status);
        Assert.Contains(JsSandbox.OutOfTime, result.Fault!.Message);
        Assert.Empty(result.Effects);
    }
}
