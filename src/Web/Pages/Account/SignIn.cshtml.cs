using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

public sealed class SignInModel(SignInManager<StaffMember> signIn, ITenantContext tenant) : PageModel
{
    [BindProperty] public SignInInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public sealed class SignInInput
    {
        [Required(ErrorMessage = "Enter your email address")]
        [Display(Name = "Email address")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password")]
        public string Password { get; set; } = "";

        public bool RememberMe { get; set; }
    }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        // Looked up in this tenant only: an account of another organisation does not exist here.
        var result = await signIn.PasswordSignInAsync(Input.Email.Trim(), Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return LocalRedirect(SafeReturnUrl());
        if (result.RequiresTwoFactor)
            return Redirect($"/{tenant.Tenant.Identifier}/account/sign-in-code?returnUrl={Uri.EscapeDataString(SafeReturnUrl())}&rememberMe={Input.RememberMe}");

        // One answer for an unknown address, a wrong password and a locked account (its owner is emailed:
        // TenantSignInManager). Only the right password of a leaver's account is told it has closed.
        ModelState.AddModelError("Input.Email", result.IsNotAllowed
            ? "This account has been closed because its owner has left the organisation. Speak to your administrator if this is wrong."
            : "Enter a correct email address and password");
        Input.Password = ""; // never echo a password back into the page
        return Page();
    }

    private string SafeReturnUrl() => SignInRules.SafeReturnUrl(ReturnUrl, tenant.Tenant, Url);
}
