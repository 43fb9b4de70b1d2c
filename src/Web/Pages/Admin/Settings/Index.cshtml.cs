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
public sealed class IndexModel(TenantSettingsEditor editor, TenantLogos logos, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
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
    [BindProperty] public List<TypeRow> Types { get; set; } = [];
    [BindProperty] public IFormFile? Logo { get; set; }

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
        var posted = Roles.ToDictionary(r => r.Id, r => (r.Holders ?? "")
            .Split(['\n', '\r', ',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), StringComparer.Ordinal);
        return await SaveAsync("roles", yaml =>
        {
            foreach (var role in TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!.Roles)
                if (posted.TryGetValue(role.Id, out var holders) && !holders.SequenceEqual(role.Holders))
                    yaml = TenantYamlEdits.SetRoleHolders(yaml, role.Id, holders);
            return yaml;
        }, m => Roles.FindIndex(r => m.StartsWith($"roles.{r.Id}:", StringComparison.Ordinal)) is var i and >= 0 ? $"Roles_{i}__Holders" : "roles", ct);
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
            foreach (var type in current.Types)
                if (posted.TryGetValue(type.Id, out var frequency)
                    && !frequency.Select(TenantYamlEdits.FrequencyFlow).SequenceEqual(type.Frequency.Select(TenantYamlEdits.FrequencyFlow)))
                    yaml = TenantYamlEdits.SetFrequency(yaml, type.Id, frequency);
            return yaml;
        }, m => m.StartsWith("supervision.dueSoonDays", StringComparison.Ordinal) ? "DueSoonDays"
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
        if (posted is not "closures") Closures = s.ClosureDays.Select(c => new ClosureRow { Date = Iso(c.Date), Name = c.Name }).ToList();
        if (posted is not "roles") Roles = s.Roles.Select(r => new RoleRow { Id = r.Id, Holders = string.Join('\n', r.Holders) }).ToList();
        if (posted is not "supervision")
        {
            DueSoonDays = s.Supervision.DueSoonDays.ToString(CultureInfo.InvariantCulture);
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
