using System.Collections;
using System.Reflection;

namespace SupervisionHub.Tests;

/// <summary>
/// Deep equality of two definitions by their public properties, lists item by item, so a round trip
/// is compared on meaning (records compare their lists by reference). Returns where they first differ.
/// </summary>
public static class Structural
{
    public static string? Difference(object? a, object? b, string path = "", params string[] ignore)
    {
        if (a is null || b is null) return a is null && b is null ? null : $"{path}: {a ?? "null"} vs {b ?? "null"}";
        if (a is string != b is string) return $"{path}: '{a}' vs '{b}'";
        if (a is string || a.GetType().IsPrimitive || a.GetType().IsEnum || a is decimal || a is DateOnly || a is DateTimeOffset)
            return Equals(a, b) ? null : $"{path}: '{a}' vs '{b}'";
        if (a is IDictionary da && b is IDictionary db)
        {
            if (da.Count != db.Count) return $"{path}: {da.Count} entries vs {db.Count}";
            foreach (DictionaryEntry e in da)
                if (!db.Contains(e.Key)) return $"{path}[{e.Key}]: missing";
                else if (Difference(e.Value, db[e.Key], $"{path}[{e.Key}]", ignore) is { } d) return d;
            return null;
        }
        if (a is IEnumerable ea && b is IEnumerable eb)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = eb.Cast<object?>().ToList();
            if (la.Count != lb.Count) return $"{path}: {la.Count} items vs {lb.Count}";
            for (var i = 0; i < la.Count; i++)
                if (Difference(la[i], lb[i], $"{path}[{i}]", ignore) is { } d) return d;
            return null;
        }
        if (a.GetType() != b.GetType()) return $"{path}: {a.GetType().Name} vs {b.GetType().Name}";
        foreach (var p in a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || ignore.Contains(p.Name) || p.Name == "EqualityContract") continue;
            if (Difference(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}", ignore) is { } d) return d;
        }
        return null;
    }

    /// <summary>The repository's root (tests/ has a tenants folder of its own).</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SupervisionHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("No repository root above the test binaries.");
    }

    /// <summary>Every definition file in a kind of folder (forms, workflows) of every tenant under tenants/, whatever tenants there are.</summary>
    public static IEnumerable<string> TenantFiles(string kind) =>
        Directory.GetDirectories(Path.Combine(Root(), "tenants"))
            .Select(t => Path.Combine(t, kind)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Select(f => Path.GetRelativePath(Root(), f)).Order(StringComparer.Ordinal);
}
