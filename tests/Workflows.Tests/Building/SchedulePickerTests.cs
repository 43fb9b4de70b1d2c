using SupervisionHub.Workflows.Building;

namespace SupervisionHub.Workflows.Tests.Building;

public sealed class SchedulePickerTests
{
    [Theory]
    [InlineData("year", "08:00", "1", "9", null, null, "0 8 1 9 *")]
    [InlineData("months", "08:30", "1", "9", null, "9, 1,4", "30 8 1 9,1,4 *")]
    [InlineData("month", "07:05", "15", "9", null, null, "5 7 15 * *")]
    [InlineData("week", "08:00", "1", "9", "1", null, "0 8 * * 1")]
    [InlineData("day", "08:00", "1", "9", null, null, "0 8 * * *")]
    public void The_picker_writes_the_cron(string every, string time, string day, string month, string? weekday, string? months, string cron)
    {
        var draft = new RuleDraft { TriggerKind = "schedule", Every = every, Time = time, Day = day, Month = month, Weekday = weekday ?? "1", Months = months };
        var problems = new Dictionary<string, string>();
        Assert.Equal(cron, draft.Cron(problems));
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("0 8 1 9 *", "year")]
    [InlineData("0 8 1 10,2,6 *", "months")]
    [InlineData("0 8 * * *", "day")]
    [InlineData("0 8 * * 1", "week")]
    [InlineData("0 8 15 * *", "month")]
    [InlineData("0 08 1 9 *", "cron")]
    [InlineData("*/5 8 * * 1-5", "cron")]
    public void A_cron_opens_in_the_picker_when_the_picker_writes_it_the_same(string cron, string every)
    {
        var draft = RuleDraft.From(new SupervisionHub.Workflows.Engine.WorkflowDefinition
        {
            Id = "r", Title = "r", Trigger = new(null, cron), Steps = [new SupervisionHub.Workflows.Engine.NoteStep("n", "x")],
        });
        Assert.Equal(every, draft.Every);
        Assert.Equal(cron, draft.Cron(new Dictionary<string, string>()));
    }

    [Fact]
    public void A_time_that_is_not_one_is_noted_at_its_control()
    {
        var problems = new Dictionary<string, string>();
        new RuleDraft { TriggerKind = "schedule", Every = "day", Time = "eight" }.Cron(problems);
        Assert.Contains(nameof(RuleDraft.Time), problems.Keys);
    }
}
