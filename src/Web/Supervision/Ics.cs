using System.Globalization;
using System.Text;

namespace SupervisionHub.Web.Supervision;

/// <summary>
/// A diary invitation (RFC 5545) for one session, so it lands in Outlook or Google calendars
/// (mse-icb R3: invitations to supervisors and line managers). Times are written in UTC, which
/// every calendar reads, converted from the tenant's zone so the clocks-change weeks stay right.
/// Says who meets and where, never what will be discussed.
/// </summary>
public static class Ics
{
    public static string Invitation(Session session, string title, string organiserName, TimeZoneInfo zone, DateTimeOffset stamp, bool cancelled = false)
    {
        var local = session.Date.ToDateTime(session.StartTime, DateTimeKind.Unspecified);
        var start = TimeZoneInfo.ConvertTimeToUtc(local, zone);
        var sb = new StringBuilder();
        void Line(string text)
        {
            // Lines longer than 75 octets are folded: CRLF then a space (RFC 5545 3.1).
            var bytes = Encoding.UTF8.GetBytes(text);
            var at = 0;
            var first = true;
            while (at < bytes.Length)
            {
                var take = Math.Min(first ? 75 : 74, bytes.Length - at);
                while (take > 0 && at + take < bytes.Length && (bytes[at + take] & 0xC0) == 0x80) take--; // never split a character
                sb.Append(first ? "" : " ").Append(Encoding.UTF8.GetString(bytes, at, take)).Append("\r\n");
                at += take;
                first = false;
            }
        }
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//SupervisionHub//Supervision sessions//EN");
        Line("CALSCALE:GREGORIAN");
        Line(cancelled ? "METHOD:CANCEL" : "METHOD:PUBLISH");
        Line("BEGIN:VEVENT");
        Line($"UID:{session.Id:N}@supervisionhub");
        Line($"DTSTAMP:{Utc(stamp.UtcDateTime)}");
        Line($"DTSTART:{Utc(start)}");
        Line($"DTEND:{Utc(start.AddMinutes(session.DurationMinutes))}");
        Line($"SUMMARY:{Escape(title)}");
        if (session.Location is { } where) Line($"LOCATION:{Escape(where)}");
        Line($"DESCRIPTION:{Escape($"Supervision with {organiserName}. Open SupervisionHub for details.")}");
        Line(cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
        Line("END:VEVENT");
        Line("END:VCALENDAR");
        return sb.ToString();
    }

    private static string Utc(DateTime t) => t.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
         .Replace(",", "\\,", StringComparison.Ordinal).Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
