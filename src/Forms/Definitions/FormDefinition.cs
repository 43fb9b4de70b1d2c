namespace SupervisionHub.Forms.Definitions;

/// <summary>A form template as a tenant defines it (tenants/&lt;slug&gt;/forms/&lt;id&gt;.yaml). Immutable once loaded.</summary>
public sealed record FormDefinition
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public FormPurpose Purpose { get; init; }
    public string? Description { get; init; }
    public string? Source { get; init; }

    /// <summary>Answers are stored with no identity (river-tees' audit questionnaire allows no name).</summary>
    public bool Anonymous { get; init; }

    /// <summary>Id of a guidance form shown beside this one while it is filled.</summary>
    public string? Guidance { get; init; }

    /// <summary>Which fields the service fills from a supervision session, and which table holds the actions it follows up.</summary>
    public SessionLinks? Session { get; init; }

    /// <summary>Whether, and from which fields, records of this form give a "for the child's file" output (the <c>childFile:</c> block).</summary>
    public ChildFileLinks? ChildFile { get; init; }

    public required IReadOnlyList<FormSection> Sections { get; init; }

    public IEnumerable<FieldDefinition> Fields => Sections.SelectMany(s => s.Fields);

    public FieldDefinition? Field(string id) => Fields.FirstOrDefault(f => f.Id == id);
}

/// <summary>
/// How a form ties to a supervision session (the <c>session:</c> block). Named fields are filled
/// from the session when a record is started, so nobody retypes who met and when; the actions
/// table is read on submit so each agreed action is followed up and carried into the next session.
/// </summary>
public sealed record SessionLinks
{
    public string? Supervisor { get; init; }
    public string? Supervisee { get; init; }
    public string? Date { get; init; }

    /// <summary>A number field filled with the session's length in minutes.</summary>
    public string? Duration { get; init; }

    /// <summary>A table whose person column lists the group's members (group records).</summary>
    public string? Members { get; init; }
    public ActionLinks? Actions { get; init; }
}

/// <summary>
/// The <c>childFile:</c> block: a record of this form gives a summary to attach to, or paste into,
/// the child's case file (CPOMS, MyConcern), so nobody copies case decisions by hand. It names the
/// case reference field, or <c>table.column</c> when a table holds one case per row (one summary
/// per row); the date shown; and the fields, or columns of that table, that make up the decisions.
/// Only what is named goes out: the rest of the record (wellbeing, performance) stays in it.
/// </summary>
public sealed record ChildFileLinks
{
    public required string CaseReference { get; init; }

    /// <summary>A date field; without it the session's date field (<c>session.date</c>), else the day the record was submitted.</summary>
    public string? Date { get; init; }

    /// <summary>Field ids, or <c>table.column</c> of the case table, in the order they are written out.</summary>
    public required IReadOnlyList<string> Decisions { get; init; }

    /// <summary>The table whose rows are the cases, when the case reference is a column.</summary>
    public string? CaseTable => CaseReference.Contains('.', StringComparison.Ordinal) ? CaseReference.Split('.')[0] : null;

    public string CaseColumn => CaseReference.Contains('.', StringComparison.Ordinal) ? CaseReference.Split('.')[1] : CaseReference;
}

/// <summary>The actions table and its columns: what is to be done, by whom, by when.</summary>
public sealed record ActionLinks(string Table, string Text, string? Owner, string? Due);

public enum FormPurpose { Contract, Record, CaseProforma, Evaluation, Audit, Register, SelfCarePlan, Competency, Guidance }

/// <summary>Who fills a section, so one record can pass between people.</summary>
public enum Filler { Supervisor, Supervisee, EachMember, Anyone }

public sealed record FormSection
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public Filler FilledBy { get; init; }
    public string? Help { get; init; }
    public required IReadOnlyList<FieldDefinition> Fields { get; init; }
}

public enum FieldType
{
    Text, LongText, Number, Date, Time, YesNo, Choice, MultiChoice, Rating, RatingMatrix,
    Person, CaseReference, Table, Signature, Guidance,
}

public sealed record FieldDefinition
{
    public required string Id { get; init; }
    public FieldType Type { get; init; }
    public string Label { get; init; } = "";
    public string? Hint { get; init; }
    public string? Help { get; init; }
    public bool Required { get; init; }
    public Condition? ShowWhen { get; init; }

    public int? MaxLength { get; init; }
    public string? Pattern { get; init; }
    public string? PatternMessage { get; init; }

    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    /// <summary>The YAML key is <c>integer</c>; whole numbers only unless it is false.</summary>
    public bool WholeNumber { get; init; } = true;
    public string? Unit { get; init; }

    /// <summary>Date bounds as written: today, -30d, +1y or yyyy-mm-dd.</summary>
    public string? DateMin { get; init; }
    public string? DateMax { get; init; }

    /// <summary>For yes/no: an optional comments box beside the answer.</summary>
    public bool Comments { get; init; }

    public IReadOnlyList<ChoiceOption> Options { get; init; } = [];
    public int? MinSelected { get; init; }
    public int? MaxSelected { get; init; }

    public RatingScale? Scale { get; init; }
    public IReadOnlyList<Statement> Statements { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = [];

    public IReadOnlyList<FieldDefinition> Columns { get; init; } = [];
    public int? MinRows { get; init; }
    public int? MaxRows { get; init; }
    public string? AddLabel { get; init; }

    /// <summary>What one row of a table is called ("Case discussion"): its heading and the start of its errors, with its number.</summary>
    public string? RowLabel { get; init; }

    public Filler? Signer { get; init; }
    public string? Markdown { get; init; }

    /// <summary>Fields that hold an answer (guidance does not).</summary>
    public bool HoldsAnswer => Type != FieldType.Guidance;

    public int EffectiveMaxLength => MaxLength ?? (Type == FieldType.LongText ? 10_000 : 500);

    /// <summary>A table's row by number, as headings and errors name it: "Case discussion 2", or "Actions, row 2".</summary>
    public string RowName(int index) => RowLabel is { Length: > 0 } row ? $"{row} {index + 1}" : $"{Label}, row {index + 1}";

    /// <summary>
    /// Whether a column's condition reads another column of the same row: a column's showWhen names
    /// a sibling column first, and an earlier question of the form only when no column has that id.
    /// </summary>
    public bool IsSibling(string fieldId) => Columns.Any(c => c.Id == fieldId);
}

public sealed record ChoiceOption(string Value, string Label);

public sealed record Statement(string Id, string Text);

public sealed record RatingScale(int Min, int Max, IReadOnlyDictionary<int, string> Labels);

/// <summary>Show a field only when an earlier answer matches. Exactly one of the tests is set.</summary>
public sealed record Condition(string Field, string? EqualTo, IReadOnlyList<string>? In, bool NotEmpty);
