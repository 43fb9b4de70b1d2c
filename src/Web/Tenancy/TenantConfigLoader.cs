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
}

/// <summary>Reads and checks tenant.yaml. Reports every problem it finds; never throws on bad content.</summary>
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
        TenantSettings? settings;
        try
        {
            TenantYaml.CheckLimits(yaml); // the deserialiser recurses per level
            settings = Yaml.Deserialize<TenantSettings>(yaml);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is { } inner && inner is not YamlException ? $"{ex.Message} {inner.Message}" : ex.Message;
            return new(null, [new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, YamlMessages.WithoutLocation(message))]);
        }
        if (settings is null)
            return new(null, [new ConfigError(file, 0, 0, "The file is empty.")]);
        return new(settings, Check(settings, file));
    }


    public static IReadOnlyList<ConfigError> Check(TenantSettings s, string file)
    {
        var errors = new List<ConfigError>();
        void Error(string message) => errors.Add(new ConfigError(file, 0, 0, message));

        if (s.Id == Guid.Empty) Error("id: give the tenant a fixed GUID; rows are stamped with it, so it must never change.");
        if (!SlugPattern().IsMatch(s.Identifier))
            Error($"identifier: '{s.Identifier}' must be lower-case letters, digits and hyphens (it is the first part of every address).");
        else if (ReservedIdentifiers.Contains(s.Identifier))
            Error($"identifier: '{s.Identifier}' is reserved by the service; choose another.");
        if (string.IsNullOrWhiteSpace(s.Name)) Error("name: the organisation's name is required.");
        else if (s.Name.Length > 200) Error("name: the organisation's name must be 200 characters or fewer.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(s.TimeZone, out _)) Error($"timeZone: '{s.TimeZone}' is not a known time zone (for example Europe/London).");

        if (!HexColour().IsMatch(s.Theme.Colour))
            Error($"theme.colour: '{s.Theme.Colour}' must be a colour like #1d70b8.");
        else if (ContrastWithWhite(s.Theme.Colour) is var ratio && ratio < 4.5)
            Error($"theme.colour: white text on {s.Theme.Colour} has contrast {ratio.ToString("0.0", CultureInfo.InvariantCulture)}:1; at least 4.5:1 is needed to be readable (WCAG 2.2 AA). Choose a darker colour.");

        if (s.Sites.Count == 0) Error("sites: list at least one site (a school, office or member agency).");
        foreach (var dup in s.Sites.GroupBy(x => x, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            Error($"sites: '{dup.Key}' is listed more than once.");

        foreach (var role in s.Roles)
        {
            if (!SlugPattern().IsMatch(role.Id)) Error($"roles: id '{role.Id}' must be lower-case letters, digits and hyphens.");
            if (string.IsNullOrWhiteSpace(role.Name)) Error($"roles.{role.Id}: a name is required.");
            foreach (var holder in role.Holders.Where(h => !IsPlainEmail(h)))
                Error($"roles.{role.Id}: '{holder}' is not an email address; list each holder by the address they sign in or get email with.");
        }
        foreach (var dup in s.Roles.GroupBy(r => r.Id).Where(g => g.Count() > 1))
            Error($"roles: id '{dup.Key}' is used more than once.");

        if (s.Kind == TenantKind.Unknown)
            Error($"kind: '{s.KindName}' is not a kind of organisation; use trust, school, icb or partnership.");
        if (s.Kind is TenantKind.School or TenantKind.Trust && s.TermDates.Count == 0)
            Error("termDates: a school or trust needs its term dates; frequency rules count half terms and terms.");
        CheckTerms(s.TermDates, Error);

        foreach (var dup in s.ClosureDays.GroupBy(c => c.Date).Where(g => g.Count() > 1))
            Error($"closureDays: {dup.Key:yyyy-MM-dd} is listed more than once.");
        if (s.Email.SenderName is { } sender && (sender.Length is 0 or > 100 || sender.IndexOfAny(['\r', '\n', '<', '>', '"']) >= 0))
            Error($"email.senderName: '{sender}' must be 1 to 100 characters on one line, without < > or quotes.");
        if (s.Email.ReplyTo is { } replyTo && !IsPlainEmail(replyTo))
            Error($"email.replyTo: '{replyTo}' must be an email address, like safeguarding@school.example.");
        if (s.Email.LinkExpiryDays is < 1 or > 90)
            Error($"email.linkExpiryDays: {s.Email.LinkExpiryDays} must be between 1 and 90 days.");
        foreach (var problem in s.Supervision.Check(s.Roles.Select(r => r.Id).ToList())) Error(problem);
        foreach (var problem in Reports.ReportSettings.CheckAll(s.Reports, s.Roles.Select(r => r.Id).ToList())) Error(problem);
        return errors;
    }

    /// <summary>An address alone (no display name), as MailKit will put it in the Reply-To header.</summary>
    public static bool IsPlainEmail(string value) =>
        System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value && string.IsNullOrEmpty(address.DisplayName)
        && value.Split('@') is [{ Length: > 0 }, var domain] && domain.Contains('.', StringComparison.Ordinal);

    private static void CheckTerms(IReadOnlyList<AcademicYear> years, Action<string> error)
    {
        DateOnly? previousEnd = null;
        foreach (var year in years)
        {
            foreach (var term in year.Terms)
            {
                var where = $"termDates {year.Year} {term.Name}";
                if (term.Start >= term.End) error($"{where}: the term must start before it ends.");
                if (previousEnd is { } p && term.Start <= p) error($"{where}: starts on or before the previous term ends ({p:yyyy-MM-dd}).");
                if (term.HalfTermBreak is { } b && (b.Start <= term.Start || b.End >= term.End || b.Start > b.End))
                    error($"{where}: the half-term break must fall inside the term.");
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
    public static IReadOnlyList<ConfigError> CheckFormReferences(TenantSettings s, string file, Func<string, bool> formExists)
    {
        var errors = new List<ConfigError>();
        foreach (var type in s.Supervision.Types)
            foreach (var (key, form) in new[] { ("contractForm", type.ContractForm), ("recordForm", type.RecordForm) })
                if (form is not null && !formExists(form))
                    errors.Add(new ConfigError(file, 0, 0, $"supervision.types.{type.Id}.{key}: there is no form '{form}' in forms/."));
        foreach (var report in s.Reports.Where(r => r.Form is not null && !formExists(r.Form)))
            errors.Add(new ConfigError(file, 0, 0, $"reports.{report.Id}.form: there is no form '{report.Form}' in forms/."));
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
                result = result with { Errors = [.. result.Errors, new ConfigError(file, 0, 0, $"identifier '{s.Identifier}' must match the folder name '{Path.GetFileName(dir)}'.")] };
            if (result.Settings?.Theme.Logo is { } logo && LogoProblem(dir, logo) is { } problem)
                result = result with { Errors = [.. result.Errors, new ConfigError(file, 0, 0, "theme.logo: " + problem)] };
            if (result.Settings is { } st)
                result = result with { Errors = [.. result.Errors, .. CheckFormReferences(st, file, form => File.Exists(Path.Combine(dir, "forms", form + ".yaml")))] };
            list.Add((dir, yaml, result));
        }
        return list;
    }
}
