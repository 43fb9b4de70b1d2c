using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Platform;

namespace SupervisionHub.Web.Pages.Platform;

/// <summary>
/// The operator's second step, required every time: a code from an authenticator app. On the first
/// sign-in the page shows the key to add to the app (as authenticator apps expect), and the first
/// right code completes enrolment; afterwards it asks for the code only.
/// </summary>
public sealed class SignInCodeModel(PlatformSignIn signIn) : PageModel
{
    /// <summary>How long a right password waits for its code.</summary>
    public static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(5);

    [BindProperty]
    [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app")]
    public string Code { get; set; } = "";

    public bool Enrolling { get; private set; }
    public string? SharedKey { get; private set; }
    public string? AuthenticatorUri { get; private set; }
    public bool LockedOut { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Redirect("/platform/sign-in");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await PendingAsync() is not { } id) return Redirect("/platform/sign-in");
        if (!ModelState.IsValid) return await LoadAsync(ct) ? Page() : Redirect("/platform/sign-in");
        var result = await signIn.CheckCodeAsync(id, Code, ct);
        Code = "";
        switch (result)
        {
            case PlatformSignIn.CodeResult.Accepted:
                var admin = await signIn.ForCodeAsync(id, ct);
                await HttpContext.SignOutAsync(Policies.PlatformPendingScheme);
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id.ToString()), new Claim(ClaimTypes.Name, admin!.Email)], Policies.PlatformScheme);
                await HttpContext.SignInAsync(Policies.PlatformScheme, new ClaimsPrincipal(identity));
                return Redirect("/platform");
            case PlatformSignIn.CodeResult.LockedOut:
                // This person has given the right password, so may be told; the way back is a new sign-in later.
                await HttpContext.SignOutAsync(Policies.PlatformPendingScheme);
                LockedOut = true;
                ModelState.AddModelError(nameof(Code), "This account is locked after too many wrong attempts. Try again in 15 minutes");
                return Page();
            default:
                ModelState.AddModelError(nameof(Code), "The code is not right. Enter the code your app shows now");
                return await LoadAsync(ct) ? Page() : Redirect("/platform/sign-in");
        }
    }

    private async Task<Guid?> PendingAsync()
    {
        var result = await HttpContext.AuthenticateAsync(Policies.PlatformPendingScheme);
        return result.Succeeded && Guid.TryParse(result.Principal!.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await PendingAsync() is not { } id || await signIn.ForCodeAsync(id, ct) is not { } admin) return false;
        Enrolling = admin.TotpEnrolledAt is null;
        if (Enrolling)
        {
            SharedKey = Totp.Display(admin.TotpKey!);
            AuthenticatorUri = Totp.AuthenticatorUri(admin.TotpKey!, admin.Email);
        }
        return true;
    }
}
