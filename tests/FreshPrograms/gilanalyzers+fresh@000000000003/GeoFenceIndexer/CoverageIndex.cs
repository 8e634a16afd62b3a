namespace GeoFenceIndexer;

public sealed class CoverageIndex
{
    private readonly HashSet<(long, long)> _cells;
    private readonly double _cell;

    private CoverageIndex(HashSet<(long, long)> cells, double cell) => (_cells, _cell) = (cells, cell);

    public int CellCount => _cells.Count;

    public bool Covers(double e, double n) => _cells.Contains(((long)Math.Floor(e / _cell), (long)Math.Floor(n / _cell)));

    public static CoverageIndex Build(IReadOnlyList<ProjectedFence> fences, double cellMeters)
    {
        const int Chunks = 4;
        var partial = new HashSet<(long, long)>[Chunks];
        var tasks = new Task[Chunks];
        for (int c = 0; c < Chunks; c++)
        {
            int chunk = c;
            tasks[c] = Task.Factory.StartNew(() =>
            {
                var set = new HashSet<(long, long)>();
                for (int f = chunk; f < fences.Count; f += Chunks)
                {
                    Rasterise(fences[f].Ring, cellMeters, set);
                }
                partial[chunk] = set;
            });
        }
        Task.WaitAll(tasks);

        var all = new HashSet<(long, long)>();
        foreach (var set in partial) all.UnionWith(set);
        return new CoverageIndex(all, cellMeters);
    }

    private static void Rasterise(GridPoint[] ring, double cell, HashSet<(long, long)> into)
    {
        double minE = ring.Min(p => p.E), maxE = ring.Max(p => p.E);
        double minN = ring.Min(p => p.N), maxN = ring.Max(p => p.N);
        for (double n = Math.Floor(minN / cell) * cell + cell / 2; n < maxN; n += cell)
        for (double e = Math.Floor(minE / cell) * cell + cell / 2; e < maxE; e += cell)
        {
            if (Inside(ring, e, n)) into.Add(((long)Math.Floor(e / cell), (long)Math.Floor(n / cell)));
        }
    }

    private static bool Inside(GridPoint[] ring, double e, double n)
    {
        bool inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            if ((ring[i].N > n) != (ring[j].N > n) &&
                e < (ring[j].E - ring[i].E) * (n - ring[i].N) / (ring[j].N - ring[i].N) + ring[i].E)
            {
                inside = !inside;
            }
        }
        return inside;
    }
}
