using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Rules;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffer per call under a reader/writer write lock: the scratch array becomes a local of the query and the
/// write lock becomes the read lock, so queries run together while pipes are still added under the write lock. Run before
/// and after the first (FixAll) actions: every result must print the same.
/// </summary>
public class ScratchReadLockExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """ + ScratchReadLockFixerTests.NetworkHead + """
            public long Capacity(int closed, double scale, int pipes)
            {
                _rw.EnterWriteLock();
                try
                {
                    if (_residual.Length != _edges.Count) _residual = new int[_edges.Count];
                    for (int e = 0; e < _edges.Count; e++)
                        _residual[e] = e >= pipes || _edges[e].From == closed || _edges[e].To == closed ? 0 : (int)(_edges[e].Capacity * scale);
                    long total = 0;
                    for (int round = 0; round < 150; round++)
                    {
                        for (int e = 0; e < _residual.Length; e++)
                        {
                            int push = Math.Min(_residual[e], round % 11 + _edges[e].To % 5);
                            _residual[e] -= push;
                            total += push * (e % 3 + 1);
                        }
                    }

                    return total;
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
        }

        public static class Workload
        {
            public static string Run(int queries)
            {
                var network = new PipeNetwork();
                for (int p = 0; p < 40; p++) network.AddPipe(p % 9, (p * 5 + 1) % 9, 10 + p * 3 % 17);
                var results = new long[queries];
                // Pipes past the first 40 are added while the queries run; each query counts only the first 40, so its
                // result does not depend on when it ran, while the resizes and the writers really interleave with it.
                Parallel.For(0, queries, q =>
                {
                    if (q % 10 == 0) network.AddPipe(q % 9, (q + 4) % 9, 7);
                    results[q] = network.Capacity(q % 9, 0.5 + q % 13 * 0.1, 40);
                });
                return queries + ";" + string.Join(",", results);
            }
        }
        """;

    [Fact]
    public async Task ScratchPerCallInReadMode_SameResultsAfterTheFirstActions()
    {
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(Program, "ScratchReadLock", "Workload.Run", 200);

        Assert.Equal(1, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL001.ScratchToLocal"));
        Assert.Matches(@"_rw\.EnterReadLock\(\);\s*try\s*\{\s*var residual = new int\[_edges\.Count\];", outcome.Source);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(outcome.Source, @"EnterWriteLock"));

        Assert.NotNull(before);
        Assert.StartsWith("200;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
