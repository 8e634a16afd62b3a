using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A localFinally written by hand: <c>Parallel.For</c> over the number of workers, each iteration walking its own slice
/// into private buffers and taking the shared lock once at the end to add them into the shared result. Each worker
/// merges once, as Parallel.For's localFinally would; the lock is not taken per item.
/// </summary>
public class WorkerCountMergeTests
{
    [Fact]
    public async Task PrivateHistogramsMergedOncePerWorker_NoDiagnostic()
    {
        var source = """
            using System;
            using System.Threading.Tasks;

            sealed class Histogram
            {
                private const int Bins = 32768;
                private readonly long[] _counts = new long[Bins];

                public void Count(byte[] pixels)
                {
                    int workers = Math.Min(Environment.ProcessorCount, Math.Max(1, pixels.Length / 3));
                    int slice = pixels.Length / workers;
                    Parallel.For(0, workers, w =>
                    {
                        var mine = new long[Bins];
                        int end = w == workers - 1 ? pixels.Length : (w + 1) * slice;
                        for (int i = w * slice; i < end; i++)
                        {
                            mine[pixels[i] * 128]++;
                        }

                        lock (_counts)
                        {
                            for (int b = 0; b < Bins; b++)
                            {
                                _counts[b] += mine[b];
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WorkerCountLoopWithAllItsWorkUnderTheLock_IsReported()
    {
        // The only loop of the body is the one under the lock: every worker's whole share runs serialised.
        var source = """
            using System;
            using System.Threading.Tasks;

            sealed class Histogram
            {
                private readonly long[] _counts = new long[256];

                public void Count(byte[] pixels)
                {
                    int slice = pixels.Length / Environment.ProcessorCount;
                    Parallel.For(0, Environment.ProcessorCount, w =>
                    {
                        {|#0:lock (_counts)|}
                        {
                            for (int i = w * slice; i < (w + 1) * slice; i++)
                            {
                                _counts[pixels[i]]++;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_counts", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task ItemCountLoopMergingPerItem_IsStillReported()
    {
        // Over the items, not the workers: the lock is taken once per row, as often as there are rows.
        var source = """
            using System.Threading.Tasks;

            sealed class Histogram
            {
                private const int Bins = 4096;
                private readonly long[] _counts = new long[Bins];

                public void Count(byte[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        var mine = new long[Bins];
                        foreach (var p in rows[r])
                        {
                            mine[p * 16]++;
                        }

                        {|#0:lock (_counts)|}
                        {
                            for (int b = 0; b < Bins; b++)
                            {
                                _counts[b] += mine[b];
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_counts", "for loop", "a Parallel.For body"));
    }
}
