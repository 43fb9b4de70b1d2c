using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Submissions;

namespace SupervisionHub.Benchmarks;

internal static class Program
{
    // Each benchmark is named on the command line (`-- compliance`); none named runs them all.
    private static readonly Dictionary<string, Action> Benchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["forms"] = FormsBenchmark.Run,
        ["compliance"] = ComplianceBenchmark.Run,
        ["dashboard"] = DashboardBenchmark.Run,
        ["workflows"] = WorkflowBenchmark.Run,
        ["outbox"] = OutboxBenchmark.Run,
        ["suite"] = SuiteBenchmark.Run,
        ["faults"] = FaultsBenchmark.Run,
        ["recordtail"] = SuiteBenchmark.RecordTail,
        ["floor"] = SuiteBenchmark.Floor,
        ["firstread"] = SuiteBenchmark.FirstRead,
        ["sweepprobe"] = SuiteBenchmark.SweepProbe,
        ["dispatchprobe"] = SuiteBenchmark.DispatchProbe,
        ["pageprobe"] = SuiteBenchmark.PageProbe,
    };

    public static int Main(string[] args)
    {
        var unknown = args.Where(a => !Benchmarks.ContainsKey(a)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"Unknown benchmark {string.Join(", ", unknown)}; choose from {string.Join(", ", Benchmarks.Keys)}, or none for all.");
            return 2;
        }
        foreach (var (name, run) in Benchmarks)
            if (args.Length == 0 || args.Contains(name, StringComparer.OrdinalIgnoreCase)) run();
        return 0;
    }
}

