using System.Diagnostics;

namespace SupervisionHub.Web.Tests.Faults;

/// <summary>
/// The fault suite (issue 16): each test makes one fault happen on purpose to real processes, a real
/// SMTP server and a real database, and checks what the operator would: nothing lost, nothing done
/// twice that must not be, readiness telling the truth. One at a time: they kill, pause and lock.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "Faults";
}

internal static class Nodes
{
    /// <summary>A node of a deployment on the database for <paramref name="databaseFile"/>, with the founding tenants' demo data and a one-second workflow round.</summary>
    public static Dictionary<string, string?> Settings(string databaseFile, string tenantsRoot, bool createDatabase = true) =>
        new(TestDatabase.Settings(databaseFile, createDatabase))
        {
            ["Tenants:Root"] = tenantsRoot,
            ["Demo:Seed"] = "true",
            ["Demo:Password"] = AppFactory.DemoPassword,
            ["Demo:PlatformAdminEmail"] = "operator@supervisionhub.example",
            ["Workflows:PollSeconds"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:SupervisionHub.Web.Startup"] = "Information", // waiting for another node's start-up shows
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information", // and when it serves
        };

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="why"/> (read at the deadline) if it never does.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> why, int pollMilliseconds = 200)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout) Assert.Fail(await why());
            await Task.Delay(pollMilliseconds);
        }
    }
}

/// <summary>
/// A real full disk: a tmpfs of a few megabytes mounted for the test, the SQLite file on it, then
/// filled to the last byte by a file of the test's own, and freed again. Needs root (mount).
/// </summary>
public sealed class TinyDisk : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "shub-disk", Guid.NewGuid().ToString("N"));
    private string Filler => System.IO.Path.Combine(Path, "filler");

    public TinyDisk(int megabytes)
    {
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
    }

    /// <summary>Writes until the disk refuses another byte.</summary>
    public void Fill()
    {
        using var filler = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096);
        var block = new byte[4096];
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
            // ENOSPC: full. Whatever part of the last block fitted stays written.
        }
        try { filler.Flush(); } catch (IOException) { /* as full as it gets */ }
    }

    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path); } catch (IOException) { /* a leftover empty folder is harmless */ }
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
    }

    /// <summary>Root with CAP_SYS_ADMIN (mount); read from /proc, without trying.</summary>
    public static bool CanMount =>
        Environment.UserName == "root" && File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal)) is { } caps
        && (Convert.ToUInt64(caps["CapEff:".Length..].Trim(), 16) & (1UL << 21)) != 0;
}

/// <summary>A test of a full disk under SQLite: runs in the SQLite pass where the test may mount a tmpfs; reported skipped, with the reason, otherwise.</summary>
public sealed class FullDiskFactAttribute : FactAttribute
{
    public FullDiskFactAttribute()
    {
        if (TestDatabase.IsPostgres) Skip = "A full disk is made for SQLite's file (the shared PostgreSQL server's disk is not ours to fill): runs in the SQLite pass.";
        else if (!TinyDisk.CanMount) Skip = "Needs root with CAP_SYS_ADMIN to mount a tiny tmpfs as the full disk.";
    }
}
