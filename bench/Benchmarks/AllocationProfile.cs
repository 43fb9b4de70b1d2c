using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace SupervisionHub.Benchmarks;

/// <summary>
/// Where a process's allocation goes, by type: the runtime's GC AllocationTick event fires about every 100 KB allocated
/// and names the type of the object that crossed the line, so the counts are a sample proportional to bytes. Used by
/// the sweep probe with PROBE_ALLOC=1 (docs/benchmarks.md).
/// </summary>
internal sealed class AllocationProfile : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1, JitKeyword = (EventKeywords)0x10;
    private readonly ConcurrentDictionary<string, long> bytes = new();
    private readonly ConcurrentDictionary<string, int> jitted = new();
    private volatile bool on;

    public void Start() { bytes.Clear(); jitted.Clear(); on = true; }

    /// <summary>Methods compiled since <see cref="Start"/> (each tier counts), by namespace, most first.</summary>
    public List<(string Namespace, int Methods)> Jitted(int top = 15) =>
        jitted.OrderByDescending(p => p.Value).Take(top).Select(p => (p.Key, p.Value)).ToList();

    /// <summary>The sample's types, largest first, as (type, megabytes, share).</summary>
    public List<(string Type, double Mb, double Share)> Stop(int top = 15)
    {
        on = false;
        var total = Math.Max(1, bytes.Values.Sum());
        return bytes.OrderByDescending(p => p.Value).Take(top)
            .Select(p => (p.Key, p.Value / 1024.0 / 1024.0, p.Value / (double)total)).ToList();
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword | JitKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // AllocationTick_V4 and later: AllocationAmount64 is the bytes since the last tick, TypeName the type that crossed it.
        if (!on || e.EventName is null || e.Payload is null) return;
        var names = e.PayloadNames!;
        if (e.EventName.StartsWith("MethodJittingStarted", StringComparison.Ordinal))
        {
            var ns = names.IndexOf("MethodNamespace") is var n and >= 0 ? e.Payload[n] as string ?? "?" : "?";
            // The namespace as far as its second dot: enough to tell the app from EF Core, LINQ or the runtime.
            var parts = ns.Split('.', 4);
            jitted.AddOrUpdate(string.Join('.', parts.Take(3)), 1, (_, v) => v + 1);
            return;
        }
        if (!e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal)) return;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
