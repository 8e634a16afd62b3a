using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A process-wide lock (a static field, a static property, a type) in a method that parallel code calls — on any object,
/// up to three calls deep — is taken by every worker: one loop of CPU work under it is reported, as it would be in the
/// parallel body itself. Without a parallel caller the process-wide bar stays (nested loops or bulk work), and a site
/// heavy enough for that bar is reported once, where it is.
/// </summary>
public class StaticLockInParallelCalleeTests
{
    private const string Usings = "using System; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static DiagnosticResult Callee(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    [Fact]
    public async Task StaticGateInAHelperOfAParallelForBody_Reports()
    {
        var source = Usings + """
            static class Pricing
            {
                private static readonly object Gate = new object();

                static double Price(int path, int steps)
                {
                    double s = 0;
                    {|#0:lock (Gate)|}
                    {
                        for (int k = 0; k < steps; k++) s += Math.Exp(-k * 0.01) * path;
                    }
                    return s;
                }

                public static double[] PriceAll(int paths, int steps)
                {
                    var prices = new double[paths];
                    Parallel.For(0, paths, p => prices[p] = Price(p, steps));
                    return prices;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Callee(0, "Gate", "for loop", "'Price', called from a Parallel.For body"));
    }

    [Fact]
    public async Task StaticMutexInAPlinqQuerySelect_Reports()
    {
        var source = Usings + """
            static class Series
            {
                private static readonly Mutex Guard = new Mutex();

                static double Term(int n)
                {
                    double best = 0;
                    {|#0:Guard.WaitOne()|};
                    try
                    {
                        for (int i = 0; i < n * 100; i++) best = Math.Max(best, Math.Sqrt(n / Math.PI) * i);
                    }
                    finally
                    {
                        Guard.ReleaseMutex();
                    }
                    return best;
                }

                public static double Mean(int count)
                    => (from n in ParallelEnumerable.Range(1, count) where n % 3 == 0 select Term(n)).Average();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Callee(0, "Guard", "for loop", "'Term', called from a PLINQ Select delegate"));
    }

    [Fact]
    public async Task TypeLockTwoCallsDeepOnPerItemObjects_Reports()
    {
        var source = Usings + """
            sealed class Tile
            {
                private readonly float[] _pixels;
                public Tile(int size) => _pixels = new float[size];
                public void Render(int seed) => Shade(seed);
                private void Shade(int seed)
                {
                    {|#0:lock (typeof(Tile))|}
                    {
                        for (int i = 0; i < _pixels.Length; i++) _pixels[i] = (float)Math.Sin(i * 0.01 + seed);
                    }
                }
            }

            static class Renderer
            {
                public static void RenderAll(Tile[] tiles)
                    => Parallel.For(0, tiles.Length, i => tiles[i].Render(i));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Callee(0, "typeof(Tile)", "for loop", "'Shade', called from a Parallel.For body"));
    }

    [Fact]
    public async Task StaticGateAroundAStaticScratchBuffer_InAParallelCallee_IsGil006()
    {
        // The loops walk the static scratch buffer the lock guards: with no parallel caller in sight that is bookkeeping
        // of the guarded state, but Parallel.For calls Solve, and the buffer is state threads cannot share.
        var source = Usings + """
            static class Legacy
            {
                private static readonly object Gate = new object();
                private static double[] s_scratch = new double[4096];

                public static double Solve(int seed)
                {
                    {|#0:lock (Gate)|}
                    {
                        for (int i = 0; i < s_scratch.Length; i++) s_scratch[i] = Math.Sqrt(s_scratch[i] + seed + i);
                        double sum = 0;
                        foreach (var v in s_scratch) sum += v;
                        return sum;
                    }
                }

                public static double[] SolveAll(int n)
                {
                    var results = new double[n];
                    Parallel.For(0, n, i => { results[i] = Solve(i); });
                    return results;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "Gate", "for loop", "'Solve', called from a Parallel.For body", "'Legacy.s_scratch' is read and written by the work"));
    }

    [Fact]
    public async Task StaticGateWithNoParallelCaller_OneLoop_StaysQuiet()
    {
        var source = Usings + """
            static class Pricing
            {
                private static readonly object Gate = new object();

                public static double Price(int path, int steps)
                {
                    double s = 0;
                    lock (Gate)
                    {
                        for (int k = 0; k < steps; k++) s += Math.Exp(-k * 0.01) * path;
                    }
                    return s;
                }

                public static double[] PriceAll(int paths, int steps)
                {
                    var prices = new double[paths];
                    for (int p = 0; p < paths; p++) prices[p] = Price(p, steps);
                    return prices;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StaticGateAroundAShortUpdate_InAParallelCallee_StaysQuiet()
    {
        var source = Usings + """
            static class Stats
            {
                private static readonly object Gate = new object();
                private static long s_count;
                private static double s_sum;

                static void Record(double value)
                {
                    lock (Gate)
                    {
                        s_count++;
                        s_sum += value;
                    }
                }

                public static void RecordAll(double[] values)
                    => Parallel.ForEach(values, v => Record(Math.Sqrt(v)));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StaticCacheFilledOnceUnderTheLock_InAParallelCallee_StaysQuiet()
    {
        var source = Usings + """
            static class Table
            {
                private static readonly object Gate = new object();
                private static double[] s_table;

                static double[] Get(int n)
                {
                    if (s_table == null)
                    {
                        lock (Gate)
                        {
                            if (s_table == null)
                            {
                                var t = new double[n];
                                for (int i = 0; i < n; i++) t[i] = Math.Sqrt(i);
                                s_table = t;
                            }
                        }
                    }
                    return s_table;
                }

                public static void Use(double[] output)
                    => Parallel.For(0, output.Length, i => output[i] = Get(output.Length)[i]);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NestedLoopsUnderAStaticGate_CalledFromParallelCode_AreReportedOnceWhereTheyAre()
    {
        var source = Usings + """
            static class Blur
            {
                private static readonly object Gate = new object();

                static void Row(float[] image, int width, int y, int r)
                {
                    {|#0:lock (Gate)|}
                    {
                        for (int x = 1; x < width - 1; x++)
                            for (int k = -r; k <= r; k++) image[y * width + x] += image[y * width + x + k] / 3f;
                    }
                }

                public static void Run(float[] image, int width, int height, int r)
                    => Parallel.For(0, height, y => Row(image, width, y, r));
            }
            """;
        // The process-wide path of SharedLockAroundCpuWorkAnalyzer reports it; the callee analyzer stays out.
        await VerifyCS.VerifyAnalyzerAsync(source.Replace("{|#0:", string.Empty).Replace("Gate)|}", "Gate)"));
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("Gate", "nested loop, 2 levels", "'Row', a process-wide lock that every calling thread queues for"));
    }
}
