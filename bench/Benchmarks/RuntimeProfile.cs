using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace SupervisionHub.Benchmarks;

/// <summary>
/// What the runtime did while a probe measured, from its own events: the methods it compiled (each tier counts), by
/// namespace, and where allocation went, by type (the GC AllocationTick event fires about every 100 KB allocated and
/// names the type of the object that crossed the line, so the figures are a sample proportional to bytes). The sweep
/// and dispatch probes take it with PROBE_ALLOC=1 (docs/benchmarks.md, seventeenth run).
/// </summary>
internal sealed class RuntimeProfile : EventListener
{
    /// <summary>A profile listening from now if PROBE_ALLOC=1, else null.</summary>
    public static RuntimeProfile? FromEnvironment() => Environment.GetEnvironmentVariable("PROBE_ALLOC") == "1" ? new RuntimeProfile() : null;

    private const EventKeywords GcKeyword = (EventKeywords)0x1, JitKeyword = (EventKeywords)0x10;
    private readonly ConcurrentDictionary<string, long> bytes = new();
    private readonly ConcurrentDictionary<string, int> jitted = new();
    private volatile bool on;

    public void Start() { bytes.Clear(); jitted.Clear(); on = true; }

    /// <summary>
    /// Stops listening and prints, each line led by <paramref name="prefix"/>, the methods compiled since <see cref="Start"/>
    /// by namespace and, with <paramref name="types"/>, the <paramref name="top"/> types allocated most.
    /// </summary>
    public void Report(string prefix, bool types, int top)
    {
        on = false;
        var compiled = jitted.OrderByDescending(p => p.Value).Take(15).ToList();
        Console.WriteLine($"{prefix}compiled: {jitted.Values.Sum():N0} methods: {string.Join(", ", compiled.Select(p => $"{p.Key} {p.Value}"))}");
        if (!types) return;
        var total = Math.Max(1, bytes.Values.Sum());
        foreach (var (type, amount) in bytes.OrderByDescending(p => p.Value).Take(top))
            Console.WriteLine($"{prefix}allocation: {amount / 1024.0 / 1024.0,8:N0} MB {amount / (double)total,6:P1}  {type}");
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
