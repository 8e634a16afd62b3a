using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a CPU-bound loop that stays under the lock although each item computes first and writes shared state only
/// at its end. The split action runs the loop in front of the lock, keeps per item the values the writes use, and applies
/// the writes under the lock in the original order (so a floating-point sum adds the same numbers in the same order).
/// </summary>
public class SplitLoopFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class C
        {
            static readonly object Gate = new object();
            static readonly SemaphoreSlim Slot = new SemaphoreSlim(1, 1);

            static double Price(double spot, int seed, int batches, int paths)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, LanguageVersion version = LanguageVersion.Latest)
        => VerifyCS.VerifyCodeFixAsync(Wrap(body), Wrap(fixedBody), SharedLockAroundCpuWorkFixer.SplitLoopKey, version);

    [Fact]
    public async Task SemaphoreGate_DoubleSumOfPayoffs_PayoffsComputedOutsideAndAddedInOrder()
    {
        var body = """
                    double payoffSum = 0;
                    Parallel.For(0, batches, batch =>
                    {
                        {|GIL001:Slot.Wait()|};
                        try
                        {
                            var rng = new Random(seed + batch);
                            for (int p = 0; p < paths; p++)
                            {
                                double z = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                                double terminal = spot * Math.Exp(0.1 * z);
                                payoffSum += Math.Max(terminal - spot, 0);
                            }
                        }
                        finally
                        {
                            Slot.Release();
                        }
                    });
                    return payoffSum / (batches * paths);
            """;
        await VerifyAsync(body, """
                    double payoffSum = 0;
                    Parallel.For(0, batches, batch =>
                    {
                        var rng = new Random(seed + batch);
                        var pending = new List<double>();
                        try
                        {
                            for (int p = 0; p < paths; p++)
                            {
                                double z = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                                double terminal = spot * Math.Exp(0.1 * z);
                                var value = Math.Max(terminal - spot, 0);
                                pending.Add(value);
                            }
                        }
                        finally
                        {
                            Slot.Wait();
                            try
                            {
                                foreach (var value in pending)
                                {
                                    payoffSum += value;
                                }
                            }
                            finally
                            {
                                Slot.Release();
                            }
                        }
                    });
                    return payoffSum / (batches * paths);
            """);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LockAroundRowKernel_PixelAndHistogramWritesAppliedPerItem(LanguageVersion version)
    {
        var body = """
                    int width = paths, height = batches;
                    var source = new int[width * height];
                    var output = new int[width * height];
                    var histogram = new long[256];
                    Parallel.For(0, height, y =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int x = 0; x < width; x++)
                            {
                                int sum = 0;
                                for (int dx = -3; dx <= 3; dx++)
                                {
                                    int sx = Math.Min(Math.Max(x + dx, 0), width - 1);
                                    sum += source[y * width + sx];
                                }

                                int v = sum / 7;
                                output[y * width + x] = v;
                                histogram[v & 255]++;
                            }
                        }
                    });
                    return histogram[0];
            """;
        await VerifyAsync(body, """
                    int width = paths, height = batches;
                    var source = new int[width * height];
                    var output = new int[width * height];
                    var histogram = new long[256];
                    Parallel.For(0, height, y =>
                    {
                        var pending = new List<(int x, int v)>();
                        try
                        {
                            for (int x = 0; x < width; x++)
                            {
                                int sum = 0;
                                for (int dx = -3; dx <= 3; dx++)
                                {
                                    int sx = Math.Min(Math.Max(x + dx, 0), width - 1);
                                    sum += source[y * width + sx];
                                }

                                int v = sum / 7;
                                pending.Add((x, v));
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var (x, v) in pending)
                                {
                                    output[y * width + x] = v;
                                    histogram[v & 255]++;
                                }
                            }
                        }
                    });
                    return histogram[0];
            """, version);
    }

    [Fact]
    public async Task FixAll_TwoLoopsInOneDocument_BothSplit()
    {
        var body = """
                    var sums = new double[batches];
                    Parallel.For(0, batches, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int p = 0; p < paths; p++)
                            {
                                sums[b] += Math.Sqrt(p * spot) * Math.Log(p + 2.0);
                            }
                        }
                    });
                    var maxima = new double[batches];
                    Parallel.For(0, batches, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var p in Enumerable.Range(0, paths))
                            {
                                double w = Math.Exp(Math.Sin(p * spot));
                                maxima[b] = Math.Max(maxima[b], w);
                            }
                        }
                    });
                    return sums.Sum() + maxima.Sum();
            """;
        var fixedBody = """
                    var sums = new double[batches];
                    Parallel.For(0, batches, b =>
                    {
                        var pending = new List<double>();
                        try
                        {
                            for (int p = 0; p < paths; p++)
                            {
                                var value = Math.Sqrt(p * spot) * Math.Log(p + 2.0);
                                pending.Add(value);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var value in pending)
                                {
                                    sums[b] += value;
                                }
                            }
                        }
                    });
                    var maxima = new double[batches];
                    Parallel.For(0, batches, b =>
                    {
                        var pending2 = new List<double>();
                        try
                        {
                            foreach (var p in Enumerable.Range(0, paths))
                            {
                                double w = Math.Exp(Math.Sin(p * spot));
                                pending2.Add(w);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var w in pending2)
                                {
                                    maxima[b] = Math.Max(maxima[b], w);
                                }
                            }
                        }
                    });
                    return sums.Sum() + maxima.Sum();
            """;
        var test = new VerifyCS.Test
        {
            TestCode = Wrap(body),
            // One at a time, the second site sees the first one's list and takes the next free name; FixAll plans both
            // on the original document, where each lambda's own scope makes 'pending' free.
            FixedCode = Wrap(fixedBody),
            BatchFixedCode = Wrap(fixedBody.Replace("pending2", "pending", StringComparison.Ordinal)),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.SplitLoopKey,
            NumberOfFixAllIterations = 1,
        };
        await test.RunAsync();
    }

    // ------------------------------------------------------------------ refusals

    [Fact]
    public async Task ComputationReadsWhatTheWritesChange_NoSplit()
    {
        // The running best decides how far each item searches: the items depend on each other's writes.
        var body = """
                    double best = double.MaxValue;
                    Parallel.For(0, batches, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int p = 0; p < paths; p++)
                            {
                                double cost = 0;
                                for (int k = 0; k < 64 && cost < best; k++) cost += Math.Sqrt(k * p * spot);
                                best = Math.Min(best, cost);
                            }
                        }
                    });
                    return best;
            """;
        await VerifyNoSplitAsync(body);
    }

    [Fact]
    public async Task WriteBreaksOutOfTheLoop_NoSplit()
    {
        var body = """
                    var found = new List<int>();
                    Parallel.For(0, batches, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int p = 0; p < paths; p++)
                            {
                                double score = Math.Sqrt(p * spot) * Math.Log(p + 2.0);
                                if (score > 1000) { found.Add(p); break; }
                            }
                        }
                    });
                    return found.Count;
            """;
        await VerifyNoSplitAsync(body);
    }

    [Fact]
    public async Task WriteReadsABuilderTheItemsGrow_ItsTextIsTakenPerItem()
    {
        var body = """
                    var lines = new List<string>();
                    Parallel.For(0, batches, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            var text = new System.Text.StringBuilder();
                            for (int p = 0; p < paths; p++)
                            {
                                text.Append(Math.Sqrt(p * spot).ToString("F3"));
                                lines.Add(text.ToString());
                            }
                        }
                    });
                    return lines.Count;
            """;
        await VerifyAsync(body, """
                    var lines = new List<string>();
                    Parallel.For(0, batches, b =>
                    {
                        var text = new System.Text.StringBuilder();
                        var pending = new List<string>();
                        try
                        {
                            for (int p = 0; p < paths; p++)
                            {
                                text.Append(Math.Sqrt(p * spot).ToString("F3"));
                                var item = text.ToString();
                                pending.Add(item);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var item in pending)
                                {
                                    lines.Add(item);
                                }
                            }
                        }
                    });
                    return lines.Count;
            """);
    }

    [Fact]
    public async Task WritesReadAnObjectLaterItemsChange_NoSplit()
    {
        // The second write would see the builder as the last item left it, not as it was at its item.
        var body = """
                    var lines = new List<string>();
                    int added = 0;
                    Parallel.For(0, batches, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            var text = new System.Text.StringBuilder();
                            for (int p = 0; p < paths; p++)
                            {
                                text.Append(Math.Sqrt(p * spot).ToString("F3"));
                                added++;
                                lines.Add(text.ToString());
                            }
                        }
                    });
                    return lines.Count + added;
            """;
        await VerifyNoSplitAsync(body);
    }

    private static async Task VerifyNoSplitAsync(string body)
    {
        var test = new VerifyCS.Test
        {
            TestCode = Wrap(body),
            FixedCode = Wrap(body),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.SplitLoopKey,
        };
        await test.RunAsync();
    }
}
