using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Workflows.Calendar;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// What a person booking a session should know before they do: the supervisor or a supervisee
/// already has a session then (one supervisor was booked three times at the same minute), or the
/// day is a weekend, a bank holiday, one of the tenant's closure days or in the school holidays.
/// Warnings, not refusals: people may mean it, and say so ("Book anyway"). Also the one rule for
/// "a school day" that a planned series moves its dates to.
/// </summary>
public sealed class BookingWarnings(AppDbContext db, ITenantContext tenant)
{
    public async Task<IReadOnlyList<string>> ForAsync(Relationship r, DateOnly date, TimeOnly start, int minutes, Guid? except, CancellationToken ct)
    {
        var warnings = new List<string>(DayWarnings(date));
        var supervisor = r.SupervisorId;
        var supervisees = r.CurrentMembers.Select(m => m.StaffId).ToHashSet();
        var people = supervisees.Append(supervisor).ToHashSet();
        var end = start.AddMinutes(minutes);
        var sameDay = await db.Sessions.AsNoTracking()
            .Where(s => s.Date == date && s.Status == SessionStatus.Booked && s.Id != except
                        && (people.Contains(s.Relationship.SupervisorId) || s.Relationship.Members.Any(m => m.LeftOn == null && people.Contains(m.StaffId))))
            .Select(s => new { s.StartTime, s.DurationMinutes, s.Relationship.SupervisorId, Members = s.Relationship.Members.Where(m => m.LeftOn == null).Select(m => m.StaffId).ToList() })
            .ToListAsync(ct);
        foreach (var other in sameDay.Where(s => s.StartTime < end && start < s.StartTime.AddMinutes(s.DurationMinutes)).OrderBy(s => s.StartTime))
        {
            var involved = other.Members.Append(other.SupervisorId).ToHashSet();
            var who = involved.Contains(supervisor) ? "The supervisor" : supervisees.Count == 1 ? "The supervisee" : "A member of the group";
            warnings.Add($"{who} already has a session booked from {other.StartTime:HH:mm} to {other.StartTime.AddMinutes(other.DurationMinutes):HH:mm} that day.");
        }
        return warnings;
    }

    /// <summary>Why a day is not a usual school day: weekend, bank holiday, closure day, school holidays.</summary>
    public IReadOnlyList<string> DayWarnings(DateOnly date)
    {
        var result = new List<string>();
        var day = date.ToString("dddd d MMMM yyyy");
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) result.Add($"{day} is a weekend.");
        else if (BankHolidays.EnglandAndWales(date.Year).Contains(date)) result.Add($"{day} is a bank holiday.");
        if (tenant.Tenant.Settings.ClosureDays.FirstOrDefault(c => c.Date == date) is { } closure)
            result.Add($"{day} is a closure day{(string.IsNullOrWhiteSpace(closure.Name) ? "" : $" ({closure.Name})")}.");
        var calendar = ComplianceService.CalendarFor(tenant.Tenant);
        if (result.Count == 0 && calendar.HasTermsInYear(date) && !calendar.InTerm(date)) result.Add($"{day} is in the school holidays.");
        return result;
    }

    /// <summary>The day itself when it is a school day, else the next one (within a term's break of two months).</summary>
    public DateOnly NextSchoolDay(DateOnly date)
    {
        for (var d = date; d < date.AddDays(62); d = d.AddDays(1))
            if (DayWarnings(d).Count == 0) return d;
        return date;
    }
}
