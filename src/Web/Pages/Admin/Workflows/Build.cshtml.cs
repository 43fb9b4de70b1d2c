using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Building;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Pages.Admin.Workflows;

/// <summary>
/// The rule builder: trigger (an event in words, or a schedule from a picker), a condition as rows
/// (or JavaScript for what rows cannot say), and steps in order with their branches, recipients and
/// templates picked from what the engine and the tenant have. Posted back whole with the action as
/// the button pressed, so it works without JavaScript and nothing typed is lost. Every post writes the
/// rule as YAML (WorkflowYamlWriter), checks it as publishing would, and shows each problem at its
/// control, "what the rule does" in words, and the YAML (advanced). Try it and Publish are the rule
/// editor's (docs/adr/0029-builders.md).
/// </summary>
[RequestFormLimits(ValueCountLimit = 20_000)]
public sealed class BuildModel(AppDbContext db, WorkflowCatalog catalog, WorkflowTryIt tryIt, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
    [FromRoute] public string Id { get; set; } = "";
    [BindProperty] public RuleDraft Draft { get; set; } = new();
    [BindProperty] public string Yaml { get; set; } = "";
    [BindProperty] public string Script { get; set; } = "";
    [BindProperty] public string History { get; set; } = "script";
    [BindProperty] public string? PersonId { get; set; }
    [BindProperty] public bool Creating { get; set; }
    [FromQuery(Name = "title")] public string? NewTitle { get; set; }

    public WorkflowVersion? Current { get; private set; }
    public bool IsNew => Current is null || Creating;
    public string Root => $"/{tenant.Tenant.Identifier}";
    public string Action => $"{Root}/admin/workflows/{Id}/build";
    public string FileName => Id + ".yaml";
    public WorkflowEnvironment Environment { get; private set; } = new();
    public IReadOnlyList<(string Id, string Name)> TenantRoles => [.. tenant.Tenant.Settings.Roles.Select(r => (r.Id, r.Name))];

    public IReadOnlyDictionary<string, List<string>> Problems { get; private set; } = new Dictionary<string, List<string>>();
    public int ProblemCount => Problems.Values.Sum(p => p.Count);
    public IReadOnlyList<WorkflowError> Warnings { get; private set; } = [];
    public WorkflowDefinition? Definition { get; private set; }
    public string? Done { get; private set; }
    public string? Focus { get; private set; }
    public bool PublishRefused { get; private set; }
    public TryItResult? Tried { get; private set; }
    public string? TryProblem { get; private set; }
    public IReadOnlyList<WorkflowError> ScriptErrors { get; private set; } = [];
    public IReadOnlyList<TryItPerson> People { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var text = Current?.DefinitionText;
        if (text is null)
        {
            var title = NewConfigurationItem.TitleProblem(NewTitle, "rule") is null ? NewTitle!.Trim() : Id;
            text = NewConfigurationItem.BlankRule(Id, title);
            Creating = true;
        }
        var loaded = WorkflowLoader.Load(text, FileName);
        if (loaded.Definition is null) return Redirect($"{Root}/admin/workflows/{Id}");
        Draft = RuleDraft.From(loaded.Definition);
        Script = tryIt.SampleScript();
        Check();
        return Page();
    }

    /// <summary>Every builder button posts here; <paramref name="op"/> says which (add:Steps[0].OnTimeout, up:Steps[1]...).</summary>
    public async Task<IActionResult> OnPostAsync(string? op, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (!string.IsNullOrEmpty(op)) Apply(op);
        ModelState.Clear();
        Check();
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Check();
        return Partial("_BuildOutline", this);
    }

    public async Task<IActionResult> OnPostYamlAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        ModelState.Clear();
        var text = (Yaml ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        var loaded = WorkflowLoader.Load(text, FileName);
        if (loaded.Definition is null)
        {
            Check();
            Yaml = text;
            Problems = new Dictionary<string, List<string>> { [""] = [.. loaded.Errors.Select(e => $"YAML line {e.Line}: {e.Message}")] };
            return Page();
        }
        Draft = RuleDraft.From(loaded.Definition);
        Done = "The builder now shows the YAML you typed (comments are not kept).";
        Check();
        return Page();
    }

    public async Task<IActionResult> OnPostTryAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        ModelState.Clear();
        if (!Check() || Definition is null) { TryProblem = "Fix the problems shown before trying the rule."; return Page(); }
        if (History == "real")
        {
            if (string.IsNullOrEmpty(PersonId) || !People.Any(p => p.StaffId == PersonId)) { TryProblem = "Choose whose history to use."; return Page(); }
            if (await tryIt.RealHistoryAsync(PersonId, Definition, ct) is not { } r) { TryProblem = "That person is not in a current supervision."; return Page(); }
            Tried = await tryIt.RunAsync(Definition, r.Script, r.Settings,
                $"The last {WorkflowTryIt.HistoryDays} days of {r.Name}'s sessions ({r.Script.Sessions.Count}), with the real people around their supervision. Nothing is sent.", ct);
            return Page();
        }
        var loaded = SimulationScript.Load(Script ?? "", "script");
        if (loaded.Script is null) { ScriptErrors = loaded.Errors; return Page(); }
        Tried = await tryIt.RunAsync(Definition, loaded.Script, tryIt.SampleSettings(),
            "The history in the box, with made-up people (Sam Supervisor, Pat Supervisee, Lee Manager). Nothing is sent.", ct);
        Focus = "try-results";
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        ModelState.Clear();
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        Check();
        if (Creating && Current is not null)
        {
            PublishRefused = true;
            Problems = new Dictionary<string, List<string>>(Problems) { [""] = [$"Someone has published a rule with the id '{Id}' since you started this one."] };
            return Page();
        }
        if (ProblemCount > 0) { PublishRefused = true; return Page(); }
        var result = await catalog.PublishAsync(Yaml, FileName, Id, me.Id, ct);
        if (result.Errors.Count > 0) { PublishRefused = true; return Page(); }
        TempData["Notice"] = result.Changed
            ? $"Version {result.Version!.Version} of \"{result.Version.Title}\" is published. New runs follow it; runs already under way finish under the version they started with."
            : "Nothing has changed, so nothing was published.";
        return Redirect($"{Root}/workflows");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Current = await db.WorkflowVersions.AsNoTracking().Where(v => v.WorkflowId == Id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        if (Current is null && !((Creating || NewTitle is not null) && NewConfigurationItem.IdProblem(Id, "rule", _ => false) is null)) return false;
        People = await tryIt.PeopleAsync(ct);
        Environment = catalog.Environment();
        return true;
    }

    private bool Check()
    {
        var problems = new Dictionary<string, string>();
        var definition = Draft.ToDefinition(problems);
        Yaml = WorkflowYamlWriter.Write(definition);
        var (checkedDefinition, errors) = catalog.Check(Yaml, FileName, Id);
        var placed = RuleControls.Place(Yaml, errors.Select(e => (e.Line, e.Column, e.Message))).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (path, message) in problems)
            (placed.TryGetValue(path, out var list) ? list : placed[path] = []).Insert(0, message);
        Problems = placed;
        Definition = errors.Count == 0 && problems.Count == 0 ? checkedDefinition : null;
        Warnings = checkedDefinition is { } d ? catalog.Warnings(d, FileName) : [];
        return Definition is not null;
    }

    /// <summary>The step list a path names ("Steps", "Steps[0].OnTimeout", "Steps[2].Cases[1].Steps"), or null.</summary>
    private List<StepDraft>? ListAt(string path)
    {
        List<StepDraft>? list = null;
        StepDraft? step = null;
        SwitchCaseDraft? @case = null;
        foreach (var segment in path.Split('.'))
        {
            var open = segment.IndexOf('[', StringComparison.Ordinal);
            var name = open < 0 ? segment : segment[..open];
            int? index = open < 0 ? null : int.TryParse(segment[(open + 1)..^1], out var n) ? n : -1;
            if (@case is not null && name == "Steps") list = @case.Steps;
            else if (step is null && list is null && name == "Steps") list = Draft.Steps;
            else if (step is not null && name == "Cases")
            {
                if (index is not { } ci || ci < 0 || ci >= step.Cases.Count) return null;
                @case = step.Cases[ci];
                step = null;
                continue;
            }
            else if (step is not null) list = step.Lists().FirstOrDefault(l => l.Property == name).Steps;
            else return null;
            if (list is null) return null;
            @case = null;
            step = null;
            if (index is { } i)
            {
                if (i < 0 || i >= list.Count) return null;
                step = list[i];
                list = null;
            }
        }
        return list;
    }

    private StepDraft? StepAt(string path)
    {
        var cut = path.LastIndexOf('[');
        return cut > 0 && ListAt(path[..cut]) is { } list && int.TryParse(path[(cut + 1)..^1], out var i) && i >= 0 && i < list.Count ? list[i] : null;
    }

    private ConditionDraft? ConditionAt(string path) =>
        path == "Condition" ? Draft.Condition : path.EndsWith(".Condition", StringComparison.Ordinal) && StepAt(path[..^".Condition".Length]) is { } s ? s.Condition : null;

    private IEnumerable<string> AllStepIds() => Flatten(Draft.Steps).Select(s => s.Id);

    private static IEnumerable<StepDraft> Flatten(IEnumerable<StepDraft> steps) =>
        steps.SelectMany(s => s.Lists().SelectMany(l => Flatten(l.Steps)).Prepend(s));

    private void Apply(string op)
    {
        var colon = op.IndexOf(':');
        var verb = colon > 0 ? op[..colon] : op;
        var path = colon > 0 ? op[(colon + 1)..] : "";
        var cut = path.LastIndexOf('[');
        var (listPath, index) = cut > 0 && int.TryParse(path[(cut + 1)..^1], out var n) ? (path[..cut], n) : (path, -1);
        switch (verb)
        {
            case "add" when ListAt(path) is { } list:
                var kind = Request.Form["add-kind:" + path].ToString();
                if (!StepCatalogue.Kinds.ContainsKey(kind)) kind = "send-email";
                list.Add(NewStep(kind));
                Focus = Dom($"{path}[{list.Count - 1}].Id");
                Done = $"Added the step \"{StepCatalogue.KindWords[kind]}\".";
                break;
            case "up" or "down" when ListAt(listPath) is { } list && index >= 0 && index < list.Count:
                var to = index + (verb == "up" ? -1 : 1);
                if (to < 0 || to >= list.Count) break;
                (list[index], list[to]) = (list[to], list[index]);
                Focus = Dom($"{listPath}[{to}]");
                Done = $"Moved the step {list[to].Id} {verb}.";
                break;
            case "duplicate" when ListAt(listPath) is { } list && index >= 0 && index < list.Count:
                var copy = StepDraft.From(list[index].ToStep("", new Dictionary<string, string>()));
                var taken = AllStepIds().ToHashSet(StringComparer.Ordinal);
                foreach (var s in Flatten([copy])) s.Id = Unique(s.Id, taken);
                list.Insert(index + 1, copy);
                Focus = Dom($"{listPath}[{index + 1}]");
                Done = $"Copied the step {list[index].Id}; the copy follows it.";
                break;
            case "remove" when ListAt(listPath) is { } list && index >= 0 && index < list.Count:
                Done = $"Removed the step {list[index].Id}.";
                list.RemoveAt(index);
                Focus = "done";
                break;
            case "add-row" when ConditionAt(path) is { } c:
                c.Mode = "rows";
                c.Rows.Add(new ConditionRow());
                Focus = Dom($"{path}.Rows[{c.Rows.Count - 1}].What");
                break;
            case "remove-row" when ConditionAt(listPath[..^".Rows".Length]) is { } c && index >= 0 && index < c.Rows.Count:
                c.Rows.RemoveAt(index);
                Focus = Dom(listPath[..^".Rows".Length]);
                Done = "Removed the row.";
                break;
            case "add-case" when StepAt(path) is { } s:
                s.Cases.Add(new SwitchCaseDraft { Value = "value-" + (s.Cases.Count + 1) });
                Focus = Dom($"{path}.Cases[{s.Cases.Count - 1}].Value");
                break;
            case "pick" when path.EndsWith(".To", StringComparison.Ordinal) || path.EndsWith(".Cc", StringComparison.Ordinal):
                var picked = Request.Form["pick:" + path].ToString();
                if (picked.Length == 0 || StepAt(path[..path.LastIndexOf('.')]) is not { } step) break;
                if (picked == "address:") picked = "address:" + Request.Form["pick-address:" + path].ToString().Trim();
                var cc = path.EndsWith(".Cc", StringComparison.Ordinal);
                var current = (cc ? step.Cc : step.To) ?? "";
                var updated = current.Trim().Length == 0 ? picked : current.TrimEnd().TrimEnd(',') + ", " + picked;
                if (cc) step.Cc = updated; else step.To = updated;
                Focus = Dom(path);
                Done = $"Added {picked}.";
                break;
        }
    }

    private StepDraft NewStep(string kind)
    {
        var taken = AllStepIds().ToHashSet(StringComparer.Ordinal);
        var step = new StepDraft { Id = Unique(kind switch { "if" => "check", "for-each" => "each", _ => kind }, taken), Kind = kind };
        if (kind == "note") step.Text = "Noted";
        if (kind == "wait") { step.WaitFor = EventNames.SessionBooked; step.TimeoutDays = "10"; step.TimeoutKind = "working"; }
        if (kind is "send-email" or "escalate" or "request-form" or "request-booking") step.Template = Environment.TemplateNames.Order(StringComparer.Ordinal).FirstOrDefault();
        if (kind == "if") step.Condition.Rows.Add(new ConditionRow());
        return step;
    }

    private static string Unique(string stem, HashSet<string> taken)
    {
        if (taken.Add(stem)) return stem;
        for (var i = 2; ; i++) if (taken.Add($"{stem}-{i}")) return $"{stem}-{i}";
    }

    public static string Dom(string path) => "r-" + path.Replace("].", "-", StringComparison.Ordinal).Replace('[', '-').Replace("]", "", StringComparison.Ordinal).Replace('.', '-').ToLowerInvariant();

    public static string Name(string path) => "Draft." + path;

    public IReadOnlyList<string> ProblemsAt(string path) => Problems.TryGetValue(path, out var list) ? list : [];

    public IEnumerable<(string Href, string Message)> Summary() =>
        Problems.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value.Select(m => (p.Key.Length == 0 ? "#r-rule" : "#" + Dom(p.Key), m)));

    /// <summary>Recipients the picker offers: the engine's keywords, the tenant's roles, staff roles, and an address.</summary>
    public IEnumerable<(string Value, string Words)> RecipientChoices() =>
        StepCatalogue.RecipientWords.Select(r => (r.Key, r.Value))
            .Concat(TenantRoles.Select(r => ($"role:{r.Id}", $"everyone with the role {r.Name}")))
            .Concat(TenantRoles.SelectMany(r => StepCatalogue.SiteAnchors.Keys.Where(a => a is "supervisee-site" or "supervisor-site").Select(a => ($"role:{r.Id}@{a}", $"{r.Name} at the {a.Replace("-site", "", StringComparison.Ordinal)}'s site"))))
            .Concat(StepCatalogue.StaffRoles.Select(r => ($"staff-role:{r}", $"every {r.Replace('-', ' ')}")))
            .Append(("address:", "an email address (type it beside)"));

    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm");
}
