using System.Globalization;
using System.Text.RegularExpressions;
using SupervisionHub.TenantText;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SupervisionHub.Web.Tenancy;

/// <summary>A problem in a tenant.yaml, located so an admin can find and fix it.</summary>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

public sealed record TenantLoadResult(TenantSettings? Settings, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Settings is not null && Errors.Count == 0;

    /// <summary>The file's nodes, to locate a problem found after loading (the folder's name, a logo, a form it names).</summary>
    public TenantYamlMap? Map { get; init; }

    /// <summary>A problem at a path of this file, at its line and column when the file was read.</summary>
    public ConfigError ErrorAt(string file, string path, string message) =>
        Map?.Error(file, new ConfigProblem(path, message)) ?? new ConfigError(file, 0, 0, message);

    public TenantLoadResult With(params ConfigError[] more) => this with { Errors = [.. Errors, .. more] };
}

/// <summary>
/// Reads and checks tenant.yaml. Reports every problem it finds, each with its line and column and
/// in words for the person who wrote the file; never throws on bad content.
/// </summary>
public static partial class TenantConfigLoader
{
    /// <summary>Identifiers that would collide with the service's own top-level paths.</summary>
    public static readonly IReadOnlySet<string> ReservedIdentifiers =
        new HashSet<string>(StringComparer.Ordinal) { "platform", "lib", "js", "css", "assets", "errors", "health", "dev", "api", "account", "favicon.ico" };

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithEnumNamingConvention(LowerCaseNamingConvention.Instance)
        .Build();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    public static partial Regex SlugPattern();

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColour();

