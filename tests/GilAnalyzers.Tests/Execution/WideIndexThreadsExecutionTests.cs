using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>Threads created by a <c>uint</c> index loop, fixed with the first code action, must compute the same.</summary>
public class WideIndexThreadsExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public static class Primes
        {
            static bool IsPrime(uint v) { if (v < 2) return false; for (uint d = 2; d * d <= v; d++) if (v % d == 0) return false; return true; }

            public static string Run(int last)
            {
                var found = new List<uint>();
                uint first = 0;
                uint lanes = 6;
                uint width = ((uint)last - first) / lanes;
                Thread[] crew = new Thread[lanes];
                for (uint i = 0; i < lanes; ++i)
                {
                    uint from = first + i * width;
                    uint to = from + width;
                    crew[i] = new Thread(() =>
                    {
                        for (uint v = from; v < to; ++v)
                        {
                            if (IsPrime(v))
                            {
                                lock (found) found.Add(v);
                            }
                        }
                    });
                    crew[i].Start();
                }
                foreach (Thread t in crew) t.Join();
                return string.Join(",", found.OrderBy(v => v));
            }
        }
        """;

    [Fact]
    public async Task FixedUnsignedIndexProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.For(0L, lanes, iIndex =>", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Primes.Before"), "Primes.Run", 60000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Primes.After"), "Primes.Run", 60000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
