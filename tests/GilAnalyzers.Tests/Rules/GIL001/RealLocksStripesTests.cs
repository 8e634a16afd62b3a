using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Striped locks, <c>lock (stripes[k])</c>: shared when a few stripes are picked by something other than the parallel
/// item (a cluster, a bucket, a hash), per item when the item picks its own lock or the stripes are many.
/// </summary>
public class RealLocksStripesTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static DiagnosticResult Gil001(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    [Fact]
    public async Task FewStripesPickedByCluster_Reports()
    {
        var source = Usings + """
            class KMeans
            {
                private const int Clusters = 4;
                private readonly object[] _clusterLocks = new object[Clusters];
                private readonly double[][] _sums = new double[Clusters][];

                public KMeans()
                {
                    for (int c = 0; c < Clusters; c++) { _clusterLocks[c] = new object(); _sums[c] = new double[64]; }
                }

                public void Assign(double[][] points, int[] assignment)
                {
                    Parallel.For(0, points.Length, p =>
                    {
                        int cluster = assignment[p];
                        {|#0:lock (_clusterLocks[cluster])|}
                        {
                            for (int d = 0; d < points[p].Length; d++)
                                _sums[cluster][d] += Math.Sqrt(points[p][d] * points[p][d] + 1.0);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_clusterLocks[cluster]", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task StripesPerProcessor_PickedByHash_Report()
    {
        var source = Usings + """
            class WordCounter
            {
                public static void Count(string[] lines, Dictionary<string, int>[] shards)
                {
                    var locks = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new object()).ToArray();
                    Parallel.ForEach(lines, line =>
                    {
                        var bucket = (line.GetHashCode() & int.MaxValue) % locks.Length;
                        {|#0:lock (locks[bucket])|}
                        {
                            foreach (var word in line.Split(' '))
                            {
                                var key = word.Trim().ToLowerInvariant();
                                shards[bucket][key] = shards[bucket].TryGetValue(key, out var n) ? n + 1 : 1;
                            }
                        }
                    });
                }

                public static void Histogram(byte[][] blocks, long[] histogram)
                {
                    object[] stripes = { new object(), new object() };
                    Parallel.For(0, blocks.Length, b =>
                    {
                        {|#1:lock (stripes[b % stripes.Length])|}
                        {
                            for (int i = 0; i < blocks[b].Length; i++) histogram[blocks[b][i]] += (long)Math.Log(i + 2);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "locks[bucket]", "foreach loop", "a Parallel.ForEach body"),
            Gil001(1, "stripes[b % stripes.Length]", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task StripeListTwicePerCore_Reports()
    {
        var source = Usings + """
            class Accumulator
            {
                private readonly List<object> _stripes;
                private readonly double[] _partials = new double[256];

                public Accumulator()
                {
                    _stripes = new List<object>();
                    for (int s = 0; s < Environment.ProcessorCount * 2; s++) _stripes.Add(new object());
                }

                public void Add(double[][] samples, int[] owners)
                {
                    Parallel.For(0, samples.Length, i =>
                    {
                        var slot = owners[i] % _stripes.Count;
                        {|#0:lock (_stripes[slot])|}
                        {
                            foreach (var x in samples[i]) _partials[slot] += Math.Exp(-x * x);
                        }
                    });
                }
            }
            """;
        // The list's size is filled in by a loop, not in sight: a few stripes cannot be proven, so it stays quiet.
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ItemPicksItsOwnLock_OrManyStripes_DoNotReport()
    {
        var source = Usings + """
            class Graph
            {
                private static readonly object[] s_nodeLocks = new object[8];
                private readonly object[] _bucketLocks = new object[4096];
                private readonly object[] _unknownCount;

                public Graph(int n) { _unknownCount = new object[n]; }

                public void Relax(double[][] edges, double[] distance, int[] bucketOf)
                {
                    Parallel.For(0, 8, node =>
                    {
                        lock (s_nodeLocks[node])
                        {
                            for (int e = 0; e < edges[node].Length; e++) distance[node] = Math.Min(distance[node], edges[node][e] + 1);
                        }
                    });
                    Parallel.For(0, edges.Length, v =>
                    {
                        var bucket = bucketOf[v] & 4095;
                        lock (_bucketLocks[bucket])
                        {
                            for (int e = 0; e < edges[v].Length; e++) distance[v] += Math.Sqrt(edges[v][e]);
                        }
                        lock (_unknownCount[bucketOf[v]])
                        {
                            for (int e = 0; e < edges[v].Length; e++) distance[v] -= Math.Cbrt(edges[v][e]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task FewStripesInAStaticArray_ConstantIndexOutsideParallelCode_StaysAsBefore()
    {
        var source = Usings + """
            static class Pool
            {
                private static readonly object[] s_gates = { new object(), new object(), new object() };

                public static int Crunch(int[] data)
                {
                    {|#0:lock (s_gates[0])|}
                    {
                        int acc = 0;
                        foreach (var a in data) foreach (var b in data) acc += a * b;
                        return acc;
                    }
                }

                public static int CrunchShard(int[] data, int shard)
                {
                    {|#1:lock (s_gates[shard % s_gates.Length])|}
                    {
                        int acc = 0;
                        foreach (var a in data) foreach (var b in data) acc ^= a + b;
                        return acc;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "s_gates[0]", "nested loop, 2 levels", "'Crunch', a process-wide lock that every calling thread queues for"),
            Gil001(1, "s_gates[shard % s_gates.Length]", "nested loop, 2 levels", "'CrunchShard', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task CollectionExpressionStripes_PickedByBucket_Report()
    {
        var source = Usings + """
            class Buckets
            {
                private readonly object[] _gates = [new object(), new object(), new object()];

                public void Fill(int[] keys, double[][] tables)
                {
                    Parallel.ForEach(keys, key =>
                    {
                        var bucket = key % 3;
                        {|#0:lock (_gates[bucket])|}
                        {
                            for (int i = 0; i < tables[bucket].Length; i++) tables[bucket][i] += Math.Sin(key * i);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_gates[bucket]", "for loop", "a Parallel.ForEach body"));
    }
}
