using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Workflows;

/// <summary>A published, frozen version of a tenant's workflow definition. Instances keep the version they started with.</summary>
public sealed class WorkflowVersion : ITenantOwned
{
    private WorkflowVersion() { }

    public WorkflowVersion(string workflowId, int version, string definitionText, string title, string? triggerEvent, string? schedule, DateTimeOffset publishedAt)
    {
        WorkflowId = workflowId;
        Version = version;
        DefinitionText = definitionText;
        Title = title;
        TriggerEvent = triggerEvent;
        Schedule = schedule;
        ContentHash = Records.FormVersion.Hash(definitionText);
        PublishedAt = publishedAt;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string WorkflowId { get; private set; } = "";
    public int Version { get; private set; }
    public string Title { get; private set; } = "";
    public string DefinitionText { get; private set; } = "";
    public string ContentHash { get; private set; } = "";

    /// <summary>Copied out of the definition so the dispatcher finds the workflows an event starts with one indexed query.</summary>
    public string? TriggerEvent { get; private set; }
    public string? Schedule { get; private set; }
    public DateTimeOffset PublishedAt { get; private set; }

    /// <summary>Only the latest version of a workflow starts new instances; older ones finish what they started.</summary>
    public bool IsCurrent { get; private set; } = true;

    /// <summary>
    /// The last schedule occurrence run. It moves only in the transaction that saves that run
    /// (WorkflowHost.RunSchedulesAsync), so a restart neither repeats nor loses the occurrence.
    /// </summary>
    public DateTimeOffset? LastScheduledAt { get; private set; }

    public void Supersede() => IsCurrent = false;
}

public enum InstanceStatus { Running, Waiting, Completed, Faulted, Cancelled }

/// <summary>
/// One run of a workflow. While waiting it holds a bookmark: the event it waits for, matched on
/// the same session, relationship or person, and a due time. The database is the truth about
/// what is due: a worker claims a due instance (ClaimedBy/ClaimedUntil) before running it.
/// </summary>
public sealed class WorkflowInstance : ITenantOwned
{
    private WorkflowInstance() { }

    public WorkflowInstance(WorkflowVersion version, Guid? triggerEventId, Guid? relationshipId, Guid? sessionId, string? staffId, DateTimeOffset now)
    {
        Id = OrderedIds.New();
        VersionId = version.Id;
        Version = version;
        WorkflowId = version.WorkflowId;
        TriggerEventId = triggerEventId;
        RelationshipId = relationshipId;
        SessionId = sessionId;
        StaffId = staffId;
        StartedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public int VersionId { get; private set; }
    public WorkflowVersion Version { get; private set; } = null!;
    public string WorkflowId { get; private set; } = "";
    public Guid? TriggerEventId { get; private set; }
    public Guid? RelationshipId { get; private set; }
    public Guid? SessionId { get; private set; }
    public string? StaffId { get; private set; }
    public InstanceStatus Status { get; private set; }
    public string StateJson { get; private set; } = "{}";
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public string? WaitEvent { get; private set; }
    public string? WaitMatch { get; private set; }
    public string? WaitCorrelation { get; private set; }
    public DateTimeOffset? DueAt { get; private set; }
    public string? ClaimedBy { get; private set; }
    public DateTimeOffset? ClaimedUntil { get; private set; }

    /// <summary>
    /// The fence (ADR 0024): new at every claim and every change of state, and checked by every save
    /// of the instance. A timer run whose claim lapsed, an event resuming a run that a timer has just
    /// moved on, an admin's cancel read before the worker ran: each saves nothing, instead of running
    /// the steps a second time.
    /// </summary>
    public Guid? ClaimToken { get; private set; }

    public void Waiting(string stateJson, string? waitEvent, string? match, string? correlation, DateTimeOffset? dueAt, DateTimeOffset now)
    {
        Set(InstanceStatus.Waiting, stateJson, now);
        WaitEvent = waitEvent;
        WaitMatch = match;
        WaitCorrelation = correlation;
        DueAt = dueAt;
    }

    public void Finished(InstanceStatus status, string stateJson, DateTimeOffset now)
    {
        Set(status, stateJson, now);
        WaitEvent = WaitMatch = WaitCorrelation = null;
        DueAt = null;
    }

    public void Cancel(DateTimeOffset now) => Finished(InstanceStatus.Cancelled, StateJson, now);

    private void Set(InstanceStatus status, string stateJson, DateTimeOffset now)
    {
        Status = status;
        StateJson = stateJson;
        UpdatedAt = now;
        ClaimedBy = null;
        ClaimedUntil = null;
        ClaimToken = Guid.NewGuid();
    }
}

/// <summary>One line of an instance's journal: what ran, with which inputs, what it decided. The audit trail of every automatic decision.</summary>
public sealed class JournalEntry : ITenantOwned
{
    private JournalEntry() { }

    public JournalEntry(Guid instanceId, DateTimeOffset at, string stepId, string what, string decision)
    {
        InstanceId = instanceId;
        At = at;
        StepId = stepId;
        What = what;
        Decision = decision;
    }

    public long Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid InstanceId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string StepId { get; private set; } = "";
    public string What { get; private set; } = "";
    public string Decision { get; private set; } = "";
}

/// <summary>A step that failed: an admin sees it and retries or cancels the instance.</summary>
public sealed class Incident : ITenantOwned
{
    private Incident() { }

    public Incident(Guid instanceId, string stepId, string message, DateTimeOffset at)
    {
        InstanceId = instanceId;
        StepId = stepId;
        Message = message;
        At = at;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid InstanceId { get; private set; }
    public string StepId { get; private set; } = "";
    public string Message { get; private set; } = "";
    public DateTimeOffset At { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public string? Resolution { get; private set; }

    public void Resolve(string how, DateTimeOffset now)
    {
        ResolvedAt ??= now;
        Resolution ??= how;
    }
}

public enum TaskStatus { Open, Done, Cancelled }

/// <summary>Something a workflow asks a person to do (arrange cover, hold a three-way discussion, complete a form).</summary>
public sealed class WorkTask : ITenantOwned
{
    private WorkTask() { }

    public WorkTask(string assigneeId, string title, DateOnly? dueOn, bool escalation, string? formId, Guid? instanceId, Guid? relationshipId, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        AssigneeId = assigneeId;
        Title = title;
        DueOn = dueOn;
        Escalation = escalation;
        FormId = formId;
        InstanceId = instanceId;
        RelationshipId = relationshipId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string AssigneeId { get; private set; } = "";
    public string Title { get; private set; } = "";
    public DateOnly? DueOn { get; private set; }
    public bool Escalation { get; private set; }
    public string? FormId { get; private set; }
    public Guid? InstanceId { get; private set; }
    public Guid? RelationshipId { get; private set; }

    /// <summary>The record to sign, or the one started for a requested form; the session a requested form belongs to.</summary>
    public Guid? SubmissionId { get; private set; }
    public Guid? SessionId { get; private set; }

    /// <summary>Book the next session of the task's supervision: done when the person books one.</summary>
    public bool IsBooking { get; private set; }
    public TaskStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DoneAt { get; private set; }

    public WorkTask About(Guid? submissionId, Guid? sessionId)
    {
        SubmissionId = submissionId;
        SessionId = sessionId;
        return this;
    }

    public WorkTask ForBooking()
    {
        IsBooking = true;
        return this;
    }

    public void Complete(DateTimeOffset now)
    {
        if (Status != TaskStatus.Open) return;
        Status = TaskStatus.Done;
        DoneAt = now;
    }
}
