using System.Runtime.CompilerServices;

namespace JoinOrderPlanner;

public sealed record Table(string Name, int[] JoinKey);

public sealed record TableStats(string Table, long Rows, long Distinct, int[] Bounds);

public sealed class StatisticsCollector
{
    private readonly Dictionary<string, TableStats> _stats = new();

    public IReadOnlyDictionary<string, TableStats> Stats => _stats;

    /// <summary>ANALYZE: distinct count and an equi-depth histogram of the join key.</summary>
    [MethodImpl(MethodImplOptions.Synchronized)]
    public TableStats Analyze(Table table)
    {
        var sorted = (int[])table.JoinKey.Clone();
        Array.Sort(sorted);
        long distinct = sorted.Length == 0 ? 0 : 1;
        for (int i = 1; i < sorted.Length; i++)
            if (sorted[i] != sorted[i - 1]) distinct++;
        var bounds = new int[32];
        for (int b = 0; b < bounds.Length; b++)
            bounds[b] = sorted[(int)((long)(b + 1) * (sorted.Length - 1) / bounds.Length)];
        var stats = new TableStats(table.Name, sorted.Length, distinct, bounds);
        _stats[table.Name] = stats;
        return stats;
    }
}

public sealed record Query(string Id, string[] Tables);

public sealed record Plan(string QueryId, string Order, double Cost);

/// <summary>Selinger-style dynamic programming over left-deep join orders.</summary>
public sealed class DpJoinPlanner
{
    private readonly IReadOnlyDictionary<string, TableStats> _stats;
    private double[] _bestCost = new double[1];
    private double[] _rows = new double[1];
    private int[] _lastTable = new int[1];

    public DpJoinPlanner(IReadOnlyDictionary<string, TableStats> stats) => _stats = stats;

    public Plan Optimize(Query query)
    {
        int n = query.Tables.Length, full = (1 << n) - 1;
        if (_bestCost.Length <= full) { _bestCost = new double[full + 1]; _rows = new double[full + 1]; _lastTable = new int[full + 1]; }
        var s = query.Tables.Select(t => _stats[t]).ToArray();
        for (int set = 1; set <= full; set++)
        {
            _bestCost[set] = double.MaxValue;
            if ((set & (set - 1)) == 0)
            {
                int t = System.Numerics.BitOperations.TrailingZeroCount(set);
                _bestCost[set] = 0; _rows[set] = s[t].Rows; _lastTable[set] = t;
                continue;
            }
            for (int t = 0; t < n; t++)
            {
                if ((set & (1 << t)) == 0) continue;
                int rest = set & ~(1 << t);
                double joined = _rows[rest] * s[t].Rows / Math.Max(s[t].Distinct, 1);
                double cost = _bestCost[rest] + _rows[rest] + s[t].Rows + joined;
                if (cost < _bestCost[set]) { _bestCost[set] = cost; _rows[set] = joined; _lastTable[set] = t; }
            }
        }
        var order = new List<string>();
        for (int set = full; set != 0; set &= ~(1 << _lastTable[set])) order.Insert(0, query.Tables[_lastTable[set]]);
        return new Plan(query.Id, string.Join(" ⋈ ", order), _bestCost[full]);
    }
}
