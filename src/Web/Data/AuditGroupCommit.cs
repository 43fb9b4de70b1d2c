using SupervisionHub.Web.Audit;

namespace SupervisionHub.Web.Data;

/// <summary>
/// One tenant's audit chain on this node (ADR 0030, 0036): the gate that lets one save at a time
/// append, and the queue of saves that carry nothing but new audit entries (a record viewed), which
/// join one transaction instead of waiting for a commit each. The first saver to arrive leads: it
/// takes the gate, takes every save queued by then, chains and commits their entries together and
/// releases them; the next one queued then leads the next group. Each saver returns only once its own
/// entries are committed, or with the group's error when the commit failed (nothing of the group is
/// written then), so an acknowledged view is never lost.
/// </summary>
internal sealed class AuditGroupCommit
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string? Database, Guid Tenant), AuditGroupCommit> Chains = new();

    /// <summary>
    /// Per database as well as per tenant: a leader commits the group through its own connection, so a
    /// process that opens two databases (tests, tools) must never put one database's saves in the
    /// other's group, and a tenant's id can be the same in both.
    /// </summary>
    public static AuditGroupCommit For(string? database, Guid tenantId) => Chains.GetOrAdd((database, tenantId), _ => new AuditGroupCommit());

    /// <summary>Off only to measure the difference (bench/Benchmarks "recordtail"); on in the service.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>One save at a time appends to this tenant's chain on this node; across nodes the database lock does the same.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    private readonly Lock _sync = new();
    private readonly List<Saver> _queue = [];
    private bool _led;

    /// <summary>Saves waiting to join a group (tests wait for a group to form).</summary>
    internal int Queued
    {
        get { lock (_sync) return _queue.Count; }
    }

    /// <summary>A save waiting to be committed. Its turn ends true (committed by a leader) or false (it leads the next group).</summary>
    internal sealed class Saver(IReadOnlyList<AuditEntry> entries)
    {
        public IReadOnlyList<AuditEntry> Entries { get; } = entries;
        public TaskCompletionSource<bool> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Saves <paramref name="saver"/>'s entries with whatever else is queued, and returns when they are
    /// committed. Not cancellable once queued: a leader commits the saves it took whatever their callers
    /// want now, and a cancelled waiter would leave a committed entry reported as failed.
    /// </summary>
    public async Task SaveAsync(Saver saver, Func<IReadOnlyList<Saver>, Task> commitGroup)
    {
        bool lead;
        lock (_sync)
        {
            _queue.Add(saver);
            lead = !_led;
            _led = true;
        }
        if (!lead && await saver.Turn.Task) return; // committed by another saver; its error is thrown here

        await Gate.WaitAsync(CancellationToken.None);
        try
        {
            List<Saver> group;
            lock (_sync)
            {
                group = [.. _queue];
                _queue.Clear();
            }
            try
            {
                await commitGroup(group);
            }
            catch (Exception e)
            {
                foreach (var other in group.Where(s => s != saver))
                    other.Turn.TrySetException(new AuditGroupCommitException(e));
                throw;
            }
            foreach (var other in group.Where(s => s != saver)) other.Turn.TrySetResult(true);
        }
        finally
        {
            Gate.Release();
            lock (_sync)
            {
                // Hand over: the oldest save still queued leads the next group, or nobody leads until one comes.
                if (_queue.Count > 0) _queue[0].Turn.TrySetResult(false);
                else _led = false;
            }
        }
    }
}

/// <summary>The commit of a group of audit entries this save had joined failed: nothing of the group was written.</summary>
public sealed class AuditGroupCommitException(Exception inner)
    : Exception("The audit entries of this save were not written: the group commit they joined failed.", inner);
