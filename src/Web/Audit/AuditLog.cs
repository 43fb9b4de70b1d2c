using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Audit;

/// <summary>What the tenant admin narrowed the log to. Dates are whole days in the tenant's time zone, both inclusive.</summary>
public sealed record AuditFilter(string? ActorId = null, string? Action = null, string? Entity = null,
    DateOnly? From = null, DateOnly? To = null, bool AuditorReadsOnly = false);

/// <summary>One entry as the admin reads it: who by name, and what in words (never a record's answers).</summary>
public sealed record AuditRow(AuditEntry Entry, string Who, string What);

/// <summary>
/// Reading the current tenant's audit log: the filter as one query (newest first), and the words
/// for each entry's actor and subject, looked up a page at a time. The tenant query filter keeps
/// every query here inside the tenant, whatever the filter says. Also writes the entries for the
/// admin's own exports, so that reading the log in bulk is itself on the log.
/// </summary>
public sealed class AuditLog(AppDbContext db, ITenantContext tenant, TimeProvider clock, IHttpContextAccessor http)
{
    /// <summary>The actions the service writes, with how the page names them. An action not listed shows as written.</summary>
    public static readonly IReadOnlyList<(string Action, string Label)> Actions =
    [
        ("read", "Read"), ("create", "Started"), ("save", "Saved a draft"), ("print", "Printed"), ("submit", "Submitted"), ("sign", "Signed"), ("export", "Exported"),
        ("export-child-file", "Exported for the child's file (text)"), ("export-child-file-pdf", "Exported for the child's file (PDF)"),
        ("link-open", "Opened an email link"), ("link-code-sent", "Was sent a code"), ("link-code-failed", "Typed a wrong code"),
        ("link-verified", "Confirmed a code"), ("link-fresh-sent", "Was sent a fresh link"), ("link-used", "Used an email link"),
        ("publish", "Published"), ("rollback", "Published an earlier form version again"), ("cancel", "Cancelled"),
        ("reopen", "Reopened a signed record for changes"), ("correct-attendance", "Corrected attendance"),
        ("sign-in", "Signed in"), ("sign-in-refused", "Was refused sign-in"), ("joined", "Was added at first sign-in"), ("remove", "Removed"),
    ];

    /// <summary>The kinds of thing an entry is about.</summary>
    public static readonly IReadOnlyList<(string Entity, string Label)> Entities =
    [
        ("record", "Record or agreement"), ("link", "Email link"), ("person", "Person (subject access)"), ("audit-log", "Audit log"), ("form", "Form definition"), ("tenant-settings", "Organisation settings"),
        ("workflow", "Rule (workflow)"), ("email-template", "Email template"), ("workflow-run", "Run of a rule"),
        ("configuration", "The organisation's configuration"), ("sign-in", "Sign-in (single sign-on)"), ("sso-secret", "The single sign-on client secret"),
        ("session", "Session"), ("tenant-logo", "The organisation's logo"),
    ];

    public static string ActionLabel(string action) => Actions.FirstOrDefault(a => a.Action == action).Label ?? action;

    public IQueryable<AuditEntry> Query(AuditFilter f)
    {
        var q = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrEmpty(f.ActorId)) q = q.Where(a => a.ActorId == f.ActorId);
        if (!string.IsNullOrEmpty(f.Action)) q = q.Where(a => a.Action == f.Action);
        if (!string.IsNullOrEmpty(f.Entity)) q = q.Where(a => a.Entity == f.Entity);
        if (f.AuditorReadsOnly) q = q.Where(a => a.ByAuditor);
        if (f.From is { } from)
        {
            var start = StartOf(from);
            q = q.Where(a => a.At >= start);
        }
        if (f.To is { } to)
        {
            var end = StartOf(to.AddDays(1));
            q = q.Where(a => a.At < end);
        }
        return q.OrderByDescending(a => a.At).ThenByDescending(a => a.Id);
    }

    /// <summary>Midnight of <paramref name="day"/> in the tenant's zone, as UTC (how times are stored and compared).</summary>
    private DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, tenant.Tenant.TimeZone), TimeSpan.Zero);
    }

    /// <summary>Names and descriptions for a page (or export batch) of entries: one query per kind, bounded by the entries given.</summary>
    public async Task<IReadOnlyList<AuditRow>> DescribeAsync(IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        var actorIds = entries.Select(e => e.ActorId).Distinct().ToList();
        var people = entries.Where(e => e.Entity == "person").Select(e => e.EntityId);
        var ids = actorIds.Concat(people).Distinct().ToList();
        var names = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.FullName })
            .ToDictionaryAsync(s => s.Id, s => s.FullName, ct);

        var recordIds = entries.Where(e => e.Entity == "record").Select(e => Guid.TryParse(e.EntityId, out var g) ? g : Guid.Empty)
            .Where(g => g != Guid.Empty).Distinct().ToList();
        var records = await db.Submissions.AsNoTracking().Where(s => recordIds.Contains(s.Id))
            .Select(s => new { s.Id, s.FormVersion.Title, s.FormVersion.Version }).ToDictionaryAsync(s => s.Id, ct);

        var linkIds = entries.Where(e => e.Entity == "link").Select(e => Guid.TryParse(e.EntityId, out var g) ? g : Guid.Empty)
            .Where(g => g != Guid.Empty).Distinct().ToList();
        var links = await (from l in db.EmailLinks.AsNoTracking()
                           where linkIds.Contains(l.Id)
                           join t in db.WorkTasks.AsNoTracking() on l.TaskId equals t.Id into tasks
                           from t in tasks.DefaultIfEmpty()
                           select new { l.Id, Sign = t != null && t.SubmissionId != null && t.FormId == null })
            .ToDictionaryAsync(l => l.Id, ct);

        string What(AuditEntry e)
        {
            var g = Guid.TryParse(e.EntityId, out var parsed) ? parsed : Guid.Empty;
            return e.Entity switch
            {
                "record" when records.TryGetValue(g, out var r) => $"{r.Title} (version {r.Version}), record {e.EntityId}",
                "record" => $"Record {e.EntityId}",
                "link" when links.TryGetValue(g, out var l) => $"Email link to {(l.Sign ? "read and sign a record" : "complete a form")}, link {e.EntityId}",
                "link" => $"Email link {e.EntityId}",
                "person" => $"Everything held about {names.GetValueOrDefault(e.EntityId) ?? "a person no longer in the directory"} ({e.EntityId})",
                "audit-log" => "The audit log (CSV export)",
                "form" => $"Form {e.EntityId}",
                "workflow" => $"Rule {e.EntityId}",
                "email-template" => $"Email template {e.EntityId}",
                "workflow-run" => $"Run {e.EntityId} of a rule",
                "sign-in" => e.EntityId.StartsWith("single sign-on: ", StringComparison.Ordinal)
                    ? $"Single sign-on: {SingleSignOn.SsoRefusal.Explanations.GetValueOrDefault(e.EntityId["single sign-on: ".Length..]) ?? e.EntityId}"
                    : "Single sign-on",
                "sso-secret" => "The single sign-on client secret (never shown)",
                _ => $"{e.Entity} {e.EntityId}",
            };
        }
        return entries.Select(e => new AuditRow(e, names.GetValueOrDefault(e.ActorId) ?? $"Unknown person ({e.ActorId})", What(e))).ToList();
    }

    /// <summary>Adds an entry for something the signed-in admin did; the caller's SaveChanges writes it.</summary>
    public void Log(string actorId, string action, string entity, string entityId) =>
        db.AuditEntries.Add(new AuditEntry(actorId, action, entity, entityId, false,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));
}
