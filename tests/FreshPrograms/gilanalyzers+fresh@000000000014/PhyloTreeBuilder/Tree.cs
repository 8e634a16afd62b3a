using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace PhyloTreeBuilder;

/// <summary>Unrooted binary tree: leaves are 0..Taxa-1, internal nodes follow.</summary>
public sealed class Tree(int taxa)
{
    public readonly int Taxa = taxa;
    public readonly List<int>[] Adj = Enumerable.Range(0, 2 * taxa - 2).Select(_ => new List<int>()).ToArray();
    public void Link(int a, int b) { Adj[a].Add(b); Adj[b].Add(a); }

    public static Tree Random(int taxa, Random rng)
    {
        var t = new Tree(taxa);
        int next = taxa;
        t.Link(0, next); t.Link(1, next); t.Link(2, next); next++;
        var edges = new List<(int, int)> { (0, taxa), (1, taxa), (2, taxa) };
        for (int leaf = 3; leaf < taxa; leaf++, next++)
        {
            var (a, b) = edges[rng.Next(edges.Count)];
            t.Adj[a].Remove(b); t.Adj[b].Remove(a);
            t.Link(a, next); t.Link(b, next); t.Link(leaf, next);
            edges.Remove((a, b)); edges.Add((a, next)); edges.Add((b, next)); edges.Add((leaf, next));
        }
        return t;
    }

    /// <summary>Non-trivial splits as leaf bitmasks normalised so that taxon 0 is on the other side.</summary>
    public IEnumerable<ulong> Splits()
    {
        var result = new List<ulong>();
        ulong all = (1UL << Taxa) - 1;
        ulong Walk(int node, int parent)
        {
            ulong mask = node < Taxa ? 1UL << node : 0;
            foreach (int c in Adj[node]) if (c != parent) mask |= Walk(c, node);
            ulong norm = (mask & 1) != 0 ? all ^ mask : mask;
            if (parent >= 0 && BitOperations.PopCount(norm) >= 2 && BitOperations.PopCount(norm) <= Taxa - 2) result.Add(norm);
            return mask;
        }
        Walk(Taxa, -1);
        return result.Distinct();
    }
}
