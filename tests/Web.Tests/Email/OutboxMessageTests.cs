using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Email;

public sealed class OutboxMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Failures_back_off_1_5_15_60_and_240_minutes_then_the_email_is_given_up()
    {
        var m = new OutboxMessage("a@b.example", "Subject", "Body", Now);
        var waits = new List<TimeSpan>();
        var at = Now;
        for (var i = 0; i < 5; i++)
        {
            m.RecordFailure("The mail server could not be reached (ConnectionRefused).", at);
            waits.Add(m.NextAttemptAt!.Value - at);
            at = m.NextAttemptAt.Value;
        }
        Assert.Equal([1, 5, 15, 60, 240], waits.Select(w => w.TotalMinutes));
        Assert.Equal(OutboxStatus.Retrying, m.Status);
        m.RecordFailure("The mail server could not be reached (ConnectionRefused).", at);
        Assert.Equal(OutboxStatus.Failed, m.Status);
        Assert.Null(m.NextAttemptAt);
        Assert.Throws<InvalidOperationException>(() => m.RecordFailure("again", at));
    }

    [Fact]
    public void A_sent_email_cannot_be_sent_or_failed_again_and_only_a_failed_one_can_be_tried_again()
    {
        var m = new OutboxMessage("a@b.example", "Subject", "Body", Now);
        Assert.Throws<InvalidOperationException>(() => m.TryAgain(Now));
        m.MarkSent(Now);
        Assert.Throws<InvalidOperationException>(() => m.MarkSent(Now));
        Assert.Throws<InvalidOperationException>(() => m.RecordFailure("x", Now));
    }

    [Fact]
    public void A_long_error_is_cut_short_and_the_html_part_is_sanitized_markdown()
    {
        var m = new OutboxMessage("a@b.example", "Subject <1>", "Hello **there**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))", Now);
        m.RecordFailure(new string('x', 1000), Now);
        Assert.Equal(OutboxMessage.MaxErrorLength, m.LastError!.Length);
        Assert.Contains("<strong>there</strong>", m.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<title>Subject &lt;1&gt;</title>", m.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", m.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", m.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("email:\n  replyTo: not-an-address\n", "email.replyTo")]
    [InlineData("email:\n  replyTo: Team <team@school.example>\n", "email.replyTo")]
    [InlineData("email:\n  senderName: \"Team <x>\"\n", "email.senderName")]
    public void Tenant_email_settings_are_checked(string block, string expected)
    {
        var yaml = File.ReadAllText(AppFactory.RepoPath("tenants/ascent/tenant.yaml")) + "\n" + block;
        var result = TenantConfigLoader.Load(yaml, "ascent/tenant.yaml");
        Assert.Contains(result.Errors, e => e.Message.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Good_tenant_email_settings_load()
    {
        var yaml = File.ReadAllText(AppFactory.RepoPath("tenants/ascent/tenant.yaml")) + "\nemail:\n  senderName: Ascent safeguarding\n  replyTo: safeguarding@ascent.example\n";
        var result = TenantConfigLoader.Load(yaml, "ascent/tenant.yaml");
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("safeguarding@ascent.example", result.Settings!.Email.ReplyTo);
    }
}

public sealed class SmtpOptionsTests
{
    [Fact]
    public void Without_a_host_nothing_is_sent_and_nothing_is_required()
    {
        Assert.False(new SmtpOptions().IsConfigured);
        Assert.False(new SmtpOptions { Host = "smtp.example", Enabled = false, From = "a@b.example" }.IsConfigured);
        Assert.Empty(new SmtpOptions().Problems());
    }

    [Fact]
    public void A_host_without_a_sending_address_or_with_half_a_sign_in_is_refused_at_start()
    {
        Assert.Contains(new SmtpOptions { Host = "smtp.example" }.Problems(), p => p.StartsWith("Smtp:From", StringComparison.Ordinal));
        Assert.Contains(new SmtpOptions { Host = "smtp.example", From = "a@b.example", User = "me" }.Problems(), p => p.StartsWith("Smtp:User", StringComparison.Ordinal));
        Assert.Empty(new SmtpOptions { Host = "smtp.example", From = "noreply@supervisionhub.example" }.Problems());
    }
}
