using System.Text.RegularExpressions;

namespace SupervisionHub.Workflows.Engine;

/// <summary>What a tenant has, for checking a definition's references: event types, email templates, tenant roles, forms.</summary>
public sealed record WorkflowEnvironment
{
    public IReadOnlySet<string> EventTypes { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> TemplateNames { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> TenantRoleIds { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> FormIds { get; init; } = new HashSet<string>();

    /// <summary>For each tenant role held per site, the sites that have a holder (tenant.yaml roles[].sites).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> RoleSites { get; init; } = new Dictionary<string, IReadOnlySet<string>>();

    /// <summary>The tenant's sites (tenant.yaml sites).</summary>
    public IReadOnlyList<string> Sites { get; init; } = [];

    /// <summary>The tenant's term dates and year start, and today, for the warnings about school days (null: not known, no warnings).</summary>
    public Supervision.SchoolCalendar? Calendar { get; init; }
    public DateOnly? Today { get; init; }

    /// <summary>
    /// The names under tenant.settings a rule may read (null: not known, not checked). A name that is
    /// not there reads as undefined, which a wait's daysBefore takes as "none": a typo would switch
    /// reminders off without a word, so the check refuses it.
    /// </summary>
    public IReadOnlySet<string>? SettingNames { get; init; }

    /// <summary>The domain events of docs/supervision.md (Events): <see cref="EventNames"/>.</summary>
    public static IReadOnlySet<string> DomainEvents => EventNames.Set;
}

/// <summary>
/// Checks a loaded definition against what the tenant has, located through the positions the loader
/// recorded. "Unreachable" here means a branch or loop that can never run a step: an if with neither
/// then nor else, a switch with no cases and no default, a for-each with no steps. A wait inside a
/// for-each makes each member's steps a run of their own (<see cref="ForEachStep.EachMemberOnTheirOwn"/>).
/// </summary>
public static partial class WorkflowValidator
{
    /// <summary>tenant.settings.name or tenant.settings["name"] / ['name'] in a rule's JavaScript.</summary>
    [GeneratedRegex("""\btenant\s*\.\s*settings\s*(?:\.\s*(?<dot>[A-Za-z_$][\w$]*)|\[\s*["'](?<key>[^"'\\]*)["']\s*\])""")]
    private static partial Regex SettingReference();

    public static IReadOnlyList<WorkflowError> Validate(WorkflowDefinition definition, WorkflowEnvironment env, string file)
    {
        var errors = new List<WorkflowError>();
        void Error(string key, string message)
        {
            var p = definition.PositionOf(key);
            errors.Add(new WorkflowError(file, p.Line, p.Column, message));
        }
        void Script(string key, string? code)
        {
            if (code is null) return;
            if (JsSandbox.SyntaxError(code) is { } problem) { Error(key, problem); return; }
            if (env.SettingNames is not { } names) return;
            foreach (Match m in SettingReference().Matches(code))
            {
                var name = m.Groups["dot"].Success ? m.Groups["dot"].Value : m.Groups["key"].Value;
                if (!names.Contains(name))
                    Error(key, $"tenant.settings has no '{name}'. The settings a rule can read are: {string.Join(", ", names.Order(StringComparer.Ordinal))}.");
            }
        }
        void Recipients(string key, IReadOnlyList<string> words, bool inForEach)
        {
            foreach (var word in words)
            {
                if (word.StartsWith("role:", StringComparison.Ordinal))
                {
                    var (role, anchor) = StepCatalogue.RoleAndSite(word);
                    if (!env.TenantRoleIds.Contains(role))
                        Error(key, $"'{word}': this tenant has no role '{role}'. Its roles are: {string.Join(", ", env.TenantRoleIds.Order(StringComparer.Ordinal))}.");
                    else if (anchor is not null && !StepCatalogue.SiteAnchors.ContainsKey(anchor))
                        Error(key, $"'{word}': '{anchor}' is not a site to take the role at. Use role:{role}@{string.Join($", role:{role}@", StepCatalogue.SiteAnchors.Keys)}.");
                    else if (anchor == "item-site" && !inForEach) Error(key, $"'{word}': item-site is the site of someone inside a for-each.");
                    else if (anchor is not null && !env.RoleSites.ContainsKey(role))
                        Error(key, $"'{word}': the role '{role}' is not held per site; give it holders at each site (roles: sites: in the settings), or name role:{role}.");
                }
                else if (word.StartsWith("staff-role:", StringComparison.Ordinal))
                {
                    if (!StepCatalogue.StaffRoles.Contains(word[11..]))
                        Error(key, $"'{word}': there is no staff role '{word[11..]}'. Use one of: {string.Join(", ", StepCatalogue.StaffRoles)}.");
                }
                else if (word.StartsWith("address:", StringComparison.Ordinal))
                {
                    var address = word[8..];
                    if (address.Length < 3 || address.IndexOf('@', StringComparison.Ordinal) is var at && (at <= 0 || at == address.Length - 1))
                        Error(key, $"'{word}' is not an email address.");
                }
                else if (word == "item" && !inForEach) Error(key, "'item' is only someone inside a for-each.");
                else if (!StepCatalogue.RecipientKeywords.Contains(word))
                {
                    var suggestion = StepCatalogue.RecipientKeywords.MinBy(k => WorkflowLoader.Distance(k, word));
                    Error(key, suggestion is not null && WorkflowLoader.Distance(suggestion, word) <= 3
                        ? $"'{word}' is not a recipient. Did you mean '{suggestion}'?"
                        : $"'{word}' is not a recipient. Use {string.Join(", ", StepCatalogue.RecipientKeywords)}, role:<role>, role:<role>@supervisee-site, staff-role:<role> or address:<email>.");
                }
            }
        }
        void Template(string key, string template)
        {
            if (!env.TemplateNames.Contains(template)) Error(key, $"There is no email template '{template}' (emails/{template}.md) in this tenant.");
        }
        void Event(string key, string type, string what)
        {
            if (!env.EventTypes.Contains(type))
            {
                var suggestion = env.EventTypes.MinBy(e => WorkflowLoader.Distance(e, type));
                Error(key, $"'{type}' is not an event {what}." + (suggestion is not null && WorkflowLoader.Distance(suggestion, type) <= 3 ? $" Did you mean '{suggestion}'?" : ""));
            }
        }

        if (definition.Trigger.Event is { } evt) Event("trigger.event", evt, "this service raises");
        Script("condition", definition.Condition);

        void Walk(IReadOnlyList<WorkflowStep> steps, bool inForEach)
        {
            foreach (var step in steps)
            {
                var id = step.Id;
                switch (step)
                {
                    case SendEmailStep s: Recipients($"{id}.to", s.To, inForEach); Recipients($"{id}.cc", s.Cc, inForEach); Template($"{id}.template", s.Template); break;
                    case RequestFormStep s:
                        Recipients($"{id}.to", s.To, inForEach);
                        Template($"{id}.template", s.Template);
                        if (!env.FormIds.Contains(s.Form)) Error($"{id}.form", $"There is no form '{s.Form}' in this tenant.");
                        break;
                    case RequestBookingStep s: Recipients($"{id}.to", s.To, inForEach); Template($"{id}.template", s.Template); break;
                    case CreateTaskStep s: Recipients($"{id}.for", s.For, inForEach); break;
                    case EscalateStep s: Recipients($"{id}.to", s.To, inForEach); Template($"{id}.template", s.Template); break;
                    case WaitStep s:
                        Event($"{id}.for", s.For, "to wait for");
                        if (s.Form is { } waitForm)
                        {
                            if (!s.For.StartsWith("record.", StringComparison.Ordinal)) Error($"{id}.form", $"Only a record event has a form: '{s.For}' has none, so this wait would never end.");
                            else if (!env.FormIds.Contains(waitForm)) Error($"{id}.form", $"There is no form '{waitForm}' in this tenant.");
                        }
                        Script($"{id}.where", s.Where);
                        if (s.Until is { } until)
                        {
                            if (definition.Trigger.Event is not { } started || !EventNames.IsAboutASession(started))
                                Error($"{id}.until", $"A wait until a time before the session needs a rule that starts when something happens to a session; this one starts {(definition.Trigger.Event is { } other ? "when " + EventNames.Describe(other) : "on a schedule")}, which has no session day.");
                            if (until.Fixed is { } days) { if (days > WaitUntil.MaxDaysBefore) Error($"{id}.until", $"daysBefore must be from 0 to {WaitUntil.MaxDaysBefore} days; it is {days}."); }
                            else if (until.DaysBefore.StartsWith('-')) Error($"{id}.until", "daysBefore cannot be negative: a reminder goes before the session.");
                            else Script($"{id}.until", until.DaysBefore);
                        }
                        break;
                    case IfStep s:
                        Script($"{id}.condition", s.Condition);
                        if (s.Then.Count == 0 && s.Else.Count == 0) Error(id, "This if has no steps under then or else, so nothing it decides can happen.");
                        break;
                    case SwitchStep s:
                        Script($"{id}.value", s.Value);
                        if (s.Cases.Count == 0 && s.Default.Count == 0) Error(id, "This switch has no cases and no default, so nothing it decides can happen.");
                        break;
                    case SetStep s:
                        Script($"{id}.value", s.Value);
                        if (!System.Text.RegularExpressions.Regex.IsMatch(s.Name, "^[A-Za-z_][A-Za-z0-9_]*$"))
                            Error($"{id}.name", $"'{s.Name}' cannot be read as vars.{s.Name}; use letters, digits and _, like missedCount.");
                        break;
                    case NoteStep s:
                        if (LiquidText.SyntaxError(s.Text) is { } liquid) Error($"{id}.text", liquid);
                        break;
                    case ForEachStep s:
                        Script($"{id}.where", s.Where);
                        if (!StepCatalogue.CohortKeywords.Contains(s.Cohort) && !s.Cohort.StartsWith("role:", StringComparison.Ordinal))
                            Error($"{id}.cohort", $"'{s.Cohort}' is not a cohort. Use {string.Join(", ", StepCatalogue.CohortKeywords)} or role:<role>.");
                        else if (s.Cohort.StartsWith("role:", StringComparison.Ordinal) && !env.TenantRoleIds.Contains(s.Cohort[5..]))
                            Error($"{id}.cohort", $"'{s.Cohort}': this tenant has no role '{s.Cohort[5..]}'.");
                        if (s.Steps.Count == 0) Error(id, "This for-each has no steps to run for each member.");
                        break;
                }
                foreach (var (_, inner) in step.StepLists()) Walk(inner, inForEach || step is ForEachStep);
            }
        }
        Walk(definition.Steps, false);
        return errors;
    }

    /// <summary>
    /// What the rule editor says without refusing the rule: school days counted in a year with no
    /// term dates (counted as working days there), and a site-held role with nobody at some site
    /// (a step naming it for someone there would have nobody to write to).
    /// </summary>
    public static IReadOnlyList<WorkflowError> Warnings(WorkflowDefinition definition, WorkflowEnvironment env, string file)
    {
        var warnings = new List<WorkflowError>();
        void Warn(string key, string message)
        {
            var p = definition.PositionOf(key);
            warnings.Add(new WorkflowError(file, p.Line, p.Column, message));
        }
        var steps = definition.AllSteps().ToList();
        if (env.Calendar is { } calendar && env.Today is { } today)
        {
            var school = steps.FirstOrDefault(s => s is WaitStep { Timeout.Kind: Calendar.DayKind.School } or CreateTaskStep { DayKind: Calendar.DayKind.School });
            if (school is not null)
            {
                var years = new[] { calendar.AcademicYear(today), calendar.AcademicYear(calendar.AcademicYear(today).End.AddDays(1)) };
                var missing = years.Where(y => !calendar.HasTermsInYear(y.Start)).Select(y => y.Name).ToList();
                if (missing.Count > 0)
                    Warn(school is WaitStep ? $"{school.Id}.timeout" : $"{school.Id}.dueInDays",
                        $"This rule counts school days, but the organisation has no term dates for {string.Join(" or ", missing)}: school days there are counted as working days until the term dates are added in the settings.");
            }
        }
        foreach (var step in steps)
        {
            var words = step switch
            {
                SendEmailStep s => s.To.Concat(s.Cc), RequestFormStep s => s.To, RequestBookingStep s => s.To,
                CreateTaskStep s => s.For, EscalateStep s => s.To, _ => [],
            };
            foreach (var word in words.Where(w => w.StartsWith("role:", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
            {
                if (StepCatalogue.RoleAndSite(word) is not (var role, { }) || !env.RoleSites.TryGetValue(role, out var held)) continue;
                var without = env.Sites.Where(site => !held.Contains(site, StringComparer.OrdinalIgnoreCase)).ToList();
                if (without.Count > 0)
                    Warn(step.Id, $"'{word}': nobody holds '{role}' at {string.Join(", ", without)}; for someone there this step would have nobody to write to.");
            }
        }
        return warnings;
    }
}
