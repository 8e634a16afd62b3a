namespace GilAnalyzers.RealCode.Corpus;

/// <summary>
/// One labelled site of the real-code corpus: a line range of a file of a public repository at a commit, and the rule a
/// careful reviewer expects there (<see cref="Expected"/> empty: no rule should fire).
/// </summary>
public sealed record CorpusRow(
    string Set,
    int FileLine,
    string Repo,
    string Commit,
    string Path,
    int Start,
    int End,
    IReadOnlyList<string> Expected,
    string Shape,
    string Reason)
{
    public bool IsFlag => Expected.Count > 0;

    public string ExpectedText => IsFlag ? string.Join("|", Expected) : "none";

    /// <summary>The folder name the scorer looks for under the checkouts folder: <c>owner+name@first-12-of-commit</c>.</summary>
    public string CheckoutName => CheckoutFolderName(Repo, Commit);

    public string Where => $"{Repo}@{Commit[..Math.Min(12, Commit.Length)]}:{Path}:{Start}-{End}";

    public static string CheckoutFolderName(string repo, string commit) => repo.Replace('/', '+') + "@" + commit[..Math.Min(12, commit.Length)];
}

/// <summary>
/// Reads corpus files: tab-separated <c>repo, commit, path, start-end, expected, shape, reason</c>, one site per line;
/// blank lines and lines starting with <c>#</c> are skipped. Every malformed line is reported with its number.
/// </summary>
public static class CorpusLabels
{
    private static readonly HashSet<string> KnownRules = new(StringComparer.Ordinal)
    {
        "GIL001", "GIL002", "GIL003", "GIL004", "GIL005", "GIL006",
    };

    public static IReadOnlyList<CorpusRow> Read(string file)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"Label file not found: {file}");
        }

        var set = System.IO.Path.GetFileNameWithoutExtension(file);
        var rows = new List<CorpusRow>();
        var errors = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 7)
            {
                errors.Add($"{file}:{lineNumber}: expected 7 tab-separated fields, found {fields.Length}");
                continue;
            }

            var (repo, commit, path, range, expected, shape, reason) = (fields[0].Trim(), fields[1].Trim(), fields[2].Trim(), fields[3].Trim(), fields[4].Trim(), fields[5].Trim(), fields[6].Trim());
            var dash = range.IndexOf('-');
            if (repo.Split('/').Length != 2
                || commit.Length < 12 || !commit.All(Uri.IsHexDigit)
                || path.Length == 0 || !path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)
                || dash <= 0 || !int.TryParse(range[..dash], out var start) || !int.TryParse(range[(dash + 1)..], out var end) || start < 1 || end < start)
            {
                errors.Add($"{file}:{lineNumber}: bad repo 'owner/name', commit (hex), .cs path or line range 'start-end'");
                continue;
            }

            var rules = expected == "none" ? Array.Empty<string>() : expected.Split('|');
            if (rules.Any(r => !KnownRules.Contains(r)))
            {
                errors.Add($"{file}:{lineNumber}: expected must be GIL001…GIL006 (alternatives joined by '|') or 'none', not '{expected}'");
                continue;
            }

            rows.Add(new CorpusRow(set, lineNumber, repo, commit.ToLowerInvariant(), path.Replace('\\', '/'), start, end, rules, shape.Length == 0 ? "(none)" : shape, reason));
        }

        if (errors.Count > 0)
        {
            throw new UsageException($"{errors.Count} malformed label line(s):\n  " + string.Join("\n  ", errors.Take(20)));
        }

        var overlaps = rows.GroupBy(r => (r.Repo, r.Commit, r.Path))
            .SelectMany(g => g.OrderBy(r => r.Start).Zip(g.OrderBy(r => r.Start).Skip(1)))
            .Where(pair => pair.Second.Start <= pair.First.End)
            .Select(pair => $"{file}:{pair.First.FileLine} and :{pair.Second.FileLine} overlap ({pair.First.Where} / {pair.Second.Start}-{pair.Second.End})")
            .ToList();
        if (overlaps.Count > 0)
        {
            throw new UsageException("Label rows of one file must not overlap:\n  " + string.Join("\n  ", overlaps.Take(20)));
        }

        return rows;
    }
}
