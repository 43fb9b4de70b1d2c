namespace SupervisionHub.Web.Health;

/// <summary>
/// The one row the readiness check writes (DatabaseHealthCheck): a node is ready only when the
/// database takes a write, not merely when it answers a read. Belongs to no tenant.
/// </summary>
public sealed class HealthProbe
{
    public const int RowId = 1;

    private HealthProbe() { }

    public HealthProbe(DateTimeOffset at)
    {
        Id = RowId;
        At = at;
    }

    public int Id { get; private set; }

    /// <summary>When a node last proved the database writable.</summary>
    public DateTimeOffset At { get; private set; }
}
