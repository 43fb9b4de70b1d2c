using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using TaskStatus = SupervisionHub.Web.Workflows.TaskStatus;

namespace SupervisionHub.Web.Links;

/// <summary>
/// Tasks that reach people by email link: issuing a link for a task, asking the people who still
/// owe a signature to read and sign, and closing a person's tasks (and using up their links) when
/// they have done what was asked, whichever way they came in.
/// </summary>
public sealed class TaskLinks(AppDbContext db, ITenantContext tenant, TimeProvider clock, PublicUrls urls)
{
    /// <summary>The tenant's address as people outside reach it, from configuration (<see cref="PublicUrls"/>), for links in emails.</summary>
    public string Root => urls.TenantRoot(tenant.Tenant);

    /// <summary>A new link for the task, added to the unit of work; returns the address to put in the email.</summary>
    public string Issue(WorkTask task, string staffId, string email)
    {
        var (link, token) = EmailLink.Create(task.Id, staffId, email, clock.GetUtcNow(), TimeSpan.FromDays(tenant.Tenant.Settings.Email.LinkExpiryDays));
        db.EmailLinks.Add(link);
        return $"{Root}/link/{token}";
    }

    /// <summary>
    /// Checks a typed one-time code and records the outcome with one conditional UPDATE (a
    /// compare-and-swap on the code and its failure count as read): a wrong code counts exactly
    /// once however many arrive together, the fifth voids the code in the same write, and a right
    /// code works once. A swap that loses to another request reads the row again and judges anew;
    /// each loss means another request's write landed, so the loop ends within a few rounds.
    /// Returns the outcome and the failure count the row holds after this request's own write.
    /// </summary>
    public async Task<(EmailLink.CodeCheck Result, int Failures)> CheckCodeAsync(EmailLink link, string typed, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var seen = link;
        for (var round = 0; round < 100; round++)
        {
            var result = seen.Judge(typed, now);
            if (result is not (EmailLink.CodeCheck.Accepted or EmailLink.CodeCheck.Wrong)) return (result, seen.CodeFailures);
            var (hash, failures, expires) = (seen.CodeHash, seen.CodeFailures, seen.CodeExpiresAt);
            var row = db.EmailLinks.Where(l => l.Id == link.Id && l.CodeHash == hash && l.CodeFailures == failures);
            if (result == EmailLink.CodeCheck.Accepted)
            {
                if (await row.ExecuteUpdateAsync(u => u.SetProperty(l => l.CodeHash, (string?)null).SetProperty(l => l.CodeExpiresAt, (DateTimeOffset?)null), ct) == 1)
                    return (result, failures);
            }
            else
            {
                var next = failures + 1;
                var voided = next >= EmailLink.MaxCodeFailures;
                if (await row.ExecuteUpdateAsync(u => u.SetProperty(l => l.CodeFailures, next)
                        .SetProperty(l => l.CodeHash, voided ? null : hash).SetProperty(l => l.CodeExpiresAt, voided ? null : expires), ct) == 1)
                    return (voided ? EmailLink.CodeCheck.TooManyTries : result, next);
            }
            seen = await db.EmailLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, ct);
        }
        throw new InvalidOperationException($"The code of link {link.Id} kept changing under 100 checks in a row.");
    }

    /// <summary>
    /// A new code for the link, stored with a compare-and-swap on the hour's count of codes as read,
    /// so parallel requests cannot send more than <see cref="EmailLink.MaxCodesPerHour"/> between them.
    /// Null when the hour's codes are used up.
    /// </summary>
    public async Task<string?> SendCodeAsync(EmailLink link, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var seen = await db.EmailLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, ct);
        for (var round = 0; round < 100; round++)
        {
            var (window, count) = (seen.CodeWindowStart, seen.CodesInWindow);
            var code = seen.NewCode(now);
            if (code is null) return null;
            if (await db.EmailLinks.Where(l => l.Id == link.Id && l.CodeWindowStart == window && l.CodesInWindow == count)
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.CodeHash, seen.CodeHash).SetProperty(l => l.CodeExpiresAt, seen.CodeExpiresAt)
                        .SetProperty(l => l.CodeFailures, 0).SetProperty(l => l.CodeWindowStart, seen.CodeWindowStart)
                        .SetProperty(l => l.CodesInWindow, seen.CodesInWindow), ct) == 1)
                return code;
            seen = await db.EmailLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, ct);
        }
        throw new InvalidOperationException($"The codes of link {link.Id} kept changing under 100 sends in a row.");
    }

    public DateOnly ExpiryDate => tenant.Tenant.Today(clock).AddDays(tenant.Tenant.Settings.Email.LinkExpiryDays);

    /// <summary>
    /// Everyone who still owes a signature on a submitted record, except the person acting, gets a
    /// task and an email link to read and sign it; someone already asked is not asked twice.
    /// </summary>
    public async Task RequestSignaturesAsync(Submission record, FormDefinition form, RecordParties parties, Staff.StaffMember actor, CancellationToken ct)
    {
        var owed = SignOff.Outstanding(form, record, parties).Where(id => id != actor.Id).ToHashSet();
        if (owed.Count == 0) return;
        var asked = await db.WorkTasks.Where(t => t.SubmissionId == record.Id && t.Status == TaskStatus.Open).Select(t => t.AssigneeId).ToListAsync(ct);
        var today = tenant.Tenant.Today(clock);
        var people = await db.Staff.AsNoTracking()
            .Where(s => owed.Contains(s.Id) && !asked.Contains(s.Id) && s.Email != null && (s.LeftOn == null || s.LeftOn >= today))
            .Select(s => new { s.Id, s.FullName, s.Email }).ToListAsync(ct);
        var sessionDate = record.SessionId is { } sid
            ? await db.Sessions.Where(s => s.Id == sid).Select(s => (DateOnly?)s.Date).FirstOrDefaultAsync(ct) : null;
        var now = clock.GetUtcNow();
        foreach (var person in people)
        {
            var task = new WorkTask(person.Id, $"Read and sign: {form.Title}", null, false, null, null, record.RelationshipId, now).About(record.Id, record.SessionId);
            db.WorkTasks.Add(task);
            var url = Issue(task, person.Id, person.Email!);
            db.Outbox.Add(new OutboxMessage(person.Email!, $"Please read and sign: {form.Title}", LinkEmails.SignatureRequest(
                person.FullName, actor.FullName, form.Title, sessionDate, url, ExpiryDate, tenant.Tenant.Name), now));
        }
    }

    /// <summary>
    /// Starts the form a task asks for as the person's own draft, belonging to the task's supervision
    /// and session, and remembers it on the task so coming back opens the same draft. Not for
    /// anonymous questionnaires, which are answered in one go from their link.
    /// </summary>
    public async Task<Submission?> StartFormAsync(WorkTask task, FormCatalog catalog, CancellationToken ct)
    {
        if (task.FormId is not { } formId || task.SubmissionId is not null) return null;
        var version = await catalog.LatestVersionAsync(formId, ct);
        if (version is null || FormCatalog.Definition(version).Anonymous) return null;
        var draft = new Submission(version, task.AssigneeId, clock.GetUtcNow());
        if (task.RelationshipId is { } rel) draft.LinkTo(rel, task.SessionId);
        db.Submissions.Add(draft);
        task.About(draft.Id, task.SessionId);
        return draft;
    }

    /// <summary>The person has signed or submitted the record: their open tasks on it are done and their links used up.</summary>
    public Task CompleteAsync(Guid submissionId, string staffId, CancellationToken ct) =>
        CompleteAsync(db.WorkTasks.Where(t => t.SubmissionId == submissionId && t.AssigneeId == staffId && t.Status == TaskStatus.Open), ct);

    /// <summary>The person has booked a session of this supervision: their requests to book are done.</summary>
    public Task CompleteBookingAsync(Guid relationshipId, string staffId, CancellationToken ct) =>
        CompleteAsync(db.WorkTasks.Where(t => t.IsBooking && t.RelationshipId == relationshipId && t.AssigneeId == staffId && t.Status == TaskStatus.Open), ct);

    private async Task CompleteAsync(IQueryable<WorkTask> open, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tasks = await open.ToListAsync(ct);
        if (tasks.Count == 0) return;
        var ids = tasks.Select(t => t.Id).ToList();
        foreach (var task in tasks) task.Complete(now);
        foreach (var link in await db.EmailLinks.Where(l => ids.Contains(l.TaskId) && l.UsedAt == null).ToListAsync(ct)) link.Use(now);
    }
}
