using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Forms.Building;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Web.Audit;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages.Admin.Forms;

/// <summary>
/// The form builder: the whole form as fields (sections, who fills them, questions of every type with
/// their settings), posted back whole with the action as the button pressed, so it works without
/// JavaScript and nothing typed is lost. Every post writes the draft as YAML (FormYamlWriter), checks
/// it as publishing would, and shows each problem at its control, the preview staff would see and the
/// YAML itself (advanced; editable, and read back into the builder). Publish makes a version as the
/// YAML editor does (docs/adr/0029-builders.md).
/// </summary>
// The whole form is posted as fields: a large form has well over the 1024 fields a form post may carry by default.
[RequestFormLimits(ValueCountLimit = 20_000)]
public sealed class BuildModel(FormCatalog catalog, AuditLog audit, AppDbContext db, UserManager<StaffMember> users, ITenantContext tenant) : PageModel
{
    [FromRoute] public string FormId { get; set; } = "";
    [BindProperty] public FormDraft Draft { get; set; } = new();
    /// <summary>The YAML box (advanced): read into the builder by "Use this YAML".</summary>
    [BindProperty] public string Yaml { get; set; } = "";
    /// <summary>The type of question each section's "Add a question" adds.</summary>
    [BindProperty] public List<string> AddTypes { get; set; } = [];
    [BindProperty] public bool Creating { get; set; }
    [FromQuery(Name = "title")] public string? NewTitle { get; set; }
    [FromQuery(Name = "from")] public string? From { get; set; }

    public FormVersion? Current { get; private set; }
    public bool IsNew => Current is null || Creating;
    public int NextVersion => (Current?.Version ?? 0) + 1;
    public string Root => $"/{tenant.Tenant.Identifier}/admin/forms";
    public string Action => $"{Root}/{FormId}/build";
    public string FileName => $"{FormId}.yaml";

    /// <summary>Problems by control path ("" for the form as a whole).</summary>
    public IReadOnlyDictionary<string, List<string>> Problems { get; private set; } = new Dictionary<string, List<string>>();
    public int ProblemCount => Problems.Values.Sum(p => p.Count);
    public FormDefinition? Definition { get; private set; }
    public string? Done { get; private set; }
    /// <summary>The control to focus after an action (the added, moved or copied item).</summary>
    public string? Focus { get; private set; }
    public bool PublishRefused { get; private set; }

    public static readonly IReadOnlyList<(string Type, string Words)> Types =
    [
        ("text", "Short text"), ("longText", "Long text"), ("number", "Number"), ("date", "Date"), ("time", "Time"), ("yesNo", "Yes or no"),
        ("choice", "One choice from a list"), ("multiChoice", "Several choices from a list"), ("rating", "Rating"), ("ratingMatrix", "Rating matrix (statements on a scale)"),
        ("person", "A member of staff"), ("caseReference", "Case reference"), ("table", "Repeating group (a table)"), ("signature", "Signature"), ("guidance", "Guidance text (Markdown)"),
    ];

    public static readonly IReadOnlyList<(string Value, string Words)> Fillers =
        [("supervisor", "The supervisor"), ("supervisee", "The supervisee"), ("each-member", "Each member of the group"), ("anyone", "Anyone in the supervision")];

    public static readonly IReadOnlyList<string> ColumnTypes = ["text", "longText", "number", "date", "time", "yesNo", "choice", "person", "caseReference"];

