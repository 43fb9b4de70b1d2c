using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Settings;

/// <summary>
/// The everyday organisation settings as fields, one form per part, each saved through the YAML
/// editor's own check and audit (TenantSettingsEditor.EditAsync); and the logo. Input that is not
/// even a number or a date is refused here; every rule about the settings is the loader's. When a
/// part is refused, what was typed in it is shown again with the problems.
/// </summary>
// Well above the logo limit, so a too-large logo gets the page's own message rather than a bare refusal.
[RequestFormLimits(MultipartBodyLengthLimit = 10 * 1024 * 1024)]
[RequestSizeLimit(10 * 1024 * 1024)]
public sealed class IndexModel(TenantSettingsEditor editor, TenantLogos logos, ITenantContext tenant, UserManager<StaffMember> users, SingleSignOn.SsoSecrets secrets, TimeProvider clock) : PageModel
{
    /// <summary>This and next academic year, when the organisation lists term dates but none for them: rules count school days there as working days.</summary>
    public IReadOnlyList<string> YearsWithoutTermDates { get; private set; } = [];

    public sealed class TermRow
    {
        public string? Year { get; set; }
        public string? Name { get; set; }
        public string? Start { get; set; }
        public string? End { get; set; }
        public string? BreakStart { get; set; }
        public string? BreakEnd { get; set; }
        public bool Remove { get; set; }
    }

    public sealed class ClosureRow
    {
        public string? Date { get; set; }
        public string? Name { get; set; }
        public bool Remove { get; set; }
    }

    public sealed class RoleRow
    {
        public string Id { get; set; } = "";
        public string? Holders { get; set; }
        /// <summary>Holders at each of the organisation's sites (a head of school, a site's DSL): rules name them as role:id@supervisee-site.</summary>
        public List<SiteHoldersRow> Sites { get; set; } = [];
    }

    public sealed class SiteHoldersRow
    {
        public string Site { get; set; } = "";
        public string? Holders { get; set; }
    }

    public sealed class FrequencyRow
    {
        public string? Number { get; set; }
        public string? Unit { get; set; }
    }

    public sealed class TypeRow
    {
        public string Id { get; set; } = "";
        public List<FrequencyRow> Frequency { get; set; } = [];
    }

    /// <summary>How often, as one choice: "every N weeks" or "N per term".</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Units =
    [
        ("days", "days (every)"), ("weeks", "weeks (every)"), ("months", "months (every)"),
        ("half-term", "per half term"), ("term", "per term"), ("quarter", "per quarter"), ("academic-year", "per academic year"),
    ];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Colour { get; set; }
    [BindProperty] public string? LinkExpiryDays { get; set; }
    [BindProperty] public List<TermRow> Terms { get; set; } = [];
    [BindProperty] public List<ClosureRow> Closures { get; set; } = [];
    [BindProperty] public List<RoleRow> Roles { get; set; } = [];
    [BindProperty] public string? DueSoonDays { get; set; }
    /// <summary>Days before each session its people are reminded; empty for none (supervision.reminderDaysBefore).</summary>
    [BindProperty] public string? ReminderDaysBefore { get; set; }
    [BindProperty] public List<TypeRow> Types { get; set; } = [];
    [BindProperty] public IFormFile? Logo { get; set; }

    // Single sign-on (the signIn section); the secret is kept apart, encrypted, and never shown again.
    [BindProperty] public string? SsoProvider { get; set; }
    [BindProperty] public string? EntraDirectoryId { get; set; }
    [BindProperty] public string? SsoAuthority { get; set; }
    [BindProperty] public string? SsoName { get; set; }
    [BindProperty] public string? SsoClientId { get; set; }
    [BindProperty] public string? SsoSecret { get; set; }
    [BindProperty] public string? SsoDomains { get; set; }
    [BindProperty] public bool SsoCreatePeople { get; set; }
    [BindProperty] public bool PasswordsOff { get; set; }
    [BindProperty] public string? BreakGlass { get; set; }
    public bool SecretIsSet { get; private set; }

    /// <summary>The address to register at the provider: the one the handler sends as redirect_uri.</summary>
    public string RedirectUri => $"{Request.Scheme}://{Request.Host}{Root}/signin-oidc";
    public string SignedOutUri => $"{Request.Scheme}://{Request.Host}{Root}/signout-callback-oidc";

