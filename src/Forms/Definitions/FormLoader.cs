using System.Globalization;
using System.Text.RegularExpressions;
using SupervisionHub.TenantText;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SupervisionHub.Forms.Definitions;

/// <summary>A problem in a form definition, located so an admin can find it: file, line, column, plain words.</summary>
public sealed record FormError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

public sealed record FormLoadResult(string File, FormDefinition? Definition, IReadOnlyList<FormError> Errors)
{
    public bool IsValid => Definition is not null && Errors.Count == 0;
}

/// <summary>
/// Reads a form definition from YAML (or JSON, which YAML includes) node by node, so every
/// problem carries its position. Collects every problem it can find; never throws on bad content.
/// </summary>
public sealed partial class FormLoader
{
    private static readonly string[] FormKeys = ["id", "title", "purpose", "description", "source", "anonymous", "guidance", "session", "childFile", "sections"];
    private static readonly string[] ChildFileKeys = ["caseReference", "date", "decisions"];
    private static readonly string[] SessionKeys = ["supervisor", "supervisee", "date", "duration", "members", "actions"];
    private static readonly string[] ActionKeys = ["table", "text", "owner", "due"];
    private static readonly string[] SectionKeys = ["id", "title", "filledBy", "help", "fields"];
    private static readonly string[] CommonFieldKeys = ["id", "type", "label", "hint", "help", "required", "showWhen"];

    /// <summary>The settings each field type takes besides the common ones: the descriptor the validator (and later the editor) reads.</summary>
    public static readonly IReadOnlyDictionary<FieldType, string[]> TypeKeys = new Dictionary<FieldType, string[]>
    {
        [FieldType.Text] = ["maxLength", "pattern", "patternMessage"],
        [FieldType.LongText] = ["maxLength"],
        [FieldType.Number] = ["min", "max", "integer", "unit"],
        [FieldType.Date] = ["min", "max"],
        [FieldType.Time] = [],
        [FieldType.YesNo] = ["comments"],
        [FieldType.Choice] = ["options"],
        [FieldType.MultiChoice] = ["options", "minSelected", "maxSelected"],
        [FieldType.Rating] = ["scale"],
        [FieldType.RatingMatrix] = ["scale", "statements"],
        [FieldType.Person] = ["roles"],
        [FieldType.CaseReference] = ["pattern", "patternMessage"],
        [FieldType.Table] = ["columns", "minRows", "maxRows", "addLabel", "rowLabel"],
        [FieldType.Signature] = ["signer"],
        [FieldType.Guidance] = ["markdown"],
    };

    private static readonly FieldType[] ColumnTypes =
        [FieldType.Text, FieldType.LongText, FieldType.Number, FieldType.Date, FieldType.Time, FieldType.YesNo, FieldType.Choice, FieldType.Person, FieldType.CaseReference];

    private static readonly string[] PersonRoles = ["tenant-admin", "safeguarding-lead", "supervisor", "supervisee", "line-manager", "auditor"];

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(today|[+-]\d+[dwmy]|\d{4}-\d{2}-\d{2})$")]
    private static partial Regex DateBound();

    private readonly string _file;
    private readonly Func<string, bool>? _guidanceExists;
    private readonly List<FormError> _errors = [];

    private FormLoader(string file, Func<string, bool>? guidanceExists) => (_file, _guidanceExists) = (file, guidanceExists);

    /// <summary>
    /// Reads and checks one definition. With <paramref name="guidanceExists"/>, a <c>guidance:</c>
    /// naming no guidance form of the tenant is an error at its line (the one place that rule lives).
    /// </summary>
    public static FormLoadResult Load(string text, string file, Func<string, bool>? guidanceExists = null)
    {
        var loader = new FormLoader(file, guidanceExists);
        var definition = loader.Read(text);
        return new(file, definition, loader._errors);
    }

