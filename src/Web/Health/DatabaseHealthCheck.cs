using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Health;

/// <summary>
/// Ready means this node can do its work: its schema is this build's (no migration pending) and the
/// database takes a write now, within <see cref="Timeout"/>. A database that answers reads but is
/// locked, full or read-only makes every save fail, so a load balancer must take the node out
/// (issue 16: a full disk and a 50 s lock both answered Healthy). The write is one row's timestamp
/// (<see cref="HealthProbe"/>). The report names no tenant, person or connection detail.
/// </summary>
public sealed class DatabaseHealthCheck(AppDbContext db, TimeProvider clock) : IHealthCheck
{
    /// <summary>How long the write may take (a lock is waited for this long and no longer).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Below this much free space beside a SQLite file the node is not ready. The write below can still
    /// succeed on a full disk (SQLite in WAL mode reuses its log file's space) while any save that must
    /// grow a file fails; PostgreSQL's disk is the server's, outside this check.
    /// </summary>
    public const long MinimumFreeBytes = 10 * 1024 * 1024;

    /// <summary>Once this build's migrations are all applied they stay applied (no node un-applies one), so the question is asked until then only.</summary>
    private static volatile bool _schemaCurrent;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout + TimeSpan.FromSeconds(1)); // the command timeout below bounds the wait for a lock; this bounds everything else
        // SQLite waits for a lock as long as the command timeout; PostgreSQL cancels the statement after it.
        db.Database.SetCommandTimeout(Timeout);
        try
        {
            if (!_schemaCurrent)
            {
                if ((await db.Database.GetPendingMigrationsAsync(timeout.Token)).Any()) return HealthCheckResult.Unhealthy("The database schema is behind this build.");
                _schemaCurrent = true;
            }
            if (db.Database.IsSqlite() && Databases.SqliteFile(db.Database.GetConnectionString()!) is { } file
                && new DriveInfo(Path.GetDirectoryName(file)!).AvailableFreeSpace < MinimumFreeBytes)
                return HealthCheckResult.Unhealthy("The database's disk is full.");
            var now = clock.GetUtcNow();
            if (await db.HealthProbes.Where(p => p.Id == HealthProbe.RowId).ExecuteUpdateAsync(u => u.SetProperty(p => p.At, now), timeout.Token) == 0)
            {
                // The first probe of a new database writes the row; if another node's first probe wins, its update counts for both.
                db.HealthProbes.Add(new HealthProbe(now));
                try { await db.SaveChangesAsync(timeout.Token); }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    if (await db.HealthProbes.Where(p => p.Id == HealthProbe.RowId).ExecuteUpdateAsync(u => u.SetProperty(p => p.At, now), timeout.Token) == 0) throw;
                }
            }
            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database did not take a write in time.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database did not take a write.");
        }
    }
}
