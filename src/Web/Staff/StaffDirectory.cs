using System.Globalization;
using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Staff;

/// <summary>
/// The rules of the staff directory, used by the add/edit pages and by the CSV import alike:
/// what makes a person's details valid, and the import that is all-or-nothing.
/// </summary>
public sealed class StaffDirectory(AppDbContext db, ITenantContext tenant, ILookupNormalizer normalizer, TimeProvider clock)
{
    public const string CsvHeader = "name,email,job_title,site,line_manager_email,roles,training_course,training_date,training_expiry,start_date,left_on";
    private static readonly string[] Columns = CsvHeader.Split(',');

    /// <summary>Field-keyed problems with a person's details; empty when they can be saved.</summary>
    public Dictionary<string, string> Check(StaffDetails d, string? existingId, IReadOnlyDictionary<string, string> emailsInUse)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(d.FullName)) errors["FullName"] = "Enter the person's full name";
        else if (d.FullName.Length > 200) errors["FullName"] = "Full name must be 200 characters or fewer";
        if (string.IsNullOrWhiteSpace(d.Email)) errors["Email"] = "Enter the person's email address";
        else if (!IsEmail(d.Email)) errors["Email"] = "Enter an email address in the correct format, like name@example.org";
        else if (emailsInUse.TryGetValue(normalizer.NormalizeEmail(d.Email)!, out var owner) && owner != existingId)
            errors["Email"] = $"{d.Email} already belongs to someone in the directory";
        if (d.Site is { } site && !tenant.Tenant.Settings.Sites.Contains(site))
            errors["Site"] = $"Choose a site from the list ({string.Join(", ", tenant.Tenant.Settings.Sites)})";
        if (d.Roles == StaffRoles.None) errors["Roles"] = "Select at least one role";
        if (d.LineManagerId is not null && d.LineManagerId == existingId) errors["LineManagerId"] = "A person cannot be their own line manager";
        if (d.StartDate is { } s && d.LeftOn is { } l && l < s) errors["LeftOn"] = "Leaving date must be on or after the start date";
        return errors;
    }

    public static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var a) && a.Address == value.Trim() && value.Contains('.', StringComparison.Ordinal);

    public async Task<Dictionary<string, string>> EmailsInUseAsync(CancellationToken ct) =>
        await db.Staff.Where(s => s.NormalizedEmail != null).ToDictionaryAsync(s => s.NormalizedEmail!, s => s.Id, ct);

    /// <param name="ProblemCount">Every problem found; <paramref name="Errors"/> lists the first <see cref="TenantText.TenantTextLimits.MaxListedProblems"/>.</param>
    public sealed record ImportResult(int Added, int Updated, IReadOnlyList<string> Errors, int? ProblemCount = null)
    {
        public bool Succeeded => Errors.Count == 0;
        public int Problems => ProblemCount ?? Errors.Count;
    }

    /// <summary>
    /// Imports a staff CSV. Every row is checked first; one bad row means nothing is imported and
    /// every problem is reported with its row number. Existing people (matched by email) are updated.
    /// </summary>
    public async Task<ImportResult> ImportAsync(string csvText, CancellationToken ct)
    {
        IReadOnlyList<Csv.Row> rows;
        try
        {
            rows = Csv.Read(csvText, TenantText.TenantTextLimits.CsvMaxRows, TenantText.TenantTextLimits.CsvMaxFieldChars);
        }
        catch (Csv.LimitException ex)
        {
            return new(0, 0, [$"Row {ex.Row}: {ex.Message}"]);
        }
        if (rows.Count == 0) return new(0, 0, ["The file is empty. Download the template and add one row per person."]);
        var header = rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            return new(0, 0, [$"Row 1: the header is missing the column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}. Download the template to see them all."]);
        int Col(string name) => Array.IndexOf(header, name);

        var existing = await db.Staff.Include(s => s.Training).ToListAsync(ct);
        var byEmail = existing.ToDictionary(s => s.NormalizedEmail!, s => s);
        var errors = new List<string>();
        var parsed = new List<(Csv.Row Row, StaffDetails Details, string? ManagerEmail, (string Course, DateOnly Date, DateOnly? Expiry)? Training)>();
        var seenInFile = new Dictionary<string, int>();

        foreach (var row in rows.Skip(1))
        {
            var rowErrors = new List<string>();
            string Get(string column) => Col(column) < row.Fields.Count ? row.Fields[Col(column)].Trim() : "";
            if (row.Fields.Count != header.Length)
                rowErrors.Add($"has {row.Fields.Count} values but the header has {header.Length} columns");

            DateOnly? Date(string column)
            {
                var v = Get(column);
                if (v.Length == 0) return null;
                if (DateOnly.TryParseExact(v, ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
                rowErrors.Add($"{column} '{v}' is not a date (use 2026-09-01 or 01/09/2026)");
                return null;
            }

            var roles = StaffRoles.None;
            foreach (var name in Get("roles").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (StaffRoleNames.TryParse(name, out var role)) roles |= role;
                else rowErrors.Add($"role '{name}' is not one of {string.Join(", ", StaffRoleNames.All.Select(r => r.Name))}");
            }
            var email = Get("email");
            var site = Get("site");
            var details = new StaffDetails(Get("name"), email, NullIfEmpty(Get("job_title")), NullIfEmpty(site), null, roles, Date("start_date"), Date("left_on"));

            var normalized = normalizer.NormalizeEmail(email) ?? "";
            var existingId = byEmail.TryGetValue(normalized, out var current) ? current.Id : null;
            foreach (var (field, message) in Check(details, existingId, new Dictionary<string, string>()))
                if (field != "Roles" || rowErrors.All(e => !e.StartsWith("role ", StringComparison.Ordinal)))
                    rowErrors.Add(Lower(message));
            if (normalized.Length > 0 && seenInFile.TryGetValue(normalized, out var firstRow))
                rowErrors.Add($"{email} is already on row {firstRow}");
            else if (normalized.Length > 0) seenInFile[normalized] = row.Number;

            (string, DateOnly, DateOnly?)? training = null;
            var course = Get("training_course");
            var trainedOn = Date("training_date");
            var expiry = Date("training_expiry");
            if (course.Length > 0 && trainedOn is null) rowErrors.Add("training_date is needed when training_course is given");
            else if (course.Length == 0 && (trainedOn is not null || expiry is not null)) rowErrors.Add("training_course is needed when a training date is given");
            else if (trainedOn is { } t && expiry is { } e && e <= t) rowErrors.Add("training_expiry must be after training_date");
            else if (course.Length > 0) training = (course, trainedOn!.Value, expiry);

            if (rowErrors.Count > 0) errors.AddRange(rowErrors.Select(e => $"Row {row.Number}: {e}."));
            else parsed.Add((row, details, NullIfEmpty(Get("line_manager_email")), training));
        }

        // Line managers may be anyone in the file or already in the directory.
        foreach (var p in parsed.Where(p => p.ManagerEmail is not null))
        {
            var key = normalizer.NormalizeEmail(p.ManagerEmail)!;
            if (!seenInFile.ContainsKey(key) && !byEmail.ContainsKey(key))
                errors.Add($"Row {p.Row.Number}: line manager {p.ManagerEmail} is not in the file or the directory.");
            else if (key == normalizer.NormalizeEmail(p.Details.Email))
                errors.Add($"Row {p.Row.Number}: a person cannot be their own line manager.");
        }
        if (errors.Count > 0)
        {
            var listed = errors.OrderBy(RowNumber).Take(TenantText.TenantTextLimits.MaxListedProblems).ToList();
            if (errors.Count > listed.Count) listed.Add($"… and {errors.Count - listed.Count:N0} more, not listed: fix these and upload the file again to see them.");
            return new(0, 0, listed, errors.Count);
        }

        // Its own transaction, or the caller's when it has one (the demo seeder seeds a tenant in one).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        int added = 0, updated = 0;
        foreach (var p in parsed)
        {
            var key = normalizer.NormalizeEmail(p.Details.Email)!;
            if (!byEmail.TryGetValue(key, out var member))
            {
                member = new StaffMember();
                db.Staff.Add(member);
                byEmail[key] = member;
                added++;
            }
            else updated++;
            member.Apply(p.Details with { LineManagerId = member.LineManagerId }, normalizer, clock.GetUtcNow());
            if (p.Training is { } tr && !member.Training.Any(x => x.Course == tr.Course && x.CompletedOn == tr.Date))
                member.AddTraining(tr.Course, tr.Date, tr.Expiry);
        }
        foreach (var p in parsed)
        {
            var member = byEmail[normalizer.NormalizeEmail(p.Details.Email)!];
            var manager = p.ManagerEmail is null ? null : byEmail[normalizer.NormalizeEmail(p.ManagerEmail)!];
            member.Apply(p.Details with { LineManagerId = manager?.Id }, normalizer, clock.GetUtcNow());
        }
        await db.SaveChangesAsync(ct);
        if (transaction is not null) await transaction.CommitAsync(ct);
        return new(added, updated, []);
    }

    private static int RowNumber(string error) =>
        int.TryParse(error.AsSpan(4, error.IndexOf(':', StringComparison.Ordinal) - 4), CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static string? NullIfEmpty(string v) => v.Length == 0 ? null : v;

    private static string Lower(string message) => char.ToLowerInvariant(message[0]) + message[1..];

    public static string Template() =>
        CsvHeader + "\n" +
        Csv.Line(["Alex Example", "alex.example@example.org", "Learning Mentor", "", "", "supervisee", "", "", "", "2026-09-01", ""]) + "\n";
}