    /// <summary>Loads every *.yaml, *.yml and *.json in a folder and checks references between them (guidance).</summary>
    public static IReadOnlyList<FormLoadResult> LoadFolder(string folder, string displayRoot)
    {
        var results = new List<FormLoadResult>();
        if (!Directory.Exists(folder)) return results;
        var files = Directory.GetFiles(folder).Where(IsDefinitionFile).Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Text: File.ReadAllText(path))).ToList();
        // First the guidance forms, so every form's guidance: is checked against them as it loads.
        var guidanceIds = files.Select(f => Load(f.Text, f.Path).Definition).Where(d => d?.Purpose == FormPurpose.Guidance).Select(d => d!.Id).ToHashSet();
        foreach (var (path, text) in files)
        {
            var file = Path.GetRelativePath(displayRoot, path);
            var result = Load(text, file, guidanceIds.Contains);
            var expected = Path.GetFileNameWithoutExtension(path);
            if (result.Definition is { } d && d.Id != expected)
                result = result with { Errors = [.. result.Errors, new FormError(file, 1, 1, $"The form id '{d.Id}' must match the file name '{expected}'.")] };
            results.Add(result);
        }
        return results;
    }

    private static bool IsDefinitionFile(string path) =>
        Path.GetExtension(path) is ".yaml" or ".yml" or ".json";

    private void Error(YamlNode? node, string message) =>
        _errors.Add(new FormError(_file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, message));

    private FormDefinition? Read(string text)
    {
        YamlStream stream;
        try
        {
            stream = TenantYaml.Load(text);
        }
        catch (YamlException ex)
        {
            _errors.Add(new FormError(_file, (int)ex.Start.Line, (int)ex.Start.Column, YamlMessages.Problem(ex)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, without a position, on an unclosed [ or {.
            var (line, column) = YamlMessages.UnclosedBracket(text);
            _errors.Add(new FormError(_file, line, column, "This is not valid YAML: a [ or { opened here is not closed."));
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents.FirstOrDefault()?.RootNode, "A form definition must be a set of settings (id, title, sections...).");
            return null;
        }

        CheckKeys(root, FormKeys, "a form");
        var id = RequiredId(root, "id", "the form");
        var title = RequiredString(root, "title", "Give the form a title.");
        var purpose = Enum<FormPurpose>(root, "purpose", FormPurpose.Record);
        var sectionsNode = Get(root, "sections");
        var sections = new List<FormSection>();
        if (sectionsNode is YamlSequenceNode seq && seq.Children.Count > 0)
        {
            foreach (var s in seq.Children) if (ReadSection(s) is { } section) sections.Add(section);
        }
        else Error(sectionsNode ?? root, "A form needs at least one section with fields.");

        var definition = new FormDefinition
        {
            Id = id, Title = title, Purpose = purpose,
            Description = MarkdownString(root, "description"), Source = OptionalString(root, "source"),
            Anonymous = Bool(root, "anonymous"), Guidance = OptionalString(root, "guidance"), Sections = sections,
            Session = ReadSessionLinks(Get(root, "session")),
            ChildFile = ReadChildFile(Get(root, "childFile")),
        };
        CheckForm(definition, root);
        CheckSessionLinks(definition, Get(root, "session"));
        CheckChildFile(definition, Get(root, "childFile"));
        return definition;
    }

    private FormSection? ReadSection(YamlNode node)
    {
        if (node is not YamlMappingNode map) { Error(node, "Each section must be a set of settings (id, title, filledBy, fields)."); return null; }
        CheckKeys(map, SectionKeys, "a section");
        var fields = new List<FieldDefinition>();
        var fieldsNode = Get(map, "fields");
        if (fieldsNode is YamlSequenceNode seq && seq.Children.Count > 0)
        {
            foreach (var f in seq.Children) if (ReadField(f, isColumn: false) is { } field) fields.Add(field);
        }
        else Error(fieldsNode ?? map, "A section needs at least one field.");
        return new FormSection
        {
            Id = RequiredId(map, "id", "the section"),
            Title = RequiredString(map, "title", "Give the section a title."),
            FilledBy = Enum<Filler>(map, "filledBy", Filler.Anyone),
            Help = MarkdownString(map, "help"),
            Fields = fields,
        };
    }

    private FieldDefinition? ReadField(YamlNode node, bool isColumn)
    {
        if (node is not YamlMappingNode map) { Error(node, "Each field must be a set of settings (id, type, label...)."); return null; }
        var typeNode = Get(map, "type");
        var typeName = (typeNode as YamlScalarNode)?.Value;
        if (typeName is null || !TryParseEnum<FieldType>(typeName, out var type))
        {
            Error(typeNode ?? map, typeName is null
                ? "A field needs a type."
                : $"'{typeName}' is not a field type. Use one of: {string.Join(", ", System.Enum.GetValues<FieldType>().Select(CamelName))}.");
            return null;
        }
        if (isColumn && !ColumnTypes.Contains(type))
        {
            Error(typeNode, $"A table column cannot be of type '{typeName}'. Use one of: {string.Join(", ", ColumnTypes.Select(CamelName))}.");
            return null;
        }
        CheckKeys(map, [.. CommonFieldKeys, .. TypeKeys[type]], $"a {CamelName(type)} field");

        var min = Number(map, "min", type == FieldType.Number);
        var max = Number(map, "max", type == FieldType.Number);
        var field = new FieldDefinition
        {
            Id = RequiredId(map, "id", "the field"),
            Type = type,
            Label = type == FieldType.Guidance ? OptionalString(map, "label") ?? "" : RequiredString(map, "label", "Give the field a label: the question people see."),
            Hint = OptionalString(map, "hint"),
            Help = MarkdownString(map, "help"),
            Required = Bool(map, "required"),
            ShowWhen = ReadCondition(Get(map, "showWhen")),
            MaxLength = Int(map, "maxLength"),
            Pattern = OptionalString(map, "pattern"),
            PatternMessage = OptionalString(map, "patternMessage"),
            Min = min,
            Max = max,
            WholeNumber = Get(map, "integer") is null || Bool(map, "integer"),
            Unit = OptionalString(map, "unit"),
            DateMin = type == FieldType.Date ? OptionalString(map, "min") : null,
            DateMax = type == FieldType.Date ? OptionalString(map, "max") : null,
            Comments = Bool(map, "comments"),
            Options = ReadOptions(Get(map, "options")),
            MinSelected = Int(map, "minSelected"),
            MaxSelected = Int(map, "maxSelected"),
            Scale = ReadScale(Get(map, "scale")),
            Statements = ReadStatements(Get(map, "statements")),
            Roles = Strings(Get(map, "roles")),
            Columns = ReadColumns(Get(map, "columns")),
            MinRows = Int(map, "minRows"),
            MaxRows = Int(map, "maxRows"),
            AddLabel = OptionalString(map, "addLabel"),
            RowLabel = OptionalString(map, "rowLabel"),
            Signer = Get(map, "signer") is null ? null : Enum<Filler>(map, "signer", Filler.Anyone),
            Markdown = MarkdownString(map, "markdown"),
        };
        CheckField(field, map);
        return field;
    }

    private void CheckField(FieldDefinition f, YamlMappingNode map)
    {
        if (f.Min is { } min && f.Max is { } max && min > max)
            Error(Get(map, "min"), $"min ({min}) is above max ({max}): no answer could be valid.");
        if (f.MinRows is { } minRows && f.MaxRows is { } maxRows && minRows > maxRows)
            Error(Get(map, "minRows"), $"minRows ({minRows}) is above maxRows ({maxRows}).");
        if (f.MinSelected is { } minSel && f.MaxSelected is { } maxSel && minSel > maxSel)
            Error(Get(map, "minSelected"), $"minSelected ({minSel}) is above maxSelected ({maxSel}).");
        if (f.MaxSelected is { } ms && f.Options.Count > 0 && ms > f.Options.Count)
            Error(Get(map, "maxSelected"), $"maxSelected ({ms}) is more than the {f.Options.Count} options.");
        if (f.MaxLength is <= 0) Error(Get(map, "maxLength"), "maxLength must be at least 1.");
        if (f.Pattern is { } pattern)
        {
            try { _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100)); }
            catch (ArgumentException ex) { Error(Get(map, "pattern"), $"The pattern is not a valid regular expression: {ex.Message}"); }
            if (f.PatternMessage is null) Error(Get(map, "pattern"), "A pattern needs a patternMessage that tells people what to type.");
        }
        if (f.Type is FieldType.Choice or FieldType.MultiChoice && f.Options.Count == 0)
            Error(Get(map, "options") ?? map, $"A {CamelName(f.Type)} field needs options.");
        foreach (var dup in f.Options.GroupBy(o => o.Value).Where(g => g.Count() > 1))
            Error(Get(map, "options"), $"The option '{dup.Key}' is listed more than once.");
        if (f.Type is FieldType.Rating or FieldType.RatingMatrix && f.Scale is null)
            Error(Get(map, "scale") ?? map, "A rating needs a scale, for example scale: {min: 1, max: 5}.");
        if (f.Type == FieldType.RatingMatrix && f.Statements.Count == 0)
            Error(Get(map, "statements") ?? map, "A rating matrix needs statements to rate.");
        foreach (var dup in f.Statements.GroupBy(s => s.Id).Where(g => g.Count() > 1))
            Error(Get(map, "statements"), $"The statement id '{dup.Key}' is used more than once.");
        if (f.Type == FieldType.Table && f.Columns.Count == 0)
            Error(Get(map, "columns") ?? map, "A table needs columns.");
        foreach (var dup in f.Columns.GroupBy(c => c.Id).Where(g => g.Count() > 1))
            Error(Get(map, "columns"), $"The column id '{dup.Key}' is used more than once in this table.");
        if (f.Type == FieldType.Signature && f.Signer is null)
            Error(map, "A signature needs a signer: supervisor, supervisee, each-member or anyone.");
        if (f.Type == FieldType.Guidance && string.IsNullOrWhiteSpace(f.Markdown))
            Error(map, "A guidance field needs markdown: the text to show.");
        if (f.Type == FieldType.Date)
        {
            foreach (var key in new[] { "min", "max" })
                if (Get(map, key) is YamlScalarNode s && !DateBound().IsMatch(s.Value ?? ""))
                    Error(s, $"{key} must be today, an offset like -30d or +1y, or a date like 2026-09-01.");
        }
        foreach (var role in f.Roles.Where(r => !PersonRoles.Contains(r)))
            Error(Get(map, "roles"), $"'{role}' is not a role. Use: {string.Join(", ", PersonRoles)}.");
    }

    private void CheckForm(FormDefinition form, YamlMappingNode root)
    {
        var seen = new Dictionary<string, FieldDefinition>();
        var order = new List<string>();
        foreach (var dup in form.Sections.GroupBy(s => s.Id).Where(g => g.Count() > 1))
            Error(Get(root, "sections"), $"The section id '{dup.Key}' is used more than once.");
        var sectionNodes = (Get(root, "sections") as YamlSequenceNode)?.Children ?? [];
        for (var si = 0; si < form.Sections.Count; si++)
        {
            var sectionNode = si < sectionNodes.Count ? sectionNodes[si] as YamlMappingNode : null;
            var fieldNodes = (Get(sectionNode, "fields") as YamlSequenceNode)?.Children ?? [];
            var fields = form.Sections[si].Fields;
            for (var fi = 0; fi < fields.Count; fi++)
            {
                var f = fields[fi];
                var node = fi < fieldNodes.Count ? fieldNodes[fi] as YamlMappingNode : null;
                if (!seen.TryAdd(f.Id, f)) Error(Get(node, "id") ?? node, $"The field id '{f.Id}' is used more than once in this form.");
                if (f.ShowWhen is { } c)
                {
                    var at = Get(node, "showWhen");
                    if (!seen.TryGetValue(c.Field, out var target) || target == f)
                        Error(at, form.Fields.Any(x => x.Id == c.Field)
                            ? $"showWhen names '{c.Field}', which comes later in the form: a condition can only look at earlier answers."
                            : $"showWhen names '{c.Field}', but there is no field with that id.");
                    else CheckConditionTarget(c, target, at);
                }
                if (f.Type == FieldType.Table) CheckColumnConditions(f, node, seen);
                if (f.Type == FieldType.Signature && f.Signer is { } signer && form.Sections[si].FilledBy != signer && form.Sections[si].FilledBy != Filler.Anyone)
                    Error(node, $"This signature is for the {CamelName(signer)}, but its section is filled by the {CamelName(form.Sections[si].FilledBy)}.");
                order.Add(f.Id);
            }
        }
        if (form.Purpose == FormPurpose.Guidance && form.Fields.Any(f => f.HoldsAnswer))
            Error(Get(root, "purpose"), "A guidance form only shows text: every field must be of type guidance.");
        if (form.Guidance is not null && form.Purpose == FormPurpose.Guidance)
            Error(Get(root, "guidance"), "A guidance form cannot itself have guidance beside it.");
        else if (form.Guidance is { } g && _guidanceExists is not null && !_guidanceExists(g))
            Error(Get(root, "guidance"), $"guidance: there is no guidance form '{g}' in this tenant.");
    }

    private void CheckConditionTarget(Condition c, FieldDefinition target, YamlNode? at)
    {
        if (!target.HoldsAnswer || target.Type is FieldType.Table or FieldType.Signature)
            Error(at, $"showWhen names '{c.Field}', a {CamelName(target.Type)} field, which has no single answer to test.");
        else if (target.Options.Count > 0 && (c.EqualTo is not null || c.In is not null)
                 && (c.In ?? [c.EqualTo!]).FirstOrDefault(v => target.Options.All(o => o.Value != v)) is { } missing)
            Error(at, $"showWhen tests '{c.Field}' for '{missing}', which is not one of its options.");
        else if (target.Type == FieldType.YesNo && c.EqualTo is not null and not ("yes" or "no"))
            Error(at, $"'{c.Field}' is a yes/no question: test it for \"yes\" or \"no\".");
    }

    /// <summary>
    /// A column's showWhen reads an earlier column of the same row ("escalated?" only when this row's
    /// risk is high), or, when no column has that id, an earlier question of the form.
    /// </summary>
    private void CheckColumnConditions(FieldDefinition table, YamlMappingNode? tableNode, Dictionary<string, FieldDefinition> earlier)
    {
        var columnNodes = (Get(tableNode, "columns") as YamlSequenceNode)?.Children ?? [];
        for (var ci = 0; ci < table.Columns.Count; ci++)
        {
            if (table.Columns[ci].ShowWhen is not { } c) continue;
            var at = Get(ci < columnNodes.Count ? columnNodes[ci] as YamlMappingNode : null, "showWhen");
            var sibling = table.Columns.Select((column, index) => (column, index)).FirstOrDefault(x => x.column.Id == c.Field);
            if (sibling.column is not null)
            {
                if (sibling.index >= ci)
                    Error(at, sibling.index == ci
                        ? $"showWhen names '{c.Field}', this column itself: a condition looks at another answer."
                        : $"showWhen names '{c.Field}', a column that comes later in the row: a condition can only look at earlier answers.");
                else CheckConditionTarget(c, sibling.column, at);
            }
            else if (earlier.TryGetValue(c.Field, out var outer) && outer != table) CheckConditionTarget(c, outer, at);
            else Error(at, $"showWhen names '{c.Field}', but there is no column of '{table.Id}' nor earlier question with that id.");
        }
    }

    private SessionLinks? ReadSessionLinks(YamlNode? node)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode map) { Error(node, "session must be a group of settings (supervisor, supervisee, date, members, actions)."); return null; }
        CheckKeys(map, SessionKeys, "session");
        ActionLinks? actions = null;
        if (Get(map, "actions") is { } a)
        {
            if (a is YamlMappingNode am)
            {
                CheckKeys(am, ActionKeys, "session.actions");
                actions = new ActionLinks(RequiredString(am, "table", "Name the table that holds the actions."),
                    RequiredString(am, "text", "Name the column that says what is to be done."), OptionalString(am, "owner"), OptionalString(am, "due"));
            }
            else Error(a, "session.actions must be a group of settings (table, text, owner, due).");
        }
        return new SessionLinks
        {
            Supervisor = OptionalString(map, "supervisor"), Supervisee = OptionalString(map, "supervisee"),
            Date = OptionalString(map, "date"), Duration = OptionalString(map, "duration"), Members = OptionalString(map, "members"), Actions = actions,
        };
    }

    /// <summary>Each named field must exist and be of the type the service writes into it or reads from it.</summary>
    private void CheckSessionLinks(FormDefinition form, YamlNode? node)
    {
        if (form.Session is not { } links || node is not YamlMappingNode map) return;
        void Expect(string key, string? id, FieldType type, IEnumerable<FieldDefinition> among, YamlNode? at)
        {
            if (id is null) return;
            var field = among.FirstOrDefault(f => f.Id == id);
            if (field is null) Error(at, $"{key} names '{id}', but there is no such field here.");
            else if (field.Type != type) Error(at, $"{key} names '{id}', a {CamelName(field.Type)} field; it must be a {CamelName(type)} field.");
        }
        Expect("session.supervisor", links.Supervisor, FieldType.Person, form.Fields, Get(map, "supervisor"));
        Expect("session.supervisee", links.Supervisee, FieldType.Person, form.Fields, Get(map, "supervisee"));
        Expect("session.date", links.Date, FieldType.Date, form.Fields, Get(map, "date"));
        Expect("session.duration", links.Duration, FieldType.Number, form.Fields, Get(map, "duration"));
        if (links.Members is { } members)
        {
            var parts = members.Split('.');
            var table = form.Field(parts[0]);
            if (parts.Length != 2 || table is not { Type: FieldType.Table })
                Error(Get(map, "members"), $"session.members must name a table and its person column, like 'present.person'.");
            else Expect("session.members", parts[1], FieldType.Person, table.Columns, Get(map, "members"));
        }
        if (links.Actions is { } actions && Get(map, "actions") is YamlMappingNode am)
        {
            var table = form.Field(actions.Table);
            if (table is not { Type: FieldType.Table })
            {
                Error(Get(am, "table"), $"session.actions.table names '{actions.Table}', which is not a table in this form.");
                return;
            }
            if (table.Columns.All(c => c.Id != actions.Text)) Error(Get(am, "text"), $"session.actions.text names '{actions.Text}', which is not a column of '{actions.Table}'.");
            if (actions.Owner is { } owner && table.Columns.All(c => c.Id != owner)) Error(Get(am, "owner"), $"session.actions.owner names '{owner}', which is not a column of '{actions.Table}'.");
            Expect("session.actions.due", actions.Due, FieldType.Date, table.Columns, Get(am, "due"));
        }
    }

    private ChildFileLinks? ReadChildFile(YamlNode? node)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode map) { Error(node, "childFile must be a group of settings (caseReference, date, decisions)."); return null; }
        CheckKeys(map, ChildFileKeys, "childFile");
        return new ChildFileLinks
        {
            CaseReference = RequiredString(map, "caseReference",
                "childFile needs caseReference: the question that holds the case reference, like 'case-reference', or 'cases.case-reference' for a table with one case a row."),
            Date = OptionalString(map, "date"),
            Decisions = Strings(Get(map, "decisions")),
        };
    }

    /// <summary>
    /// The child's file output names real questions of the right kind: a case reference, a date, and
    /// decisions that hold an answer. A column can only come from the table whose rows are the cases,
    /// since each row becomes its own summary.
    /// </summary>
    private void CheckChildFile(FormDefinition form, YamlNode? node)
    {
        if (form.ChildFile is not { } links || node is not YamlMappingNode map || links.CaseReference.Length == 0) return;
        var refAt = Get(map, "caseReference");
        FieldDefinition? caseTable = null;
        if (links.CaseTable is { } tableId)
        {
            caseTable = form.Field(tableId);
            var column = caseTable?.Columns.FirstOrDefault(c => c.Id == links.CaseColumn);
            if (caseTable is not { Type: FieldType.Table } || links.CaseReference.Split('.').Length != 2)
                Error(refAt, $"childFile.caseReference names '{links.CaseReference}', but '{tableId}' is not a table in this form.");
            else if (column is null) Error(refAt, $"childFile.caseReference names '{links.CaseReference}', but '{tableId}' has no column '{links.CaseColumn}'.");
            else if (column.Type != FieldType.CaseReference) Error(refAt, $"childFile.caseReference names '{links.CaseReference}', a {CamelName(column.Type)} column; it must be a caseReference column.");
        }
        else if (form.Field(links.CaseReference) is not { } field) Error(refAt, $"childFile.caseReference names '{links.CaseReference}', but there is no such question in this form.");
        else if (field.Type != FieldType.CaseReference) Error(refAt, $"childFile.caseReference names '{links.CaseReference}', a {CamelName(field.Type)} question; it must be a caseReference question.");

        if (links.Date is { } date && form.Field(date) is not { Type: FieldType.Date })
            Error(Get(map, "date"), form.Field(date) is { } d
                ? $"childFile.date names '{date}', a {CamelName(d.Type)} question; it must be a date question."
                : $"childFile.date names '{date}', but there is no such question in this form.");

        var decisionsAt = Get(map, "decisions") ?? map;
        if (links.Decisions.Count == 0) { Error(decisionsAt, "childFile needs decisions: a list of the questions whose answers go on the child's file, like [decision, actions]."); return; }
        foreach (var dup in links.Decisions.GroupBy(x => x).Where(g => g.Count() > 1))
            Error(decisionsAt, $"childFile.decisions lists '{dup.Key}' more than once.");
        foreach (var id in links.Decisions.Distinct())
        {
            var parts = id.Split('.');
            FieldDefinition? target;
            if (parts.Length == 2)
            {
                if (caseTable is null || parts[0] != caseTable.Id)
                {
                    Error(decisionsAt, caseTable is null
                        ? $"childFile.decisions lists '{id}', a column; columns can be listed only when the case reference is itself a column of that table."
                        : $"childFile.decisions lists '{id}', but only columns of '{caseTable.Id}' (the table of cases) can be listed; list the whole of '{parts[0]}' instead.");
                    continue;
                }
                target = caseTable.Columns.FirstOrDefault(c => c.Id == parts[1]);
            }
            else target = parts.Length == 1 ? form.Field(id) : null;
            if (target is null) Error(decisionsAt, $"childFile.decisions lists '{id}', but there is no such question in this form.");
            else if (!target.HoldsAnswer || target.Type == FieldType.Signature)
                Error(decisionsAt, $"childFile.decisions lists '{id}', a {CamelName(target.Type)}; only questions people answer can go on the child's file.");
            else if (caseTable is not null && target == caseTable)
                Error(decisionsAt, $"childFile.decisions lists '{id}', the table of cases itself; list its columns instead, like '{caseTable.Id}.{caseTable.Columns.FirstOrDefault(c => c.Type != FieldType.CaseReference)?.Id ?? "decision"}'.");
        }
    }

    // ---- small readers; each reports its own problem at its own node ----

    private static YamlNode? Get(YamlMappingNode? map, string key) =>
        map?.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == key).Value;

    private void CheckKeys(YamlMappingNode map, IReadOnlyCollection<string> allowed, string what)
    {
        var seen = new HashSet<string>();
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>())
        {
            var name = key.Value ?? "";
            if (!seen.Add(name)) Error(key, $"'{name}' is set twice.");
            if (allowed.Contains(name)) continue;
            var suggestion = allowed.MinBy(a => Distance(a, name));
            Error(key, suggestion is not null && Distance(suggestion, name) <= 2
                ? $"'{name}' is not a setting of {what}. Did you mean '{suggestion}'?"
                : $"'{name}' is not a setting of {what}. It takes: {string.Join(", ", allowed)}.");
        }
    }

    private string RequiredId(YamlMappingNode map, string key, string what)
    {
        var node = Get(map, key);
        var value = (node as YamlScalarNode)?.Value;
        if (string.IsNullOrWhiteSpace(value)) { Error(node ?? map, $"Give {what} an id."); return ""; }
        if (!IdPattern().IsMatch(value)) Error(node, $"The id '{value}' must be lower-case letters, digits and hyphens, like 'next-session-date'.");
        return value;
    }

    private string RequiredString(YamlMappingNode map, string key, string message)
    {
        var value = OptionalString(map, key);
        if (string.IsNullOrWhiteSpace(value)) Error(Get(map, key) ?? map, message);
        return value ?? "";
    }

    /// <summary>A setting shown as Markdown: checked to render, so a form never fails its pages.</summary>
    private string? MarkdownString(YamlMappingNode? map, string key)
    {
        var text = OptionalString(map, key);
        if (Markdown.SafeMarkdown.Problem(text) is { } problem) Error(Get(map, key), $"{key}: {problem}");
        return text;
    }

    private string? OptionalString(YamlMappingNode? map, string key)
    {
        var node = Get(map, key);
        if (node is null) return null;
        if (node is YamlScalarNode s) return s.Value;
        Error(node, $"{key} must be a single value, not a list or a group of settings.");
        return null;
    }

    private bool Bool(YamlMappingNode map, string key)
    {
        if (Get(map, key) is not { } node) return false;
        if (node is YamlScalarNode { Value: "true" or "yes" }) return true;
        if (node is YamlScalarNode { Value: "false" or "no" }) return false;
        Error(node, $"{key} must be true or false.");
        return false;
    }

    private int? Int(YamlMappingNode map, string key)
    {
        if (Get(map, key) is not { } node) return null;
        if (node is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        Error(node, $"{key} must be a whole number.");
        return null;
    }

    private decimal? Number(YamlMappingNode map, string key, bool applies)
    {
        if (!applies || Get(map, key) is not { } node) return null;
        if (node is YamlScalarNode s && decimal.TryParse(s.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)) return n;
        Error(node, $"{key} must be a number.");
        return null;
    }

    private T Enum<T>(YamlMappingNode map, string key, T fallback) where T : struct, System.Enum
    {
        var node = Get(map, key);
        if (node is null) return fallback;
        if (node is YamlScalarNode s && TryParseEnum<T>(s.Value ?? "", out var value)) return value;
        Error(node, $"'{(node as YamlScalarNode)?.Value}' is not a valid {key}. Use one of: {string.Join(", ", System.Enum.GetValues<T>().Select(v => CamelName(v)))}.");
        return fallback;
    }

    /// <summary>Accepts camelCase (longText) and kebab-case (each-member) spellings of enum names.</summary>
    private static bool TryParseEnum<T>(string text, out T value) where T : struct, System.Enum =>
        System.Enum.TryParse(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out value)
        && System.Enum.IsDefined(value) && !int.TryParse(text, out _);

    private static string CamelName<T>(T value) where T : System.Enum
    {
        var name = value.ToString();
        if (typeof(T) == typeof(FieldType)) return char.ToLowerInvariant(name[0]) + name[1..];
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }

    private List<string> Strings(YamlNode? node)
    {
        if (node is null) return [];
        if (node is YamlSequenceNode seq) return seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
        Error(node, "This must be a list.");
        return [];
    }

    private List<ChoiceOption> ReadOptions(YamlNode? node)
    {
        if (node is null) return [];
        if (node is not YamlSequenceNode seq) { Error(node, "options must be a list."); return []; }
        var options = new List<ChoiceOption>();
        foreach (var item in seq.Children)
        {
            switch (item)
            {
                case YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value):
                    options.Add(new ChoiceOption(s.Value!, s.Value!));
                    break;
                case YamlMappingNode m:
                    CheckKeys(m, ["value", "label"], "an option");
                    var value = RequiredString(m, "value", "An option needs a value.");
                    options.Add(new ChoiceOption(value, OptionalString(m, "label") ?? value));
                    break;
                default:
                    Error(item, "An option must be text, or {value, label}.");
                    break;
            }
        }
        return options;
    }

    private RatingScale? ReadScale(YamlNode? node)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode m) { Error(node, "scale must be settings like {min: 1, max: 5}."); return null; }
        CheckKeys(m, ["min", "max", "labels"], "a scale");
        var min = Int(m, "min") ?? 1;
        var max = Int(m, "max") ?? 5;
        if (max - min < 1 || max - min > 10) { Error(m, $"A scale needs between 2 and 11 points; {min} to {max} is not that."); }
        var labels = new Dictionary<int, string>();
        if (Get(m, "labels") is YamlMappingNode lm)
        {
            foreach (var (k, v) in lm.Children)
            {
                if (k is YamlScalarNode ks && int.TryParse(ks.Value, out var point) && point >= min && point <= max && v is YamlScalarNode vs)
                    labels[point] = vs.Value ?? "";
                else Error(k, $"A scale label must be for a point from {min} to {max}.");
            }
        }
        return new RatingScale(min, max, labels);
    }

    private List<Statement> ReadStatements(YamlNode? node)
    {
        if (node is null) return [];
        if (node is not YamlSequenceNode seq) { Error(node, "statements must be a list of {id, text}."); return []; }
        var list = new List<Statement>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m) { Error(item, "A statement must be {id, text}."); continue; }
            CheckKeys(m, ["id", "text"], "a statement");
            list.Add(new Statement(RequiredId(m, "id", "the statement"), RequiredString(m, "text", "A statement needs text.")));
        }
        return list;
    }

    private List<FieldDefinition> ReadColumns(YamlNode? node)
    {
        if (node is null) return [];
        if (node is not YamlSequenceNode seq) { Error(node, "columns must be a list of fields."); return []; }
        var columns = new List<FieldDefinition>();
        foreach (var c in seq.Children)
        {
            if (ReadField(c, isColumn: true) is { } column) columns.Add(column);
        }
        return columns;
    }

    private Condition? ReadCondition(YamlNode? node)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode m) { Error(node, "showWhen must be like {field: other-field, equals: \"yes\"}."); return null; }
        CheckKeys(m, ["field", "equals", "in", "notEmpty"], "showWhen");
        var field = RequiredString(m, "field", "showWhen needs the field whose answer it tests.");
        var equals = OptionalString(m, "equals");
        var inList = Get(m, "in") is { } inNode ? Strings(inNode) : null;
        var notEmpty = Bool(m, "notEmpty");
        var tests = (equals is null ? 0 : 1) + (inList is null ? 0 : 1) + (notEmpty ? 1 : 0);
        if (tests != 1) Error(m, "showWhen needs exactly one test: equals, in, or notEmpty: true.");
        return new Condition(field, equals, inList, notEmpty);
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
