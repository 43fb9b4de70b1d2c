using System.Globalization;
using SupervisionHub.Forms.Definitions;

namespace SupervisionHub.Forms.Building;

/// <summary>
/// A form as the builder edits it: plain, settable text and lists that a page posts back whole, so
/// nothing typed is lost when it does not yet make a valid definition. From() reads a definition;
/// ToDefinition() builds one (noting text that is not a number at its control), which
/// FormYamlWriter writes and FormLoader checks. Lists inside a question are one item a line
/// ("value | label" for options, "id | text" for statements, "1 | Poor" for scale labels).
/// </summary>
public sealed class FormDraft
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string Purpose { get; set; } = "record";
    public string? Description { get; set; }
    public string? Source { get; set; }
    public bool Anonymous { get; set; }
    public string? Guidance { get; set; }
    public string? SessionSupervisor { get; set; }
    public string? SessionSupervisee { get; set; }
    public string? SessionDate { get; set; }
    public string? SessionDuration { get; set; }
    public string? SessionMembers { get; set; }
    public string? ActionsTable { get; set; }
    public string? ActionsText { get; set; }
    public string? ActionsOwner { get; set; }
    public string? ActionsDue { get; set; }

    /// <summary>The child's file output (childFile:): the case reference question, the date question, and the decisions one a line.</summary>
    public string? ChildFileCaseReference { get; set; }
    public string? ChildFileDate { get; set; }
    public string? ChildFileDecisions { get; set; }
    public List<SectionDraft> Sections { get; set; } = [];

    public IEnumerable<FieldDraft> Questions => Sections.SelectMany(s => s.Fields);

    public static FormDraft From(FormDefinition d) => new()
    {
        Id = d.Id, Title = d.Title, Purpose = FormYamlWriter.Name(d.Purpose), Description = d.Description, Source = d.Source,
        Anonymous = d.Anonymous, Guidance = d.Guidance,
        SessionSupervisor = d.Session?.Supervisor, SessionSupervisee = d.Session?.Supervisee, SessionDate = d.Session?.Date,
        SessionDuration = d.Session?.Duration, SessionMembers = d.Session?.Members,
        ActionsTable = d.Session?.Actions?.Table, ActionsText = d.Session?.Actions?.Text, ActionsOwner = d.Session?.Actions?.Owner, ActionsDue = d.Session?.Actions?.Due,
        ChildFileCaseReference = d.ChildFile?.CaseReference, ChildFileDate = d.ChildFile?.Date,
        ChildFileDecisions = d.ChildFile is { } c ? string.Join("\n", c.Decisions) : null,
        Sections = [.. d.Sections.Select(s => new SectionDraft
        {
            Id = s.Id, Title = s.Title, FilledBy = FormYamlWriter.Name(s.FilledBy), Help = s.Help, Fields = [.. s.Fields.Select(FieldDraft.From)],
        })],
    };

    /// <summary>The definition this draft says. Text that cannot be read (a number that is not one) is left out and noted in <paramref name="problems"/> by its control's path.</summary>
    public FormDefinition ToDefinition(IDictionary<string, string>? problems = null)
    {
        var p = problems ?? new Dictionary<string, string>();
        var hasSession = new[] { SessionSupervisor, SessionSupervisee, SessionDate, SessionDuration, SessionMembers, ActionsTable }.Any(v => !string.IsNullOrWhiteSpace(v));
        return new FormDefinition
        {
            Id = Id.Trim(), Title = Title.Trim(), Purpose = Parse(Purpose, FormPurpose.Record),
            Description = Blank(Description), Source = Blank(Source), Anonymous = Anonymous, Guidance = Blank(Guidance),
            Session = !hasSession ? null : new SessionLinks
            {
                Supervisor = Blank(SessionSupervisor), Supervisee = Blank(SessionSupervisee), Date = Blank(SessionDate),
                Duration = Blank(SessionDuration), Members = Blank(SessionMembers),
                Actions = Blank(ActionsTable) is { } table ? new ActionLinks(table, Blank(ActionsText) ?? "", Blank(ActionsOwner), Blank(ActionsDue)) : null,
            },
            ChildFile = Blank(ChildFileCaseReference) is not { } caseRef ? null : new ChildFileLinks
            {
                CaseReference = caseRef.Trim(), Date = Blank(ChildFileDate)?.Trim(),
                Decisions = [.. (ChildFileDecisions ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            },
            Sections = [.. Sections.Select((s, si) => new FormSection
            {
                Id = s.Id.Trim(), Title = s.Title.Trim(), FilledBy = Parse(s.FilledBy, Filler.Anyone), Help = Blank(s.Help),
                Fields = [.. s.Fields.Select((f, fi) => f.ToDefinition($"Sections[{si}].Fields[{fi}]", p))],
            })],
        };
    }

    internal static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Replace("\r\n", "\n", StringComparison.Ordinal);

    internal static T Parse<T>(string? name, T fallback) where T : struct, Enum =>
        Enum.TryParse<T>((name ?? "").Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var v) && Enum.IsDefined(v) ? v : fallback;
}

public sealed class SectionDraft
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string FilledBy { get; set; } = "anyone";
    public string? Help { get; set; }
    public List<FieldDraft> Fields { get; set; } = [];
}

