using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SupervisionHub.Web.Tests.Operations;

/// <summary>
/// The built service as a real process of its own (`dotnet SupervisionHub.Web.dll`), as a node of
/// a deployment runs it: its own port, its background workers, killed like a crashed machine.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _http;

    public int Port { get; } = FreePort();
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public AppProcess(IDictionary<string, string?> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SupervisionHub.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            // No watcher on appsettings: each is an inotify instance, of which a user has 128, shared by every process the tests start.
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Testing", ["DOTNET_ENVIRONMENT"] = "Testing", ["DOTNET_hostBuilder__reloadConfigOnChange"] = "false" },
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{Port}");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        _process = Process.Start(start) ?? throw new InvalidOperationException("The app did not start.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 300) _output.TryDequeue(out _);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(line);
            }
        }
    }

    /// <summary>
    /// The next line the process writes containing <paramref name="text"/> (from now on). Lines reach
    /// us a few milliseconds after the process writes them; a test that kills on one lands just after.
    /// </summary>
    public Task<string> NextLineAsync(string text)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters) _waiters.Add((l => l.Contains(text, StringComparison.Ordinal), seen));
        return seen.Task;
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string Output => string.Join('\n', _output);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A request to the node, as a load balancer or a browser makes it.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>Waits until /health/ready answers (migrated, seeded, serving).</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        timeout ??= TimeSpan.FromMinutes(4); // a start on a machine shared with other builds can take a minute or two
        var deadline = DateTime.UtcNow + timeout.Value;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await _http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { /* not up yet */ }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The app was not ready within {timeout}:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGSTOP: the process is frozen where it is, as a stalled virtual machine or a long pause of the whole process; its claims keep running out.</summary>
    public void Pause() => Signal(19);

    /// <summary>SIGCONT: it carries on from where it was frozen, unaware of the time that passed.</summary>
    public void Resume() => Signal(18);

    private void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int kill(int pid, int sig);

    /// <summary>As a power cut: no shutdown, no finally blocks, no last save.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        _http.Dispose();
    }
}
