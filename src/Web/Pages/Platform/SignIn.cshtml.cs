using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Identity;
using PlatformAdminAccount = SupervisionHub.Web.Platform.PlatformAdmin;

namespace SupervisionHub.Web.Pages.Platform;

public sealed class SignInModel(AppDbContext db, IPasswordHasher<PlatformAdminAccount> hasher) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter your email address")] public string Email { get; set; } = "";
    [BindProperty, Required(ErrorMessage = "Enter your password")] public string Password { get; set; } = "";

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var normalized = Email.Trim().ToUpperInvariant();
        var admin = await db.PlatformAdmins.FirstOrDefaultAsync(a => a.NormalizedEmail == normalized);
        if (admin is null || hasher.VerifyHashedPassword(admin, admin.PasswordHash, Password) == PasswordVerificationResult.Failed)
        {
            ModelState.AddModelError(nameof(Email), "Enter a correct email address and password");
            Password = "";
            return Page();
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, admin.Id.ToString()), new Claim(ClaimTypes.Name, admin.Email)], Policies.PlatformScheme);
        await HttpContext.SignInAsync(Policies.PlatformScheme, new ClaimsPrincipal(identity));
        return Redirect("/platform");
    }
}
