namespace CsvStatsProfiler;

public sealed class ColumnProfiler
{
    private readonly object _sketchLock = new();
    private readonly HashSet<string> _distinctSketch = new();
    private readonly List<double> _numericScratch = new();

    public ColumnProfile Profile(Table table, int column)
    {
        bool taken = false;
        try
        {
            Monitor.Enter(_sketchLock, ref taken);
            _distinctSketch.Clear();
            _numericScratch.Clear();
            int numeric = 0;
            foreach (var row in table.Rows)
            {
                string cell = row[column];
                _distinctSketch.Add(cell.Trim().ToUpperInvariant());
                if (double.TryParse(cell, out double v))
                {
                    numeric++;
                    _numericScratch.Add(v);
                }
            }
            _numericScratch.Sort();
            string kind = numeric > table.Rows.Count * 0.9 ? "numeric" : "text";
            double p50 = Quantile(_numericScratch, 0.5), p99 = Quantile(_numericScratch, 0.99);
            return new ColumnProfile(table.Name, table.Header[column], kind, _distinctSketch.Count, p50, p99);
        }
        finally
        {
            if (taken) Monitor.Exit(_sketchLock);
        }
    }

    private static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];
}

public sealed class ProfileJobs(ColumnProfiler profiler)
{
    public ColumnProfile[] ProfileAll(List<Table> tables)
    {
        var work = tables.SelectMany(t => Enumerable.Range(0, t.Header.Length).Select(c => (t, c))).ToList();
        var tasks = work.Select(w => Task.Run(() => profiler.Profile(w.t, w.c))).ToArray();
        Task.WaitAll(tasks);
        return tasks.Select(t => t.Result).ToArray();
    }

    public int CheckAll(List<Table> tables)
    {
        var checks = tables.Select(async table =>
        {
            int flagged = 0;
            for (int c = 0; c < table.Header.Length; c++)
            {
                var values = table.Rows.Select(r => double.TryParse(r[c], out double v) ? v : double.NaN).ToArray();
                var finite = values.Where(v => !double.IsNaN(v)).ToArray();
                if (finite.Length == 0) continue;
                double mean = finite.Average();
                double sd = Math.Sqrt(finite.Select(v => (v - mean) * (v - mean)).Average());
                int outliers = finite.Count(v => Math.Abs(v - mean) > 3 * sd);
                int missing = values.Length - finite.Length;
                if (missing > 0 && missing < values.Length / 10) flagged++;
                if (outliers > values.Length / 100) flagged++;
            }
            await Task.Delay(1);
            return flagged;
        }).ToArray();
        Task.WaitAll(checks);
        return checks.Sum(t => t.Result);
    }
}