    public static readonly IReadOnlyList<(string Value, string Label, string Hint)> SsoProviders =
    [
        ("none", "Passwords only", "Everyone signs in with their email address and a password for this service."),
        ("entra", "Microsoft Entra ID (Microsoft 365)", "Give the directory (tenant) id; the address is made from it."),
        ("google", "Google Workspace", "The address is Google's own."),
        ("other", "Another OpenID Connect provider", "Give its issuer address and the name people know it by."),
    ];

    /// <summary>Problems, each with the id of the field it is about (the error summary links to it).</summary>
    public List<(string Field, string Message)> Errors { get; } = [];
    public TenantSettings Current { get; private set; } = new();
    public string? LogoUrl { get; private set; }
    public bool HasUploadedLogo { get; private set; }
    public string Root => "/" + tenant.Tenant.Identifier;

    public string? ErrorFor(string field) => Errors.Where(e => e.Field == field).Select(e => e.Message).FirstOrDefault();

    public async Task OnGetAsync(CancellationToken ct) => await FillAsync(null, ct);

    public async Task<IActionResult> OnPostOrganisationAsync(CancellationToken ct)
    {
        var name = (Name ?? "").Trim();
        var colour = (Colour ?? "").Trim().ToLowerInvariant();
        if (name.Length == 0) Errors.Add(("Name", "Enter the organisation's name."));
        if (colour.Length == 0) Errors.Add(("Colour", "Enter the header colour, like #1d70b8."));
        return await SaveAsync("organisation", yaml =>
        {
            var current = TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!;
            if (name != current.Name) yaml = TenantYamlEdits.SetScalar(yaml, ["name"], SupervisionHub.Forms.Editing.FormYamlEdits.Scalar(name));
            if (!colour.Equals(current.Theme.Colour, StringComparison.OrdinalIgnoreCase)) yaml = TenantYamlEdits.SetScalar(yaml, ["theme", "colour"], SupervisionHub.Forms.Editing.FormYamlEdits.Scalar(colour));
            return yaml;
        }, m => m.StartsWith("theme.colour", StringComparison.Ordinal) ? "Colour" : "Name", ct);
    }

    public async Task<IActionResult> OnPostLinksAsync(CancellationToken ct)
    {
        var days = Whole(LinkExpiryDays, "LinkExpiryDays", "how many days an emailed link works");
        return await SaveAsync("links", yaml => days is { } d && d != TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!.Email.LinkExpiryDays
            ? TenantYamlEdits.SetScalar(yaml, ["email", "linkExpiryDays"], d.ToString(CultureInfo.InvariantCulture)) : yaml, _ => "LinkExpiryDays", ct);
    }