    public static readonly IReadOnlyList<string> PersonRoles = ["tenant-admin", "safeguarding-lead", "supervisor", "supervisee", "line-manager", "auditor"];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        string? text = Current?.DefinitionText;
        if (text is null)
        {
            var title = NewConfigurationItem.TitleProblem(NewTitle, "form") is null ? NewTitle!.Trim() : FormId;
            text = string.IsNullOrEmpty(From) ? NewConfigurationItem.BlankForm(FormId, title)
                : (await catalog.LatestVersionAsync(From, ct)) is { } source ? NewConfigurationItem.Copy(source.DefinitionText, FormId, title) : null;
            if (text is null) return NotFound();
            Creating = true;
        }
        var loaded = FormLoader.Load(text, FileName);
        if (loaded.Definition is null) return Redirect($"{Root}/{FormId}/edit");
        Draft = FormDraft.From(loaded.Definition);
        await CheckAsync(ct);
        return Page();
    }

    /// <summary>Every builder button posts here; <paramref name="op"/> says which (add:0, up:0.2, remove:1.0.3...).</summary>
    public async Task<IActionResult> OnPostAsync(string? op, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (!string.IsNullOrEmpty(op)) Apply(op);
        ModelState.Clear(); // draw the draft as changed, not as posted
        await CheckAsync(ct);
        return Page();
    }

    /// <summary>The preview and problems alone, for the page's script as the admin types.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        await CheckAsync(ct);
        return Partial("_BuildCheck", this);
    }

    /// <summary>Reads the YAML box (advanced) into the builder; text that does not read stays in the box with its problems.</summary>
    public async Task<IActionResult> OnPostYamlAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        ModelState.Clear();
        var text = (Yaml ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        var loaded = FormLoader.Load(text, FileName);
        if (loaded.Definition is null)
        {
            await CheckAsync(ct);
            Yaml = text;
            Problems = new Dictionary<string, List<string>> { [""] = [.. loaded.Errors.Select(e => $"YAML line {e.Line}: {e.Message}")] };
            return Page();
        }
        Draft = FormDraft.From(loaded.Definition);
        Done = "The builder now shows the YAML you typed (comments are not kept).";
        await CheckAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        ModelState.Clear();
        await CheckAsync(ct);
        if (Creating && Current is not null)
        {
            PublishRefused = true;
            Problems = new Dictionary<string, List<string>>(Problems) { [""] = [$"Someone has published a form with the id '{FormId}' since you started this one."] };
            return Page();
        }
        if (ProblemCount > 0) { PublishRefused = true; return Page(); }
        var result = await catalog.PublishAsync(FormId, Yaml, FileName, null, ct);
        if (result.Errors.Count > 0) { PublishRefused = true; return Page(); }
        if (!result.Changed)
        {
            TempData["Notice"] = $"Nothing was published: the form is the same as version {result.Version!.Version}.";
            return Redirect(Action);
        }
        audit.Log(users.GetUserId(User)!, Current is null ? "create" : "publish", "form", FormAudit.EntityId(FormId, result.Version!.Version));
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = $"Version {result.Version.Version} of {result.Version.Title} is published. New records use it; records already started keep their version.";
        return Redirect($"{Root}/{FormId}/versions");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Current = await catalog.LatestVersionAsync(FormId, ct);
        return Current is not null || (Creating || NewTitle is not null) && NewConfigurationItem.IdProblem(FormId, "form", _ => false) is null;
    }

    private async Task CheckAsync(CancellationToken ct)
    {
        var problems = new Dictionary<string, string>();
        var definition = Draft.ToDefinition(problems);
        Yaml = FormYamlWriter.Write(definition);
        var loaded = await catalog.CheckAsync(FormId, Yaml, FileName, null, ct);
        var placed = FormControls.Place(Yaml, loaded.Errors).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (path, message) in problems)
            (placed.TryGetValue(path, out var list) ? list : placed[path] = []).Insert(0, message);
        Problems = placed;
        Definition = loaded.IsValid && problems.Count == 0 ? loaded.Definition : null;
        while (AddTypes.Count < Draft.Sections.Count) AddTypes.Add("text");
    }

    /// <summary>Changes the draft as a builder button says. Indexes come from the page; one out of range does nothing.</summary>
    private void Apply(string op)
    {
        var (verb, at) = op.IndexOf(':') is var colon and > 0 ? (op[..colon], op[(colon + 1)..].Split('.').Select(i => int.TryParse(i, out var n) ? n : -1).ToArray()) : (op, []);
        var sections = Draft.Sections;
        SectionDraft? Section(int i) => i >= 0 && i < sections.Count ? sections[i] : null;
        List<FieldDraft>? Questions(int[] a) => a.Length >= 1 && Section(a[0]) is { } s
            ? a.Length >= 3 ? (a[1] >= 0 && a[1] < s.Fields.Count ? s.Fields[a[1]].Columns : null) : s.Fields
            : null;
        var itemIndex = at.Length > 0 ? at[^1] : -1;
        switch (verb)
        {
            case "add-section":
                sections.Add(new SectionDraft { Id = UniqueId("section", sections.Select(s => s.Id)), Title = "New section", FilledBy = "anyone",
                    Fields = [new FieldDraft { Id = UniqueId("question", Draft.Questions.Select(q => q.Id)), Type = "text", Label = "New question" }] });
                Focus = Id($"Sections[{sections.Count - 1}].Title");
                Done = "Added a section at the end.";
                break;
            case "add" when Section(itemIndex) is { } s:
                var type = itemIndex < AddTypes.Count && Types.Any(t => t.Type == AddTypes[itemIndex]) ? AddTypes[itemIndex] : "text";
                s.Fields.Add(NewQuestion(type, s.FilledBy));
                Focus = Id($"Sections[{itemIndex}].Fields[{s.Fields.Count - 1}].Label");
                Done = $"Added a question to \"{s.Title}\".";
                break;
            case "add-column" when at.Length == 2 && Section(at[0]) is { } s && at[1] >= 0 && at[1] < s.Fields.Count:
                var table = s.Fields[at[1]];
                table.Columns.Add(new FieldDraft { Id = UniqueId("column", table.Columns.Select(c => c.Id)), Type = "text", Label = "New column" });
                Focus = Id($"Sections[{at[0]}].Fields[{at[1]}].Columns[{table.Columns.Count - 1}].Label");
                Done = $"Added a column to \"{table.Label}\".";
                break;
            case "up" or "down" when Questions(at) is { } list && itemIndex >= 0 && itemIndex < list.Count:
                var to = itemIndex + (verb == "up" ? -1 : 1);
                if (to >= 0 && to < list.Count)
                {
                    (list[itemIndex], list[to]) = (list[to], list[itemIndex]);
                    Focus = Id(PathOf(at, to));
                    Done = $"Moved \"{list[to].Label}\" {verb}.";
                }
                else if (at.Length == 2 && Section(at[0] + (verb == "up" ? -1 : 1)) is { } next)
                {
                    // Past the first or last question of a section: into the section before or after.
                    var moving = list[itemIndex];
                    list.RemoveAt(itemIndex);
                    if (verb == "up") next.Fields.Add(moving); else next.Fields.Insert(0, moving);
                    var si = at[0] + (verb == "up" ? -1 : 1);
                    Focus = Id($"Sections[{si}].Fields[{(verb == "up" ? next.Fields.Count - 1 : 0)}]");
                    Done = $"Moved \"{moving.Label}\" into \"{next.Title}\".";
                }
                break;
            case "duplicate" when Questions(at) is { } list && itemIndex >= 0 && itemIndex < list.Count:
                var all = Draft.Questions.Select(q => q.Id).Concat(list.Select(c => c.Id));
                list.Insert(itemIndex + 1, list[itemIndex].Copy(UniqueId(list[itemIndex].Id, all)));
                Focus = Id(PathOf(at, itemIndex + 1) + ".Label");
                Done = $"Copied \"{list[itemIndex].Label}\"; the copy follows it.";
                break;
            case "remove" when Questions(at) is { } list && itemIndex >= 0 && itemIndex < list.Count:
                Done = $"Removed \"{list[itemIndex].Label}\".";
                list.RemoveAt(itemIndex);
                Focus = "done";
                break;
            case "section-up" or "section-down" when Section(itemIndex) is not null:
                var other = itemIndex + (verb == "section-up" ? -1 : 1);
                if (Section(other) is not null)
                {
                    (sections[itemIndex], sections[other]) = (sections[other], sections[itemIndex]);
                    Focus = Id($"Sections[{other}]");
                    Done = $"Moved the section \"{sections[other].Title}\".";
                }
                break;
            case "remove-section" when Section(itemIndex) is { } s:
                sections.RemoveAt(itemIndex);
                Done = $"Removed the section \"{s.Title}\" and its questions.";
                Focus = "done";
                break;
        }
    }

    /// <summary>A new question of a type, with what the type needs to be valid (a signature is signed by whoever fills its section).</summary>
    private FieldDraft NewQuestion(string type, string filledBy)
    {
        var q = new FieldDraft { Id = UniqueId("question", Draft.Questions.Select(f => f.Id)), Type = type, Label = type == "guidance" ? "" : "New question" };
        switch (type)
        {
            case "choice" or "multiChoice": q.Options = "Option 1\nOption 2"; break;
            case "rating": q.ScaleMin = "1"; q.ScaleMax = "5"; break;
            case "ratingMatrix": q.ScaleMin = "1"; q.ScaleMax = "5"; q.Statements = "statement-1 | First statement"; break;
            case "table": q.Columns = [new FieldDraft { Id = "column-1", Type = "text", Label = "New column" }]; break;
            case "signature": q.Signer = filledBy; break;
            case "guidance": q.Markdown = "Guidance for people filling the form."; break;
        }
        return q;
    }

    private static string PathOf(int[] at, int index) =>
        at.Length >= 3 ? $"Sections[{at[0]}].Fields[{at[1]}].Columns[{index}]" : $"Sections[{at[0]}].Fields[{index}]";

    private static string UniqueId(string stem, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        for (var n = 1; ; n++) if (!used.Contains($"{stem}-{n}")) return $"{stem}-{n}";
    }

    /// <summary>An element id for a control path, as the page writes it.</summary>
    public static string Id(string path) => path.StartsWith("../", StringComparison.Ordinal) ? "b-" + Id(path[3..])[2..] : "b-" + path.Replace("].", "-", StringComparison.Ordinal).Replace('[', '-').Replace("]", "", StringComparison.Ordinal).Replace('.', '-').ToLowerInvariant();

    /// <summary>The posted name of a control: the draft's, or with ../ a page setting beside it (AddTypes).</summary>
    public static string Name(string path) => path.StartsWith("../", StringComparison.Ordinal) ? path[3..] : "Draft." + path;

    public IReadOnlyList<string> ProblemsAt(string path) => Problems.TryGetValue(path, out var list) ? list : [];

    /// <summary>Every question before this one (by path order), for a show-when picker: a condition looks at earlier answers.</summary>
    public IEnumerable<FieldDraft> EarlierQuestions(int section, int field) =>
        Draft.Sections.Take(section).SelectMany(s => s.Fields).Concat(Draft.Sections[section].Fields.Take(field))
            .Where(f => f.Type is not ("table" or "signature" or "guidance"));

    public FormView Preview() => new(Definition!, new JsonObject(), new Dictionary<string, string>(), Definition!.Sections.Select(s => s.Id).ToHashSet(),
        [], [], new Dictionary<string, string>());

    /// <summary>The problems in page order for the error summary, each with the control it links to.</summary>
    public IEnumerable<(string Href, string Message)> Summary() =>
        Problems.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value.Select(m => (p.Key.Length == 0 ? "#b-form" : "#" + Id(p.Key), m)));
}
