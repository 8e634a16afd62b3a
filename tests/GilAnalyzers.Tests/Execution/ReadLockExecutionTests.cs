using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// <c>GIL001.ReadLock</c> run before and after: a price catalogue whose scoring takes the <c>ReaderWriterLockSlim</c> write lock
/// although it only reads the prices. After the fix the scores are the same, and the scoring runs while another thread
/// holds the read lock (before, it waited for that reader to give up): readers no longer exclude each other.
/// </summary>
public class ReadLockExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Catalog
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly List<double> _prices = new List<double>();

            public void Add(double price)
            {
                _rw.EnterWriteLock();
                try
                {
                    _prices.Add(price);
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }

            public double Score(int i)
            {
                _rw.EnterWriteLock();
                try
                {
                    double s = 0;
                    for (int k = 0; k < _prices.Count; k++)
                    {
                        double w = _prices[k];
                        for (int r = 0; r < 8; r++) w = Math.Sqrt(w * (i + 1) + r);
                        s += w;
                    }
                    return s;
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }

            // Whether Score completes while another thread holds the read lock (that thread waits up to 3 s for it).
            public bool ScoresBesideAReader()
            {
                using (var reading = new ManualResetEventSlim())
                using (var scored = new ManualResetEventSlim())
                {
                    bool overlapped = false;
                    var reader = new Thread(() =>
                    {
                        _rw.EnterReadLock();
                        try
                        {
                            reading.Set();
                            overlapped = scored.Wait(3000);
                        }
                        finally
                        {
                            _rw.ExitReadLock();
                        }
                    });
                    reader.Start();
                    reading.Wait();
                    Score(0);
                    scored.Set();
                    reader.Join();
                    return overlapped;
                }
            }
        }

        public static class Pricing
        {
            public static string Run(int n)
            {
                var catalog = new Catalog();
                for (int p = 0; p < 400; p++) catalog.Add(1 + p % 37);
                var scores = new double[n];
                Parallel.For(0, n, i => { scores[i] = catalog.Score(i); });
                return catalog.ScoresBesideAReader() + "|" + string.Join(",", scores.Select(x => x.ToString("R")));
            }
        }
        """;

    [Fact]
    public async Task WriteLockAroundReads_SameScores_AndRunsBesideAReader()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.ReadLockKey }, outcome.Applied.Select(fix => fix.EquivalenceKey));
        Assert.Contains("_rw.EnterReadLock();\n        try\n        {\n            double s = 0;", outcome.Source.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(outcome.RemainingDiagnostics);

        var before = (string?)SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Pricing.Before"), "Pricing.Run", 64);
        var after = (string?)SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Pricing.After"), "Pricing.Run", 64);

        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.StartsWith("False|", before, StringComparison.Ordinal);
        Assert.StartsWith("True|", after, StringComparison.Ordinal);
        Assert.Equal(before!.Substring("False|".Length), after!.Substring("True|".Length));
    }
}
