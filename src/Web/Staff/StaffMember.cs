using Microsoft.AspNetCore.Identity;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Staff;

/// <summary>
/// A person in a tenant's staff directory, and their sign-in account. The same email in two
/// tenants is two StaffMembers: identity is per tenant.
/// </summary>
public sealed class StaffMember : IdentityUser, ITenantOwned
{
    // Identity only switches lockout on for accounts made through UserManager; imported and
    // demo accounts must be protected from password guessing too.
    public StaffMember() => LockoutEnabled = true;

    public Guid TenantId { get; private set; }
    public string FullName { get; private set; } = "";
    public string? JobTitle { get; private set; }
    public string? Site { get; private set; }
    public string? LineManagerId { get; private set; }
    public StaffMember? LineManager { get; private set; }
    public StaffRoles Roles { get; private set; }
    public DateOnly? StartDate { get; private set; }

    /// <summary>The last working day. From the day after, the person cannot sign in; their history stays.</summary>
    public DateOnly? LeftOn { get; private set; }

    public List<TrainingRecord> Training { get; private set; } = [];

    public bool IsActiveOn(DateOnly day) => LeftOn is null || day <= LeftOn;

    public bool Has(StaffRoles role) => (Roles & role) == role;

    /// <summary>
    /// Applies directory details. Email is also the user name. A change to roles, email or leaving
    /// renews the security stamp, so existing sessions are re-checked and lose what they lost.
    /// </summary>
    public void Apply(StaffDetails d, ILookupNormalizer normalizer)
    {
        var accessChanged = Roles != d.Roles || LeftOn != d.LeftOn || !string.Equals(Email, d.Email, StringComparison.OrdinalIgnoreCase);
        FullName = d.FullName;
        Email = d.Email;
        UserName = d.Email;
        NormalizedEmail = normalizer.NormalizeEmail(d.Email);
        NormalizedUserName = normalizer.NormalizeName(d.Email);
        JobTitle = d.JobTitle;
        Site = d.Site;
        LineManagerId = d.LineManagerId;
        Roles = d.Roles;
        StartDate = d.StartDate;
        LeftOn = d.LeftOn;
        if (accessChanged) SecurityStamp = Guid.NewGuid().ToString();
    }

    public void AddTraining(string course, DateOnly completedOn, DateOnly? expiresOn)
    {
        if (expiresOn is { } e && e <= completedOn)
            throw new ArgumentException("Training must expire after it was completed.", nameof(expiresOn));
        Training.Add(new TrainingRecord(course, completedOn, expiresOn));
    }
}

/// <summary>What the directory form and the CSV import both set; one shape, checked in one place (StaffDirectory).</summary>
public sealed record StaffDetails(
    string FullName, string Email, string? JobTitle, string? Site, string? LineManagerId,
    StaffRoles Roles, DateOnly? StartDate, DateOnly? LeftOn);

/// <summary>Supervision training (e.g. NSPCC Skills of Safeguarding Supervision), with its expiry.</summary>
public sealed class TrainingRecord : ITenantOwned
{
    private TrainingRecord() { }

    public TrainingRecord(string course, DateOnly completedOn, DateOnly? expiresOn)
    {
        Course = course;
        CompletedOn = completedOn;
        ExpiresOn = expiresOn;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string StaffMemberId { get; private set; } = "";
    public string Course { get; private set; } = "";
    public DateOnly CompletedOn { get; private set; }
    public DateOnly? ExpiresOn { get; private set; }

    public bool IsValidOn(DateOnly day) => ExpiresOn is null || day <= ExpiresOn;
}
