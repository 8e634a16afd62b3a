using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// The per-worker histogram fix must count the same: a histogram (one lock) and per-bucket totals (striped locks) folded
/// under locks in Parallel.For are fixed with the first code action; both versions run on the same pixels and every
/// bucket must be equal.
/// </summary>
public class ArrayFoldExecutionTests
{
    private const string Program = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;

        public static class Pixels
        {
            static readonly object Gate = new object();
            static readonly object[] Stripes = { new object(), new object(), new object(), new object() };

            static int Shade(byte[] image, int i)
            {
                int s = 0;
                for (int k = 0; k < 64; k++) s += image[(i + k) % image.Length];
                return s / 64;
            }

            public static string Run(int size)
            {
                var hist = new int[256];
                var sums = new long[4];
                var rng = new Random(11);
                var image = new byte[size];
                rng.NextBytes(image);

                Parallel.For(0, image.Length, i =>
                {
                    lock (Gate)
                    {
                        int v = Shade(image, i);
                        hist[v]++;
                    }
                });

                Parallel.For(0, image.Length, i =>
                {
                    int c = image[i] & 3;
                    lock (Stripes[c])
                    {
                        sums[c] += Shade(image, i) * (long)i;
                    }
                });

                return string.Join(",", hist) + "|" + string.Join(",", sums);
            }
        }
        """;

    [Fact]
    public async Task FixedHistogramsCountTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == SharedLockAroundCpuWorkFixer.ThreadLocalKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.True(outcome.Source.Contains("new int[hist.Length]", StringComparison.Ordinal), outcome.Source);
        Assert.True(outcome.Source.Contains("lock (Stripes[k", StringComparison.Ordinal), outcome.Source);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Pixels.Before"), "Pixels.Run", 200_000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Pixels.After"), "Pixels.Run", 200_000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
