using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Supervision;

public enum SessionStatus { Booked, Attended, DidNotAttend, CancelledBySupervisee, CancelledBySupervisor }

/// <summary>Each group member's own attendance; a one-to-one session has one row too, so history reads the same way.</summary>
public enum MemberAttendance { Present, Apologies, Absent }

/// <summary>
/// One planned meeting of a relationship, and whether it happened. The outcome is recorded once
/// (a session cannot be marked attended before it takes place); an outcome entered by mistake is
/// corrected openly (<see cref="CorrectAttendance"/>), with a reason and an event, never rewritten
/// silently: the workflows reacted to it, and a correction must be visible to them and to people.
/// </summary>
public sealed class Session : ITenantOwned, IRaisesEvents
{
    private readonly List<DomainEvent> _events = [];

    private Session() { }

    private Session(Guid relationshipId, DateOnly date, TimeOnly startTime, int durationMinutes, string? location, string bookedById, DateTimeOffset now)
    {
        if (durationMinutes is < 5 or > 600) throw new SupervisionRuleException("Enter a length from 5 to 600 minutes.");
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        Date = date;
        StartTime = startTime;
        DurationMinutes = durationMinutes;
        Location = string.IsNullOrWhiteSpace(location) ? null : location.Trim();
        BookedById = bookedById;
        BookedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Relationship Relationship { get; private set; } = null!;

    /// <summary>The relationship's supervision type, kept with the session for history by type.</summary>
    public string TypeId { get; private set; } = "";
    public DateOnly Date { get; private set; }
    public TimeOnly StartTime { get; private set; }
    public int DurationMinutes { get; private set; }
    public string? Location { get; private set; }
    public string BookedById { get; private set; } = "";
    public DateTimeOffset BookedAt { get; private set; }

    /// <summary>Sessions planned together by an administrator (mse-icb: three-monthly) share a series.</summary>
    public Guid? SeriesId { get; private set; }

    /// <summary>Recorded after the event rather than booked (open door / ad hoc supervision).</summary>
    public bool AdHoc { get; private set; }

    /// <summary>
    /// The calendar invitation's SEQUENCE: 0 when booked, one more at each move or cancellation, so
    /// a calendar takes the latest invitation for the session's UID over an earlier one (RFC 5545).
    /// </summary>
    public int Sequence { get; private set; }

    public SessionStatus Status { get; private set; }
    public string? Reason { get; private set; }
    public DateTimeOffset? OutcomeAt { get; private set; }
    public string? OutcomeById { get; private set; }

    /// <summary>The last correction of the outcome: when, by whom, why (the audit log has each one).</summary>
    public DateTimeOffset? CorrectedAt { get; private set; }
    public string? CorrectedById { get; private set; }
    public string? CorrectionReason { get; private set; }

    /// <summary>The session record (the tenant's record form), once started.</summary>
    public Guid? RecordId { get; private set; }

    public List<SessionAttendance> Attendance { get; private set; } = [];

    public IReadOnlyList<DomainEvent> PendingEvents => _events;
    public void ClearEvents() => _events.Clear();

    /// <summary>An event about this session, carrying its version as it stands now (ADR 0035: a rule dispatched after a later move can tell).</summary>
    private void Raise(string type, DateTimeOffset now, string? staffId = null, string? detail = null) =>
        _events.Add(new DomainEvent(type, now, RelationshipId, Id, staffId, detail: detail, sessionSequence: Sequence));

    public bool IsCancelled => Status is SessionStatus.CancelledBySupervisee or SessionStatus.CancelledBySupervisor;

    public static Session Book(Relationship relationship, DateOnly date, TimeOnly start, int minutes, string? location, string bookedById, DateTimeOffset now, DateOnly today, Guid? seriesId = null)
    {
        if (relationship.EndedOn is { } ended && date > ended) throw new SupervisionRuleException("This supervision has ended; the session would fall after it.");
        if (date < today) throw new SupervisionRuleException("A booked session must be today or later. To record a session that has already happened, record it as ad hoc.");
        if (date < relationship.StartedOn) throw new SupervisionRuleException($"The supervision starts on {relationship.StartedOn:d MMMM yyyy}; book on or after that day.");
        var s = new Session(relationship.Id, date, start, minutes, location, bookedById, now) { SeriesId = seriesId, TypeId = relationship.TypeId };
        s.Raise(EventTypes.SessionBooked, now);
        return s;
    }

    /// <summary>
    /// A booked session moved to another time (or place). The invitation's SEQUENCE grows, so the
    /// calendars that hold it replace it; the same rules as booking apply to the new date.
    /// </summary>
    /// <remarks>
    /// Raises session.moved (ADR 0035): a reminder timed from the session as it was is dropped and the
    /// rules started by the move time one from the session as it is. A change of place alone is a
    /// move too (the invitation changes, and the session's version with it).
    /// </remarks>
    public void Move(Relationship relationship, DateOnly date, TimeOnly start, int minutes, string? location, DateOnly today, DateTimeOffset now)
    {
        RequireOpen();
        if (minutes is < 5 or > 600) throw new SupervisionRuleException("Enter a length from 5 to 600 minutes.");
        if (relationship.EndedOn is { } ended && date > ended) throw new SupervisionRuleException("This supervision has ended; the session would fall after it.");
        if (date < today) throw new SupervisionRuleException("A session can only be moved to today or later.");
        if (date < relationship.StartedOn) throw new SupervisionRuleException($"The supervision starts on {relationship.StartedOn:d MMMM yyyy}; move it to that day or later.");
        var where = string.IsNullOrWhiteSpace(location) ? null : location.Trim();
        if (date == Date && start == StartTime && minutes == DurationMinutes && where == Location) throw new SupervisionRuleException("Nothing has changed: the session is already at that time and place.");
        Date = date;
        StartTime = start;
        DurationMinutes = minutes;
        Location = where;
        Sequence++;
        Raise(EventTypes.SessionMoved, now);
    }

    /// <summary>A session that has already taken place, recorded afterwards (mse-icb open door; any tenant's ad hoc supervision).</summary>
    public static Session RecordAdHoc(Relationship relationship, DateOnly date, TimeOnly start, int minutes, string? location, string byId, DateTimeOffset now, DateOnly today)
    {
        if (date > today) throw new SupervisionRuleException("An ad hoc session is recorded after it happens; the date cannot be in the future.");
        if (!relationship.IsActiveOn(date)) throw new SupervisionRuleException("The date must fall while this supervision was running.");
        var s = new Session(relationship.Id, date, start, minutes, location, byId, now) { AdHoc = true, TypeId = relationship.TypeId };
        s.SetAttended(relationship.CurrentMembers.Select(m => m.StaffId).ToDictionary(id => id, _ => MemberAttendance.Present), byId, now);
        return s;
    }

    /// <summary>
    /// Attendance taken. For a group, each member is present, sent apologies or was absent; at
    /// least one must be present for the session to have happened.
    /// </summary>
    public void MarkAttended(IReadOnlyDictionary<string, MemberAttendance> members, string byId, DateTimeOffset now, DateOnly today)
    {
        RequireOpen();
        if (Date > today) throw new SupervisionRuleException("A session cannot be marked as attended before it takes place.");
        if (!members.Values.Contains(MemberAttendance.Present))
            throw new SupervisionRuleException("Nobody is marked present. If the session did not happen, record it as not attended or cancelled.");
        SetAttended(members, byId, now);
    }

    private void SetAttended(IReadOnlyDictionary<string, MemberAttendance> members, string byId, DateTimeOffset now)
    {
        Status = SessionStatus.Attended;
        Settle(byId, now);
        foreach (var (staffId, attendance) in members)
        {
            Attendance.Add(new SessionAttendance(staffId, attendance, this));
            if (attendance == MemberAttendance.Absent) Raise(EventTypes.SessionMissed, now, staffId, detail: "absent-from-group");
            if (attendance == MemberAttendance.Apologies) Raise(EventTypes.SessionCancelled, now, staffId, detail: "apologies");
        }
        Raise(EventTypes.SessionAttended, now);
    }

    /// <summary>The supervisee (or, in a group, everyone) did not come.</summary>
    public void MarkDidNotAttend(IEnumerable<string> memberIds, string? reason, string byId, DateTimeOffset now, DateOnly today)
    {
        RequireOpen();
        if (Date > today) throw new SupervisionRuleException("A session cannot be marked as missed before it takes place.");
        Status = SessionStatus.DidNotAttend;
        Reason = Clean(reason);
        Settle(byId, now);
        foreach (var id in memberIds)
        {
            Attendance.Add(new SessionAttendance(id, MemberAttendance.Absent, this));
            Raise(EventTypes.SessionMissed, now, id);
        }
    }

    /// <summary>Cancelled in advance, by the supervisee or the supervisor, with the reason (the policies ask for one).</summary>
    public void Cancel(bool bySupervisor, string? reason, string byId, DateTimeOffset now)
    {
        RequireOpen();
        if (Clean(reason) is null) throw new SupervisionRuleException("Give the reason for cancelling.");
        Status = bySupervisor ? SessionStatus.CancelledBySupervisor : SessionStatus.CancelledBySupervisee;
        Reason = Clean(reason);
        Settle(byId, now);
        Sequence++;
        Raise(EventTypes.SessionCancelled, now, detail: bySupervisor ? "by-supervisor" : "by-supervisee");
    }

    /// <summary>
    /// Corrects an outcome entered by mistake ("did not attend" when they came, or the reverse).
    /// Each member's attendance row is changed in place, so history (consecutive misses, minutes)
    /// reads the corrected outcome. A correction event per member whose attendance changed answers
    /// what the mistake started (a rule's wait for it can stop an escalation); the corrected
    /// outcome's own events follow, as if it had been entered right the first time.
    /// </summary>
    public void CorrectAttendance(IReadOnlyDictionary<string, MemberAttendance> members, string reason, string byId, DateTimeOffset now)
    {
        if (Status is not (SessionStatus.Attended or SessionStatus.DidNotAttend))
            throw new SupervisionRuleException("Only a session whose attendance has been recorded can be corrected.");
        if (Clean(reason) is not { } why) throw new SupervisionRuleException("Give the reason for the correction.");
        var attended = members.Values.Contains(MemberAttendance.Present);
        if (!attended && RecordId is not null)
            throw new SupervisionRuleException("This session has a record, so it took place. Correct who was present instead.");
        var changed = new List<(string StaffId, MemberAttendance To)>();
        foreach (var (staffId, to) in members)
        {
            var row = Attendance.FirstOrDefault(a => a.StaffId == staffId);
            if (row is null) { Attendance.Add(new SessionAttendance(staffId, to, this)); changed.Add((staffId, to)); }
            else if (row.Attendance != to) { row.Correct(to); changed.Add((staffId, to)); }
        }
        var status = attended ? SessionStatus.Attended : SessionStatus.DidNotAttend;
        if (changed.Count == 0 && status == Status) throw new SupervisionRuleException("Nothing has changed: the attendance is already as given.");
        var wasAttended = Status == SessionStatus.Attended;
        Status = status;
        if (attended) Reason = null;
        CorrectedAt = now;
        CorrectedById = byId;
        CorrectionReason = why;
        foreach (var (staffId, to) in changed)
            Raise(EventTypes.SessionAttendanceCorrected, now, staffId, detail: to.ToString().ToLowerInvariant());
        foreach (var (staffId, to) in changed.Where(c => c.To == MemberAttendance.Absent))
            Raise(EventTypes.SessionMissed, now, staffId, detail: attended ? "absent-from-group" : null);
        if (attended && !wasAttended) Raise(EventTypes.SessionAttended, now);
    }

    public void AttachRecord(Guid recordId)
    {
        if (Status != SessionStatus.Attended) throw new SupervisionRuleException("Only a session that took place has a record.");
        RecordId ??= recordId;
    }

    private void RequireOpen()
    {
        if (Status != SessionStatus.Booked) throw new SupervisionRuleException("The outcome of this session has already been recorded.");
    }

    private void Settle(string byId, DateTimeOffset now)
    {
        OutcomeAt = now;
        OutcomeById = byId;
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed class SessionAttendance : ITenantOwned
{
    private SessionAttendance() { }

    public SessionAttendance(string staffId, MemberAttendance attendance, Session session)
    {
        StaffId = staffId;
        Attendance = attendance;
        Date = session.Date;
        Minutes = session.DurationMinutes;
        TypeId = session.TypeId;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid SessionId { get; private set; }
    public string StaffId { get; private set; } = "";
    public MemberAttendance Attendance { get; private set; }

    /// <summary>Only through <see cref="Session.CorrectAttendance"/>, which records why and raises the event.</summary>
    internal void Correct(MemberAttendance to) => Attendance = to;

    // Copied from the session, which never changes once attendance is taken, so everyone's status
    // reads one narrow table through one covering index instead of joining half a million sessions.
    public DateOnly Date { get; private set; }
    public int Minutes { get; private set; }
    public string TypeId { get; private set; } = "";
}

/// <summary>
/// Each person's latest session attended of a type and length: the rolling rules' read ("every 6 weeks": the
/// latest session long enough for its type), a few rows a person instead of every session they ever attended
/// (ADR 0068). Kept by the database's triggers on <see cref="SessionAttendance"/> (the migrations named
/// LatestAttendance), so every write of attendance keeps it, whatever made it; the app only reads it.
/// </summary>
public sealed class LatestAttendance : ITenantOwned
{
    private LatestAttendance() { }

    public Guid TenantId { get; private set; }
    public string TypeId { get; private set; } = "";
    public string StaffId { get; private set; } = "";
    public int Minutes { get; private set; }
    public DateOnly Date { get; private set; }
}
