using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SupervisionHub.Web.Configuration;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Calendar;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Pages.Admin.Workflows;

/// <summary>
/// A tenant admin changes one rule: the definition's YAML in a text box, "Check" (every error at its
/// line, and an outline of the steps), "Try it" (the simulator over a made-up history or one real
/// supervisee's last 90 days: the journal, emails and tasks it would give), and "Publish" (a new
/// version: new runs use it, runs under way keep theirs). Works without JavaScript. A rule not yet
/// published (from "Create a rule") is edited the same way; its text lives in the page until Publish
/// makes version 1 (docs/adr/0014-creating-configuration.md).
/// </summary>
// A posted text is bounded before it is read (docs/security.md); the text's own limits give a located error below this.
[RequestSizeLimit(SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
[RequestFormLimits(ValueLengthLimit = SupervisionHub.TenantText.TenantTextLimits.EditorMaxRequestBytes)]
public sealed class EditModel(AppDbContext db, WorkflowCatalog catalog, WorkflowTryIt tryIt, ITenantContext tenant, UserManager<StaffMember> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";
    [BindProperty] public string Text { get; set; } = "";
    [BindProperty] public string Script { get; set; } = "";
    /// <summary>"script" (the text box) or "real" (a real supervisee's last 90 days).</summary>
    [BindProperty] public string History { get; set; } = "script";
    [BindProperty] public string? PersonId { get; set; }

    /// <summary>The version in force; null while the rule is being created.</summary>
    public WorkflowVersion? Current { get; private set; }

    /// <summary>Posted back by the page of a rule being created, so that a rule someone else published meanwhile under the same id is not overwritten.</summary>
    [BindProperty] public bool Creating { get; set; }

    /// <summary>A new rule's title and starting point, from "Create a rule".</summary>
    [FromQuery(Name = "title")] public string? NewTitle { get; set; }
    [FromQuery(Name = "from")] public string? From { get; set; }

    public bool IsNew => Current is null || Creating;
    public string Title => Definition?.Title ?? Current?.Title ?? NewTitle ?? Id;
    public WorkflowDefinition? Definition { get; private set; }
    public IReadOnlyList<WorkflowError> Errors { get; private set; } = [];
    /// <summary>What the check says without refusing the rule (WorkflowValidator.Warnings): school days in a year with no term dates, a site without a role's holder.</summary>
    public IReadOnlyList<WorkflowError> Warnings { get; private set; } = [];
    public IReadOnlyList<WorkflowError> ScriptErrors { get; private set; } = [];
    public string? TryProblem { get; private set; }
    public bool Checked { get; private set; }
    public TryItResult? Tried { get; private set; }
    public IReadOnlyList<TryItPerson> People { get; private set; } = [];

    /// <summary>How errors name the definition (the line is what matters).</summary>
    public string FileName => Id + ".yaml";

    public string[] Lines => Text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Current = await db.WorkflowVersions.AsNoTracking().Where(v => v.WorkflowId == Id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        // A rule being created (from "Create a rule", which gives a title, or posted back by its page) under an id that
        // could name one; any other missing rule is not found. The query filter keeps the lookup to this tenant.
        if (Current is null && !((Creating || NewTitle is not null) && NewConfigurationItem.IdProblem(Id, "rule", _ => false) is null)) return false;
        People = await tryIt.PeopleAsync(ct);
        return true;
    }

    /// <summary>A new rule's first text: the skeleton, or a copy of one of this tenant's rules in force.</summary>
    private async Task<string?> StartingTextAsync(CancellationToken ct)
    {
        var title = NewConfigurationItem.TitleProblem(NewTitle, "rule") is null ? NewTitle!.Trim() : null;
        if (string.IsNullOrEmpty(From)) return NewConfigurationItem.BlankRule(Id, title ?? Id);
        var source = await db.WorkflowVersions.AsNoTracking().Where(v => v.WorkflowId == From && v.IsCurrent).FirstOrDefaultAsync(ct);
        return source is null ? null : NewConfigurationItem.Copy(source.DefinitionText, Id, title);
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Current is not null) Text = Current.DefinitionText;
        else if (await StartingTextAsync(ct) is { } start) Text = start;
        else return NotFound();
        Script = tryIt.SampleScript();
        Definition = catalog.Check(Text, FileName, Id).Definition;
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Check();
        return Page();
    }

    public async Task<IActionResult> OnPostTryAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (!Check() || Definition is null) return Page();
        if (History == "real")
        {
            if (string.IsNullOrEmpty(PersonId) || !People.Any(p => p.StaffId == PersonId))
            {
                TryProblem = "Choose whose history to use.";
                return Page();
            }
            var real = await tryIt.RealHistoryAsync(PersonId, Definition, ct);
            if (real is not { } r)
            {
                TryProblem = "That person is not in a current supervision.";
                return Page();
            }
            Tried = await tryIt.RunAsync(Definition, r.Script, r.Settings,
                $"The last {WorkflowTryIt.HistoryDays} days of {r.Name}'s sessions ({r.Script.Sessions.Count}), with the real people around their supervision. Nothing is sent.", ct);
            return Page();
        }
        var loaded = SimulationScript.Load(Script ?? "", "script");
        if (loaded.Script is null)
        {
            ScriptErrors = loaded.Errors;
            return Page();
        }
        Tried = await tryIt.RunAsync(Definition, loaded.Script, tryIt.SampleSettings(),
            "The history in the box, with made-up people (Sam Supervisor, Pat Supervisee, Lee Manager). Nothing is sent.", ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        if (Creating && Current is not null)
        {
            Checked = true;
            Errors = [new WorkflowError(FileName, 1, 1, $"Someone has published a rule with the id '{Id}' since you started this one. Copy your text, then create the rule again with another id.")];
            Definition = catalog.Check(Text, FileName, Id).Definition;
            return Page();
        }
        var result = await catalog.PublishAsync(Text, FileName, Id, me.Id, ct);
        if (result.Errors.Count > 0)
        {
            Checked = true;
            Errors = result.Errors;
            Definition = catalog.Check(Text, FileName, Id).Definition;
            return Page();
        }
        TempData["Notice"] = result.Changed
            ? $"Version {result.Version!.Version} of \"{result.Version.Title}\" is published. New runs follow it; runs already under way finish under the version they started with."
            : "Nothing has changed, so nothing was published.";
        return Redirect($"/{tenant.Tenant.Identifier}/workflows");
    }

    /// <summary>For the page's script: the errors of the text as typed, checked as "Check" does, without a page load.</summary>
    public async Task<IActionResult> OnPostValidateAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Check();
        return new JsonResult(new
        {
            errors = Errors.Select(e => new { line = e.Line, column = e.Column, message = e.Message }),
            warnings = Warnings.Select(e => new { line = e.Line, column = e.Column, message = e.Message }),
        });
    }

    private bool Check()
    {
        Checked = true;
        (Definition, Errors) = catalog.Check(Text, FileName, Id);
        Warnings = Definition is { } d ? catalog.Warnings(d, FileName) : [];
        return Errors.Count == 0;
    }

    /// <summary>The errors written on one line (1-based).</summary>
    public IEnumerable<WorkflowError> ErrorsOn(int line) => Errors.Where(e => e.Line == line || e.Line > Lines.Length && line == Lines.Length);

    /// <summary>One step in words: what it does and to whom, for the outline.</summary>
    public static string Describe(WorkflowStep step) => step switch
    {
        SendEmailStep s => $"Send the email \"{s.Template}\" to {string.Join(", ", s.To)}{(s.Cc.Count > 0 ? ", copied to " + string.Join(", ", s.Cc) : "")}",
        RequestFormStep s => $"Ask {string.Join(", ", s.To)} to complete the form \"{s.Form}\" by email link (email \"{s.Template}\"{(s.ExpiresInDays is { } d ? $", link good for {d} days" : "")})",
        RequestBookingStep s => $"Ask {string.Join(", ", s.To)} to book their next session (email \"{s.Template}\")",
        CreateTaskStep s => $"A task for {string.Join(", ", s.For)}: \"{s.Title}\"{(s.DueInDays is { } d ? $", due in {DayKinds.Describe(d, s.DayKind)}" : "")}",
        EscalateStep s => $"Escalate to {string.Join(", ", s.To)} (email \"{s.Template}\"): {s.Reason}",
        WaitStep s => $"Wait for {s.For}{(s.Form is { } f ? $" (form \"{f}\")" : "")} on the same {s.Match.ToString().ToLowerInvariant()}{(s.Where is { } w ? $", only where {w}" : "")}{(s.Timeout is { } t ? $", for up to {DayKinds.Describe(t.Days, t.Kind)}" : s.Until is { } u ? $", until {(u.Fixed is { } n ? (n == 1 ? "1 day" : $"{n} days") : $"the days given by {u.DaysBefore}")} before the session at {u.At:HH\\:mm}" : ", with no time limit")}",
        IfStep s => $"If {s.Condition}",
        SwitchStep s => $"Depending on the value of {s.Value}",
        SetStep s => $"Set vars.{s.Name} to {s.Value}",
        NoteStep s => $"Note in the journal: \"{s.Text}\"",
        ForEachStep s => $"For each of {s.Cohort}{(s.Where is { } w ? " where " + w : "")}{(s.EachMemberOnTheirOwn ? ", each on their own (one's answer ends only their wait)" : "")}",
        _ => step.Kind,
    };

    public static string ListName(string name) => name switch
    {
        "then" => "Then",
        "else" => "Otherwise",
        "onEvent" => "When it happens",
        "onTimeout" => "When the time runs out",
        "default" => "Any other value",
        "steps" => "Steps for each",
        _ when name.StartsWith("cases/", StringComparison.Ordinal) => $"When it is {name[6..]}",
        _ => name,
    };

    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, tenant.Tenant.TimeZone).ToString("d MMM yyyy HH:mm");
}
