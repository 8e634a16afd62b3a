namespace LedgerReconciliation;

public sealed class ReconciliationEngine(FuzzyMatcher matcher, RunLog log)
{
    public Outcome Reconcile(List<BankLine> bank)
    {
        var exactByRef = matcher.Ledger.ToDictionary(e => e.Reference);
        int exact = 0, fuzzy = 0, unmatched = 0;
        long unmatchedCents = 0;

        var leftovers = new List<BankLine>();
        foreach (var line in bank)
        {
            if (line.Reference is not null && exactByRef.ContainsKey(line.Reference)) exact++;
            else leftovers.Add(line);
        }
        log.Info($"{leftovers.Count} lines left for fuzzy matching");

        Parallel.ForEach(leftovers, line =>
        {
            LedgerEntry? match = matcher.BestMatch(line);
            if (match is not null) Interlocked.Increment(ref fuzzy);
            else
            {
                Interlocked.Increment(ref unmatched);
                Interlocked.Add(ref unmatchedCents, (long)(line.Amount * 100));
            }
        });
        return new Outcome(exact, fuzzy, unmatched, unmatchedCents / 100m);
    }
}

public sealed class FuzzyMatcher(List<LedgerEntry> ledger)
{
    private readonly object _scoringLock = new();
    private readonly int[] _bigramScratch = new int[27 * 27];

    public List<LedgerEntry> Ledger => ledger;

    public LedgerEntry? BestMatch(BankLine line)
    {
        lock (_scoringLock)
        {
            LedgerEntry? best = null;
            double bestScore = 0.55;
            foreach (var entry in ledger)
            {
                if (entry.Amount != line.Amount) continue;
                int days = Math.Abs(entry.Date.DayNumber - line.Date.DayNumber);
                if (days > 3) continue;
                double score = Similarity(line.Counterparty, entry.Counterparty.ToLowerInvariant()) - days * 0.02;
                if (score > bestScore || (score == bestScore && best is not null && entry.Id < best.Id))
                {
                    bestScore = score;
                    best = entry;
                }
            }
            return best;
        }
    }

    private double Similarity(string a, string b)
    {
        Array.Clear(_bigramScratch);
        int total = 0, shared = 0;
        for (int i = 0; i + 1 < a.Length; i++)
        {
            _bigramScratch[Slot(a[i]) * 27 + Slot(a[i + 1])]++;
            total++;
        }
        for (int i = 0; i + 1 < b.Length; i++)
        {
            int s = Slot(b[i]) * 27 + Slot(b[i + 1]);
            if (_bigramScratch[s] > 0) { _bigramScratch[s]--; shared++; }
            total++;
        }
        return total == 0 ? 0 : 2.0 * shared / total;
    }

    private static int Slot(char c) => c is >= 'a' and <= 'z' ? c - 'a' : 26;
}
