using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupervisionHub.Web.Tests;

/// <summary>Keeps every log line the service writes, at every level, to look for personal data in them.</summary>
public sealed class CapturingLogFactory : AppFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new Provider(Lines)));
    }

    private sealed class Provider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
        public void Dispose() { }
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Child and case details, and people's names and addresses, never go into logs.</summary>
public sealed class LogPrivacyTests(CapturingLogFactory app) : IClassFixture<CapturingLogFactory>
{
    [Fact]
    public async Task Signing_in_wrongly_and_rightly_and_reading_pages_logs_no_address_or_name()
    {
        var client = app.Browser();
        await client.SignIn("ralph-thoresby", "supervisee@ralph-thoresby.example", "not-the-password-1");
        await client.SignIn("ralph-thoresby", "supervisee@ralph-thoresby.example", AppFactory.DemoPassword);
        await client.GetAsync("/ralph-thoresby");
        await client.GetAsync("/ralph-thoresby/forms");
        await client.GetAsync("/ralph-thoresby/link/not-a-real-token-but-long-enough-to-look");
        Assert.NotEmpty(app.Lines);
        var leaks = app.Lines.Where(l => l.Contains("@ralph-thoresby.example", StringComparison.OrdinalIgnoreCase)
                                         || l.Contains("Chloe Ibbotson", StringComparison.Ordinal)
                                         || l.Contains("not-the-password", StringComparison.Ordinal)
                                         || l.Contains("not-a-real-token", StringComparison.Ordinal)).ToList(); // a link token is a credential
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(5)));
    }
}
