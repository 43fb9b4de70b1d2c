namespace SupervisionHub.Workflows.Engine;

/// <summary>What starts a rule, as the rules pages say it: "When a session is missed", "Every year on 1 April at 08:00".</summary>
public static class TriggerWords
{
    public static string Describe(string? @event, string? schedule) =>
        @event is not null ? "When " + EventNames.Describe(@event)
        : schedule is not null ? Capitalised(CronWords.Describe(schedule))
        : "Nothing starts it";

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
