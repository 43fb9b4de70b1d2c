using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SupervisionHub.Web.Data;

/// <summary>
/// The one place times meet the database: every DateTimeOffset (and DateTimeOffset?) property, and
/// every value compared with or assigned to one in a query or ExecuteUpdate, is written as UTC,
/// whatever offset the caller's value carries, and read back as UTC. A time worked out in a tenant's
/// zone (a wait's timeout, a cron occurrence) is +01:00 in British Summer Time; kept as it came,
/// SQLite compared local ticks with UTC ones and PostgreSQL refused the write
/// (docs/adr/0023-utc-times.md).
/// </summary>
public static class UtcTimes
{
    public static void Configure(ModelConfigurationBuilder configurationBuilder, bool sqlite)
    {
        // Properties<DateTimeOffset> covers DateTimeOffset? too.
        if (sqlite) configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetToBinaryConverter>();
        else configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }
}

/// <summary>PostgreSQL's timestamptz holds an instant and takes only offset 0 from Npgsql.</summary>
public sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v.ToUniversalTime());

/// <summary>
/// SQLite has no date-time-with-offset type and cannot compare text forms: a 64-bit integer in the
/// layout of EF Core's DateTimeOffsetToBinaryConverter (ticks / 1000 shifted left 11 bits, the
/// offset in minutes in the low 11), always with offset 0. Over UTC values that integer orders and
/// compares as the instants do, and a row written before this change in UTC reads the same. Rows
/// written with an offset were rewritten by the UtcTimes migration; reading one that somehow was not
/// still gives its true instant.
/// </summary>
public sealed class UtcDateTimeOffsetToBinaryConverter() : ValueConverter<DateTimeOffset, long>(v => ToBinary(v), v => FromBinary(v))
{
    public static long ToBinary(DateTimeOffset value) => (value.UtcTicks / 1000) << 11;

    public static DateTimeOffset FromBinary(long value) =>
        new DateTimeOffset(new DateTime((value >> 11) * 1000), TimeSpan.FromMinutes((int)((value << 53) >> 53))).ToUniversalTime();
}