// Forms benchmark (issue 3): load and validate every founding form; validate a full submission of
// the largest; render the largest as a person sees it (a real GET through the real app).
// Writes its table into docs/benchmarks.md between the FORMS markers.
internal static class FormsBenchmark
{
    public static void Run()
    {
        var root = Bench.FindRoot();
        var results = new List<(string Name, Stats Stats, string Note)>();

        var files = Directory.GetDirectories(Path.Combine(root, "tenants")).Select(d => Path.Combine(d, "forms")).Where(Directory.Exists).ToList();
        var count = files.Sum(f => Directory.GetFiles(f, "*.yaml").Length);
        results.Add(("Load and check all founding forms", Bench.Measure(200, () =>
        {
            foreach (var folder in files)
                if (FormLoader.LoadFolder(folder, root).Any(r => !r.IsValid)) throw new InvalidOperationException("a founding form has errors");
        }), $"{count} files"));

        var all = files.SelectMany(f => FormLoader.LoadFolder(f, root)).Select(r => r.Definition!).ToList();
        var largest = all.MaxBy(f => f.Fields.Sum(x => 1 + x.Columns.Count + x.Statements.Count))!;
        var answers = Sample(largest);
        var context = new ValidationContext(new DateOnly(2026, 11, 23), ValidationContext.Everyone, Submitting: true);
        results.Add(("Validate a complete submission of the largest form", Bench.Measure(5000, () =>
        {
            if (SubmissionValidator.Validate(largest, answers, context).Count > 0) throw new InvalidOperationException("sample did not validate");
        }), $"{largest.Id}, {largest.Fields.Count()} fields"));

        results.Add(RenderThroughTheApp(root, largest));

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release build.");
        table.AppendLine();
        table.AppendLine("| What | Runs | Mean | p50 | p95 | Notes |");
        table.AppendLine("|---|---|---|---|---|---|");
        foreach (var (name, s, note) in results)
            table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {s.Runs} | {s.Mean:0.000} ms | {s.P50:0.000} ms | {s.P95:0.000} ms | {note} |");
        Console.WriteLine(table);
        Bench.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), "FORMS", table.ToString());
    }

    private static (string, Stats, string) RenderThroughTheApp(string root, FormDefinition largest)
    {
        var data = Path.Combine(Path.GetTempPath(), "shub-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        // Outside a test project WebApplicationFactory cannot guess the web project's folder; tell it.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPERVISIONHUB_WEB", Path.Combine(root, "src", "Web"));
        using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(data, "bench.db")}");
            b.UseSetting("Tenants:Root", Path.Combine(root, "tenants"));
            b.UseSetting("Demo:Seed", "true");
            b.UseSetting("Demo:Password", "Bench-password-1");
            b.UseSetting("RateLimits:SignInPerMinute", "100000");
            b.UseSetting("RateLimits:SignInPerAddressPerMinute", "100000");
        });
        var tenant = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(
            Directory.GetFiles(Path.Combine(root, "tenants"), largest.Id + ".yaml", SearchOption.AllDirectories)
                .First(f => FormLoader.Load(File.ReadAllText(f), f).Definition?.Fields.Count() == largest.Fields.Count())))!)!;
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = Token(client.GetStringAsync($"/{tenant}/account/sign-in").Result);
        client.PostAsync($"/{tenant}/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["Input.Email"] = $"lead@{tenant}.example", ["Input.Password"] = "Bench-password-1", ["__RequestVerificationToken"] = token })).Wait();
        var formsPage = client.GetStringAsync($"/{tenant}/forms").Result;
        var start = client.PostAsync($"/{tenant}/forms?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["formId"] = largest.Id, ["__RequestVerificationToken"] = Token(formsPage) })).Result;
        if (start.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"could not start {largest.Id}: {start.StatusCode}");
        var url = start.Headers.Location!.OriginalString;
        var stats = Bench.Measure(300, () =>
        {
            var r = client.GetAsync(url).Result;
            if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {url}: {r.StatusCode}");
            _ = r.Content.ReadAsStringAsync().Result;
        });
        return ("Render the largest form's record page (GET, in-process)", stats, $"{tenant}/{largest.Id}, SQLite, signed in");
    }

    private static string Token(string html) => WebUtility.HtmlDecode(Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);


    private static JsonObject Sample(FormDefinition form)
    {
        var answers = new JsonObject();
        foreach (var f in form.Fields.Where(f => f.HoldsAnswer && f.Type != FieldType.Signature))
        {
            if (f.ShowWhen is { } c && answers[c.Field] is null) answers[c.Field] = c.EqualTo ?? c.In?[0] ?? "yes";
            answers[f.Id] ??= Value(f);
        }
        return answers;
    }

    private static JsonNode Value(FieldDefinition f) => f.Type switch
    {
        FieldType.Number => f.Min ?? 1,
        FieldType.Date => "2026-11-20",
        FieldType.Time => "10:00",
        FieldType.YesNo => "yes",
        FieldType.Choice => f.Options[0].Value,
        FieldType.MultiChoice => new JsonArray(f.Options[0].Value),
        FieldType.Rating => f.Scale!.Max,
        FieldType.RatingMatrix => new JsonObject(f.Statements.Select(s => KeyValuePair.Create(s.Id, (JsonNode?)f.Scale!.Min))),
        FieldType.Person => "someone",
        FieldType.Table => new JsonArray(Enumerable.Range(0, Math.Max(3, f.MinRows ?? 0)).Select(_ => (JsonNode)new JsonObject(f.Columns.Select(c => KeyValuePair.Create(c.Id, (JsonNode?)Value(c))))).ToArray()),
        _ => "An answer of ordinary length, as a person might type it in a supervision record.",
    };
}

/// <summary>What every benchmark shares: timing, finding the repository, writing its section of docs/benchmarks.md.</summary>
internal static class Bench
{
    internal static Stats Measure(int runs, Action action)
    {
        for (var i = 0; i < Math.Max(5, runs / 10); i++) action(); // warm up: JIT, caches
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return new Stats(runs, times.Average(), times[runs / 2], times[(int)(runs * 0.95)]);
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SupervisionHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from inside the repository.");
    }

    internal static void WriteSection(string path, string name, string body)
    {
        var begin = $"<!-- {name}:BEGIN -->";
        var end = $"<!-- {name}:END -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nFigures measured on this project's machine by the programs in bench/. Re-run to refresh.\n";
        var block = $"{begin}\n{body}{end}";
        var at = text.IndexOf(begin, StringComparison.Ordinal);
        text = at >= 0 ? text[..at] + block + text[(text.IndexOf(end, StringComparison.Ordinal) + end.Length)..] : text.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(path, text);
    }
}

internal sealed record Stats(int Runs, double Mean, double P50, double P95);
