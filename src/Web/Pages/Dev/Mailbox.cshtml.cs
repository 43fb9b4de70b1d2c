using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;

namespace SupervisionHub.Web.Pages.Dev;

/// <summary>
/// Development only: the tenant's outbox, so every emailed link can be followed without an SMTP
/// server. In any other environment the page has no route (<see cref="DevPagesRemoved"/>); the
/// check below is a second lock.
/// </summary>
public sealed class MailboxModel(AppDbContext db, IHostEnvironment env) : PageModel
{
    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!env.IsDevelopmentLike()) return NotFound();
        Messages = (await db.Outbox.AsNoTracking().ToListAsync(ct)).OrderByDescending(m => m.CreatedAt).Take(100).ToList();
        return Page();
    }
}
