using System.Collections.Concurrent;

namespace SupervisionHub.Web.Email;

/// <summary>
/// Emails this node handed to the mail server whose SentAt the database refused (a full disk, a
/// lock that outlasted the tries). The node never sends them again and records them before sending
/// anything else (OutboxSender). Held in memory: a crash forgets them, which is ADR 0007's window.
/// </summary>
public sealed class UnrecordedSends
{
    private readonly ConcurrentDictionary<Guid, (Guid TenantId, DateTimeOffset At)> _sends = new();

    public void Add(Guid tenantId, Guid messageId, DateTimeOffset at) => _sends[messageId] = (tenantId, at);

    public void Remove(Guid messageId) => _sends.TryRemove(messageId, out _);

    public IReadOnlyList<(Guid Id, DateTimeOffset At)> Of(Guid tenantId) =>
        _sends.Where(s => s.Value.TenantId == tenantId).Select(s => (s.Key, s.Value.At)).ToList();

    public int Count => _sends.Count;
}
