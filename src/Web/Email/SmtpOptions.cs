namespace SupervisionHub.Web.Email;

public enum SmtpTls { None, StartTls, Ssl }

/// <summary>The mail server, from configuration section <c>Smtp</c>. Without a Host nothing is sent and the
/// outbox only fills (the development mailbox shows it).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public bool Enabled { get; set; } = true;
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpTls UseTls { get; set; } = SmtpTls.StartTls;
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>The service's own sending address; each tenant's name is shown beside it.</summary>
    public string? From { get; set; }
    public int PollSeconds { get; set; } = 5;
    public int BatchSize { get; set; } = 50;
    public int TimeoutSeconds { get; set; } = 30;
    /// <summary>How long a claimed message stays this node's (ADR 0007): a node that dies mid-send leaves its one
    /// message to the others after this. Must outlast a connect and a send (twice the timeout) and the save after.</summary>
    public int ClaimSeconds { get; set; } = 300;

    public bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(Host);

    /// <summary>Checked at start-up: a half-configured server should stop the service, not lose mail quietly.</summary>
    public IEnumerable<string> Problems()
    {
        if (!IsConfigured) yield break;
        if (string.IsNullOrWhiteSpace(From) || !Tenancy.TenantConfigLoader.IsPlainEmail(From))
            yield return "Smtp:From must be the service's sending address when Smtp:Host is set.";
        if (Port is <= 0 or > 65535) yield return "Smtp:Port must be a port number.";
        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password)) yield return "Smtp:User and Smtp:Password go together.";
        if (ClaimSeconds <= 2 * Math.Max(1, TimeoutSeconds))
            yield return "Smtp:ClaimSeconds must be more than twice Smtp:TimeoutSeconds, or a claim could lapse under a live sender and the email go twice.";
    }
}

public sealed class SmtpOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SmtpOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SmtpOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
