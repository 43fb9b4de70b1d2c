namespace SupervisionHub.TenantText;

/// <summary>
/// Every limit on text a tenant supplies, in one place: a tenant admin writes forms, rules, email
/// templates, tenant.yaml, try-it scripts and imports, and one tenant's text must never stop or stall
/// the service for the others. docs/security.md lists each limit with the test that proves it.
/// The founding tenants' largest files are far inside these (measured 2026-12: 10 KB, 405 values,
/// 14 levels deep; conditions under 200 characters; templates under 2 KB).
/// </summary>
public static class TenantTextLimits
{
    // ---- YAML: forms, rules, tenant.yaml, try-it scripts, the files of an imported zip ----

    /// <summary>Characters in one YAML text (25 times the largest founding file).</summary>
    public const int YamlMaxChars = 256 * 1024;

    /// <summary>Nesting of collections: [ ] { } and indented blocks (a rule nests about 14 deep). YamlDotNet recurses per level.</summary>
    public const int YamlMaxDepth = 64;

    /// <summary>Values (scalars, lists, maps) in one YAML text, each use of an alias counted as a copy of what it names (no billion laughs).</summary>
    public const int YamlMaxNodes = 20_000;

    // ---- JavaScript conditions and values (Jint) ----

    /// <summary>Characters in one condition or value.</summary>
    public const int JsMaxChars = 8 * 1024;

    /// <summary>Time for one evaluation, checked between statements.</summary>
    public const int JsTimeoutMs = 200;

    /// <summary>Time one regular-expression match may run (it runs inside one statement, so the time check above cannot see it).</summary>
    public const int JsRegexTimeoutMs = 100;

    /// <summary>Statements run in one evaluation.</summary>
    public const int JsMaxStatements = 10_000;

    /// <summary>
    /// Bytes allocated in one evaluation, garbage included. Jint forces a full collection on every
    /// statement once past it; at 4 MB an ordinary loop over a few thousand objects spent seconds
    /// collecting. 16 MB still stops a runaway within milliseconds.
    /// </summary>
    public const long JsMemoryBytes = 16 * 1024 * 1024;

    /// <summary>Characters in one string a built-in may make (repeat, padStart, join, replace...): checked before it is made.</summary>
    public const int JsMaxStringChars = 1024 * 1024;

    /// <summary>Nested function calls.</summary>
    public const int JsMaxRecursion = 64;

    /// <summary>Items in one array.</summary>
    public const uint JsMaxArrayLength = 100_000;

    /// <summary>
    /// Arrays inside arrays that one join (or String(array)) may go into. Joining recurses once a level; the
    /// stack probe alone answered by how much stack the thread had left, so a 9,000-deep array failed in one
    /// process and joined in another (a try-it test failed so under a full test run). A count answers the same
    /// everywhere, far below any stack's end.
    /// </summary>
    public const int JsMaxJoinDepth = 1_000;

    // ---- Liquid templates (Fluid): email subjects and bodies, journal notes ----

    /// <summary>Characters in one template.</summary>
    public const int LiquidMaxChars = 64 * 1024;

    /// <summary>Statements and loop turns in one rendering.</summary>
    public const int LiquidMaxSteps = 10_000;

    /// <summary>Characters one rendering (or one capture, or one string built by a filter such as append) may make.</summary>
    public const int LiquidMaxOutputChars = 100_000;

    /// <summary>Items one range, split or other collection may hold: (1..100000000) is refused before it is built.</summary>
    public const int LiquidMaxCollectionItems = 10_000;

    /// <summary>Time for one rendering, checked at every step.</summary>
    public const int LiquidTimeoutMs = 200;

    // ---- Runs of a rule: the worker, try it and the simulator ----

    /// <summary>Time all the conditions, values and notes of one run of a rule may take together.</summary>
    public const int RunBudgetMs = 2_000;

    /// <summary>Time one tenant's rules may take in one worker round before the round moves on to the next tenant; the rest waits for the next round.</summary>
    public const int WorkerRoundBudgetMs = 3_000;

    /// <summary>Time one simulation ("try it", the scenario tests' simulator) may take in all: an admin's own request, so more than a worker round.</summary>
    public const int SimulationBudgetMs = 10_000;

    /// <summary>Runs one simulation may start (a schedule every minute over ten years would be five million).</summary>
    public const int SimulationMaxRuns = 2_000;

    // ---- Imports ----

    /// <summary>An uploaded configuration .zip.</summary>
    public const long ZipMaxBytes = 5 * 1024 * 1024;

    /// <summary>Files in one configuration .zip.</summary>
    public const int ZipMaxEntries = 500;

    /// <summary>One file inside the zip once unpacked (read, not trusted from the zip's own header).</summary>
    public const long ZipMaxEntryBytes = 1024 * 1024;

    /// <summary>All files of the zip once unpacked (a zip bomb stops here).</summary>
    public const long ZipMaxTotalBytes = 20 * 1024 * 1024;

    /// <summary>An uploaded staff CSV.</summary>
    public const int CsvMaxBytes = 5 * 1024 * 1024;

    /// <summary>Rows in one staff CSV, the header included.</summary>
    public const int CsvMaxRows = 20_000;

    /// <summary>Characters in one CSV field.</summary>
    public const int CsvMaxFieldChars = 1_000;

    /// <summary>Problems listed for one import; beyond these the page says how many more there are.</summary>
    public const int MaxListedProblems = 200;

    /// <summary>
    /// A posted editor page (the YAML, template or script, URL-encoded, with the rest of the form): room
    /// for the largest text above even when every character is encoded, and far below the server's 30 MB.
    /// </summary>
    public const int EditorMaxRequestBytes = 4 * 1024 * 1024;
}
