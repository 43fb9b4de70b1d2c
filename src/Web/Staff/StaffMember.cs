using Microsoft.AspNetCore.Identity;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Staff;

/// <summary>
/// A person in a tenant's staff directory, and their sign-in account. The same email in two
/// tenants is two StaffMembers: identity is per tenant.
/// </summary>
public sealed class StaffMember : IdentityUser, ITenantOwned, IRaisesEvents
{
    private readonly List<DomainEvent> _events = [];

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

    /// <summary>The 30-second step of the last authenticator code accepted: a code works once (Identity.OnceOnlyAuthenticator).</summary>
    public long TotpLastStep { get; private set; }

    internal void TookTotpStep(long step) => TotpLastStep = step;

    public List<TrainingRecord> Training { get; private set; } = [];

    /// <summary>Every change of line manager, so a handover can be arranged and history read (ralph-thoresby R7).</summary>
    public List<LineManagerChange> LineManagerHistory { get; private set; } = [];

    public IReadOnlyList<DomainEvent> PendingEvents => _events;
    public void ClearEvents() => _events.Clear();

    public bool IsActiveOn(DateOnly day) => LeftOn is null || day <= LeftOn;

    public bool Has(StaffRoles role) => (Roles & role) == role;

    /// <summary>
    /// Applies directory details. Email is also the user name. A change to roles, email or leaving
    /// renews the security stamp, so existing sessions are re-checked and lose what they lost.
    /// </summary>
    public void Apply(StaffDetails d, ILookupNormalizer normalizer, DateTimeOffset? now = null)
    {
        var isNew = FullName.Length == 0;
        // A first line manager is not a change; a change of one is (a handover is due).
        if (!isNew && LineManagerId is not null && LineManagerId != d.LineManagerId)
        {
            LineManagerHistory.Add(new LineManagerChange(LineManagerId, d.LineManagerId, now ?? DateTimeOffset.UtcNow));
            _events.Add(new DomainEvent(EventTypes.LineManagerChanged, now ?? DateTimeOffset.UtcNow, staffId: Id));
        }
        // A new starter must have supervision "from the outset" (devon-torbay R1): workflows hear of
        // them. Someone added with a start date long past is an existing member of staff, not a starter.
        if (isNew && now is { } at && d.Roles.HasFlag(StaffRoles.Supervisee) && d.StartDate is { } started
            && started >= DateOnly.FromDateTime(at.UtcDateTime).AddDays(-30))
            _events.Add(new DomainEvent(EventTypes.StaffStarted, at, staffId: Id));
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

/// <summary>One change of a person's line manager: from whom, to whom, when.</summary>
public sealed class LineManagerChange : ITenantOwned
{
    private LineManagerChange() { }

    public LineManagerChange(string? fromId, string? toId, DateTimeOffset changedAt)
    {
        FromId = fromId;
        ToId = toId;
        ChangedAt = changedAt;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string StaffMemberId { get; private set; } = "";
    public string? FromId { get; private set; }
    public string? ToId { get; private set; }
    public DateTimeOffset ChangedAt { get; private set; }
}

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