    public async Task<IActionResult> OnPostAddTermAsync(CancellationToken ct)
    {
        Terms.Add(new TermRow { Year = Terms.LastOrDefault()?.Year });
        await FillAsync("terms", ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTermsAsync(CancellationToken ct)
    {
        var years = new List<AcademicYear>();
        for (var i = 0; i < Terms.Count; i++)
        {
            var row = Terms[i];
            if (row.Remove || IsBlank(row.Name, row.Start, row.End, row.BreakStart, row.BreakEnd)) continue; // the year alone is pre-filled
            var field = $"Terms_{i}_";
            var what = $"term {i + 1}";
            if (string.IsNullOrWhiteSpace(row.Year)) Errors.Add((field + "_Year", $"Enter the academic year of {what}, like 2026-27."));
            if (string.IsNullOrWhiteSpace(row.Name)) Errors.Add((field + "_Name", $"Enter the name of {what}, like Autumn."));
            var start = Day(row.Start, field + "_Start", $"the first day of {what}");
            var end = Day(row.End, field + "_End", $"the last day of {what}");
            DateRange? half = null;
            if (!IsBlank(row.BreakStart, row.BreakEnd))
            {
                var bs = Day(row.BreakStart, field + "_BreakStart", $"the first day of {what}'s half-term break");
                var be = Day(row.BreakEnd, field + "_BreakEnd", $"the last day of {what}'s half-term break");
                if (bs is { } s && be is { } e) half = new DateRange { Start = s, End = e };
            }
            if (start is null || end is null || string.IsNullOrWhiteSpace(row.Year) || string.IsNullOrWhiteSpace(row.Name)) continue;
            var year = row.Year.Trim();
            if (years.LastOrDefault() is not { } last || last.Year != year) years.Add(last = new AcademicYear { Year = year });
            last.Terms.Add(new Term { Name = row.Name.Trim(), Start = start.Value, End = end.Value, HalfTermBreak = half });
        }
        return await SaveAsync("terms", yaml =>
        {
            var lines = TenantYamlEdits.TermLines(years);
            return lines.SequenceEqual(TenantYamlEdits.TermLines(TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!.TermDates))
                ? yaml : TenantYamlEdits.SetTopLevelList(yaml, "termDates", lines);
        }, TermField, ct);
    }

    public async Task<IActionResult> OnPostAddClosureAsync(CancellationToken ct)
    {
        Closures.Add(new ClosureRow());
        await FillAsync("closures", ct);
        return Page();
    }

    public async Task<IActionResult> OnPostClosuresAsync(CancellationToken ct)
    {
        var days = new List<ClosureDay>();
        for (var i = 0; i < Closures.Count; i++)
        {
            var row = Closures[i];
            if (row.Remove || IsBlank(row.Date, row.Name)) continue;
            var date = Day(row.Date, $"Closures_{i}__Date", $"the date of closure day {i + 1}");
            if (string.IsNullOrWhiteSpace(row.Name)) Errors.Add(($"Closures_{i}__Name", $"Enter what closure day {i + 1} is, like INSET day."));
            else if (date is { } d) days.Add(new ClosureDay { Date = d, Name = row.Name.Trim() });
        }
        days = days.OrderBy(d => d.Date).ToList();
        return await SaveAsync("closures", yaml =>
        {
            var lines = TenantYamlEdits.ClosureLines(days);
            return lines.SequenceEqual(TenantYamlEdits.ClosureLines(TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!.ClosureDays.OrderBy(d => d.Date)))
                ? yaml : TenantYamlEdits.SetTopLevelList(yaml, "closureDays", lines);
        }, _ => Closures.Count > 0 ? "Closures_0__Date" : "closures", ct);
    }

    public async Task<IActionResult> OnPostRolesAsync(CancellationToken ct)
    {
        static List<string> Addresses(string? text) => (text ?? "")
            .Split(['\n', '\r', ',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var posted = Roles.ToDictionary(r => r.Id, r => Addresses(r.Holders), StringComparer.Ordinal);
        var postedSites = Roles.ToDictionary(r => r.Id, r => r.Sites.Where(x => x.Site.Length > 0).ToDictionary(x => x.Site, x => Addresses(x.Holders), StringComparer.Ordinal), StringComparer.Ordinal);
        return await SaveAsync("roles", yaml =>
        {
            var settings = TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!;
            foreach (var role in settings.Roles)
            {
                if (posted.TryGetValue(role.Id, out var holders) && !holders.SequenceEqual(role.Holders))
                    yaml = TenantYamlEdits.SetRoleHolders(yaml, role.Id, holders);
                // Only the sites whose holders changed are written: a role nobody holds per site stays without sites:.
                foreach (var (site, atSite) in postedSites.GetValueOrDefault(role.Id) ?? [])
                    if (settings.Sites.Contains(site, StringComparer.Ordinal) && !atSite.SequenceEqual(role.Sites.GetValueOrDefault(site) ?? []))
                        yaml = TenantYamlEdits.SetRoleSiteHolders(yaml, role.Id, site, atSite);
            }
            return yaml;
        }, m => Roles.FindIndex(r => m.StartsWith($"roles.{r.Id}:", StringComparison.Ordinal)) is var i and >= 0
            ? (Roles[i].Sites.FindIndex(x => m.Contains($" at {x.Site} ", StringComparison.Ordinal)) is var j and >= 0 ? $"Roles_{i}__Sites_{j}__Holders" : $"Roles_{i}__Holders")
            : "roles", ct);
    }

    public async Task<IActionResult> OnPostSupervisionAsync(CancellationToken ct)
    {
        var dueSoon = Whole(DueSoonDays, "DueSoonDays", "how many days before a session is due it shows as due soon");
        var posted = new Dictionary<string, List<FrequencyRequirementSettings>>(StringComparer.Ordinal);
        for (var t = 0; t < Types.Count; t++)
        {
            var list = posted[Types[t].Id] = [];
            for (var f = 0; f < Types[t].Frequency.Count; f++)
            {
                var row = Types[t].Frequency[f];
                if (string.IsNullOrWhiteSpace(row.Number)) continue; // an emptied row is removed
                if (Whole(row.Number, $"Types_{t}__Frequency_{f}__Number", "how often, as a whole number") is not { } n) continue;
                var unit = Units.Any(u => u.Value == row.Unit) ? row.Unit! : "weeks";
                list.Add(unit is "days" or "weeks" or "months" ? new FrequencyRequirementSettings { Every = n, Unit = unit } : new FrequencyRequirementSettings { AtLeast = n, Per = unit });
            }
        }
        return await SaveAsync("supervision", yaml =>
        {
            var current = TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!.Supervision;
            if (dueSoon is { } d && d != current.DueSoonDays) yaml = TenantYamlEdits.SetScalar(yaml, ["supervision", "dueSoonDays"], d.ToString(CultureInfo.InvariantCulture));
            // Empty is none; anything else is checked with the file's own message (supervision.reminderDaysBefore).
            var reminder = string.IsNullOrWhiteSpace(ReminderDaysBefore) ? "none" : ReminderDaysBefore.Trim();
            if (reminder != current.ReminderDaysBefore) yaml = TenantYamlEdits.SetScalar(yaml, ["supervision", "reminderDaysBefore"], reminder);
            foreach (var type in current.Types)
                if (posted.TryGetValue(type.Id, out var frequency)
                    && !frequency.Select(TenantYamlEdits.FrequencyFlow).SequenceEqual(type.Frequency.Select(TenantYamlEdits.FrequencyFlow)))
                    yaml = TenantYamlEdits.SetFrequency(yaml, type.Id, frequency);
            return yaml;
        }, m => m.StartsWith("supervision.dueSoonDays", StringComparison.Ordinal) ? "DueSoonDays"
            : m.StartsWith("supervision.reminderDaysBefore", StringComparison.Ordinal) ? "ReminderDaysBefore"
            : Types.FindIndex(t => m.StartsWith($"supervision.types.{t.Id}:", StringComparison.Ordinal)) is var i and >= 0 ? $"Types_{i}__Frequency_0__Number" : "DueSoonDays", ct);
    }

    public async Task<IActionResult> OnPostLogoAsync(CancellationToken ct)
    {
        if (users.GetUserId(User) is not { } me) return Challenge();
        if (Logo is null || Logo.Length == 0) Errors.Add(("Logo", "Select a logo to upload."));
        else if (Logo.Length > LogoRules.MaxBytes) Errors.Add(("Logo", $"The logo must be smaller than {LogoRules.MaxBytes / 1024} KB; this file is {(Logo.Length + 1023) / 1024} KB."));
        else
        {
            using var buffer = new MemoryStream();
            await Logo.CopyToAsync(buffer, ct);
            var (logo, error) = LogoRules.Check(buffer.ToArray());
            if (error is not null) Errors.Add(("Logo", error));
            else
            {
                await editor.SetLogoAsync(logo, me, ct);
                TempData["Notice"] = "The new logo is in force.";
                return Redirect($"{Root}/admin/settings#logo");
            }
        }
        await FillAsync(null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveLogoAsync(CancellationToken ct)
    {
        if (users.GetUserId(User) is not { } me) return Challenge();
        await editor.SetLogoAsync(null, me, ct);
        TempData["Notice"] = "The uploaded logo is removed.";
        return Redirect($"{Root}/admin/settings#logo");
    }

    public async Task<IActionResult> OnPostSignInAsync(CancellationToken ct)
    {
        if (users.GetUserId(User) is not { } me) return Challenge();
        static List<string> Split(string? text) => (text ?? "").Split(['\n', '\r', ',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var provider = SsoProviders.Any(p => p.Value == SsoProvider) ? SsoProvider! : "none";
        SingleSignOn.SignInSettings? settings = null;
        if (provider != "none")
        {
            var authority = provider switch
            {
                "entra" => Guid.TryParse(EntraDirectoryId?.Trim(), out var directory) ? SingleSignOn.SignInSettings.EntraAuthorityFor(directory.ToString()) : null,
                "google" => SingleSignOn.SignInSettings.GoogleAuthority,
                _ => SsoAuthority?.Trim(),
            };
            if (provider == "entra" && authority is null) Errors.Add(("EntraDirectoryId", "Enter the directory (tenant) id from Entra ID, like 72f988bf-86f1-41af-91ab-2d7cd011db47."));
            settings = new SingleSignOn.SignInSettings
            {
                ProviderName = provider, Name = provider == "other" ? SsoName?.Trim() : null, Authority = authority, ClientId = SsoClientId?.Trim(),
                EmailDomains = Split(SsoDomains).Select(d => d.ToLowerInvariant()).ToList(), CreatePeople = SsoCreatePeople,
                Passwords = !PasswordsOff, BreakGlass = Split(BreakGlass),
            };
            if (string.IsNullOrEmpty(SsoSecret) && !await secrets.IsSetAsync(ct)) Errors.Add(("SsoSecret", "Enter the client secret the provider gave this service."));
        }
        else if (PasswordsOff) Errors.Add(("PasswordsOff", "Passwords can be turned off only with single sign-on set up."));
        if (SsoSecret is { Length: > SingleSignOn.SsoSecrets.MaxLength }) Errors.Add(("SsoSecret", $"The client secret must be at most {SingleSignOn.SsoSecrets.MaxLength} characters."));
        if (Errors.Count == 0)
        {
            var problems = await editor.EditAsync(yaml => TenantYamlEdits.SetSignIn(yaml, settings), me, ct);
            foreach (var p in problems) Errors.Add((SignInField(p.Message), p.Message));
            if (Errors.Count == 0)
            {
                // Turning single sign-on off removes the secret too: nothing is kept that is not in use.
                if (settings is null) { if (await secrets.IsSetAsync(ct)) await secrets.SetAsync(null, me, ct); }
                else if (!string.IsNullOrEmpty(SsoSecret)) await secrets.SetAsync(SsoSecret, me, ct);
                TempData["Notice"] = "The sign-in settings are saved and in force.";
                return Redirect($"{Root}/admin/settings#sign-in");
            }
        }
        SsoSecret = null; // never sent back into the page
        await FillAsync("sign-in", ct);
        return Page();
    }

    private string SignInField(string message) => message.Split(':')[0] switch
    {
        "signIn.authority" => SsoProvider == "entra" ? "EntraDirectoryId" : "SsoAuthority",
        "signIn.clientId" => "SsoClientId",
        "signIn.emailDomains" => "SsoDomains",
        "signIn.name" => "SsoName",
        "signIn.breakGlass" or "signIn.passwords" => "BreakGlass",
        "signIn.createPeople" => "SsoCreatePeople",
        _ => "SsoProvider",
    };

    /// <summary>Saves one part through the editor (the one check, the audit), or shows the part again with its problems.</summary>
    private async Task<IActionResult> SaveAsync(string part, Func<string, string> edit, Func<string, string> fieldFor, CancellationToken ct)
    {
        if (users.GetUserId(User) is not { } me) return Challenge();
        if (Errors.Count == 0)
        {
            var problems = await editor.EditAsync(edit, me, ct);
            if (problems.Count == 0)
            {
                TempData["Notice"] = "The settings are saved and in force.";
                return Redirect($"{Root}/admin/settings#{part}");
            }
            foreach (var p in problems) Errors.Add((fieldFor(p.Message), SettingsWords.ForPage(p.Message, tenant.Tenant.Settings)));
        }
        await FillAsync(part, ct);
        return Page();
    }

    /// <summary>Every part from the settings in force, except the one posted (kept as typed).</summary>
    private async Task FillAsync(string? posted, CancellationToken ct)
    {
        Current = await editor.SettingsAsync(ct);
        if (Current.TermDates.Count > 0)
        {
            var calendar = Current.Calendar();
            var year = calendar.AcademicYear(tenant.Tenant.Today(clock));
            YearsWithoutTermDates = [.. new[] { year, calendar.AcademicYear(year.End.AddDays(1)) }.Where(y => !calendar.HasTermsInYear(y.Start)).Select(y => y.Name)];
        }
        LogoUrl = await logos.UrlAsync(tenant.Tenant, ct);
        HasUploadedLogo = await logos.UploadedHashAsync(tenant.Tenant.Id, ct) is not null;
        var s = Current;
        if (posted != "organisation") (Name, Colour) = (s.Name, s.Theme.Colour);
        if (posted != "links") LinkExpiryDays = s.Email.LinkExpiryDays.ToString(CultureInfo.InvariantCulture);
        if (posted is not "terms")
            Terms = s.TermDates.SelectMany(y => y.Terms.Select(t => new TermRow
            {
                Year = y.Year, Name = t.Name, Start = Iso(t.Start), End = Iso(t.End),
                BreakStart = t.HalfTermBreak is { } b ? Iso(b.Start) : null, BreakEnd = t.HalfTermBreak is { } e ? Iso(e.End) : null,
            })).ToList();
        SecretIsSet = await secrets.IsSetAsync(ct);
        if (posted is not "sign-in")
        {
            var sso = s.SignIn;
            SsoProvider = sso.IsConfigured ? sso.ProviderName?.Trim().ToLowerInvariant() : "none";
            EntraDirectoryId = SingleSignOn.SignInSettings.EntraTenantId(sso.Authority);
            SsoAuthority = sso.Provider == SingleSignOn.SsoProvider.Other ? sso.Authority : null;
            SsoName = sso.Name;
            SsoClientId = sso.ClientId;
            SsoDomains = string.Join(", ", sso.EmailDomains);
            SsoCreatePeople = sso.CreatePeople;
            PasswordsOff = !sso.Passwords;
            BreakGlass = string.Join('\n', sso.BreakGlass);
        }
        if (posted is not "closures") Closures = s.ClosureDays.Select(c => new ClosureRow { Date = Iso(c.Date), Name = c.Name }).ToList();
        if (posted is not "roles")
            Roles = s.Roles.Select(r => new RoleRow
            {
                Id = r.Id, Holders = string.Join('\n', r.Holders),
                Sites = s.Sites.Select(site => new SiteHoldersRow { Site = site, Holders = string.Join('\n', r.Sites.GetValueOrDefault(site) ?? []) }).ToList(),
            }).ToList();
        if (posted is not "supervision")
        {
            DueSoonDays = s.Supervision.DueSoonDays.ToString(CultureInfo.InvariantCulture);
            ReminderDaysBefore = s.Supervision.ReminderDays?.ToString(CultureInfo.InvariantCulture) ?? "";
            Types = s.Supervision.Types.Select(t => new TypeRow
            {
                Id = t.Id,
                Frequency = t.Frequency.Select(f => new FrequencyRow
                {
                    Number = (f.Every ?? f.AtLeast ?? 1).ToString(CultureInfo.InvariantCulture),
                    Unit = f.Every is not null ? f.Unit : f.Per,
                }).ToList(),
            }).ToList();
        }
        // One empty row to add another with; an empty row is ignored when saved.
        if (Terms.Count == 0 || !IsBlank(Terms[^1].Name, Terms[^1].Start, Terms[^1].End)) Terms.Add(new TermRow { Year = Terms.LastOrDefault()?.Year });
        if (Closures.Count == 0 || !IsBlank(Closures[^1].Date, Closures[^1].Name)) Closures.Add(new ClosureRow());
        foreach (var t in Types)
            if (t.Frequency.Count == 0 || !string.IsNullOrWhiteSpace(t.Frequency[^1].Number)) t.Frequency.Add(new FrequencyRow { Unit = "weeks" });
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool IsBlank(params string?[] values) => values.All(string.IsNullOrWhiteSpace);

    private int? Whole(string? text, string field, string what)
    {
        if (int.TryParse((text ?? "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        Errors.Add((field, $"Enter {what} as a whole number, like 14."));
        return null;
    }

    /// <summary>A date from a date box (yyyy-mm-dd), or a message that says which date is wrong.</summary>
    private DateOnly? Day(string? text, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(text)) { Errors.Add((field, $"Enter {what}.")); return null; }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            || DateOnly.TryParseExact(text.Trim(), "d/M/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out d)) return d;
        Errors.Add((field, $"Enter {what} as a real date, like 2026-09-01."));
        return null;
    }

    /// <summary>The loader names a term as "termDates 2025-26 Autumn: ..."; point at that row's start date.</summary>
    private string TermField(string message)
    {
        for (var i = 0; i < Terms.Count; i++)
            if (message.StartsWith($"termDates {Terms[i].Year?.Trim()} {Terms[i].Name?.Trim()}:", StringComparison.Ordinal))
                return message.Contains("half-term", StringComparison.Ordinal) ? $"Terms_{i}__BreakStart" : $"Terms_{i}__Start";
        return Terms.Count > 0 ? "Terms_0__Year" : "terms";
    }
}
