using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL002's reader/writer lock for a type whose methods are all Synchronized: an index filled by <c>Add</c> and searched
/// by a <c>Parallel.For</c> over queries (the search bumps a query counter). Run before and after the first (FixAll)
/// actions, the hits of every query and the query count must print the same, and the fixed index must take its new
/// lock in read mode in <c>Search</c>.
/// </summary>
public class ReaderWriterLockExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Threading;
        using System.Threading.Tasks;

        sealed class VectorIndex
        {
            private readonly List<int> _ids = new List<int>();
            private readonly List<float[]> _vectors = new List<float[]>();
            private long _queries;

            public long Queries => Interlocked.Read(ref _queries);

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Add(int id, float[] vector)
            {
                _ids.Add(id);
                _vectors.Add(vector);
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int[] Search(float[] query, int k)
            {
                _queries++;
                var scores = new float[_vectors.Count];
                for (int i = 0; i < _vectors.Count; i++)
                {
                    float dot = 0, norm = 0;
                    for (int d = 0; d < query.Length; d++)
                    {
                        dot += query[d] * _vectors[i][d];
                        norm += _vectors[i][d] * _vectors[i][d];
                    }
                    scores[i] = dot / (MathF.Sqrt(norm) + 1e-6f);
                }
                var order = Enumerable.Range(0, scores.Length).ToArray();
                Array.Sort(scores, order);
                var best = new int[Math.Min(k, order.Length)];
                for (int i = 0; i < best.Length; i++) best[i] = _ids[order[order.Length - 1 - i]];
                return best;
            }
        }

        public static class Workload
        {
            public static string Run(int documents)
            {
                var index = new VectorIndex();
                for (int doc = 0; doc < documents; doc++)
                {
                    var rng = new Random(doc);
                    index.Add(doc, Enumerable.Range(0, 32).Select(d => (float)rng.NextDouble() - 0.5f + (d % 8 == doc % 8 ? 1f : 0f)).ToArray());
                }

                var hits = new int[48][];
                Parallel.For(0, hits.Length, q =>
                {
                    var rng = new Random(100000 + q);
                    var query = Enumerable.Range(0, 32).Select(d => (float)rng.NextDouble() - 0.5f + (d % 8 == q % 8 ? 1f : 0f)).ToArray();
                    hits[q] = index.Search(query, 5);
                });
                return index.Queries + ";" + string.Join("|", hits.Select(h => string.Join(",", h)));
            }
        }
        """;

    [Fact]
    public async Task SearchesTakeTheLockInReadMode_SameHitsAfterTheFirstActions()
    {
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(Program, "ReaderWriterIndex", "Workload.Run", 3000);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL002.ReaderWriterLock");
        Assert.Matches(@"public int\[\] Search\(float\[\] query, int k\)\s*\{\s*_vectorIndexLock\.EnterReadLock\(\);", outcome.Source);
        Assert.Matches(@"public void Add\(int id, float\[\] vector\)\s*\{\s*_vectorIndexLock\.EnterWriteLock\(\);", outcome.Source);
        Assert.DoesNotContain("MethodImplOptions.Synchronized", outcome.Source, StringComparison.Ordinal);

        Assert.NotNull(before);
        Assert.StartsWith("48;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
