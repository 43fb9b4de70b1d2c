namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// A resolved tenant. <see cref="Id"/> is what rows are stamped with and never changes;
/// <see cref="Identifier"/> is the URL slug and may be renamed.
/// </summary>
public sealed record TenantInfo(Guid Id, string Identifier, string Name, TenantSettings Settings)
{
    public TimeZoneInfo TimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById(Settings.TimeZone);

    public DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZone).DateTime);

    /// <summary>An instant as the tenant's people read it: times are stored in UTC and shown in the tenant's zone.</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZone);

    public static TenantInfo From(TenantSettings s) => new(s.Id, s.Identifier, s.Name, s);
}
