using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Pages.Account;

/// <summary>Optional two-factor sign-in with an authenticator app (TOTP, RFC 6238).</summary>
[Authorize]
public sealed class SecurityModel(UserManager<StaffMember> users, SignInManager<StaffMember> signIn) : PageModel
{
    public bool Enabled { get; private set; }
    public string? SharedKey { get; private set; }
    public string? AuthenticatorUri { get; private set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app")]
    public string Code { get; set; } = "";

    /// <summary>Turning the second factor off asks for the password or a current code first: a session left open must not be enough.</summary>
    [BindProperty] public string? Confirm { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!ModelState.IsValid) { await LoadAsync(); return Page(); }
        var code = SignInRules.NormaliseCode(Code);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError(nameof(Code), "The code is not right. Check the app shows SupervisionHub and enter the code it shows now");
            Code = "";
            await LoadAsync();
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        await signIn.RefreshSignInAsync(user);
        TempData["Notice"] = "Two-factor sign-in is on. You will be asked for a code each time you sign in.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        ModelState.Clear();
        var typed = Confirm ?? "";
        string? problem = null;
        if (string.IsNullOrWhiteSpace(typed)) problem = "Enter your password, or a code from your authenticator app";
        else if (await users.IsLockedOutAsync(user)) problem = "Too many wrong attempts. Try again in 15 minutes";
        else if (!await ConfirmsAsync(user, typed))
        {
            await users.AccessFailedAsync(user); // guessing here counts towards the same lockout as signing in
            problem = "That is not your password or a current code from your app";
        }
        if (problem is not null)
        {
            ModelState.AddModelError(nameof(Confirm), problem);
            Confirm = "";
            await LoadAsync();
            return Page();
        }
        await users.ResetAccessFailedCountAsync(user);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        TempData["Notice"] = "Two-factor sign-in is off.";
        return RedirectToPage();
    }

    /// <summary>Six digits are a code (passwords are at least 12 characters); anything else is a password.</summary>
    private async Task<bool> ConfirmsAsync(StaffMember user, string typed)
    {
        var code = SignInRules.NormaliseCode(typed.Trim());
        return code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)
            : await users.CheckPasswordAsync(user, typed);
    }

    private async Task<bool> LoadAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return false;
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        if (Enabled) return true;
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        SharedKey = string.Join(' ', key!.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        AuthenticatorUri = $"otpauth://totp/SupervisionHub:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer=SupervisionHub&digits=6";
        return true;
    }
}
