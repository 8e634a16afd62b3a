using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

public class SynchronizedCpuMethodAnalyzerTests
{
    private const string Usings = "using System; using System.Linq; using System.Runtime.CompilerServices; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task SynchronizedInstanceMethodWithLoop_Reports(LanguageVersion version)
    {
        var source = Usings + """
            class Simulation
            {
                private double _energy;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|#0:Step|}(int particles)
                {
                    double e = 0;
                    for (int p = 0; p < particles; p++)
                        for (int q = 0; q < particles; q++)
                            e += Math.Exp(-Math.Abs(p - q));
                    _energy += e;
                    return e;
                }

                public static void Run(int steps)
                {
                    var simulation = new Simulation();
                    Parallel.For(0, steps, i => simulation.Step(200));
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, version,
            VerifyCS.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0)
                .WithArguments("Step", "nested loop, 2 levels", "the instance, shared by a Parallel.For body"));
    }

    [Fact]
    public async Task SynchronizedStaticMethodWithCombinedFlags_Reports()
    {
        var source = Usings + """
            static class Codec
            {
                [MethodImpl(MethodImplOptions.Synchronized | MethodImplOptions.NoInlining)]
                public static int {|#0:Checksum|}(byte[] data) => data.Aggregate(0, (a, b) => a * 31 + b);

                public static void All(byte[][] blocks, int[] sums) => Parallel.For(0, blocks.Length, i => sums[i] = Checksum(blocks[i]));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0)
                .WithArguments("Checksum", "LINQ pipeline", "the type 'Codec', called from a Parallel.For body"));
    }

    [Fact]
    public async Task SynchronizedMethodCallingHeavyHelper_Reports()
    {
        var source = Usings + """
            class C
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public long {|#0:Run|}(int n) => Fib(n);

                private static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
            }

            class Host
            {
                private readonly C _worker = new C();

                public long[] All(int[] inputs) => inputs.AsParallel().AsOrdered().Select(n => _worker.Run(n)).ToArray();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0)
                .WithArguments("Run", "recursion in 'Fib'", "the instance, shared by a PLINQ Select delegate"));
    }

    [Fact]
    public async Task LightOrIoOrUnsynchronized_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                private int _count;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Increment() { _count++; }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Log(string[] lines) { foreach (var l in lines) Console.WriteLine(l); }

                [MethodImpl(MethodImplOptions.NoInlining)]
                public int NotSynchronized(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void SmallConstant(int[] a) { for (int i = 0; i < 4; i++) a[i] = 0; }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MinWorkNestedLoop_IgnoresSingleLoop()
    {
        var source = Usings + """
            class C
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Sum(int[] a) { int s = 0; foreach (var x in a) s += x; return s; }

                public void All(int[][] rows, int[] sums) => Parallel.For(0, rows.Length, i => sums[i] = Sum(rows[i]));
            }
            """;
        var test = new VerifyCS.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngil_analyzers.min_work = nested_loop\n"));
        await test.RunAsync();
    }

    [Fact]
    public async Task InstanceMethodNoParallelCodeShares_IsQuiet_PerIterationAndPerStreamObjects()
    {
        // The hidden lock is on the instance: a fresh object per iteration, or one per stream that one reader pulls, never
        // meets a second thread.
        var source = Usings + """
            sealed class FrameDecoder
            {
                private readonly int[] _table = new int[4096];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Decode(byte[] frame)
                {
                    int acc = 0;
                    for (int i = 0; i < frame.Length; i++)
                        for (int bit = 0; bit < 8; bit++)
                            acc = _table[(acc + (frame[i] >> bit)) & 4095];
                    return acc;
                }
            }

            static class Pipeline
            {
                public static int[] DecodeAll(byte[][] frames)
                {
                    var results = new int[frames.Length];
                    Parallel.For(0, frames.Length, i => results[i] = new FrameDecoder().Decode(frames[i]));
                    return results;
                }

                public static int DecodeStream(byte[][] frames)
                {
                    var decoder = new FrameDecoder();
                    int last = 0;
                    foreach (var frame in frames) last = decoder.Decode(frame);
                    return last;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StaticHeavyMethod_ReportsWithoutCallers_LazyTableBuildDoesNot()
    {
        // A static synchronized method locks the type: a process-wide lock, reported under GIL001's process-wide bar.
        var source = Usings + """
            static class Curve
            {
                private static int[] s_table;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static long {|#0:ScalarMultiply|}(int[] k, int[] point)
                {
                    long acc = 0;
                    for (int i = 0; i < k.Length; i++)
                        for (int j = 0; j < point.Length; j++)
                            acc = (acc * 31 + k[i] * point[j]) % 1_000_000_007;
                    return acc;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static int[] Table()
                {
                    if (s_table != null)
                    {
                        return s_table;
                    }

                    var table = new int[256 * 16];
                    for (int i = 0; i < 256; i++)
                        for (int j = 0; j < 16; j++)
                            table[i * 16 + j] = i * j;
                    s_table = table;
                    return s_table;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(Descriptors.SynchronizedCpuMethod).WithLocation(0)
                .WithArguments("ScalarMultiply", "nested loop, 2 levels", "the type 'Curve'"));
    }

    [Fact]
    public async Task CalledThroughAPrimaryConstructorParameter_FromARecursiveSearch_Reports()
    {
        // class Search(Scorer scorer): the captured parameter is state of the Search instance every worker shares.
        var source = Usings + """
            public sealed class Scorer
            {
                private long _calls;
                [MethodImpl(MethodImplOptions.Synchronized)]
                public int {|#0:Score|}(int[] cells)
                {
                    _calls++;
                    int s = 0;
                    for (int i = 0; i < cells.Length; i++)
                        for (int d = 0; d < 8; d++) s += cells[i] * d;
                    return s;
                }
            }

            public sealed class Search(Scorer scorer)
            {
                public int[] Run(int[][] boards)
                {
                    var results = new int[boards.Length];
                    Parallel.For(0, boards.Length, i => results[i] = Deep(boards[i], 3));
                    return results;
                }

                private int Deep(int[] board, int depth)
                {
                    if (depth == 0) return scorer.Score(board);
                    int best = int.MinValue;
                    for (int k = 0; k < 3; k++) best = Math.Max(best, -Deep(board, depth - 1));
                    return best;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0)
                .WithArguments("Score", "for loop", "the instance, shared by a Parallel.For body"));
    }

    [Fact]
    public async Task PrimaryConstructorParameterOfAPerItemObject_StaysQuiet()
    {
        // Each worker makes its own Search, so each Scorer is called by one thread.
        var source = Usings + """
            public sealed class Scorer
            {
                private long _calls;
                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Score(int[] cells)
                {
                    _calls++;
                    int s = 0;
                    for (int i = 0; i < cells.Length; i++)
                        for (int d = 0; d < 8; d++) s += cells[i] * d;
                    return s;
                }
            }

            public sealed class Search(Scorer scorer)
            {
                public int Leaf(int[] board) => scorer.Score(board);

                public static int[] Run(int[][] boards)
                {
                    var results = new int[boards.Length];
                    Parallel.For(0, boards.Length, i => results[i] = new Search(new Scorer()).Leaf(boards[i]));
                    return results;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
