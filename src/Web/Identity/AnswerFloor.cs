using System.Diagnostics;

namespace SupervisionHub.Web.Identity;

/// <summary>
/// An answer that must not tell, by its time, whether an address has an account: it waits until a
/// fixed time has passed since its work began, so the few milliseconds a real account costs (a row
/// written, a token made) are hidden under the floor, even on a loaded database.
/// </summary>
public static class AnswerFloor
{
    public static long Start() => Stopwatch.GetTimestamp();

    public static async Task WaitOutAsync(long started, TimeSpan floor, CancellationToken ct)
    {
        var left = floor - Stopwatch.GetElapsedTime(started);
        if (left > TimeSpan.Zero) await Task.Delay(left, ct);
    }
}
