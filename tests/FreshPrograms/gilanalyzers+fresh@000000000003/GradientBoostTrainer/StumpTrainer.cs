using System.Runtime.CompilerServices;

namespace GradientBoostTrainer;

public sealed class StumpTrainer(int bins)
{
    private readonly object _candidatesGate = new();
    private BinEdges? _edges;
    private readonly object _edgesGate = new();

    public HistogramBuilder Histograms { get; } = new(bins);

    public Stump FitRound(Dataset data, double[] residual)
    {
        BinEdges edges = GetEdges(data);
        var candidates = new List<Stump>();

        Parallel.For(0, data.Features, feature =>
        {
            var (sums, counts) = Histograms.Build(data, residual, feature, edges);
            Stump best = BestSplit(feature, sums, counts, edges);
            lock (_candidatesGate)
            {
                candidates.Add(best);
            }
        });

        return candidates.OrderByDescending(c => c.Gain).ThenBy(c => c.Feature).First();
    }

    private BinEdges GetEdges(Dataset data)
    {
        if (_edges is null)
        {
            lock (_edgesGate)
            {
                _edges ??= BinEdges.Uniform(data.Features, bins);
            }
        }
        return _edges;
    }

    private static Stump BestSplit(int feature, double[] sums, int[] counts, BinEdges edges)
    {
        double total = sums.Sum();
        int n = counts.Sum();
        double leftSum = 0;
        int leftCount = 0;
        Stump best = new(feature, 0, 0, 0, double.NegativeInfinity);
        for (int b = 0; b < sums.Length - 1; b++)
        {
            leftSum += sums[b];
            leftCount += counts[b];
            int rightCount = n - leftCount;
            if (leftCount == 0 || rightCount == 0)
            {
                continue;
            }
            double rightSum = total - leftSum;
            double gain = leftSum * leftSum / leftCount + rightSum * rightSum / rightCount - total * total / n;
            if (gain > best.Gain)
            {
                best = new Stump(feature, edges.Upper(feature, b), leftSum / leftCount, rightSum / rightCount, gain);
            }
        }
        return best;
    }
}

public sealed class BinEdges(double[][] upper)
{
    public double Upper(int feature, int bin) => upper[feature][bin];
    public int Bin(int feature, double value)
    {
        double[] u = upper[feature];
        int b = 0;
        while (b < u.Length - 1 && value > u[b])
        {
            b++;
        }
        return b;
    }

    public static BinEdges Uniform(int features, int bins)
    {
        var u = new double[features][];
        for (int f = 0; f < features; f++)
        {
            u[f] = Enumerable.Range(1, bins).Select(b => b / (double)bins).ToArray();
        }
        return new BinEdges(u);
    }
}

// Reuses one pair of accumulation buffers between calls to keep allocations down.
public sealed class HistogramBuilder(int bins)
{
    private readonly double[] _sums = new double[bins];
    private readonly int[] _counts = new int[bins];

    public int Built { get; private set; }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public (double[] Sums, int[] Counts) Build(Dataset data, double[] residual, int feature, BinEdges edges)
    {
        Array.Clear(_sums);
        Array.Clear(_counts);
        for (int i = 0; i < data.Rows; i++)
        {
            int b = edges.Bin(feature, data.X[i][feature]);
            _sums[b] += residual[i];
            _counts[b]++;
        }
        Built++;
        return ((double[])_sums.Clone(), (int[])_counts.Clone());
    }
}
