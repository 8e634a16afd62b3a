using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Locks inside local functions and delegate locals that parallel code of the same method calls: the gate is a captured
/// local, shared by every worker. Near misses: a gate created per call, a helper only called sequentially.
/// </summary>
public class RealLocksLocalFunctionsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static DiagnosticResult Gil001(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    [Fact]
    public async Task LocalFunctionCalledFromParallelBody_LocksCapturedGate_Reports()
    {
        var source = Usings + """
            class RayTracer
            {
                public static float[] Render(int width, int height)
                {
                    var image = new float[width * height];
                    var frameLock = new object();

                    void ShadeRow(int y)
                    {
                        {|#0:lock (frameLock)|}
                        {
                            for (int x = 0; x < width; x++)
                                image[y * width + x] = MathF.Sqrt(x * x + y * y) / (1 + MathF.Abs(MathF.Sin(x)));
                        }
                    }

                    Parallel.For(0, height, y => ShadeRow(y));
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "frameLock", "for loop", "'ShadeRow', called from a Parallel.For body"));
    }

    [Fact]
    public async Task LocalFunctionAsMethodGroup_AndStaticLocalFunctionWithSemaphore_Report()
    {
        var source = Usings + """
            class Evolver
            {
                public static double Evolve(double[][] population, int generations)
                {
                    double best = double.MinValue;
                    var gate = new SemaphoreSlim(1, 1);

                    Parallel.For(0, population.Length, Score);
                    return best;

                    void Score(int index)
                    {
                        {|#0:gate.Wait()|};
                        try
                        {
                            double fitness = 0;
                            for (int g = 0; g < generations; g++)
                                foreach (var gene in population[index]) fitness += Math.Cos(gene * g);
                            if (fitness > best) best = fitness;
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "gate", "nested loop, 2 levels", "'Score', run as a Parallel.For body"));
    }

    [Fact]
    public async Task DelegateLocalCalledFromTasks_Reports()
    {
        var source = Usings + """
            class Miner
            {
                public static async Task<long> MineAsync(int workers, int difficulty)
                {
                    long found = 0;
                    var sync = new object();
                    Func<int, long> search = seed =>
                    {
                        {|#0:lock (sync)|}
                        {
                            long nonce = seed;
                            while (((nonce * 2654435761L) >> 7) % difficulty != 0) nonce++;
                            found += nonce;
                            return nonce;
                        }
                    };

                    var tasks = new List<Task<long>>();
                    for (int w = 0; w < workers; w++)
                    {
                        int seed = w * 1000;
                        tasks.Add(Task.Run(() => search(seed)));
                    }

                    await Task.WhenAll(tasks);
                    return found;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "sync", "while loop", "'search', called from a Task.Run delegate started in a loop"));
    }

    [Fact]
    public async Task NestedLocalFunctions_AtCSharp73_Report()
    {
        var source = Usings + """
            class Blur
            {
                public static void Apply(double[] pixels, int radius)
                {
                    object pixelGate = new object();

                    void Inner(int p)
                    {
                        {|#0:lock (pixelGate)|}
                        {
                            double sum = 0;
                            for (int k = -radius; k <= radius; k++) sum += pixels[Math.Max(0, Math.Min(pixels.Length - 1, p + k))];
                            pixels[p] = sum / (2 * radius + 1);
                        }
                    }

                    void Outer(int p)
                    {
                        Inner(p);
                    }

                    Parallel.For(0, pixels.Length, delegate (int p) { Outer(p); });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, LanguageVersion = LanguageVersion.CSharp7_3 };
        test.ExpectedDiagnostics.Add(Gil001(0, "pixelGate", "for loop", "'Inner', called from 'Outer', called from a Parallel.For body"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GatePerCall_OrHelperCalledSequentially_DoesNotReport()
    {
        var source = Usings + """
            class Batch
            {
                public static void Run(int[][] chunks)
                {
                    var reportLock = new object();

                    void Process(int c)
                    {
                        var own = new object();
                        lock (own)
                        {
                            for (int i = 0; i < chunks[c].Length; i++) chunks[c][i] = chunks[c][i] * 7 % 13;
                        }
                    }

                    void Summarise(int c)
                    {
                        lock (reportLock)
                        {
                            for (int i = 0; i < chunks[c].Length; i++) chunks[c][i] += i;
                        }
                    }

                    Action<int> tidy = c =>
                    {
                        lock (reportLock)
                        {
                            for (int i = 0; i < chunks[c].Length; i++) chunks[c][i] -= i;
                        }
                    };

                    Parallel.For(0, chunks.Length, c => Process(c));
                    for (int c = 0; c < chunks.Length; c++) { Summarise(c); tidy(c); }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LocalFunctionCalledOnlyFromLocalFinally_DoesNotReport()
    {
        var source = Usings + """
            class Totals
            {
                public static double Sum(double[][] rows)
                {
                    double total = 0;
                    var mergeLock = new object();

                    void Merge(double partial)
                    {
                        lock (mergeLock)
                        {
                            for (int i = 0; i < rows.Length; i++) total += partial / rows.Length;
                        }
                    }

                    Parallel.For(0, rows.Length, () => 0.0, (r, state, local) => local + rows[r].Sum(), Merge);
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task DelegateLocalHandedToParallelForEach_Reports()
    {
        var source = Usings + """
            class Resizer
            {
                public static void ResizeAll(List<float[]> images, int scale)
                {
                    var encoderLock = new object();
                    Action<float[]> resize = image =>
                    {
                        bool taken = false;
                        try
                        {
                            {|#0:Monitor.Enter(encoderLock, ref taken)|};
                            for (int p = 0; p < image.Length; p++) image[p] = MathF.Round(image[p] * scale) / scale;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(encoderLock);
                        }
                    };

                    Parallel.ForEach(images, resize);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "encoderLock", "for loop", "'resize', run as a Parallel.ForEach body"));
    }
}
