using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Audit;

/// <summary>
/// The hash chain over one tenant's audit log: how an entry's hash is computed, and a walk that
/// finds the first entry that does not fit (altered, deleted, inserted). Works in the current
/// tenant's scope, like every other reader of tenant data. See docs/adr/0008-audit-chain.md.
/// </summary>
public sealed class AuditChain(AppDbContext db)
{
    /// <summary>Changes whenever the encoding below does; part of every hash.</summary>
    private const string Version = "shub.audit.v1";

    /// <summary>
    /// SHA-256 over the previous hash and the row's content, each field length-prefixed (4 bytes,
    /// big-endian; -1 for null) so no two different rows encode alike. The time is UTC to the
    /// millisecond, the precision every store keeps.
    /// </summary>
    public static string ComputeHash(AuditEntry e)
    {
        using var buffer = new MemoryStream();
        void Field(string? value)
        {
            Span<byte> length = stackalloc byte[4];
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                buffer.Write(length);
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }
        Field(Version);
        Field(e.PreviousHash);
        Field(e.TenantId.ToString("D"));
        Field(e.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Field(e.ActorId);
        Field(e.Action);
        Field(e.Entity);
        Field(e.EntityId);
        Field(e.ByAuditor ? "1" : "0");
        Field(e.From);
        // Appended only when present, so every entry written before reasons were kept hashes as it did.
        if (e.Reason is not null) Field(e.Reason);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>Walks the current tenant's chain from entry 1 and stops at the first entry that does not fit.</summary>
    public async Task<AuditChainReport> VerifyAsync(CancellationToken ct = default)
    {
        long expected = 1, count = 0, firstChainedId = long.MaxValue;
        string? previousHash = null;
        AuditChainBreak? broken = null;
        await foreach (var e in db.AuditEntries.AsNoTracking().Where(a => a.Sequence > 0).OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            firstChainedId = Math.Min(firstChainedId, e.Id);
            if (e.Sequence > expected)
                broken = new(expected, null, expected == e.Sequence - 1
                    ? $"entry {expected} is missing (deleted?); the next is entry {e.Sequence}"
                    : $"entries {expected} to {e.Sequence - 1} are missing (deleted?)");
            else if (e.Sequence < expected)
                broken = new(e.Sequence, e.Id, $"entry {e.Sequence} appears twice");
            else if (e.PreviousHash != previousHash)
                broken = new(e.Sequence, e.Id, expected == 1
                    ? "the first entry claims a predecessor (entries before it deleted?)"
                    : $"does not follow entry {expected - 1} (that entry was changed, or this one was inserted)");
            else if (ComputeHash(e) != e.Hash)
                broken = new(e.Sequence, e.Id, "its content does not match its hash (altered)");
            if (broken is not null) break;
            count++;
            previousHash = e.Hash;
            expected++;
        }

        // Rows from before the chain (negative sequence, no hash) are allowed only before its first entry.
        var unchained = await db.AuditEntries.CountAsync(a => a.Sequence <= 0, ct);
        if (broken is null && unchained > 0)
        {
            var late = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence <= 0 && a.Id > firstChainedId)
                .OrderBy(a => a.Id).Select(a => new { a.Id, a.Sequence }).FirstOrDefaultAsync(ct);
            if (late is not null)
                broken = new(late.Sequence, late.Id, "an entry outside the chain was added after the chain began (inserted)");
        }
        return new AuditChainReport(count, unchained, count == 0 ? null : expected - 1, previousHash, broken);
    }
}

/// <summary>What a walk found. <see cref="HeadSequence"/> and <see cref="HeadHash"/> are as far as the chain was intact.</summary>
public sealed record AuditChainReport(long Entries, long Unchained, long? HeadSequence, string? HeadHash, AuditChainBreak? Break)
{
    public bool Intact => Break is null;
}

/// <summary>The first entry that does not fit: its sequence number, its row id when there is a row, and why.</summary>
public sealed record AuditChainBreak(long Sequence, long? RowId, string Problem);
