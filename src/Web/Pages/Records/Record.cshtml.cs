using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Submissions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Links;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Records;

/// <summary>
/// One record: filled, saved as a draft, submitted, signed. Whatever is posted is saved as the
/// draft before anything is checked, so nothing typed is lost to a validation error. Every write
/// first asks <see cref="RecordRights"/> (decided in RecordAccess): a reader who is not a party,
/// an auditor, or anyone on a record signed off by everyone changes nothing.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(AuthenticationSchemes = LinkAccess.RecordSchemes)]
public sealed class RecordModel(AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant, TimeProvider clock,
    RecordGate gate, SessionRecords sessionRecords, TaskLinks taskLinks) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Submission Record { get; private set; } = null!;
    public FormDefinition Form { get; private set; } = null!;
    public FormView View { get; private set; } = null!;
    public FormView? Guidance { get; private set; }
    public RecordRights Rights { get; private set; } = RecordRights.ReadOnly;
    public IReadOnlyList<Filler> SignAs => Rights.SignAs;
    public bool CanEdit => Rights.CanEdit;

    /// <summary>
    /// The roles this person signs in once the draft is submitted. For them submitting and signing
    /// are one act, so their one next step is "Submit and sign".
    /// </summary>
    public IReadOnlyList<Filler> SignOnSubmit { get; private set; } = [];

    /// <summary>The names of the people who still owe a signature (StillToSign), for "waiting for ...".</summary>
    public IReadOnlyList<string> StillToSignNames { get; private set; } = [];
    public ReadDecision Access { get; private set; }

    /// <summary>The session this records, and the supervision's earlier record and open actions, for discussion or closure.</summary>
    public Session? Session { get; private set; }
    public FormView? Previous { get; private set; }
    public SessionRecords.EarlierRecord? PreviousRecord { get; private set; }
    public IReadOnlyList<ActionItem> OpenActions { get; private set; } = [];
    public IReadOnlyList<string> StillToSign { get; private set; } = [];
    public DateOnly Today => tenant.Tenant.Today(clock);

    private StaffMember _me = null!;
    private RecordParties _parties = RecordParties.None;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        gate.Log("read", Record, _me, Access);
        await db.SaveChangesAsync(ct);
        await LoadSupervisionAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? row, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanEdit) return await RefusedAsync(ct);
        var answers = Merge(out var problems);
        if (row is not null) answers = ChangeRows(answers, row);
        var before = Record.AnswersJson;
        if (Record.WouldVoidSignatures(answers)) return await RefusedAsync(ct, answers);
        Record.SaveDraft(answers, clock.GetUtcNow());
        var changed = Record.AnswersJson != before;
        if (row is null && changed) gate.Log("save", Record, _me, Access);
        await db.SaveChangesAsync(ct);
        if (row is not null)
        {
            await BuildAsync(answers, Errors(problems), ct);
            await LoadSupervisionAsync(ct);
            return Page();
        }
        // "Saved" is said only when something was: a save that changed nothing writes nothing either.
        TempData["Notice"] = changed ? "Your answers have been saved. You can come back to this record from Forms and records." : "There was nothing new to save: the record is as it was.";
        return Redirect($"/{tenant.Tenant.Identifier}/records/{Record.Id}");
    }

    /// <summary>
    /// Called by autosave.js as the person types: saves the draft, answers 204. Nothing is checked,
    /// except that autosave never touches what someone signed: on a signed record it answers 409
    /// with the reason, and the script stops and says so (the typed text stays in the page).
    /// </summary>
    public async Task<IActionResult> OnPostAutosaveAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanEdit) return Rights.Refusal is { } why ? Refused(why) : StatusCode(StatusCodes.Status403Forbidden);
        var answers = Merge(out _);
        if (Record.WouldVoidSignatures(answers)) return Refused(SignedRecordException.Text);
        // Autosave runs as the person types: one "save" entry per sitting (after ten quiet minutes), not per pause.
        var quiet = clock.GetUtcNow() - Record.UpdatedAt > TimeSpan.FromMinutes(10);
        Record.SaveDraft(answers, clock.GetUtcNow());
        if (quiet) gate.Log("save", Record, _me, Access);
        await db.SaveChangesAsync(ct);
        return new NoContentResult();
    }

    private static ContentResult Refused(string why) => new() { StatusCode = StatusCodes.Status409Conflict, Content = why, ContentType = "text/plain; charset=utf-8" };

    /// <summary>The record as data: answers with the exact form version they were given against, and signatures with their hashes.</summary>
    public async Task<IActionResult> OnGetJsonAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        gate.Log("export", Record, _me, Access);
        await db.SaveChangesAsync(ct);
        var export = new JsonObject
        {
            ["record"] = Record.Id.ToString(),
            ["tenant"] = tenant.Tenant.Identifier,
            ["form"] = new JsonObject
            {
                ["id"] = Record.FormVersion.FormId, ["version"] = Record.FormVersion.Version,
                ["title"] = Record.FormVersion.Title, ["contentHash"] = Record.FormVersion.ContentHash,
                ["definition"] = Record.FormVersion.DefinitionText,
            },
            ["status"] = Record.Status.ToString(),
            ["createdAt"] = Record.CreatedAt.ToString("O"),
            ["submittedAt"] = Record.SubmittedAt?.ToString("O"),
            ["contentHash"] = Record.ContentHash,
            ["answers"] = Record.Answers,
            ["signatures"] = new JsonArray(Record.Signatures.Select(sig => (JsonNode)new JsonObject
            {
                ["signer"] = View.SignerNames.GetValueOrDefault(sig.SignerId), ["role"] = sig.Role,
                ["signedAt"] = sig.SignedAt.ToString("O"), ["contentHash"] = sig.ContentHash, ["voidedAt"] = sig.VoidedAt?.ToString("O"),
                ["comment"] = sig.Comment, ["disagrees"] = sig.Disagrees, ["voidReason"] = sig.VoidReason,
            }).ToArray()),
        };
        return File(System.Text.Encoding.UTF8.GetBytes(export.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })),
            "application/json", $"{Record.FormId}-{Record.Id:N}.json");
    }

    /// <param name="andSign">"Submit and sign": the person also signs in every role the submitted record asks of them.</param>
    public async Task<IActionResult> OnPostSubmitAsync(bool andSign, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!CanEdit) return await RefusedAsync(ct);
        var answers = Merge(out var problems);
        if (Record.WouldVoidSignatures(answers)) return await RefusedAsync(ct, answers);
        if (await InvalidAsync(answers, problems, ct) is { } shown) return shown;
        Record.Submit(SubmissionValidator.Clean(Form, answers), clock.GetUtcNow());
        var signed = andSign ? RecordAccess.Rights(Record, Form, _me, _parties, Access).SignAs : [];
        foreach (var role in signed) Record.Sign(_me.Id, role.ToString(), clock.GetUtcNow());
        if (signed.Count > 0 && SignOff.Outstanding(Form, Record, _parties).Count == 0) Record.MarkFullySigned(Form.Purpose == FormPurpose.Contract, clock.GetUtcNow());
        await sessionRecords.SyncActionsAsync(Record, Form, ct);
        await taskLinks.CompleteAsync(Record.Id, _me.Id, ct);
        await taskLinks.RequestSignaturesAsync(Record, Form, _parties, _me, ct);
        gate.Log("submit", Record, _me, Access);
        if (signed.Count > 0) gate.Log("sign", Record, _me, Access);
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = signed.Count > 0 ? "The record has been submitted and you have signed it." : "The record has been submitted.";
        return Redirect($"/{tenant.Tenant.Identifier}/records/{Record.Id}");
    }

    /// <summary>
    /// Signs in one role, with the signer's comment or disagreement. From the record's own form
    /// (<paramref name="withAnswers"/>) the POST carries what the person typed: it is saved first,
    /// so text typed just before pressing "Sign" is part of what is signed; if it cannot be saved
    /// (not valid, or it would alter what someone else signed) nothing is signed and the page says why,
    /// keeping the typed text.
    /// </summary>
    public async Task<IActionResult> OnPostSignAsync(Filler role, string? signComment, bool disagree, bool withAnswers, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!SignAs.Contains(role)) return await RefusedAsync(ct);
        SignComment = signComment;
        Disagree = disagree;
        if (signComment?.Trim().Length > Signature.CommentMaxLength)
            ModelState.AddModelError("signComment", $"Your comment must be {Signature.CommentMaxLength} characters or fewer");
        if (withAnswers && CanEdit)
        {
            var answers = Merge(out var problems);
            if (Record.WouldVoidSignatures(answers)) return await RefusedAsync(ct, answers);
            if (await InvalidAsync(answers, problems, ct, notSigned: true) is { } shown) return shown;
            Record.SaveDraft(SubmissionValidator.Clean(Form, answers), clock.GetUtcNow());
            await sessionRecords.SyncActionsAsync(Record, Form, ct);
        }
        if (!ModelState.IsValid)
        {
            await LoadSupervisionAsync(ct);
            return Page();
        }
        Record.Sign(_me.Id, role.ToString(), clock.GetUtcNow(), signComment, disagree);
        if (SignOff.Outstanding(Form, Record, _parties).Count == 0) Record.MarkFullySigned(Form.Purpose == FormPurpose.Contract, clock.GetUtcNow());
        await taskLinks.CompleteAsync(Record.Id, _me.Id, ct);
        gate.Log("sign", Record, _me, Access);
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = "You have signed the record.";
        return Redirect($"/{tenant.Tenant.Identifier}/records/{Record.Id}");
    }

    /// <summary>Closes an action carried from an earlier session: done, or no longer needed.</summary>
    public async Task<IActionResult> OnPostCloseActionAsync(Guid actionId, ActionStatus outcome, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } denied) return denied;
        if (!Rights.CanCloseActions || Record.RelationshipId is not { } rel) return await RefusedAsync(ct);
        var lineage = await sessionRecords.LineageAsync(rel, ct);
        var action = await db.Actions.FirstOrDefaultAsync(a => a.Id == actionId && lineage.Contains(a.RelationshipId), ct);
        if (action is null) return NotFound();
        try
        {
            action.Close(outcome, _me.Id, tenant.Tenant.Today(clock), Record.Id);
        }
        catch (SupervisionRuleException ex)
        {
            TempData["Notice"] = ex.Message;
            return Redirect($"/{tenant.Tenant.Identifier}/records/{Record.Id}#actions-carried");
        }
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = outcome == ActionStatus.Done ? "The action is marked as done." : "The action is closed as no longer needed.";
        return Redirect($"/{tenant.Tenant.Identifier}/records/{Record.Id}#actions-carried");
    }

    /// <summary>
    /// A write this person may not make. A party is told why on the page (409: the record is signed
    /// off); anyone else gets 403, as a reader who is not a party may look but not touch.
    /// </summary>
    /// <param name="typed">What the person posted, shown back to them as not saved, so a refusal never loses typed text.</param>
    private async Task<IActionResult> RefusedAsync(CancellationToken ct, JsonObject? typed = null)
    {
        var why = typed is not null ? SignedRecordException.Text : Rights.Refusal;
        if (why is null) return StatusCode(StatusCodes.Status403Forbidden);
        ModelState.AddModelError("", why);
        if (typed is not null) NotSaved = Unsaved(typed);
        await LoadSupervisionAsync(ct);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    /// <summary>The answers that differ from the saved record, as label and text, for a refused save.</summary>
    private List<(string Label, string Text)> Unsaved(JsonObject typed)
    {
        var saved = Record.Answers;
        return Form.Fields.Where(f => f.HoldsAnswer && typed[f.Id] is not null && !JsonNode.DeepEquals(typed[f.Id], saved[f.Id]))
            .Select(f => (f.Label, FormView.Text(typed[f.Id]) ?? typed[f.Id]!.ToJsonString())).ToList();
    }

    /// <summary>Validates posted answers as for submitting; when they fail, keeps everything typed and shows the errors.</summary>
    private async Task<IActionResult?> InvalidAsync(JsonObject answers, IReadOnlyList<(string Path, string Message)> problems, CancellationToken ct, bool notSigned = false)
    {
        var errors = Errors(problems);
        var context = new ValidationContext(tenant.Tenant.Today(clock), RecordAccess.PartiesOf(_me, _parties), Submitting: true,
            PersonExists: id => View.People.Any(p => p.Id == id), MemberId: _me.Id);
        foreach (var e in SubmissionValidator.Validate(Form, answers, context)) errors.TryAdd(e.Path, e.Message);
        if (errors.Count == 0) return null;
        Record.SaveDraft(answers, clock.GetUtcNow()); // keep everything typed
        await db.SaveChangesAsync(ct);
        await BuildAsync(answers, errors, ct);
        if (notSigned) ModelState.AddModelError("", "You have not signed yet: correct the answers below, then sign.");
        await LoadSupervisionAsync(ct);
        return Page();
    }

    /// <summary>Typed text a refused save did not keep, shown back so it can be copied.</summary>
    public IReadOnlyList<(string Label, string Text)> NotSaved { get; private set; } = [];
    public string? SignComment { get; private set; }
    public bool Disagree { get; private set; }

    private async Task LoadSupervisionAsync(CancellationToken ct)
    {
        StillToSign = Record.Status == SubmissionStatus.Draft ? [] : SignOff.Outstanding(Form, Record, _parties);
        if (StillToSign.Count > 0)
        {
            var owed = StillToSign.ToList();
            var names = await db.Staff.AsNoTracking().Where(s => owed.Contains(s.Id)).Select(s => new { s.Id, s.FullName }).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
            // A signature owed by a role rather than a person (a stand-alone form) is named by the role.
            StillToSignNames = owed.Select(id => names.GetValueOrDefault(id) ?? "the " + id.ToLowerInvariant()).ToList();
        }
        if (Record.RelationshipId is not { } rel) return;
        if (Record.SessionId is { } sid) Session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct);
        if (Record.SessionId is null) return; // an agreement: no earlier record or actions to carry
        var lineage = await sessionRecords.LineageAsync(rel, ct);
        OpenActions = (await sessionRecords.OpenActionsAsync(lineage, ct)).Where(a => a.SourceRecordId != Record.Id).ToList();
        PreviousRecord = await sessionRecords.PreviousRecordAsync(lineage, Record, ct);
        if (PreviousRecord?.Record is { } prev)
            Previous = View with
            {
                // The earlier record names its own people (unless everyone is listed already).
                People = _everyone ? View.People
                    : View.People.UnionBy(await PeopleAsync(FormView.PersonIds(FormCatalog.Definition(prev.FormVersion), prev.Answers).ToHashSet(), ct), p => p.Id).ToList(),
                Form = FormCatalog.Definition(prev.FormVersion), Answers = prev.Answers, Errors = new Dictionary<string, string>(),
                EditableSections = new HashSet<string>(), Signatures = prev.Signatures,
            };
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        // A verified email link opens the one record it was sent for, and nothing else.
        if (!LinkAccess.MayOpen(User, Id)) return NotFound();
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        _me = me;
        var record = await db.Submissions.Include(s => s.FormVersion).Include(s => s.Signatures).FirstOrDefaultAsync(s => s.Id == Id, ct);
        if (record is null) return NotFound();
        Record = record;
        Form = FormCatalog.Definition(record.FormVersion);
        var decision = await gate.DecideAsync(record, Form, me, ct);
        // 404 for those with no business knowing the record exists; 403 for a line manager, who
        // knows the session happened (attendance) but may never read what was said.
        if (decision.Read == ReadDecision.NotFound) return NotFound();
        if (decision.Read == ReadDecision.Forbidden) return StatusCode(StatusCodes.Status403Forbidden);
        Access = decision.Read;
        _parties = decision.Parties;
        Rights = decision.Rights;
        if (record.Status == SubmissionStatus.Draft && Rights.IsParty && Rights.CanEdit)
        {
            // As the signing rule will allow once the record is submitted (nobody has signed a draft).
            var mine = RecordAccess.PartiesOf(me, _parties);
            SignOnSubmit = Form.Fields.Where(f => f.Type == FieldType.Signature && f.Signer is { } r && mine.Contains(r)).Select(f => f.Signer!.Value).Distinct().ToList();
        }
        await BuildAsync(record.Answers, new Dictionary<string, string>(), ct);
        if (Form.Guidance is { } g
            && await db.FormVersions.AsNoTracking().Where(v => v.FormId == g).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct) is { } gv)
        {
            Guidance = View with { Form = FormCatalog.Definition(gv), Answers = [], EditableSections = new HashSet<string>() };
        }
        return null;
    }

    private async Task BuildAsync(JsonObject answers, Dictionary<string, string> errors, CancellationToken ct)
    {
        var editable = Rights.EditableSections;
        // Everyone is listed only when this person has a person question to answer (the choice
        // needs them all); otherwise only the people the record names, so reading a record does
        // not read the whole organisation's staff list (1.6 s at 20,000 staff under load).
        var choosing = Form.Sections.Any(s => editable.Contains(s.Id) && s.Fields.Any(FormView.NamesPeople));
        var people = View?.People is { } known && (!choosing || _everyone) ? known
            : await PeopleAsync(choosing ? null : FormView.PersonIds(Form, answers).Concat(RecordAccess.Participants(Record, _parties)).ToHashSet(), ct);
        _everyone |= choosing;
        // Names of signers and of group members who answered, including people who have since left.
        var ids = Record.Signatures.Select(s => s.SignerId)
            .Concat((answers[SubmissionValidator.MembersKey] as JsonObject)?.Select(m => m.Key) ?? []).Distinct().ToList();
        // Only the two columns, and no query when nobody has signed or answered (a draft): the whole
        // row was read on every view, password hash included.
        var names = ids.Count == 0 ? new Dictionary<string, string>()
            : await db.Staff.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.FullName }).ToDictionaryAsync(s => s.Id, s => s.FullName, ct);
        View = new FormView(Form, answers, errors, editable, people, Record.Signatures, names, _me.Id, _parties.SuperviseeIds);
        foreach (var (path, message) in errors) ModelState.AddModelError(FormView.Name(path), message);
    }

    private bool _everyone;

    /// <summary>Current staff (not left), everyone or only those named.</summary>
    private async Task<List<(string Id, string Name, StaffRoles Roles)>> PeopleAsync(HashSet<string>? only, CancellationToken ct)
    {
        var today = tenant.Tenant.Today(clock);
        var query = db.Staff.AsNoTracking().Where(s => s.LeftOn == null || s.LeftOn >= today);
        if (only is not null) query = query.Where(s => only.Contains(s.Id));
        var rows = await query.OrderBy(s => s.FullName).Select(s => new { s.Id, s.FullName, s.JobTitle, s.Roles }).ToListAsync(ct);
        return rows.Select(s => (s.Id, s.JobTitle is null ? s.FullName : $"{s.FullName}, {s.JobTitle}", s.Roles)).ToList();
    }

    /// <summary>
    /// The saved answers with the person's own sections replaced by what they posted. Answers to a
    /// section each group member fills go under _members.{their id}, so members never overwrite
    /// one another.
    /// </summary>
    private JsonObject Merge(out IReadOnlyList<(string Path, string Message)> problems)
    {
        var editable = Form.Sections.Where(s => View.EditableSections.Contains(s.Id)).ToList();
        var bound = AnswerBinder.Bind(Form, Request.Form, View.EditableSections);
        var merged = Record.Answers;
        var mine = new JsonObject();
        foreach (var section in editable)
        {
            var into = section.FilledBy == Filler.EachMember ? mine : merged;
            foreach (var key in section.Fields.SelectMany(f => new[] { f.Id, f.Id + ".comments" }))
            {
                // Replaced where it stands, not removed and appended: the same answers must give the
                // same text, or an unchanged save would count as a change and void signatures.
                if (bound.Answers[key] is { } value) into[key] = value.DeepClone();
                else into.Remove(key);
                if (!ReferenceEquals(into, merged)) merged.Remove(key);
            }
        }
        if (editable.Any(s => s.FilledBy == Filler.EachMember))
        {
            var members = merged[SubmissionValidator.MembersKey] as JsonObject ?? [];
            members[_me.Id] = mine;
            merged[SubmissionValidator.MembersKey] = members.DeepClone();
        }
        problems = bound.Problems;
        return merged;
    }

    private static Dictionary<string, string> Errors(IReadOnlyList<(string Path, string Message)> problems) =>
        problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.First().Message);

    /// <summary>Adds or removes a table row without JavaScript ("add:actions", "remove:actions:2").</summary>
    private JsonObject ChangeRows(JsonObject answers, string command)
    {
        var parts = command.Split(':');
        if (parts.Length < 2 || Form.Field(parts[1]) is not { Type: FieldType.Table } table || !View.EditableSections.Any(s => Form.Sections.First(x => x.Id == s).Fields.Contains(table)))
            return answers;
        var rows = answers[table.Id] as JsonArray ?? [];
        if (parts[0] == "add" && (table.MaxRows is null || rows.Count < table.MaxRows)) rows.Add(new JsonObject());
        if (parts[0] == "remove" && parts.Length == 3 && int.TryParse(parts[2], out var i) && i >= 0 && i < rows.Count) rows.RemoveAt(i);
        answers[table.Id] = rows.DeepClone();
        return answers;
    }
}