public sealed class FieldDraft
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "text";
    public string? Label { get; set; }
    public string? Hint { get; set; }
    public string? Help { get; set; }
    public bool Required { get; set; }

    /// <summary>Show-when, from the picker: another question, a test (equals, in, notEmpty), a value (for "in", one a line).</summary>
    public string? WhenField { get; set; }
    public string WhenTest { get; set; } = "equals";
    public string? WhenValue { get; set; }

    public string? MaxLength { get; set; }
    public string? Pattern { get; set; }
    public string? PatternMessage { get; set; }
    /// <summary>For numbers a number; for dates today, -30d, +1y or a date.</summary>
    public string? Min { get; set; }
    public string? Max { get; set; }
    public bool Integer { get; set; } = true;
    public string? Unit { get; set; }
    public bool Comments { get; set; }
    public string? Options { get; set; }
    public string? MinSelected { get; set; }
    public string? MaxSelected { get; set; }
    public string? ScaleMin { get; set; }
    public string? ScaleMax { get; set; }
    public string? ScaleLabels { get; set; }
    public string? Statements { get; set; }
    public List<string> Roles { get; set; } = [];
    public List<FieldDraft> Columns { get; set; } = [];
    public string? MinRows { get; set; }
    public string? MaxRows { get; set; }
    public string? AddLabel { get; set; }
    public string? RowLabel { get; set; }
    public string? Signer { get; set; }
    public string? Markdown { get; set; }

    public FieldType FieldType => FormDraft.Parse(Type, FieldType.Text);

    /// <summary>Whether a type takes a setting (FormLoader.TypeKeys, the one list), so the page shows only what applies.</summary>
    public bool Takes(string key) => FormLoader.TypeKeys[FieldType].Contains(key);

    public FieldDraft Copy(string newId) => From(ToDefinition("", new Dictionary<string, string>()) with { Id = newId });

    public static FieldDraft From(FieldDefinition f) => new()
    {
        Id = f.Id, Type = FormYamlWriter.TypeName(f.Type), Label = f.Label, Hint = f.Hint, Help = f.Help, Required = f.Required,
        WhenField = f.ShowWhen?.Field,
        WhenTest = f.ShowWhen switch { { NotEmpty: true } => "notEmpty", { In: not null } => "in", _ => "equals" },
        WhenValue = f.ShowWhen switch { { In: { } list } => string.Join("\n", list), { EqualTo: { } v } => v, _ => null },
        MaxLength = Text(f.MaxLength), Pattern = f.Pattern, PatternMessage = f.PatternMessage,
        Min = f.Type == FieldType.Date ? f.DateMin : Text(f.Min), Max = f.Type == FieldType.Date ? f.DateMax : Text(f.Max),
        Integer = f.WholeNumber, Unit = f.Unit, Comments = f.Comments,
        Options = f.Options.Count == 0 ? null : string.Join("\n", f.Options.Select(o => o.Value == o.Label ? o.Value : $"{o.Value} | {o.Label}")),
        MinSelected = Text(f.MinSelected), MaxSelected = Text(f.MaxSelected),
        ScaleMin = Text(f.Scale?.Min), ScaleMax = Text(f.Scale?.Max),
        ScaleLabels = f.Scale is { Labels.Count: > 0 } s ? string.Join("\n", s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key} | {l.Value}")) : null,
        Statements = f.Statements.Count == 0 ? null : string.Join("\n", f.Statements.Select(st => $"{st.Id} | {st.Text}")),
        Roles = [.. f.Roles], Columns = [.. f.Columns.Select(From)],
        MinRows = Text(f.MinRows), MaxRows = Text(f.MaxRows), AddLabel = f.AddLabel, RowLabel = f.RowLabel,
        Signer = f.Signer is { } signer ? FormYamlWriter.Name(signer) : null, Markdown = f.Markdown,
    };

    public FieldDefinition ToDefinition(string path, IDictionary<string, string> problems)
    {
        var type = FieldType;
        int? Int(string? text, string key)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
            problems.TryAdd($"{path}.{key}", "Enter a whole number, like 3.");
            return null;
        }
        decimal? Dec(string? text, string key)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var n)) return n;
            problems.TryAdd($"{path}.{key}", "Enter a number, like 10 or 2.5.");
            return null;
        }
        var hasScale = !string.IsNullOrWhiteSpace(ScaleMin) || !string.IsNullOrWhiteSpace(ScaleMax) || type is FieldType.Rating or FieldType.RatingMatrix;
        var scaleMin = Int(ScaleMin, nameof(ScaleMin)) ?? 1;
        var scaleMax = Int(ScaleMax, nameof(ScaleMax)) ?? 5;
        var labels = new Dictionary<int, string>();
        foreach (var (key, value) in Pairs(ScaleLabels))
        {
            if (int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var point)) labels[point] = value;
            else problems.TryAdd($"{path}.{nameof(ScaleLabels)}", $"Start each line with the point it labels, like \"1 | Poor\"; '{key}' is not a number.");
        }
        return new FieldDefinition
        {
            Id = Id.Trim(), Type = type, Label = (Label ?? "").Trim(), Hint = FormDraft.Blank(Hint), Help = FormDraft.Blank(Help),
            Required = Required,
            ShowWhen = FormDraft.Blank(WhenField) is { } when
                ? WhenTest switch
                {
                    "notEmpty" => new Condition(when, null, null, true),
                    "in" => new Condition(when, null, Lines(WhenValue).ToList(), false),
                    _ => new Condition(when, (WhenValue ?? "").Trim(), null, false),
                }
                : null,
            MaxLength = Takes("maxLength") ? Int(MaxLength, nameof(MaxLength)) : null,
            Pattern = Takes("pattern") ? FormDraft.Blank(Pattern) : null,
            PatternMessage = Takes("patternMessage") ? FormDraft.Blank(PatternMessage) : null,
            Min = type == FieldType.Number ? Dec(Min, nameof(Min)) : null,
            Max = type == FieldType.Number ? Dec(Max, nameof(Max)) : null,
            WholeNumber = type != FieldType.Number || Integer,
            Unit = type == FieldType.Number ? FormDraft.Blank(Unit) : null,
            DateMin = type == FieldType.Date ? FormDraft.Blank(Min) : null,
            DateMax = type == FieldType.Date ? FormDraft.Blank(Max) : null,
            Comments = Takes("comments") && Comments,
            Options = Takes("options") ? [.. Lines(Options).Select(l => l.Split(" | ", 2) is [var v, var label] ? new ChoiceOption(v.Trim(), label.Trim()) : new ChoiceOption(l, l))] : [],
            MinSelected = Takes("minSelected") ? Int(MinSelected, nameof(MinSelected)) : null,
            MaxSelected = Takes("maxSelected") ? Int(MaxSelected, nameof(MaxSelected)) : null,
            Scale = Takes("scale") && hasScale ? new RatingScale(scaleMin, scaleMax, labels) : null,
            Statements = Takes("statements") ? [.. Pairs(Statements).Select(s => new Statement(s.Key, s.Value))] : [],
            Roles = Takes("roles") ? [.. Roles.Where(r => !string.IsNullOrWhiteSpace(r))] : [],
            Columns = Takes("columns") ? [.. Columns.Select((c, ci) => c.ToDefinition($"{path}.Columns[{ci}]", problems))] : [],
            MinRows = Takes("minRows") ? Int(MinRows, nameof(MinRows)) : null,
            MaxRows = Takes("maxRows") ? Int(MaxRows, nameof(MaxRows)) : null,
            AddLabel = Takes("addLabel") ? FormDraft.Blank(AddLabel) : null,
            RowLabel = Takes("rowLabel") ? FormDraft.Blank(RowLabel) : null,
            Signer = Takes("signer") && FormDraft.Blank(Signer) is { } signer ? FormDraft.Parse(signer, Filler.Anyone) : null,
            Markdown = Takes("markdown") ? FormDraft.Blank(Markdown) : null,
        };
    }

    private static string? Text(int? n) => n?.ToString(CultureInfo.InvariantCulture);
    private static string? Text(decimal? n) => n?.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string? text) =>
        Lines(text).Select(l => l.Split(" | ", 2) is [var k, var v] ? new KeyValuePair<string, string>(k.Trim(), v.Trim()) : new(l, ""));
}
