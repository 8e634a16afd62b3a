using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace PercolationThresholdEstimator;

// Site percolation on an L x L square lattice, Newman–Ziff: occupy sites in random order, union-find the
// clusters, and record the occupation fraction at which a cluster first touches both the top and bottom rows.
public sealed class NewmanZiffLattice
{
    private readonly int _l;
    private readonly int[] _parent;
    private readonly bool[] _occupied, _top, _bottom;
    public ReaderWriterLockSlim Gate { get; } = new();

    public NewmanZiffLattice(int l)
    {
        _l = l;
        _parent = new int[l * l];
        _occupied = new bool[l * l];
        _top = new bool[l * l];
        _bottom = new bool[l * l];
    }

    private int Find(int i)
    {
        while (_parent[i] != i) { _parent[i] = _parent[_parent[i]]; i = _parent[i]; }
        return i;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return;
        _parent[ra] = rb;
        _top[rb] |= _top[ra];
        _bottom[rb] |= _bottom[ra];
    }

    public double Sweep(int[] order)
    {
        Array.Clear(_occupied);
        for (int i = 0; i < _parent.Length; i++) { _parent[i] = i; _top[i] = i < _l; _bottom[i] = i >= _parent.Length - _l; }
        for (int n = 0; n < order.Length; n++)
        {
            int s = order[n], x = s % _l, y = s / _l;
            _occupied[s] = true;
            if (x > 0 && _occupied[s - 1]) Union(s, s - 1);
            if (x < _l - 1 && _occupied[s + 1]) Union(s, s + 1);
            if (y > 0 && _occupied[s - _l]) Union(s, s - _l);
            if (y < _l - 1 && _occupied[s + _l]) Union(s, s + _l);
            int r = Find(s);
            if (_top[r] && _bottom[r]) return (n + 1) / (double)order.Length;
        }
        return 1.0;
    }
}

public static class Program
{
    [DllImport("libc.so.6")]
    private static extern void srand48(long seed);

    [DllImport("libc.so.6")]
    private static extern double drand48();

    private static readonly object LibcGate = new();

    public static void Main()
    {
        int[] sizes = { 32, 64, 128 };
        foreach (int l in sizes)
        {
            // Main estimate: independent trials, each with its own generator and lattice.
            int trials = 1600;
            var pc = new double[trials];
            Parallel.For(0, trials, t =>
            {
                var rng = new Random(l * 100_000 + t);
                var lattice = new NewmanZiffLattice(l);
                pc[t] = lattice.Sweep(Shuffle(l * l, rng));
            });
            Report($"L = {l,3} independent", pc);

            // Same estimate on one preallocated lattice (the "save allocations" variant).
            var shared = new NewmanZiffLattice(l);
            var pcShared = new double[trials / 2];
            Parallel.For(0, pcShared.Length, t =>
            {
                var order = Shuffle(l * l, new Random(l * 7919 + t));
                shared.Gate.EnterWriteLock();
                try
                {
                    pcShared[t] = shared.Sweep(order);
                }
                finally
                {
                    shared.Gate.ExitWriteLock();
                }
            });
            Report($"L = {l,3} shared lattice", pcShared);

            // Cross-check against the C reference code, which drew its permutations from drand48.
            var pcLibc = new double[64];
            Parallel.For(0, pcLibc.Length, t => pcLibc[t] = ReferenceTrial(l, 1000 + t));
            Report($"L = {l,3} drand48 ref", pcLibc);
        }
    }

    private static double ReferenceTrial(int l, long seed)
    {
        lock (LibcGate)
        {
            srand48(seed);
            var order = Enumerable.Range(0, l * l).ToArray();
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = (int)(drand48() * (i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
            return new NewmanZiffLattice(l).Sweep(order);
        }
    }

    private static int[] Shuffle(int n, Random rng)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        rng.Shuffle(order);
        return order;
    }

    private static void Report(string label, double[] samples)
    {
        double mean = samples.Average();
        double sd = Math.Sqrt(samples.Sum(x => (x - mean) * (x - mean)) / (samples.Length - 1));
        Console.WriteLine($"{label,-26} p_c = {mean:F4} +/- {sd / Math.Sqrt(samples.Length):F4} (width {sd:F4}, n = {samples.Length})");
    }
}
