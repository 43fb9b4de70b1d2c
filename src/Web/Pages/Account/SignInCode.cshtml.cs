using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

/// <summary>Second step of sign-in for people who turned on an authenticator app.</summary>
public sealed class SignInCodeModel(SignInManager<StaffMember> signIn, ITenantContext tenant) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty(SupportsGet = true)] public bool RememberMe { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app")]
    public string Code { get; set; } = "";

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? Redirect($"/{tenant.Tenant.Identifier}/account/sign-in") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var code = SignInRules.NormaliseCode(Code);
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code, RememberMe, rememberClient: false);
        if (result.Succeeded) return LocalRedirect(SignInRules.SafeReturnUrl(ReturnUrl, tenant.Tenant, Url));
        ModelState.AddModelError(nameof(Code), result.IsLockedOut
            ? "This account is locked after too many failed attempts. Try again in 15 minutes."
            : "The code is not right. Enter the code your app shows now");
        Code = "";
        return Page();
    }
}
