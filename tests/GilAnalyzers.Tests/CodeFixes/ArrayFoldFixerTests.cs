using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// GIL001's per-worker fold for histograms and per-bucket totals (issue 16): <c>hist[v]++</c> or <c>sums[c] += e</c> on an
/// integer array under one lock, or under a striped lock picked by the same index (<c>lock (locks[c])</c>). Each worker
/// counts into its own array made in <c>localInit</c>; <c>localFinally</c> adds it element by element under the lock (each
/// element under its own stripe). Wrapping integer addition gives the same totals in any grouping. (Static arrays
/// folded this way are reported as GIL006 by today's analyzer, so the shapes here use instance arrays and locals.)
/// </summary>
public class ArrayFoldFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Pixels(string body) => Usings + """
        class Histogram
        {
            static readonly object Gate = new object();
            static readonly object[] Stripes = { new object(), new object(), new object(), new object() };
            readonly int[] hist = new int[256];
            readonly long[] sums = new long[4];

            static int Shade(byte[] image, int i)
            {
                int s = 0;
                for (int k = 0; k < 64; k++) s += image[(i + k) % image.Length];
                return s / 64;
            }

            void Count(byte[] image)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task HistogramIncrementedUnderTheLock_CountsPerWorkerAndMergesOnce(LanguageVersion version)
    {
        await VerifyCS.VerifyCodeFixAsync(Pixels("""
                    Parallel.For(0, image.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            int v = Shade(image, i);
                            hist[v]++;
                        }
                    });
            """), Pixels("""
                    Parallel.For<int[]>(0, image.Length, () => new int[hist.Length], (i, loopState, localHist) =>
                    {
                        int v = Shade(image, i);
                        localHist[v]++;
                        return localHist;
                    }, localHist =>
                    {
                        lock (Gate)
                        {
                            for (int k = 0; k < localHist.Length; k++) hist[k] += localHist[k];
                        }
                    });
            """), SharedLockAroundCpuWorkFixer.ThreadLocalKey, version);
    }

    [Fact]
    public async Task StripedLockPerBucket_MergesEachBucketUnderItsStripe()
    {
        await VerifyCS.VerifyCodeFixAsync(Pixels("""
                    Parallel.For(0, image.Length, i =>
                    {
                        int c = image[i] & 3;
                        {|GIL001:lock (Stripes[c])|}
                        {
                            sums[c] += Shade(image, i);
                        }
                    });
            """), Pixels("""
                    Parallel.For<long[]>(0, image.Length, () => new long[sums.Length], (i, loopState, localSums) =>
                    {
                        int c = image[i] & 3;
                        localSums[c] += Shade(image, i);
                        return localSums;
                    }, localSums =>
                    {
                        for (int k = 0; k < localSums.Length; k++)
                        {
                            lock (Stripes[k])
                            {
                                sums[k] += localSums[k];
                            }
                        }
                    });
            """), SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task HistogramFold_IsTheFirstAction()
    {
        var offers = await CodeFixOffers.ForAsync(Pixels("""
                    Parallel.For(0, image.Length, i =>
                    {
                        lock (Gate)
                        {
                            hist[Shade(image, i)]++;
                        }
                    });
            """));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.Equal(SharedLockAroundCpuWorkFixer.ThreadLocalKey, keys[0]);
    }

    [Fact]
    public async Task FloatingPointBuckets_AreNotFoldedPerWorker()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            class Centroids
            {
                static readonly object Gate = new object();
                readonly double[] sums = new double[8];

                static double Norm(double[] v) { double s = 0; for (int r = 0; r < 100; r++) for (int k = 0; k < v.Length; k++) s += Math.Sqrt(v[k] * r); return s; }

                void Run(double[][] points)
                {
                    Parallel.For(0, points.Length, i =>
                    {
                        lock (Gate)
                        {
                            sums[i & 7] += Norm(points[i]);
                        }
                    });
                }
            }
            """);

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, keys);
    }

    [Fact]
    public async Task StripeChosenByAnotherIndex_IsNotFoldedPerWorker()
    {
        var offers = await CodeFixOffers.ForAsync(Pixels("""
                    Parallel.For(0, image.Length, i =>
                    {
                        int c = image[i] & 3;
                        lock (Stripes[(c + 1) & 3])
                        {
                            sums[c] += Shade(image, i);
                        }
                    });
            """));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, keys);
    }

    [Fact]
    public async Task OneSlotPerItem_IsNotCopiedPerWorker()
    {
        var offers = await CodeFixOffers.ForAsync(Pixels("""
                    var perPixel = new long[image.Length];
                    Parallel.For(0, image.Length, i =>
                    {
                        lock (Gate)
                        {
                            perPixel[i] += Shade(image, i);
                        }
                    });
            """));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, keys);
    }

    [Fact]
    public async Task HistogramReadByAnotherRegionOnTheLock_IsNotFoldedPerWorker()
    {
        var offers = await CodeFixOffers.ForAsync(Pixels("""
                    Parallel.For(0, image.Length, i =>
                    {
                        lock (Gate)
                        {
                            hist[Shade(image, i)]++;
                        }
                    });
                }

                int Peek()
                {
                    lock (Gate) { return hist[0]; }
            """));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, keys);
    }
}
