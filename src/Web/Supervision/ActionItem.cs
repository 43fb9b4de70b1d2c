using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Data;

namespace SupervisionHub.Web.Supervision;

public enum ActionStatus { Open, Done, Dropped }

/// <summary>
/// An action agreed in supervision, read from the record's actions table (the form's
/// <c>session.actions</c>). It stays open, and is shown at every next session of the relationship
/// for discussion or closure, until someone closes it (ascent R7, mse-icb R5).
/// </summary>
public sealed class ActionItem : ITenantOwned
{
    private ActionItem() { }

    public ActionItem(Guid relationshipId, Guid sourceRecordId, int row, string text, string? owner, DateOnly? dueOn)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        SourceRecordId = sourceRecordId;
        Row = row;
        Text = text;
        Owner = owner;
        DueOn = dueOn;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid SourceRecordId { get; private set; }

    /// <summary>The row of the actions table it came from, so a resubmitted record updates its own actions.</summary>
    public int Row { get; private set; }
    public string Text { get; private set; } = "";
    public string? Owner { get; private set; }
    public DateOnly? DueOn { get; private set; }
    public ActionStatus Status { get; private set; }
    public DateOnly? ClosedOn { get; private set; }
    public string? ClosedById { get; private set; }

    /// <summary>The record of the session at which it was closed.</summary>
    public Guid? ClosedInRecordId { get; private set; }

    public bool IsOverdueOn(DateOnly today) => Status == ActionStatus.Open && DueOn is { } d && d < today;

    public void Update(string text, string? owner, DateOnly? dueOn)
    {
        if (Status != ActionStatus.Open) return; // closed actions are history
        Text = text;
        Owner = owner;
        DueOn = dueOn;
    }

    public void Close(ActionStatus outcome, string byId, DateOnly on, Guid? inRecordId)
    {
        if (outcome == ActionStatus.Open) throw new SupervisionRuleException("Choose done or no longer needed.");
        if (Status != ActionStatus.Open) throw new SupervisionRuleException("This action is already closed.");
        Status = outcome;
        ClosedById = byId;
        ClosedOn = on;
        ClosedInRecordId = inRecordId;
    }

    public void Reopen()
    {
        Status = ActionStatus.Open;
        ClosedOn = null;
        ClosedById = null;
        ClosedInRecordId = null;
    }

    /// <summary>The rows of a record's actions table as (row, text, owner, due); rows with no text are skipped.</summary>
    public static IEnumerable<(int Row, string Text, string? Owner, DateOnly? Due)> Read(FormDefinition form, JsonObject answers)
    {
        if (form.Session?.Actions is not { } links || answers[links.Table] is not JsonArray rows) yield break;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is not JsonObject row) continue;
            var text = row[links.Text]?.ToString().Trim();
            if (string.IsNullOrEmpty(text)) continue;
            var owner = links.Owner is { } o ? row[o]?.ToString().Trim() : null;
            DateOnly? due = links.Due is { } d && DateOnly.TryParseExact(row[d]?.ToString(), "yyyy-MM-dd", out var day) ? day : null;
            yield return (i, text, string.IsNullOrEmpty(owner) ? null : owner, due);
        }
    }
}
