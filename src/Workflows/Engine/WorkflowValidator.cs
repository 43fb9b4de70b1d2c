namespace SupervisionHub.Workflows.Engine;

/// <summary>What a tenant has, for checking a definition's references: event types, email templates, tenant roles, forms.</summary>
public sealed record WorkflowEnvironment
{
    public IReadOnlySet<string> EventTypes { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> TemplateNames { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> TenantRoleIds { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> FormIds { get; init; } = new HashSet<string>();

    /// <summary>The domain events of docs/supervision.md (Events): the names of <see cref="EventNames.Sentences"/>.</summary>
    public static readonly IReadOnlySet<string> DomainEvents = new HashSet<string>(EventNames.Sentences.Keys, StringComparer.Ordinal);
}

/// <summary>
/// Checks a loaded definition against what the tenant has, located through the positions the loader
/// recorded. "Unreachable" here means a branch or loop that can never run a step: an if with neither
/// then nor else, a switch with no cases and no default, a for-each with no steps. A wait inside a
/// for-each is refused too: a for-each runs all its members at once and cannot pause.
/// </summary>
public static class WorkflowValidator
{
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
            if (code is not null && JsSandbox.SyntaxError(code) is { } problem) Error(key, problem);
        }
        void Recipients(string key, IReadOnlyList<string> words, bool inForEach)
        {
            foreach (var word in words)
            {
                if (word.StartsWith("role:", StringComparison.Ordinal))
                {
                    if (!env.TenantRoleIds.Contains(word[5..]))
                        Error(key, $"'{word}': this tenant has no role '{word[5..]}'. Its roles are: {string.Join(", ", env.TenantRoleIds.Order(StringComparer.Ordinal))}.");
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
                        : $"'{word}' is not a recipient. Use {string.Join(", ", StepCatalogue.RecipientKeywords)}, role:<role>, staff-role:<role> or address:<email>.");
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
                        if (inForEach) Error(id, "A wait cannot be inside a for-each: a for-each runs every member at once and cannot pause.");
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
}
