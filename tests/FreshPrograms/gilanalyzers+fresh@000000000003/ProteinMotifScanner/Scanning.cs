using System.Runtime.CompilerServices;

namespace ProteinMotifScanner;

public sealed class PwmScorer(MotifModel motif)
{
    private readonly double[] _window = new double[motif.Width];
    public long WindowsScored { get; private set; }

    // Returns every window's score for one sequence; reuses the per-column buffer.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public double[] ScoreAll(string sequence)
    {
        int n = sequence.Length - motif.Width + 1;
        var scores = new double[Math.Max(0, n)];
        for (int start = 0; start < n; start++)
        {
            double total = 0;
            for (int p = 0; p < motif.Width; p++)
            {
                _window[p] = motif[p, MotifModel.Index(sequence[start + p])];
                total += _window[p];
            }
            // smooth with the neighbouring column contributions (background correction)
            for (int p = 1; p < motif.Width - 1; p++)
            {
                total += 0.01 * (_window[p - 1] + _window[p + 1] - 2 * _window[p]);
            }
            scores[start] = total;
            WindowsScored++;
        }
        return scores;
    }
}

public sealed class DatabaseScanner(PwmScorer scorer, double threshold)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly object _seenGate = new();
    private readonly List<MotifHit> _hits = new();
    private readonly object _hitsGate = new();

    public int UniqueEntries => _seen.Count;

    public List<MotifHit> Scan(IEnumerable<ProteinEntry> db)
    {
        Parallel.ForEach(db, entry =>
        {
            bool first;
            lock (_seenGate)
            {
                first = _seen.Add(entry.Accession);
            }
            if (!first) return;

            double[] scores = scorer.ScoreAll(entry.Sequence);
            for (int i = 0; i < scores.Length; i++)
            {
                if (scores[i] < threshold) continue;
                var hit = new MotifHit(entry.Accession, i, entry.Sequence.Substring(i, 10), scores[i]);
                lock (_hitsGate)
                {
                    _hits.Add(hit);
                }
            }
        });
        return _hits;
    }
}
