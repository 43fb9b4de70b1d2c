using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace SupervisionHub.Web.Tests.Email;

/// <summary>
/// A real SMTP server on localhost for one test: maildev (pinned in tools/maildev, installed by
/// test.sh) on free ports, as a child process the test can stop and start again.
/// </summary>
public sealed class Maildev : IAsyncDisposable
{
    private readonly HttpClient _http;
    private Process? _process;

    public int SmtpPort { get; } = FreePort();
    public int WebPort { get; } = FreePort();

    public static string Executable => AppFactory.RepoPath("tools/maildev/node_modules/.bin/maildev");

    private Maildev() => _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// A new server on two free ports. A port found free can be taken by another socket before maildev binds it
    /// (a PostgreSQL pass opens hundreds of client sockets meanwhile); maildev then exits at once, so new ports are
    /// tried, up to three times.
    /// </summary>
    public static async Task<Maildev> StartNewAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new Maildev();
            try
            {
                await server.StartAsync();
                await server.ClearAsync();
                return server;
            }
            catch (ExitedAtStartException) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
        }
    }

    private sealed class ExitedAtStartException(string message) : InvalidOperationException(message);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"maildev is not installed at {Executable}: run ./test.sh, or npm ci --prefix tools/maildev.");
        var info = new ProcessStartInfo(Executable, ["--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "-s", SmtpPort.ToString(), "-w", WebPort.ToString()])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("maildev did not start.");
        _process.OutputDataReceived += (_, _) => { };
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && errors.Count < 20) errors.Enqueue(line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60); // node starts slowly on a loaded machine
        while (true)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // the rest of its output read
                throw new ExitedAtStartException($"maildev exited at start with code {_process.ExitCode} (ports {SmtpPort}, {WebPort}): {string.Join(" | ", errors)}");
            }
            try
            {
                using var smtp = new TcpClient();
                await smtp.ConnectAsync(IPAddress.Loopback, SmtpPort);
                using var response = await _http.GetAsync(new Uri("/email", UriKind.Relative));
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is SocketException or HttpRequestException or TaskCanceledException) { /* not up yet */ }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("maildev did not start listening within 60 s.");
            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: the server still takes connections (the kernel queues them) but says nothing, as a mail server that hangs.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>SIGCONT: it answers again, from where it stopped.</summary>
    public void Resume() => Signal("-CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, (_process ?? throw new InvalidOperationException("maildev is not running.")).Id.ToString()])!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill {signal} maildev failed ({kill.ExitCode}).");
    }

    public async Task ClearAsync() => (await _http.DeleteAsync(new Uri("/email/all", UriKind.Relative))).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<JsonObject>> EmailsAsync() =>
        JsonNode.Parse(await _http.GetStringAsync(new Uri("/email", UriKind.Relative)))!.AsArray().OfType<JsonObject>().ToList();

    /// <summary>An email to an address whose subject contains the words, not among those already seen, waiting for it to arrive.</summary>
    public async Task<JsonObject> WaitForAsync(string to, string subjectContains, IReadOnlySet<string>? seen = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = (await EmailsAsync()).FirstOrDefault(e => seen?.Contains((string?)e["id"] ?? "") != true &&
                ((string?)e["subject"] ?? "").Contains(subjectContains, StringComparison.Ordinal)
                && (e["to"] as JsonArray ?? []).Any(a => string.Equals((string?)a?["address"], to, StringComparison.OrdinalIgnoreCase)));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No email to {to} about '{subjectContains}' arrived.");
            await Task.Delay(250);
        }
    }

    /// <summary>The message exactly as the SMTP server received it (RFC 5322), to parse with MimeKit.</summary>
    public async Task<MimeKit.MimeMessage> MessageAsync(string id)
    {
        await using var raw = await _http.GetStreamAsync(new Uri($"/email/{id}/source", UriKind.Relative));
        var buffer = new MemoryStream();
        await raw.CopyToAsync(buffer);
        buffer.Position = 0;
        return await MimeKit.MimeMessage.LoadAsync(buffer);
    }

    public async Task<IReadOnlySet<string>> SeenAsync() => (await EmailsAsync()).Select(e => (string?)e["id"] ?? "").ToHashSet();

    public async Task<int> CountAsync(string subject) => (await EmailsAsync()).Count(e => (string?)e["subject"] == subject);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
    }
}
