using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Account;

public sealed class ResetPasswordModel(UserManager<StaffMember> users, ITenantContext tenant) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public string UserId { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Code { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter a new password")]
    public string Password { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter the new password again")]
    [Compare(nameof(Password), ErrorMessage = "The passwords do not match")]
    public string ConfirmPassword { get; set; } = "";

    public bool Invalid { get; private set; }

    public IActionResult OnGet()
    {
        Invalid = string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Code);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var user = await users.FindByIdAsync(UserId);
        var result = user is null
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = "" })
            : await users.ResetPasswordAsync(user, Code, Password);
        if (result.Succeeded)
        {
            await users.ResetAccessFailedCountAsync(user!);
            await users.SetLockoutEndDateAsync(user!, null);
            TempData["Notice"] = "Your password has been changed. Sign in with your new password.";
            return Redirect($"/{tenant.Tenant.Identifier}/account/sign-in");
        }
        if (result.Errors.Any(e => e.Code == "InvalidToken"))
        {
            Invalid = true;
            return Page();
        }
        foreach (var e in result.Errors) ModelState.AddModelError(nameof(Password), e.Description);
        return Page();
    }
}
