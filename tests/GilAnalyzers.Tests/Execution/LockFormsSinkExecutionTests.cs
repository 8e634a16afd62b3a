using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Issue 16's lock forms, run before and after their first (FixAll) action: a counter updated inside
/// <c>try { Monitor.Enter(g); … } finally { Monitor.Exit(g); }</c> with thread-own work after the update (the work leaves
/// through the release side, the update becomes Interlocked), and a <c>ReaderWriterLockSlim</c> write lock around a
/// per-item computation feeding a shared dictionary (the computation moves in front of <c>EnterWriteLock</c>). Both
/// versions must give the same results.
/// </summary>
public class LockFormsSinkExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Forms
        {
            private static readonly object Gate = new object();
            private static readonly ReaderWriterLockSlim Rw = new ReaderWriterLockSlim();

            public static string Run(int items)
            {
                long weighted = 0;
                Action work = () =>
                {
                    for (int i = 0; i < items; i++)
                    {
                        try
                        {
                            Monitor.Enter(Gate);
                            weighted += i * 3L;
                            long own = 0;
                            for (int k = 0; k < 400; k++) own += (k * 2654435761L) ^ i;
                        }
                        finally
                        {
                            Monitor.Exit(Gate);
                        }
                    }
                };
                Parallel.Invoke(work, work, work, work);

                var norms = new Dictionary<int, double>();
                Parallel.For(0, items, i =>
                {
                    Rw.EnterWriteLock();
                    try
                    {
                        double s = 0;
                        for (int k = 1; k <= 2000; k++) s += Math.Sqrt(k * (i + 1.0));
                        norms[i] = s;
                    }
                    finally
                    {
                        Rw.ExitWriteLock();
                    }
                });

                Rw.EnterReadLock();
                try
                {
                    return weighted + "|" + string.Join(",", norms.OrderBy(p => p.Key).Select(p => p.Value.ToString("R")));
                }
                finally
                {
                    Rw.ExitReadLock();
                }
            }
        }
        """;

    [Fact]
    public async Task EnterInsideTryAndWriteLock_SameResultsAfterTheFirstActions()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.InterlockedKey, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey }, outcome.Applied.Select(fix => fix.EquivalenceKey));
        Assert.Contains("Interlocked.Add(ref weighted, i * 3L);", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("Monitor.Enter(Gate)", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Rw.EnterWriteLock();", outcome.Source, StringComparison.Ordinal);
        Assert.Empty(outcome.RemainingDiagnostics);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Forms.Before"), "Forms.Run", 300);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Forms.After"), "Forms.Run", 300);

        Assert.NotNull(before);
        Assert.StartsWith((4L * 3L * (299L * 300L / 2)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "|", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
