namespace LogAnomalyDetector;

/// <summary>Minimal isolation forest: random axis-aligned splits, anomaly score from mean path length.</summary>
public sealed class IsolationForest
{
    private sealed record Node(int Feature, double Split, Node? Left, Node? Right, int Size);

    private readonly List<Node> _trees;
    private readonly int _sampleSize;

    private IsolationForest(List<Node> trees, int sampleSize)
    {
        _trees = trees;
        _sampleSize = sampleSize;
    }

    public static IsolationForest Train(List<double[]> data, int trees, int seed)
    {
        var rng = new Random(seed);
        int sampleSize = Math.Min(256, data.Count);
        var forest = new List<Node>();
        for (int t = 0; t < trees; t++)
        {
            var sample = Enumerable.Range(0, sampleSize).Select(_ => data[rng.Next(data.Count)]).ToList();
            forest.Add(Build(sample, 0, (int)Math.Ceiling(Math.Log2(sampleSize)), rng));
        }
        return new IsolationForest(forest, sampleSize);
    }

    private static Node Build(List<double[]> rows, int depth, int maxDepth, Random rng)
    {
        if (depth >= maxDepth || rows.Count <= 1) return new Node(-1, 0, null, null, rows.Count);
        int f = rng.Next(rows[0].Length);
        double min = rows.Min(r => r[f]), max = rows.Max(r => r[f]);
        if (max - min < 1e-12) return new Node(-1, 0, null, null, rows.Count);
        double split = min + rng.NextDouble() * (max - min);
        return new Node(f, split,
            Build(rows.Where(r => r[f] < split).ToList(), depth + 1, maxDepth, rng),
            Build(rows.Where(r => r[f] >= split).ToList(), depth + 1, maxDepth, rng),
            rows.Count);
    }

    public double Score(double[] x)
    {
        double total = 0;
        foreach (var tree in _trees)
        {
            var node = tree;
            int depth = 0;
            while (node.Left is not null && node.Right is not null)
            {
                node = x[node.Feature] < node.Split ? node.Left : node.Right;
                depth++;
            }
            total += depth + C(node.Size);
        }
        return Math.Pow(2, -(total / _trees.Count) / C(_sampleSize));
    }

    private static double C(int n) => n <= 1 ? 0 : 2 * (Math.Log(n - 1) + 0.5772156649) - 2.0 * (n - 1) / n;
}

public sealed class TemplateVocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public int Count { get { lock (_lock) return _ids.Count; } }

    public int IdOf(string template)
    {
        lock (_lock)
        {
            if (!_ids.TryGetValue(template, out int id))
            {
                id = _ids.Count;
                _ids.Add(template, id);
            }
            return id;
        }
    }
}

public static class Features
{
    public static string Template(string line) =>
        string.Join(' ', line.Split(' ').Select(tok => tok.Any(char.IsDigit) ? "<*>" : tok));

    public static double[] Extract(string line, TemplateVocabulary vocabulary)
    {
        string template = Template(line);
        int digits = 0, upper = 0, hex = 0;
        foreach (char c in line)
        {
            if (char.IsDigit(c)) digits++;
            else if (char.IsUpper(c)) upper++;
        }
        foreach (var tok in line.Split(' ')) if (tok.StartsWith("0x", StringComparison.Ordinal)) hex++;
        return new double[] { vocabulary.IdOf(template), line.Length, digits, upper, hex, template.GetHashCode() % 97 };
    }
}
