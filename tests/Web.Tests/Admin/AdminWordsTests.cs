using System.Net;
using SupervisionHub.Web.Email;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>What an admin reads about rules and templates is in words, not cron, event names or parser positions.</summary>
public sealed class AdminWordsTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_rules_list_says_when_each_rule_starts_as_a_sentence()
    {
        var admin = app.Browser();
        await admin.SignIn("mse-icb", "admin@mse-icb.example", AppFactory.DemoPassword);
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync("/mse-icb/workflows"));
        Assert.Contains("Every year on 1 April at 08:00", html); // annual-attendance-audit: "0 8 1 4 *"
        Assert.Contains("Every year on 1 January, 1 April, 1 July and 1 October at 08:00", html); // quarterly-monitoring
        Assert.Contains("When a session is missed", html);
        Assert.DoesNotContain("0 8 1 4 *", html);
        Assert.DoesNotContain(">session.missed<", html);
        Assert.Contains("Times are in the organisation's time zone (Europe/London).", html);
    }

    [Fact]
    public void A_broken_email_template_names_the_line_and_character_the_admin_sees()
    {
        // Line 1 the subject, line 2 blank, the body from line 3.
        var (_, bodyError) = EmailTemplates.Parse("reminder", "subject: Your supervision\n\nDear {{ recipient.name ,\nThank you.");
        Assert.Equal("reminder.md: The template has an unfinished {{ }} on line 3, near character 23: close it with }}.", bodyError);
        var (_, subjectError) = EmailTemplates.Parse("reminder", "subject: Your supervision with {{ supervisor.name\n\nDear all");
        Assert.StartsWith("reminder.md: in the subject line: The template has an unfinished {{ }} on line 1, near character ", subjectError);
    }
}
