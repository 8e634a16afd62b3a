using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Rules;
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

        """ + ReaderWriterLockFixerTests.IndexType + """

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
