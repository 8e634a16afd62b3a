using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace PhyloTreeBuilder;

public static class Parsimony
{
    public static long TreesScored;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static int Score(Tree tree, byte[][] alignment)
    {
        int length = alignment[0].Length, score = 0;
        var sets = new byte[tree.Adj.Length];
        for (int site = 0; site < length; site++)
        {
            int Fitch(int node, int parent)
            {
                if (node < tree.Taxa) { sets[node] = (byte)(1 << alignment[node][site]); return 0; }
                byte acc = 0xF; int changes = 0; bool first = true;
                foreach (int c in tree.Adj[node])
                {
                    if (c == parent) continue;
                    changes += Fitch(c, node);
                    byte inter = (byte)(acc & sets[c]);
                    if (first) { acc = sets[c]; first = false; }
                    else if (inter == 0) { acc |= sets[c]; changes++; }
                    else acc = inter;
                }
                sets[node] = acc;
                return changes;
            }
            score += Fitch(tree.Taxa, -1);
        }
        TreesScored++;
        return score;
    }
}

/// <summary>Jukes–Cantor distances plus neighbour joining, with one distance matrix kept for all replicates.</summary>
public sealed class NjBuilder(byte[][] alignment)
{
    private readonly Lock _gate = new();
    private readonly int _taxa = alignment.Length;
    private readonly double[,] _d = new double[2 * alignment.Length, 2 * alignment.Length];

    public Tree Build(int[] columns)
    {
        using (_gate.EnterScope())
        {
            for (int i = 0; i < _taxa; i++)
            for (int j = i + 1; j < _taxa; j++)
            {
                int diff = 0;
                foreach (int col in columns) if (alignment[i][col] != alignment[j][col]) diff++;
                double p = Math.Min(0.74, diff / (double)columns.Length);
                _d[i, j] = _d[j, i] = -0.75 * Math.Log(1.0 - 4.0 / 3.0 * p);
            }
            var tree = new Tree(_taxa);
            var active = Enumerable.Range(0, _taxa).ToList();
            int next = _taxa;
            while (active.Count > 3)
            {
                int m = active.Count;
                var r = active.ToDictionary(i => i, i => active.Sum(k => _d[i, k]));
                (int A, int B, double Q) best = (-1, -1, double.MaxValue);
                for (int x = 0; x < m; x++)
                for (int y = x + 1; y < m; y++)
                {
                    double q = (m - 2) * _d[active[x], active[y]] - r[active[x]] - r[active[y]];
                    if (q < best.Q) best = (active[x], active[y], q);
                }
                foreach (int k in active) _d[next, k] = _d[k, next] = 0.5 * (_d[best.A, k] + _d[best.B, k] - _d[best.A, best.B]);
                _d[next, next] = 0;
                tree.Link(best.A, next); tree.Link(best.B, next);
                active.Remove(best.A); active.Remove(best.B); active.Add(next++);
            }
            foreach (int k in active) tree.Link(k, next);
            return tree;
        }
    }
}

public static class Program
{
    public static void Main()
    {
        const int taxa = 24, sites = 600, replicates = 300;
        var rng = new Random(2718);
        Tree truth = Tree.Random(taxa, rng);
        var alignment = new byte[taxa][];
        var states = new byte[truth.Adj.Length][];
        void Evolve(int node, int parent)
        {
            states[node] = parent < 0 ? Enumerable.Range(0, sites).Select(_ => (byte)rng.Next(4)).ToArray() : (byte[])states[parent].Clone();
            if (parent >= 0)
            {
                double p = 0.75 * (1 - Math.Exp(-4.0 / 3.0 * (0.003 + 0.04 * rng.NextDouble())));
                for (int s = 0; s < sites; s++) if (rng.NextDouble() < p) states[node][s] = (byte)((states[node][s] + 1 + rng.Next(3)) % 4);
            }
            foreach (int c in truth.Adj[node]) if (c != parent) Evolve(c, node);
        }
        Evolve(taxa, -1);
        for (int i = 0; i < taxa; i++) alignment[i] = states[i];

        var builder = new NjBuilder(alignment);
        Tree nj = builder.Build(Enumerable.Range(0, sites).ToArray());
        var support = new Dictionary<ulong, int>();
        Parallel.For(0, replicates, () => new Dictionary<ulong, int>(), (rep, _, local) =>
        {
            var boot = new Random(10_000 + rep);
            int[] columns = Enumerable.Range(0, sites).Select(_ => boot.Next(sites)).ToArray();
            foreach (ulong split in builder.Build(columns).Splits())
                local[split] = local.GetValueOrDefault(split) + 1;
            return local;
        }, local =>
        {
            lock (support)
            {
                foreach (var (split, count) in local) support[split] = support.GetValueOrDefault(split) + count;
            }
        });

        var trueSplits = truth.Splits().OrderBy(s => s).ToList();
        int recovered = trueSplits.Count(s => nj.Splits().Contains(s));
        int wellSupported = trueSplits.Count(s => support.GetValueOrDefault(s) >= 0.7 * replicates);
        Console.WriteLine($"True tree has {trueSplits.Count} splits; NJ recovers {recovered}; {wellSupported} have >=70% bootstrap support");
        foreach (ulong s in trueSplits.OrderBy(s => support.GetValueOrDefault(s)).ThenBy(s => s).Take(8))
            Console.WriteLine($"  split {Convert.ToString((long)s, 2).PadLeft(taxa, '0')}  support {100.0 * support.GetValueOrDefault(s) / replicates,5:F1}%");
        Console.WriteLine($"Distinct splits seen across replicates: {support.Count}");

        var candidates = new List<Tree> { truth, nj };
        var shuffle = new Random(99);
        for (int i = 0; i < 300; i++) candidates.Add(Tree.Random(taxa, shuffle));
        int[] scores = candidates.AsParallel().AsOrdered().Select(t => Parsimony.Score(t, alignment)).ToArray();
        Console.WriteLine($"Parsimony: true tree {scores[0]}, NJ tree {scores[1]}, best random {scores.Skip(2).Min()}, mean random {scores.Skip(2).Average():F1}");
        Console.WriteLine($"Trees scored: {Parsimony.TreesScored}");
    }
}
