using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Submissions;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using TaskStatus = SupervisionHub.Web.Workflows.TaskStatus;

namespace SupervisionHub.Web.Pages.Links;

/// <summary>
/// Where an emailed link lands. It shows that one task: a record to read and sign (after a
/// one-time code sent to the same address: a link alone never shows what a record says), a form
/// to fill in, or an anonymous questionnaire (answered here, stored without identity). An expired
/// or used link says so and offers a fresh one. Every use is in the audit log; the page is rate
/// limited (the attribute is in Open.cshtml, where Razor Pages read endpoint metadata).
/// </summary>
public sealed class OpenModel(AppDbContext db, ITenantContext tenant, TimeProvider clock, TaskLinks links, FormCatalog catalog,
    UserManager<StaffMember> users, RecordGate gate) : PageModel
{
    /// <summary>Fresh links for one task in a day: enough for a lost email, not enough to flood a mailbox.</summary>
    public const int MaxFreshLinksPerDay = 3;

    public enum Showing { NotRecognised, Expired, Used, FreshSent, FreshRefused, AskCode, EnterCode, Questionnaire, Answered, SignedInAsSomeoneElse }

    [BindProperty(SupportsGet = true)] public string Token { get; set; } = "";

    public Showing Show { get; private set; }
    public EmailLink Link { get; private set; } = null!;
    public WorkTask Task { get; private set; } = null!;
    public string PersonName { get; private set; } = "";
    public FormView? Questions { get; private set; }
    public string? Message { get; private set; }
    public string MaskedEmail => Mask(Link.Email);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotRecognised();
        Audit("link-open");
        switch (Link.State(clock.GetUtcNow()))
        {
            case LinkState.Expired: return await ShowAsync(Showing.Expired, ct);
            case LinkState.Used: return await ShowAsync(Showing.Used, ct);
        }
        // A fresh link to finished work opens nothing, except a record, which can be read again.
        if (!CanRenew) return await ShowAsync(Showing.Used, ct);
        if (await SignedInAsync() is { } someone && someone != Link.StaffId) return await ShowAsync(Showing.SignedInAsSomeoneElse, ct);

        if (Task.IsBooking && Task.RelationshipId is { } supervision)
        {
            // Booking shows who the session is with and nothing of any record: the link alone opens it.
            if (await SignedInAsync() == Link.StaffId) return await RedirectSavedAsync($"/{tenant.Tenant.Identifier}/supervision/{supervision}/book");
            return await SignInLinkAsync(LinkAccess.BookClaim, supervision, $"/{tenant.Tenant.Identifier}/supervision/{supervision}/book");
        }
        if (Task.FormId is { } formId && Task.SubmissionId is null)
        {
            var version = await catalog.LatestVersionAsync(formId, ct);
            if (version is null) return NotRecognised();
            var form = FormCatalog.Definition(version);
            if (form.Anonymous)
            {
                Questions = Blank(form);
                return await ShowAsync(Showing.Questionnaire, ct);
            }
            // A new form holds nothing yet but what this person will type: it opens on the link alone.
            var draft = await links.StartFormAsync(Task, catalog, ct);
            if (draft is null) return NotRecognised();
            gate.LogCreated(draft, Link.StaffId);
            await db.SaveChangesAsync(ct);
            return await OpenRecordAsync(draft.Id);
        }
        if (Task.SubmissionId is not { } record) return NotRecognised();
        // Someone already signed in as this person needs no code.
        if (await SignedInAsync() == Link.StaffId) return await RedirectSavedAsync($"/{tenant.Tenant.Identifier}/records/{record}");
        return await ShowAsync(Showing.AskCode, ct);
    }

    /// <summary>Sends a one-time code to the address the link was sent to.</summary>
    public async Task<IActionResult> OnPostSendCodeAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotRecognised();
        if (Link.State(clock.GetUtcNow()) != LinkState.Open || Task.SubmissionId is null) return Redirect(Here);
        var code = await links.SendCodeAsync(Link, ct);
        if (code is null)
        {
            Message = "We have sent several codes for this link in the last hour. Use the latest code we sent, or try again in an hour.";
            return await ShowAsync(Showing.EnterCode, ct);
        }
        var name = await NameAsync(ct);
        db.Outbox.Add(new OutboxMessage(Link.Email, $"Your SupervisionHub code for {tenant.Tenant.Name}", LinkEmails.Code(name, code), clock.GetUtcNow()));
        Audit("link-code-sent");
        await db.SaveChangesAsync(ct);
        return await ShowAsync(Showing.EnterCode, ct);
    }

    public async Task<IActionResult> OnPostCodeAsync(string? code, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotRecognised();
        if (Link.State(clock.GetUtcNow()) != LinkState.Open || Task.SubmissionId is not { } record) return Redirect(Here);
        if (string.IsNullOrWhiteSpace(code))
        {
            ModelState.AddModelError("code", "Enter the 6-digit code from the email we sent you");
            return await ShowAsync(Showing.EnterCode, ct);
        }
        var (check, failures) = await links.CheckCodeAsync(Link, code, ct);
        Audit(check == EmailLink.CodeCheck.Accepted ? "link-verified" : "link-code-failed");
        await db.SaveChangesAsync(ct);
        switch (check)
        {
            case EmailLink.CodeCheck.Accepted:
                return await OpenRecordAsync(record);
            case EmailLink.CodeCheck.Wrong:
                var left = EmailLink.MaxCodeFailures - failures; // this request's own count, not a re-read another request may have moved
                ModelState.AddModelError("code", $"The code is not right. Check the latest email from us: you can try {left} more {(left == 1 ? "time" : "times")}");
                return await ShowAsync(Showing.EnterCode, ct);
            case EmailLink.CodeCheck.Expired:
                ModelState.AddModelError("code", "The code has expired: codes work for 10 minutes. Send a new code");
                return await ShowAsync(Showing.EnterCode, ct);
            case EmailLink.CodeCheck.TooManyTries:
                Message = "The code was entered wrongly too many times, so it no longer works. Send a new code to try again.";
                return await ShowAsync(Showing.AskCode, ct);
            default:
                Message = "There is no code waiting for this link. Send a code first.";
                return await ShowAsync(Showing.AskCode, ct);
        }
    }

    /// <summary>An expired or used link: a fresh one goes to the same address, never to one typed here.</summary>
    public async Task<IActionResult> OnPostFreshAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotRecognised();
        var now = clock.GetUtcNow();
        if (Link.State(now) == LinkState.Open) return Redirect(Here);
        if (!CanRenew) return await ShowAsync(Showing.Used, ct);
        var sentToday = await db.EmailLinks.CountAsync(l => l.TaskId == Task.Id && l.CreatedAt > now.AddDays(-1), ct);
        if (sentToday >= MaxFreshLinksPerDay) return await ShowAsync(Showing.FreshRefused, ct);
        var url = links.Issue(Task, Link.StaffId, Link.Email);
        db.Outbox.Add(new OutboxMessage(Link.Email, $"Your new SupervisionHub link for {tenant.Tenant.Name}",
            LinkEmails.FreshLink(await NameAsync(ct), Describe(Task), url, links.ExpiryDate), now));
        Audit("link-fresh-sent");
        await db.SaveChangesAsync(ct);
        return await ShowAsync(Showing.FreshSent, ct);
    }

    /// <summary>
    /// Answers to an anonymous questionnaire: stored with no identity, no supervision and no
    /// session, timed to the day only, and not referenced from the link or the task, so nothing
    /// joins the answers back to the person.
    /// </summary>
    public async Task<IActionResult> OnPostAnswerAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotRecognised();
        if (Link.State(clock.GetUtcNow()) != LinkState.Open || Task.Status != TaskStatus.Open || Task.FormId is not { } formId) return Redirect(Here);
        var version = await catalog.LatestVersionAsync(formId, ct);
        if (version is null || !FormCatalog.Definition(version).Anonymous) return Redirect(Here);
        var form = FormCatalog.Definition(version);
        var bound = AnswerBinder.Bind(form, Request.Form);
        var errors = bound.Problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.First().Message);
        var today = tenant.Tenant.Today(clock);
        foreach (var e in SubmissionValidator.Validate(form, bound.Answers, new ValidationContext(today, ValidationContext.Everyone, Submitting: true)))
            errors.TryAdd(e.Path, e.Message);
        if (errors.Count > 0)
        {
            Questions = Blank(form) with { Answers = bound.Answers, Errors = errors };
            foreach (var (path, message) in errors) ModelState.AddModelError(FormView.Name(path), message);
            return await ShowAsync(Showing.Questionnaire, ct);
        }
        var day = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var answers = new Submission(version, null, day);
        answers.Submit(SubmissionValidator.Clean(form, bound.Answers), day);
        db.Submissions.Add(answers);
        Task.Complete(clock.GetUtcNow());
        Link.Use(clock.GetUtcNow());
        Audit("link-used");
        await db.SaveChangesAsync(ct);
        return await ShowAsync(Showing.Answered, ct);
    }

    private string Here => $"/{tenant.Tenant.Identifier}/link/{Token}";

    /// <summary>Whether a fresh link would open anything: the task is still to do, or it is a record to sign, which can be read again.</summary>
    public bool CanRenew => Task.Status == TaskStatus.Open || Task.SubmissionId is not null && Task.FormId is null;

    /// <summary>The link, found by its token's hash within this tenant only: another tenant's token is simply not here.</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (Token.Length is < 20 or > 100) return false;
        var hash = EmailLink.HashToken(Token);
        var link = await db.EmailLinks.FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null) return false;
        var task = await db.WorkTasks.FirstOrDefaultAsync(t => t.Id == link.TaskId, ct);
        if (task is null) return false;
        Link = link;
        Task = task;
        return true;
    }

    private PageResult NotRecognised()
    {
        Show = Showing.NotRecognised;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<IActionResult> ShowAsync(Showing what, CancellationToken ct)
    {
        Show = what;
        PersonName = await NameAsync(ct);
        await db.SaveChangesAsync(ct); // the audit entries of this use
        return Page();
    }

    private Task<IActionResult> OpenRecordAsync(Guid record) =>
        SignInLinkAsync(LinkAccess.RecordClaim, record, $"/{tenant.Tenant.Identifier}/records/{record}");

    /// <summary>Gives this browser the link's half-hour, one-page scope (LinkAccess) and goes there.</summary>
    private async Task<IActionResult> SignInLinkAsync(string scope, Guid id, string target)
    {
        await db.SaveChangesAsync();
        var name = await NameAsync(CancellationToken.None);
        await HttpContext.SignInAsync(LinkAccess.Scheme, LinkAccess.Principal(Link, tenant.Tenant.Id, scope, id, name),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = false, ExpiresUtc = clock.GetUtcNow() + LinkAccess.Lifetime });
        return Redirect(target);
    }

    private async Task<IActionResult> RedirectSavedAsync(string target)
    {
        await db.SaveChangesAsync();
        return Redirect(target);
    }

    private async Task<string?> SignedInAsync()
    {
        var result = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return result.Succeeded ? users.GetUserId(result.Principal!) : null;
    }

    private async Task<string> NameAsync(CancellationToken ct) =>
        await db.Staff.Where(s => s.Id == Link.StaffId).Select(s => s.FullName).FirstOrDefaultAsync(ct) ?? "";

    private void Audit(string action) =>
        db.AuditEntries.Add(new AuditEntry(Link.StaffId, action, "link", Link.Id.ToString(), false,
            HttpContext.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()));

    private static FormView Blank(FormDefinition form) =>
        new(form, new JsonObject(), new Dictionary<string, string>(), form.Sections.Select(s => s.Id).ToHashSet(), [], [], new Dictionary<string, string>());

    public static string Describe(WorkTask task) =>
        task.IsBooking ? "book your next supervision session"
        : task.SubmissionId is not null && task.FormId is null ? "read and sign a record" : "complete a form";

    /// <summary>"s•••@school.example": enough to recognise one's own address, not to learn someone else's.</summary>
    public static string Mask(string email) =>
        email.IndexOf('@') is var at and > 0 ? email[0] + new string('•', Math.Max(3, at - 1)) + email[at..] : "your address";
}
