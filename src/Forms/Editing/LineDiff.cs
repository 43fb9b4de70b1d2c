namespace SupervisionHub.Forms.Editing;

public enum DiffKind { Same, Added, Removed }

/// <summary>One line of a diff, with its number in the old text, the new text, or both.</summary>
public sealed record DiffLine(DiffKind Kind, int? OldNumber, int? NewNumber, string Text);

/// <summary>
/// A line-based diff of two texts by longest common subsequence: what a reviewer needs to compare
/// two versions of a form. Quadratic in lines, which is fine for form definitions (hundreds of lines).
/// </summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine> Compare(string oldText, string newText)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        // Trim the common head and tail first: most versions differ in a few lines.
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head]) head++;
        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)]) tail++;

        var n = a.Length - head - tail;
        var m = b.Length - head - tail;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = a[head + i] == b[head + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var result = new List<DiffLine>(a.Length + b.Length);
        for (var k = 0; k < head; k++) result.Add(new(DiffKind.Same, k + 1, k + 1, a[k]));
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[head + x] == b[head + y])
            {
                result.Add(new(DiffKind.Same, head + x + 1, head + y + 1, a[head + x])); x++; y++;
            }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                result.Add(new(DiffKind.Removed, head + x + 1, null, a[head + x])); x++;
            }
            else
            {
                result.Add(new(DiffKind.Added, null, head + y + 1, b[head + y])); y++;
            }
        }
        for (var k = 0; k < tail; k++)
            result.Add(new(DiffKind.Same, a.Length - tail + k + 1, b.Length - tail + k + 1, a[a.Length - tail + k]));
        return result;
    }

    private static string[] Lines(string text)
    {
        var t = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (t.EndsWith('\n')) t = t[..^1];
        return t.Length == 0 ? [] : t.Split('\n');
    }
}
