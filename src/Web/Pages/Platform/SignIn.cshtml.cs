using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Platform;

namespace SupervisionHub.Web.Pages.Platform;

/// <summary>The operator's first step: the password. A right one leads to the code (SignInCode), nothing more.</summary>
public sealed class SignInModel(PlatformSignIn signIn, TimeProvider clock) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter your email address")] public string Email { get; set; } = "";
    [BindProperty, Required(ErrorMessage = "Enter your password")] public string Password { get; set; } = "";

    public void OnGet() { }

    /// <summary>Every refusal takes at least this long (<see cref="AnswerFloor"/>).</summary>
    public static readonly TimeSpan RefusalFloor = TimeSpan.FromMilliseconds(300);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var started = AnswerFloor.Start();
        if (await signIn.CheckPasswordAsync(Email, Password, ct) is not { } admin)
        {
            // A real account's failure also writes its count (and may lock it): hidden under the floor.
            await AnswerFloor.WaitOutAsync(started, RefusalFloor, ct);
            // The same words for an unknown address, a wrong password and a locked account.
            ModelState.AddModelError(nameof(Email), "Enter a correct email address and password");
            Password = "";
            return Page();
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, admin.Id.ToString())], Policies.PlatformPendingScheme);
        await HttpContext.SignInAsync(Policies.PlatformPendingScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = false, ExpiresUtc = clock.GetUtcNow() + SignInCodeModel.PendingFor });
        return Redirect("/platform/sign-in/code");
    }
}
