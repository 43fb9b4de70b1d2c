using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Editing;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Forms;

/// <summary>
/// Edits one form: its YAML (a plain text box that the browser turns into a code editor), a list of
/// its questions for the everyday changes, problems at their lines, a preview drawn by the renderer
/// staff see, and Publish. Every handler works without JavaScript; Validate answers the editor's
/// checks as the admin types with the same problems-and-preview fragment the page shows.
/// A form not yet published (from "Create a form") is edited the same way; its text lives in the page
/// until Publish makes version 1 (docs/adr/0014-creating-configuration.md).
/// </summary>
// A posted text is bounded before it is read (docs/security.md); the text's own limits give a located error below this.
[RequestSizeLimit(SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
[RequestFormLimits(ValueLengthLimit = SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
public sealed class EditModel(FormCatalog catalog, AuditLog audit, AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant) : PageModel
{
    [FromRoute] public string FormId { get; set; } = "";

    [BindProperty] public string Yaml { get; set; } = "";

    /// <summary>The question list as posted: each row's wording and required, beside what they were when the page was drawn.</summary>
    [BindProperty] public List<QuestionInput> Rows { get; set; } = [];

    [BindProperty] public NewQuestion Add { get; set; } = new();

    /// <summary>The version in force; null while the form is being created.</summary>
    public FormVersion? Current { get; private set; }

    /// <summary>Posted back by the page of a form being created, so that a form someone else published meanwhile under the same id is not overwritten.</summary>
    [BindProperty] public bool Creating { get; set; }

    /// <summary>A new form's title and starting point, from "Create a form".</summary>
    [FromQuery(Name = "title")] public string? NewTitle { get; set; }
    [FromQuery(Name = "from")] public string? From { get; set; }

    public bool IsNew => Current is null || Creating;
    public int NextVersion => (Current?.Version ?? 0) + 1;
    public string Title => Definition?.Title ?? (IsNew ? NewTitle ?? FormId : Current!.Title);

    /// <summary>Why Publish was refused besides the problems in the text.</summary>
    public string? PublishProblem { get; private set; }
    public IReadOnlyList<FormError> Problems { get; private set; } = [];
    public FormDefinition? Definition { get; private set; }
    public IReadOnlyList<QuestionRow> Questions { get; private set; } = [];

    /// <summary>Why a structured change could not be made, shown beside the question list.</summary>
    public string? EditError { get; private set; }

    /// <summary>The question a refused change was to (its wording as the list shows it), and the id of its box on the page.</summary>
    public (string Label, string Field)? EditErrorQuestion { get; private set; }

    /// <summary>What a structured change did, and the YAML line of the question it touched.</summary>
    public string? Done { get; private set; }
    public int? DoneLine { get; private set; }

    /// <summary>Set when Publish was refused, for the error summary.</summary>
    public bool PublishRefused { get; private set; }

    public string Root => $"/{tenant.Tenant.Identifier}/admin/forms";
    public string FileName => $"{FormId}.yaml";

    public sealed class QuestionInput
    {
        public string Id { get; set; } = "";
        public string Label { get; set; } = "";
        public string OriginalLabel { get; set; } = "";
        public bool Required { get; set; }
        public bool WasRequired { get; set; }
    }

    public sealed class NewQuestion
    {
        public string Label { get; set; } = "";
        public string Type { get; set; } = "text";
        public string Required { get; set; } = "yes";
        public string Section { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadCurrentAsync(ct)) return NotFound();
        if (Current is not null) Yaml = Current.DefinitionText;
        else if (await StartingTextAsync(ct) is { } start) Yaml = start;
        else return NotFound();
        await CheckAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        if (!await LoadCurrentAsync(ct)) return NotFound();
        await CheckAsync(ct);
        return Page();
    }

    /// <summary>For the code editor as the admin types: the problems and the preview, as the page draws them.</summary>
    public async Task<IActionResult> OnPostValidateAsync(CancellationToken ct)
    {
        // The code editor posts only the text: a form being created is checked too (nothing is read or saved).
        if (!await LoadCurrentAsync(ct, creating: true)) return NotFound();
        await CheckAsync(ct);
        return Partial("_Check", this);
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken ct)
    {
        if (!await LoadCurrentAsync(ct)) return NotFound();
        Yaml = Normalise(Yaml);
        if (Creating && Current is not null)
        {
            PublishRefused = true;
            PublishProblem = $"Someone has published a form with the id '{FormId}' since you started this one. Copy your text, then create the form again with another id.";
            await CheckAsync(ct);
            return Page();
        }
        var result = await catalog.PublishAsync(FormId, Yaml, FileName, null, ct);
        if (result.Errors.Count > 0)
        {
            PublishRefused = true;
            await CheckAsync(ct);
            return Page();
        }
        if (!result.Changed)
        {
            TempData["Notice"] = $"Nothing was published: the text is the same as version {result.Version!.Version}.";
            return Redirect($"{Root}/{FormId}/edit");
        }
        audit.Log(users.GetUserId(User)!, Current is null ? "create" : "publish", "form", FormAudit.EntityId(FormId, result.Version!.Version));
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = $"Version {result.Version.Version} of {result.Version.Title} is published. New records use it; records already started keep their version.";
        return Redirect($"{Root}/{FormId}/versions");
    }

    /// <summary>Rewords questions and makes them required or optional, from the question list.</summary>
    public async Task<IActionResult> OnPostQuestionsAsync(CancellationToken ct)
    {
        if (!await LoadCurrentAsync(ct)) return NotFound();
        var text = Normalise(Yaml);
        var changed = new List<string>();
        foreach (var row in Rows)
        {
            var before = text;
            var question = (row.OriginalLabel.Trim().Length > 0 ? row.OriginalLabel.Trim() : row.Id, $"q-{row.Id}");
            if (row.Label.Trim() != row.OriginalLabel.Trim()) text = Apply(FormYamlEdits.Reword(text, row.Id, row.Label), text, question);
            if (row.Required != row.WasRequired) text = Apply(FormYamlEdits.SetRequired(text, row.Id, row.Required), text, (question.Item1, $"r-{row.Id}"));
            if (text != before) changed.Add(row.Id);
        }
        if (changed.Count > 0) Said(text, changed[0], changed.Count == 1 ? "Changed 1 question" : $"Changed {changed.Count} questions");
        else if (EditError is null) Done = "Nothing was changed.";
        return await ShowEditedAsync(text, ct);
    }

    public async Task<IActionResult> OnPostMoveAsync(string move, CancellationToken ct)
    {
        if (!await LoadCurrentAsync(ct)) return NotFound();
        var text = Normalise(Yaml);
        var cut = move.LastIndexOf(':');
        if (cut > 0 && int.TryParse(move[(cut + 1)..], out var delta) && delta is -1 or 1)
        {
            var edit = FormYamlEdits.Move(text, move[..cut], delta);
            var id = move[..cut];
            var label = Rows.FirstOrDefault(r => r.Id == id)?.OriginalLabel.Trim() is { Length: > 0 } l ? l : id; // the question list came with the press
            text = Apply(edit, text, (label, $"q-{id}"));
            if (edit.Ok) Said(text, edit.FieldId!, $"Moved '{move[..cut]}' {(delta < 0 ? "up" : "down")}");
        }
        return await ShowEditedAsync(text, ct);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!await LoadCurrentAsync(ct)) return NotFound();
        var text = Normalise(Yaml);
        var edit = FormYamlEdits.Add(text, Add.Section, Add.Label, Add.Type, Add.Required == "yes");
        text = Apply(edit, text);
        if (edit.Ok)
        {
            Said(text, edit.FieldId!, $"Added '{edit.FieldId}'");
            Add = new NewQuestion { Section = Add.Section };
        }
        return await ShowEditedAsync(text, ct);
    }

    /// <param name="question">The question the change was to, so a refusal names it and links to it (null when adding one).</param>
    private string Apply(YamlEdit edit, string text, (string Label, string Field)? question = null)
    {
        if (edit.Ok) return edit.Text;
        if (EditError is null)
        {
            EditError = edit.Error;
            EditErrorQuestion = question;
        }
        return text;
    }

    private void Said(string text, string fieldId, string what)
    {
        var lines = text.Split('\n');
        var i = Array.FindIndex(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"(^|[\s{{,-])id:\s*{System.Text.RegularExpressions.Regex.Escape(fieldId)}\s*([,}}]|$)"));
        DoneLine = i < 0 ? null : i + 1;
        Done = DoneLine is { } line ? $"{what} at line {line} of the YAML. Nothing is published until you publish." : $"{what}. Nothing is published until you publish.";
    }

    private async Task<IActionResult> ShowEditedAsync(string text, CancellationToken ct)
    {
        ModelState.Clear(); // show the rewritten YAML, not the posted text
        Yaml = text;
        await CheckAsync(ct);
        return Page();
    }

    /// <summary>
    /// The form in force, or a form being created (from "Create a form", which gives a title, or posted back by its page)
    /// under an id that could name one. Any other missing form is not found.
    /// </summary>
    private async Task<bool> LoadCurrentAsync(CancellationToken ct, bool creating = false)
    {
        Current = await catalog.LatestVersionAsync(FormId, ct);
        return Current is not null || (creating || Creating || NewTitle is not null) && NewConfigurationItem.IdProblem(FormId, "form", _ => false) is null;
    }

    /// <summary>A new form's first text: the skeleton, or a copy of one of this tenant's forms (the query filter keeps it to this tenant).</summary>
    private async Task<string?> StartingTextAsync(CancellationToken ct)
    {
        var title = NewConfigurationItem.TitleProblem(NewTitle, "form") is null ? NewTitle!.Trim() : null;
        if (string.IsNullOrEmpty(From)) return NewConfigurationItem.BlankForm(FormId, title ?? FormId);
        var source = await catalog.LatestVersionAsync(From, ct);
        return source is null ? null : NewConfigurationItem.Copy(source.DefinitionText, FormId, title);
    }

    private async Task CheckAsync(CancellationToken ct)
    {
        Yaml = Normalise(Yaml);
        var loaded = await catalog.CheckAsync(FormId, Yaml, FileName, null, ct);
        Problems = loaded.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        Definition = loaded.IsValid ? loaded.Definition : null;
        // The question list needs a definition that reads; small problems elsewhere do not stop it.
        var forList = loaded.Definition;
        Questions = forList is null ? [] : FormYamlEdits.Questions(forList);
        if (Add.Section.Length == 0 && forList is { Sections.Count: > 0 }) Add.Section = forList.Sections[0].Id;
    }

    /// <summary>Browsers post a text box's line breaks as CRLF; versions are stored with LF so diffs and hashes compare.</summary>
    private static string Normalise(string? text) => (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>The preview: every section editable, no answers, no people.</summary>
    public FormView Preview() => new(Definition!, new JsonObject(), new Dictionary<string, string>(), Definition!.Sections.Select(s => s.Id).ToHashSet(),
        [], [], new Dictionary<string, string>());

    /// <summary>The text of a line, to show beside its problem (a very long line shown by its start).</summary>
    public string LineText(int line)
    {
        var lines = Yaml.Split('\n');
        var text = line >= 1 && line <= lines.Length ? lines[line - 1] : "";
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}

/// <summary>How a form version is named in the audit log.</summary>
public static class FormAudit
{
    public static string EntityId(string formId, int version) => $"{formId} v{version}";
}
