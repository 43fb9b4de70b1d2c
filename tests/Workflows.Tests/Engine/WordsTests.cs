using Fluid;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Workflows.Tests.Engine;

/// <summary>Schedules, events and template errors in the words an admin reads on the rules pages.</summary>
public sealed class WordsTests
{
    [Theory]
    [InlineData("0 8 1 4 *", "every year on 1 April at 08:00")]
    [InlineData("30 7 * * 1-5", "every weekday at 07:30")]
    [InlineData("0 9 1 * *", "on the 1st of every month at 09:00")]
    [InlineData("0 8 * * *", "every day at 08:00")]
    [InlineData("0 8 1 1,4,7,10 *", "every year on 1 January, 1 April, 1 July and 1 October at 08:00")]
    [InlineData("0 8 1 10,2,6 *", "every year on 1 February, 1 June and 1 October at 08:00")]
    [InlineData("0 8 15 6 *", "every year on 15 June at 08:00")]
    [InlineData("0 8 1,15 * *", "on the 1st and 15th of every month at 08:00")]
    [InlineData("0 9 2,3,11,22,23 * *", "on the 2nd, 3rd, 11th, 22nd and 23rd of every month at 09:00")]
    [InlineData("0 18 * * 5", "every Friday at 18:00")]
    [InlineData("0 18 * * MON,THU", "every Monday and Thursday at 18:00")]
    [InlineData("0 10 * * 0", "every Sunday at 10:00")]
    [InlineData("0 10 * * 6,0", "every Saturday and Sunday at 10:00")]
    [InlineData("0 10 * * 7", "every Sunday at 10:00")]
    [InlineData("15 8,17 * * 1-5", "every weekday at 08:15 and 17:15")]
    [InlineData("0 8 * 9 *", "every day in September at 08:00")]
    [InlineData("0 8 * SEP-OCT 1", "every Monday in September and October at 08:00")]
    public void A_schedule_reads_as_a_sentence(string cron, string sentence) => Assert.Equal(sentence, CronWords.Describe(cron));

    [Theory]
    [InlineData("*/15 * * * *")] // every 15 minutes
    [InlineData("0 8 L * *")] // the last day of the month
    [InlineData("0 8 1 * 1")] // the 1st or any Monday: cron reads either
    [InlineData("0 */2 * * *")]
    [InlineData("not a schedule")]
    public void What_cannot_be_said_plainly_is_given_as_written(string cron) =>
        Assert.Equal($"on a schedule written as cron: {cron}", CronWords.Describe(cron));

    [Fact]
    public void Every_event_a_rule_can_start_from_reads_as_a_sentence()
    {
        Assert.Equal("a session is missed", EventNames.Describe("session.missed"));
        Assert.Equal(EventNames.Sentences.Keys.Order(), WorkflowEnvironment.DomainEvents.Order());
        Assert.All(EventNames.Sentences, e => Assert.DoesNotContain(".", e.Value));
        Assert.Equal("When a session is missed", TriggerWords.Describe("session.missed", null));
        Assert.Equal("Every year on 1 April at 08:00", TriggerWords.Describe(null, "0 8 1 4 *"));
    }

    private static string ErrorOf(string template)
    {
        Assert.False(new FluidParser().TryParse(template, out _, out var error), "the template was expected not to parse");
        return error;
    }

    [Theory]
    [InlineData("Dear {{ recipient.name , your session", "The template has an unfinished {{ }} on line 1, near character 23: close it with }}.")]
    [InlineData("Hello\nDear {{ recipient.name", "The template has an unfinished {{ }} on line 2, near character 23: close it with }}.")]
    [InlineData("{% if supervisee.name %}Hello", "The template has a {% if %} that is never closed (the text ends on line 1, near character 30): add {% endif %} where it should end.")]
    [InlineData("{% for a in actions %}x", "The template has a {% for %} that is never closed (the text ends on line 1, near character 24): add {% endfor %} where it should end.")]
    [InlineData("{% if %}x{% endif %}", "The {% if %} on line 1, near character 6 is not written as Liquid expects: it needs a condition, like {% if supervisee.name %}.")]
    [InlineData("{% endif %}", "The template has a {% endif %} on line 1, near character 9 with no {% if %} before it: remove it, or add the {% if %} it closes.")]
    [InlineData("{% sned %}", "The template has a {% sned %} on line 1, near character 8, which Liquid does not know: check its spelling, or remove it.")]
    [InlineData("{{ date | }}", "The template has a | with no filter after it on line 1, near character 10: name the filter, like {{ session.date | date: \"%d %B %Y\" }}, or remove the |.")]
    public void A_broken_template_says_what_is_wrong_where_and_what_to_do(string template, string message) =>
        Assert.Equal(message, LiquidMessages.Explain(ErrorOf(template)));

    [Fact]
    public void Positions_are_moved_to_where_the_admin_sees_the_text()
    {
        var error = ErrorOf("Dear {{ recipient.name");
        Assert.Contains("on line 3, near character", LiquidMessages.Explain(error, lineOffset: 2));
        Assert.Contains("on line 1, near character 33", LiquidMessages.Explain(error, columnOffset: 10));
        Assert.Equal("The template could not be read: something odd", LiquidMessages.Explain("something odd"));
        Assert.Equal(LiquidMessages.Explain(error), LiquidText.SyntaxError("Dear {{ recipient.name"));
    }
}
