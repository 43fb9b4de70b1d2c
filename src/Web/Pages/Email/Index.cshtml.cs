using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Email;

/// <summary>
/// The tenant admin's view of the organisation's email: what is waiting, what went, and what the
/// service gave up on and why, with "try again". Subjects and recipients only: never bodies.
/// </summary>
public sealed class IndexModel(AppDbContext db, ITenantContext tenant, IOptions<SmtpOptions> smtp, TimeProvider clock) : PageModel
{
    public const int Shown = 100;

    public IReadOnlyList<OutboxMessage> Failed { get; private set; } = [];
    public IReadOnlyList<OutboxMessage> Recent { get; private set; } = [];
    public bool Sending => smtp.Value.IsConfigured;

    public string When(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm") : "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        Failed = await db.Outbox.AsNoTracking().Where(m => m.FailedAt != null).OrderByDescending(m => m.CreatedAt).Take(Shown).ToListAsync(ct);
        Recent = await db.Outbox.AsNoTracking().Where(m => m.FailedAt == null).OrderByDescending(m => m.CreatedAt).Take(Shown).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostTryAgainAsync(Guid id, CancellationToken ct)
    {
        var message = await db.Outbox.FirstOrDefaultAsync(m => m.Id == id && m.FailedAt != null, ct);
        if (message is null) return NotFound();
        message.TryAgain(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = $"The email \"{message.Subject}\" will be sent again.";
        return Redirect($"/{tenant.Tenant.Identifier}/email");
    }
}