    public static TenantLoadResult Load(string yaml, string file)
    {
        // The nodes first: every key checked against the settings (with the nearest one for a typo) and
        // every value against what it must be, at its own line, before the reader sees the text.
        var (map, syntax) = TenantYamlMap.Parse(yaml, file);
        if (map is null) return new(null, [syntax!]);
        var shape = map.CheckShape(file);
        if (shape.Count > 0) return new(null, shape) { Map = map };
        TenantSettings? settings;
        try
        {
            settings = Yaml.Deserialize<TenantSettings>(map.Events()); // the nodes just read (within the limits), not the text again
        }
        catch (YamlException ex)
        {
            // Not expected after the shape check; still a located sentence, never a type name.
            return new(null, [new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, "This value is not one this setting can take.")]) { Map = map };
        }
        if (settings is null)
            return new(null, [new ConfigError(file, 1, 1, "The file is empty.")]) { Map = map };
        return new(settings, [.. Problems(settings).Select(p => map.Error(file, p))]) { Map = map };
    }

    /// <summary>The checks on meaning, without a file to locate them in (a tenant made from the platform's form).</summary>
    public static IReadOnlyList<ConfigError> Check(TenantSettings s, string file) =>
        [.. Problems(s).Select(p => new ConfigError(file, 0, 0, p.Message))];

    /// <summary>Every problem with what the settings say, each at the path of the setting it is about.</summary>
    public static IReadOnlyList<ConfigProblem> Problems(TenantSettings s)
    {
        var errors = new List<ConfigProblem>();
        void Error(string at, string message) => errors.Add(new ConfigProblem(at, message));

        if (s.Id == Guid.Empty) Error("id", "id: give the tenant a fixed GUID; rows are stamped with it, so it must never change.");
        if (!SlugPattern().IsMatch(s.Identifier))
            Error("identifier", $"identifier: '{s.Identifier}' must be lower-case letters, digits and hyphens (it is the first part of every address).");
        else if (ReservedIdentifiers.Contains(s.Identifier))
            Error("identifier", $"identifier: '{s.Identifier}' is reserved by the service; choose another.");
        if (string.IsNullOrWhiteSpace(s.Name)) Error("name", "name: the organisation's name is required.");
        else if (s.Name.Length > 200) Error("name", "name: the organisation's name must be 200 characters or fewer.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(s.TimeZone, out _)) Error("timeZone", $"timeZone: '{s.TimeZone}' is not a known time zone (for example Europe/London).");

        if (!HexColour().IsMatch(s.Theme.Colour))
            Error("theme.colour", $"theme.colour: '{s.Theme.Colour}' must be a colour like #1d70b8.");
        else if (ContrastWithWhite(s.Theme.Colour) is var ratio && ratio < 4.5)
            Error("theme.colour", $"theme.colour: white text on {s.Theme.Colour} has contrast {ratio.ToString("0.0", CultureInfo.InvariantCulture)}:1; at least 4.5:1 is needed to be readable (WCAG 2.2 AA). Choose a darker colour.");

        if (s.Sites.Count == 0) Error("sites", "sites: list at least one site (a school, office or member agency).");
        foreach (var dup in s.Sites.GroupBy(x => x, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            Error($"sites[{s.Sites.FindLastIndex(x => string.Equals(x, dup.Key, StringComparison.OrdinalIgnoreCase))}]", $"sites: '{dup.Key}' is listed more than once.");

        foreach (var role in s.Roles)
        {
            var at = $"roles[{role.Id}]";
            if (!SlugPattern().IsMatch(role.Id)) Error($"{at}.id", $"roles: id '{role.Id}' must be lower-case letters, digits and hyphens.");
            if (string.IsNullOrWhiteSpace(role.Name)) Error(at, $"roles.{role.Id}: a name is required.");
            foreach (var holder in role.Holders.Where(h => !IsPlainEmail(h)))
                Error($"{at}.holders[{holder}]", $"roles.{role.Id}: '{holder}' is not an email address; list each holder by the address they sign in or get email with.");
            foreach (var (site, holders) in role.Sites)
            {
                if (!s.Sites.Contains(site, StringComparer.OrdinalIgnoreCase))
                    Error($"{at}.sites.{site}", $"roles.{role.Id}: '{site}' is not one of the organisation's sites ({string.Join(", ", s.Sites)}).");
                foreach (var holder in holders.Where(h => !IsPlainEmail(h)))
                    Error($"{at}.sites.{site}[{holder}]", $"roles.{role.Id}: '{holder}' at {site} is not an email address; list each holder by the address they sign in or get email with.");
            }
        }
        foreach (var dup in s.Roles.GroupBy(r => r.Id).Where(g => g.Count() > 1))
            Error($"roles[{s.Roles.FindLastIndex(r => r.Id == dup.Key)}]", $"roles: id '{dup.Key}' is used more than once.");

        if (s.Kind == TenantKind.Unknown)
            Error("kind", $"kind: '{s.KindName}' is not a kind of organisation; use trust, school, icb or partnership.");
        if (s.Kind is TenantKind.School or TenantKind.Trust && s.TermDates.Count == 0)
            Error("kind", "termDates: a school or trust needs its term dates; frequency rules count half terms and terms.");
        if (s.AcademicYearStart is { } yearStart && !global::SupervisionHub.Workflows.Supervision.YearStart.TryParse(yearStart, out _))
            Error("academicYearStart", $"academicYearStart: '{yearStart}' must be a month and day like \"09-01\" (1 September).");
        CheckTerms(s.TermDates, Error);

        foreach (var dup in s.ClosureDays.GroupBy(c => c.Date).Where(g => g.Count() > 1))
            Error($"closureDays[{s.ClosureDays.FindLastIndex(c => c.Date == dup.Key)}]", $"closureDays: {dup.Key:yyyy-MM-dd} is listed more than once.");
        if (s.Email.SenderName is { } sender && (sender.Length is 0 or > 100 || sender.IndexOfAny(['\r', '\n', '<', '>', '"']) >= 0))
            Error("email.senderName", $"email.senderName: '{sender}' must be 1 to 100 characters on one line, without < > or quotes.");
        if (s.Email.ReplyTo is { } replyTo && !IsPlainEmail(replyTo))
            Error("email.replyTo", $"email.replyTo: '{replyTo}' must be an email address, like safeguarding@school.example.");
        if (s.Email.LinkExpiryDays is < 1 or > 90)
            Error("email.linkExpiryDays", $"email.linkExpiryDays: {s.Email.LinkExpiryDays} must be between 1 and 90 days.");
        for (var i = 0; i < s.Admins.Count; i++)
        {
            var admin = s.Admins[i];
            if (string.IsNullOrWhiteSpace(admin.Name)) Error($"admins[{i}]", "admins: give each administrator a name.");
            if (!IsPlainEmail(admin.Email)) Error($"admins[{i}].email", $"admins: '{admin.Email}' is not an email address; the invitation goes there.");
        }
        foreach (var dup in s.Admins.GroupBy(a => a.Email, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            Error($"admins[{s.Admins.FindLastIndex(a => string.Equals(a.Email, dup.Key, StringComparison.OrdinalIgnoreCase))}]", $"admins: '{dup.Key}' is listed more than once.");
        foreach (var (at, problem) in s.Supervision.Check(s.Roles.Select(r => r.Id).ToList())) Error(at, problem);
        foreach (var (at, problem) in Reports.ReportSettings.CheckAll(s.Reports, s.Roles.Select(r => r.Id).ToList())) Error(at, problem);
        foreach (var problem in s.SignIn.Check(IsPlainEmail))
            Error(problem.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? problem[..colon] : "signIn", problem);
        return errors;
    }

    /// <summary>An address alone (no display name), as MailKit will put it in the Reply-To header.</summary>
    public static bool IsPlainEmail(string value) =>
        System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value && string.IsNullOrEmpty(address.DisplayName)
        && value.Split('@') is [{ Length: > 0 }, var domain] && domain.Contains('.', StringComparison.Ordinal);

    private static void CheckTerms(IReadOnlyList<AcademicYear> years, Action<string, string> error)
    {
        DateOnly? previousEnd = null;
        foreach (var year in years)
        {
            foreach (var term in year.Terms)
            {
                var where = $"termDates {year.Year} {term.Name}";
                var at = $"termDates[{year.Year}].terms[{term.Name}]";
                if (term.Start >= term.End) error($"{at}.start", $"{where}: the term must start before it ends.");
                if (previousEnd is { } p && term.Start <= p) error($"{at}.start", $"{where}: starts on or before the previous term ends ({p:yyyy-MM-dd}).");
                if (term.HalfTermBreak is { } b && (b.Start <= term.Start || b.End >= term.End || b.Start > b.End))
                    error($"{at}.halfTermBreak", $"{where}: the half-term break must fall inside the term.");
                previousEnd = term.End;
            }
        }
    }

    /// <summary>WCAG 2.2 contrast ratio between white and an sRGB colour.</summary>
    public static double ContrastWithWhite(string hex)
    {
        static double Channel(string hex, int at)
        {
            var c = int.Parse(hex.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        var l = 0.2126 * Channel(hex, 1) + 0.7152 * Channel(hex, 3) + 0.0722 * Channel(hex, 5);
        return 1.05 / (l + 0.05);
    }

    public const int MaxLogoBytes = 200 * 1024;

    /// <summary>A logo is a .png or .svg file beside tenant.yaml, small enough to send on every page.</summary>
    public static string? LogoProblem(string tenantFolder, string logo)
    {
        if (logo != Path.GetFileName(logo) || !(logo.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || logo.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)))
            return $"'{logo}' must be the name of a .png or .svg file in the tenant's folder.";
        var path = Path.Combine(tenantFolder, logo);
        if (!File.Exists(path)) return $"there is no file '{logo}' beside tenant.yaml.";
        return new FileInfo(path).Length > MaxLogoBytes ? $"'{logo}' is larger than {MaxLogoBytes / 1024} KB." : null;
    }

    /// <summary>The forms tenant.yaml names (supervision types' contract and record forms, reports' forms) must be among the tenant's forms.</summary>
    public static IReadOnlyList<ConfigProblem> FormReferenceProblems(TenantSettings s, Func<string, bool> formExists)
    {
        var errors = new List<ConfigProblem>();
        foreach (var type in s.Supervision.Types)
            foreach (var (key, form) in new[] { ("contractForm", type.ContractForm), ("recordForm", type.RecordForm) })
                if (form is not null && !formExists(form))
                    errors.Add(new ConfigProblem($"supervision.types[{type.Id}].{key}", $"supervision.types.{type.Id}.{key}: there is no form '{form}' in forms/."));
        foreach (var report in s.Reports.Where(r => r.Form is not null && !formExists(r.Form)))
            errors.Add(new ConfigProblem($"reports[{report.Id}].form", $"reports.{report.Id}.form: there is no form '{report.Form}' in forms/."));
        return errors;
    }



    /// <summary>Every tenants/&lt;slug&gt;/tenant.yaml below <paramref name="root"/>, with the folder name checked against the identifier.</summary>
    public static IReadOnlyList<(string Folder, string Yaml, TenantLoadResult Result)> LoadFolder(string root)
    {
        var list = new List<(string, string, TenantLoadResult)>();
        if (!Directory.Exists(root)) return list;
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(dir, "tenant.yaml");
            if (!File.Exists(path)) continue;
            var yaml = File.ReadAllText(path);
            var file = Path.GetRelativePath(Path.GetDirectoryName(root) ?? root, path);
            var result = Load(yaml, file);
            if (result.Settings is { } s && s.Identifier != Path.GetFileName(dir))
                result = result.With(result.ErrorAt(file, "identifier", $"identifier '{s.Identifier}' must match the folder name '{Path.GetFileName(dir)}'."));
            if (result.Settings?.Theme.Logo is { } logo && LogoProblem(dir, logo) is { } problem)
                result = result.With(result.ErrorAt(file, "theme.logo", "theme.logo: " + problem));
            if (result.Settings is { } st)
                result = result.With([.. FormReferenceProblems(st, form => File.Exists(Path.Combine(dir, "forms", form + ".yaml"))).Select(p => result.ErrorAt(file, p.At, p.Message))]);
            list.Add((dir, yaml, result));
        }
        return list;
    }
}
