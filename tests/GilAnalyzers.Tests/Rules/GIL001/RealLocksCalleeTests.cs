using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Locks in methods that parallel code reaches, on an object every worker shares although the method does not own it:
/// a captured local or a field passed in as an argument, a field of another object (<c>_owner.Sync</c>,
/// <c>state.Gate</c>). Near misses: per-item arguments, value-type arguments, sequential callers.
/// </summary>
public class RealLocksCalleeTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static DiagnosticResult Gil001(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    [Fact]
    public async Task CapturedLocalPassedToStaticHelper_Reports()
    {
        var source = Usings + """
            static class Mandelbrot
            {
                public static int[] Render(int width, int height, int maxIter)
                {
                    var pixels = new int[width * height];
                    var pixelLock = new object();
                    Parallel.For(0, height, row => RenderRow(pixelLock, pixels, row, width, maxIter));
                    return pixels;
                }

                private static void RenderRow(object sync, int[] pixels, int row, int width, int maxIter)
                {
                    {|#0:lock (sync)|}
                    {
                        for (int col = 0; col < width; col++)
                        {
                            double zr = 0, zi = 0; int n = 0;
                            while (zr * zr + zi * zi < 4 && n < maxIter) { var t = zr * zr - zi * zi + col * 0.003; zi = 2 * zr * zi + row * 0.003; zr = t; n++; }
                            pixels[row * width + col] = n;
                        }
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "sync", "nested loop, 2 levels", "'RenderRow', called from a Parallel.For body"));
    }

    [Fact]
    public async Task SharedStateObjectGate_ThroughTwoCalls_Reports()
    {
        var source = Usings + """
            sealed class SearchState
            {
                public readonly object Gate = new object();
                public int BestScore = int.MinValue;
            }

            class Engine
            {
                public int Search(int[][] positions)
                {
                    var state = new SearchState();
                    Parallel.ForEach(positions, position => Evaluate(position, state));
                    return state.BestScore;
                }

                private void Evaluate(int[] position, SearchState shared) => Score(position, shared);

                private static void Score(int[] position, SearchState st)
                {
                    {|#0:lock (st.Gate)|}
                    {
                        int score = 0;
                        for (int i = 0; i < position.Length; i++)
                            for (int j = i + 1; j < position.Length; j++)
                                score += position[i] * position[j] % 7;
                        if (score > st.BestScore) st.BestScore = score;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "st.Gate", "nested loop, 2 levels", "'Score', called from a Parallel.ForEach body"));
    }

    [Fact]
    public async Task FieldOfTheOwner_OnASharedWorker_Reports()
    {
        var source = Usings + """
            class Scene
            {
                public readonly object RenderSync = new object();
                public readonly double[] Buffer = new double[1 << 16];
            }

            class Shader
            {
                private readonly Scene _scene;
                public Shader(Scene scene) { _scene = scene; }

                public void ShadeTile(int tile)
                {
                    {|#0:lock (this._scene.RenderSync)|}
                    {
                        for (int p = 0; p < 4096; p++)
                            _scene.Buffer[(tile * 4096 + p) & 0xFFFF] = Math.Pow(p, 0.45) * Math.Exp(-tile);
                    }
                }
            }

            class Frame
            {
                public static void Draw(Shader shader, int tiles) => Enumerable.Range(0, tiles).AsParallel().ForAll(shader.ShadeTile);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "this._scene.RenderSync", "for loop", "'ShadeTile', called from a PLINQ ForAll delegate"));
    }

    [Fact]
    public async Task PerItemArguments_AndSequentialCallers_DoNotReport()
    {
        var source = Usings + """
            sealed class Cell
            {
                public readonly object Sync = new object();
                public double[] Values = new double[128];
            }

            static class Solver
            {
                public static void Sweep(Cell[] cells, int iterations)
                {
                    Parallel.ForEach(cells, cell => Relax(cell, iterations));
                    Parallel.For(0, cells.Length, i => Relax(new Cell(), i));
                    var log = new object();
                    for (int i = 0; i < cells.Length; i++) Relax2(log, cells[i]);
                }

                private static void Relax(Cell cell, int iterations)
                {
                    lock (cell.Sync)
                    {
                        for (int it = 0; it < iterations; it++)
                            for (int v = 1; v < cell.Values.Length; v++) cell.Values[v] = (cell.Values[v] + cell.Values[v - 1]) / 2;
                    }
                }

                private static void Relax2(object gate, Cell cell)
                {
                    lock (gate)
                    {
                        for (int v = 1; v < cell.Values.Length; v++)
                            for (int w = 0; w < v; w++) cell.Values[v] += cell.Values[w] * 1e-6;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SharedArgumentButLockOnAnotherParameter_DoesNotReport()
    {
        var source = Usings + """
            class Splitter
            {
                private readonly Dictionary<int, int> _counts = new Dictionary<int, int>();

                public void Run(int[][] chunks)
                {
                    Parallel.For(0, chunks.Length, c => Count(_counts, chunks[c], new object()));
                }

                private static void Count(Dictionary<int, int> totals, int[] chunk, object scratchGate)
                {
                    lock (scratchGate)
                    {
                        for (int i = 0; i < chunk.Length; i++)
                            for (int j = 0; j < chunk.Length; j++) chunk[i] ^= chunk[j] >> 1;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EntangledCalleeLock_IsNeitherGil001InCallee_NorGil006()
    {
        var source = Usings + """
            static class Table
            {
                private static readonly int[] s_scratch = new int[512];

                public static void Fill(object sync, int seed)
                {
                    lock (sync)
                    {
                        for (int i = 1; i < s_scratch.Length; i++) s_scratch[i] = s_scratch[i - 1] * 31 + seed;
                    }
                }
            }

            class Driver
            {
                public static void Run(int n)
                {
                    var sync = new object();
                    Parallel.For(0, n, i => Table.Fill(sync, i));
                }
            }
            """;
        // The callee rule leaves entangled work alone; GIL006 reports only visibly parallel or process-wide locks.
        await VerifyCS.VerifyAnalyzerAsync(source);
        await Verify006.VerifyAnalyzerAsync(source);
    }

    // ---- the shared object handed to every worker as its state, and reached through virtual dispatch ----

    private const string Tally = """
        sealed class Tally
        {
            private readonly object _gate = new object();
            public long Rounds = 50000;

            public long Work()
            {
                long acc = 0;
                {|#0:lock (_gate)|}
                {
                    Console.WriteLine("worker " + Thread.CurrentThread.ManagedThreadId + " holds the lock");
                    for (long k = 0; k < Rounds; k++) acc += k * 7 % 13;
                    Console.WriteLine("worker done: " + acc);
                }
                return acc;
            }
        }
        """;

    [Fact]
    public async Task ThreadStartStateSharedByEveryThread_CastToLocal_Reports()
    {
        var source = Usings + Tally + """
            static class Bench
            {
                static void Run(object state)
                {
                    var tally = (Tally)state;
                    for (int r = 0; r < 4; r++) tally.Work();
                }

                public static void Start(int threads)
                {
                    var shared = new Tally();
                    var started = new List<Thread>();
                    for (int i = 0; i < threads; i++)
                    {
                        var t = new Thread(Run);
                        t.Start(shared);
                        started.Add(t);
                    }
                    foreach (var t in started) t.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_gate", "for loop", "'Work', called from a Thread started in a loop"));
    }

    [Fact]
    public async Task ThreadPoolStateSharedByEveryItem_LambdaParameter_Reports()
    {
        var source = Usings + Tally + """
            static class Bench
            {
                public static void Start(int items, CountdownEvent done)
                {
                    var shared = new Tally();
                    for (int i = 0; i < items; i++)
                        ThreadPool.QueueUserWorkItem(o => { ((Tally)o).Work(); done.Signal(); }, shared);
                    done.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_gate", "for loop", "'Work', called from a ThreadPool.QueueUserWorkItem delegate started in a loop"));
    }

    [Fact]
    public async Task ThreadStartStateMadeForEachThread_NoDiagnostic()
    {
        var source = Usings + Tally.Replace("{|#0:", "").Replace("|}", "") + """
            static class Bench
            {
                static void Run(object state)
                {
                    var tally = (Tally)state;
                    tally.Work();
                }

                public static void Start(int threads)
                {
                    var started = new List<Thread>();
                    for (int i = 0; i < threads; i++)
                    {
                        var own = new Tally();
                        var t = new Thread(Run);
                        t.Start(own);
                        started.Add(t);
                    }
                    foreach (var t in started) t.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    private const string Mixers = """
        abstract class Mixer { public abstract double Mix(double[] row); }

        interface IRanker { double Rank(double[] row); }

        sealed class PairMixer : Mixer
        {
            private readonly object _sync = new object();
            public override double Mix(double[] row)
            {
                {|#0:lock (_sync)|}
                {
                    double s = 0;
                    for (int i = 0; i < row.Length; i++) for (int j = 0; j < row.Length; j++) s += row[i] * row[j];
                    return s;
                }
            }
        }

        sealed class PairRanker : IRanker
        {
            private readonly object _sync = new object();
            public double Rank(double[] row)
            {
                {|#1:lock (_sync)|}
                {
                    double s = 0;
                    for (int i = 0; i < row.Length; i++) for (int j = i; j < row.Length; j++) s += row[i] - row[j];
                    return s;
                }
            }
        }
        """;

    [Fact]
    public async Task OverrideAndInterfaceImplementationCalledOnASharedField_Report()
    {
        var source = Usings + Mixers + """
            sealed class Pipeline
            {
                private readonly Mixer _mixer = new PairMixer();
                private readonly IRanker _ranker;
                public Pipeline(IRanker ranker) { _ranker = ranker; }

                public double[] Score(List<double[]> rows)
                {
                    var scores = new double[rows.Count];
                    Parallel.For(0, rows.Count, i => scores[i] = _mixer.Mix(rows[i]) + _ranker.Rank(rows[i]));
                    return scores;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "_sync", "nested loop, 2 levels", "'Mix', called from a Parallel.For body"),
            Gil001(1, "_sync", "nested loop, 2 levels", "'Rank', called from a Parallel.For body"));
    }

    [Fact]
    public async Task OverrideCalledOnAnObjectMadeForEachItem_NoDiagnostic()
    {
        var source = Usings + Mixers.Replace("{|#0:", "").Replace("{|#1:", "").Replace("|}", "") + """
            sealed class Pipeline
            {
                public double[] Score(List<double[]> rows)
                {
                    var scores = new double[rows.Count];
                    Parallel.For(0, rows.Count, i =>
                    {
                        Mixer mixer = new PairMixer();
                        IRanker ranker = new PairRanker();
                        scores[i] = mixer.Mix(rows[i]) + ranker.Rank(rows[i]);
                    });
                    return scores;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
