using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

public sealed class ForgotPasswordModel(UserManager<StaffMember> users, AppDbContext db, ITenantContext tenant, TimeProvider clock, PublicUrls urls) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your email address")]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public void OnGet() { }

    /// <summary>
    /// Every answer takes at least this long. Only a real account costs a token and an email written to
    /// the outbox (a few milliseconds); without a floor, the time of the answer says whether the address
    /// has an account, which the words are careful not to.
    /// </summary>
    public static readonly TimeSpan AnswerTakesAtLeast = TimeSpan.FromMilliseconds(400);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var started = AnswerFloor.Start();
        await SendIfAccountAsync();
        await AnswerFloor.WaitOutAsync(started, AnswerTakesAtLeast, ct);
        // The same answer whether or not the address has an account, so the page cannot be used to find out.
        Sent = true;
        return Page();
    }

    private async Task SendIfAccountAsync()
    {
        var t = tenant.Tenant;
        var user = await users.FindByEmailAsync(Email.Trim());
        if (user is not null && user.IsActiveOn(t.Today(clock)) && SingleSignOn.PasswordPolicy.Allows(t, user))
        {
            var code = await users.GeneratePasswordResetTokenAsync(user);
            // From configuration, never the request: a forged Host header must not carry a valid token to another site.
            var link = urls.Tenant(t, $"account/reset-password?user={Uri.EscapeDataString(user.Id)}&code={Uri.EscapeDataString(code)}");
            db.Outbox.Add(new OutboxMessage(user.Email!, $"Reset your {t.Name} SupervisionHub password",
                $"Someone asked to reset the password for your {t.Name} account on SupervisionHub.\n\n" +
                $"To choose a new password, open this link:\n{link}\n\n" +
                "The link works once. If you did not ask for this, you can ignore this email: your password has not changed.",
                clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
    }
}
