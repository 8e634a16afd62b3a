using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil001Callee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using Gil002 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer>;
using Gil004 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;
using Gil005 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 14, cost side, across the rules: the real site that must fire next to the look-alike that must stay quiet —
/// constant-bound nests, copies, wait loops (also in helpers), the lock's own small collections inside parallel code and
/// [MethodImpl(Synchronized)] methods, and rare "new best" branches.
/// </summary>
public class RealCostFalseAlarmTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Runtime.CompilerServices; using System.Threading; using System.Threading.Tasks;\n";

    // ---- GIL001: lock bodies in parallel code ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task TopNListMaintainedUnderLockInParallelForEach_DoesNotReport(LanguageVersion version)
    {
        var source = Usings + """
            sealed class Candidate { public double Fitness; public int[] Genome; }
            class Evolver
            {
                private readonly object _hallLock = new object();
                private readonly List<Candidate> _hallOfFame = new List<Candidate>();

                public void Generation(IList<Candidate> population, int keep)
                {
                    Parallel.ForEach(population, c =>
                    {
                        c.Fitness = Score(c.Genome);
                        lock (_hallLock)
                        {
                            int slot = _hallOfFame.Count;
                            for (int i = 0; i < _hallOfFame.Count; i++)
                                if (c.Fitness > _hallOfFame[i].Fitness) { slot = i; break; }
                            if (slot < keep)
                            {
                                _hallOfFame.Insert(slot, c);
                                if (_hallOfFame.Count > keep) _hallOfFame.RemoveAt(_hallOfFame.Count - 1);
                            }
                        }
                    });
                }

                private static double Score(int[] genome)
                {
                    double s = 0;
                    for (int i = 0; i < genome.Length; i++) s += Math.Sin(genome[i] * 0.1);
                    return s;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source, version);
    }

    [Fact]
    public async Task SchedulerQueueDrainedUnderLockInParallelFor_DoesNotReport()
    {
        var source = Usings + """
            sealed class WorkItem { public int Id; public WorkItem Next; }
            class Scheduler
            {
                private readonly object _schedGate = new object();
                private readonly Queue<WorkItem> _incoming = new Queue<WorkItem>();
                private readonly HashSet<int> _started = new HashSet<int>();
                private readonly Dictionary<int, int> _owners = new Dictionary<int, int>();

                public void Pump(int workers)
                {
                    Parallel.For(0, workers, w =>
                    {
                        lock (_schedGate)
                        {
                            while (_incoming.Count > 0)
                            {
                                var item = _incoming.Dequeue();
                                if (_started.Add(item.Id) && item.Next != null) _incoming.Enqueue(item.Next);
                            }
                            foreach (var id in _started)
                                if (id == w) _owners[id] = w;
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    /// <summary>
    /// Workers take turns pulling the next batch from one shared input (an enumerator, a captured queue) under the lock:
    /// the loop walks the state the lock guards and its body only moves items — the bookkeeping every batching
    /// producer–consumer has, not CPU work, also when the gate and the source are locals captured by a local function.
    /// </summary>
    [Fact]
    public async Task BatchPulledFromSharedEnumeratorOrCapturedQueue_DoesNotReport()
    {
        var source = Usings + """
            sealed class Order { public int Id; public double[] Lines; }
            class Batcher
            {
                private readonly object _feedGate = new object();
                private IEnumerator<Order> _feed;

                public double RunAll(IEnumerable<Order> orders, int workers, int batch)
                {
                    _feed = orders.GetEnumerator();
                    object gate = new object();
                    var pending = new Queue<Order>(orders);
                    double total = 0;

                    List<Order> Next()
                    {
                        var taken = new List<Order>(batch);
                        lock (gate)
                        {
                            while (taken.Count < batch && pending.Count > 0)
                                taken.Add(pending.Dequeue());
                        }
                        return taken;
                    }

                    var tasks = new List<Task>();
                    for (int w = 0; w < workers; w++)
                    {
                        tasks.Add(Task.Run(() =>
                        {
                            for (var part = Next(); part.Count > 0; part = Next())
                                foreach (var o in part) Price(o);
                            List<Order> mine;
                            do
                            {
                                mine = new List<Order>(batch);
                                lock (_feedGate)
                                {
                                    while (mine.Count < batch && _feed.MoveNext())
                                        mine.Add(_feed.Current);
                                }
                                foreach (var o in mine) Price(o);
                            } while (mine.Count > 0);
                        }));
                    }
                    Task.WaitAll(tasks.ToArray());
                    return total;
                }

                private static double Price(Order o)
                {
                    double s = 0;
                    for (int i = 0; i < o.Lines.Length; i++) s += Math.Round(o.Lines[i] * 1.2, 2);
                    return s;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    /// <summary>A captured local array of numbers walked under the lock is data, not bookkeeping: still reported.</summary>
    [Fact]
    public async Task CapturedNumericArrayLoopUnderLockInLocalFunction_StillReports()
    {
        var source = Usings + """
            class Mixer
            {
                public void Mix(float[][] layers)
                {
                    object gate = new object();
                    var frame = new float[1920 * 1080];
                    void Add(float[] layer)
                    {
                        {|#0:lock (gate)|}
                        {
                            for (int p = 0; p < frame.Length; p++)
                                frame[p] = frame[p] * 0.9f + layer[p] * 0.1f;
                        }
                    }
                    Parallel.For(0, layers.Length, li => Add(layers[li]));
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("gate", "for loop", "'Add', called from a Parallel.For body"));
    }

    /// <summary>
    /// Taking a lock is not waiting: a callee whose work runs under its own one-slot semaphore (here inside a nested
    /// Parallel.For) is CPU work for the caller's lock, which reprices under Monitor.Enter/try/finally.
    /// </summary>
    [Fact]
    public async Task MonitorEnterAroundCalleeThatComputesUnderItsOwnGate_Reports()
    {
        var source = Usings + """
            static class Pricer
            {
                static readonly SemaphoreSlim EngineGate = new SemaphoreSlim(1, 1);
                public static double Price(double spot, int seed)
                {
                    double sum = 0;
                    Parallel.For(0, 16, batch =>
                    {
                        {|#1:EngineGate.Wait()|};
                        try
                        {
                            var rng = new Random(seed + batch);
                            for (int p = 0; p < 4000; p++) sum += Math.Max(spot * Math.Exp(rng.NextDouble()) - 100, 0);
                        }
                        finally { EngineGate.Release(); }
                    });
                    return sum;
                }

                public static void Greeks(List<double> spots, List<double> deltas)
                {
                    var bookLock = new object();
                    Parallel.ForEach(spots, spot =>
                    {
                        {|#0:Monitor.Enter(bookLock)|};
                        try
                        {
                            double up = Price(spot * 1.01, 11), down = Price(spot * 0.99, 11);
                            deltas.Add((up - down) / (spot * 0.02));
                        }
                        finally { Monitor.Exit(bookLock); }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("EngineGate", "for loop", "a Parallel.For body"),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("bookLock", "calls 'Price' (for loop)", "a Parallel.ForEach body"));
    }

    /// <summary>An array of structs made of numbers (particles, pixels) walked under the lock is data: reported.</summary>
    [Fact]
    public async Task LoopOverArrayOfNumericStructsUnderLock_Reports_ButStructsHoldingReferencesDoNot()
    {
        var source = Usings + """
            struct Body { public double X, Y; public double Mass; }
            struct Listener { public Action<int> Callback; public int Id; }
            class World
            {
                private readonly object _forceGate = new object();
                private readonly object _listenerGate = new object();
                private readonly Body[] _bodies = new Body[4096];
                private readonly Listener[] _listeners = new Listener[8];
                private readonly double[] _fx = new double[4096];

                public void Step()
                {
                    Parallel.For(0, _bodies.Length, i =>
                    {
                        {|#0:lock (_forceGate)|}
                        {
                            double f = 0;
                            for (int j = 0; j < _bodies.Length; j++)
                            {
                                double dx = _bodies[j].X - _bodies[i].X, dy = _bodies[j].Y - _bodies[i].Y;
                                f += _bodies[j].Mass / (dx * dx + dy * dy + 0.01);
                            }
                            _fx[i] = f;
                        }
                        lock (_listenerGate)
                        {
                            for (int k = 0; k < _listeners.Length; k++)
                                if (_listeners[k].Id == i) _listeners[k].Id = -1;
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_forceGate", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task PixelArrayFieldLoopUnderLockInParallelFor_StillReports()
    {
        var source = Usings + """
            class Accumulator
            {
                private readonly object _frameSync = new object();
                private readonly float[] _frame = new float[1920 * 1080];

                public void AddLayers(float[][] layers)
                {
                    Parallel.For(0, layers.Length, li =>
                    {
                        var layer = layers[li];
                        {|#0:lock (_frameSync)|}
                        {
                            for (int p = 0; p < _frame.Length; p++)
                                _frame[p] = _frame[p] * 0.9f + layer[p] * 0.1f;
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_frameSync", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task ObjectListWithNestedLoopUnderLockInParallelFor_StillReports()
    {
        var source = Usings + """
            sealed class Body { public double[] Forces = new double[3]; public double Mass; }
            class World
            {
                private readonly object _bodiesGate = new object();
                private readonly List<Body> _bodies = new List<Body>();

                public void Tick(int substeps)
                {
                    Parallel.For(0, substeps, s =>
                    {
                        {|#0:lock (_bodiesGate)|}
                        {
                            foreach (var b in _bodies)
                                for (int k = 0; k < b.Forces.Length * 1000; k++)
                                    b.Forces[k % 3] += Math.Cos(k) / b.Mass;
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_bodiesGate", "nested loop, 2 levels", "a Parallel.For body"));
    }

    [Fact]
    public async Task NewBestBranchUnderLockInParallelFor_DoesNotReport()
    {
        var source = Usings + """
            class Solver
            {
                private readonly object _bestSync = new object();
                private int _bestScore = int.MinValue;
                private int[] _bestBoard;
                private List<int> _bestLine;

                public void Search(int[][] openings)
                {
                    Parallel.For(0, openings.Length, o =>
                    {
                        var board = openings[o];
                        var line = new List<int>();
                        var score = Evaluate(board, line);
                        lock (_bestSync)
                        {
                            if (score > _bestScore)
                            {
                                _bestScore = score;
                                _bestBoard = (int[])board.Clone();
                                _bestLine = line.ToList();
                                for (int i = 0; i < board.Length; i++) _bestBoard[i] = Math.Abs(_bestBoard[i]);
                            }
                        }
                    });
                }

                private static int Evaluate(int[] board, List<int> line)
                {
                    int s = 0;
                    for (int i = 0; i < board.Length; i++) { s += board[i] * (i % 7); line.Add(i); }
                    return s;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EvaluationInsideTheLockBesideTheBestBranch_StillReports()
    {
        var source = Usings + """
            class Solver
            {
                private readonly object _bestSync = new object();
                private int _bestScore = int.MinValue;
                private int[] _bestBoard;

                public void Search(int[][] openings)
                {
                    Parallel.For(0, openings.Length, o =>
                    {
                        var board = openings[o];
                        {|#0:lock (_bestSync)|}
                        {
                            var score = Evaluate(board);
                            if (score > _bestScore) { _bestScore = score; _bestBoard = board; }
                        }
                    });
                }

                private static int Evaluate(int[] board)
                {
                    int s = 0;
                    for (int i = 0; i < board.Length; i++) s += board[i] * (i % 7);
                    return s;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_bestSync", "calls 'Evaluate' (for loop)", "a Parallel.For body"));
    }

    [Fact]
    public async Task ConstantNestUnderLock_ReportsWhenBigAndStaysQuietWhenTiny()
    {
        var source = Usings + """
            class Lattice
            {
                private const int Edge = 8;
                private readonly object CubeLock = new object();
                private readonly object KernelLock = new object();
                private readonly double[,,,] Cube = new double[Edge, Edge, Edge, Edge];
                private readonly double[,] Kernel = new double[3, 3];

                public void Relax(int sweeps)
                {
                    Parallel.For(0, sweeps, s =>
                    {
                        {|#0:lock (CubeLock)|}
                        {
                            for (int a = 0; a < Edge; a++)
                                for (int b = 0; b < Edge; b++)
                                    for (int c = 0; c < Edge; c++)
                                        for (int d = 0; d < Edge; d++)
                                            Cube[a, b, c, d] = (Cube[a, b, c, d] + s) * 0.5;
                        }

                        lock (KernelLock)
                        {
                            for (int y = 0; y < 3; y++)
                                for (int x = 0; x < 3; x++)
                                    Kernel[y, x] += s;
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("CubeLock", "nested loops, 4,096 iterations", "a Parallel.For body"));
    }

    [Fact]
    public async Task SnapshotCopyUnderLock_DoesNotReportButAPipelineDoes()
    {
        var source = Usings + """
            class Telemetry
            {
                private readonly object _samplesGate = new object();
                private readonly object _rankGate = new object();
                private readonly List<double> _samples = new List<double>();
                private double[] _snapshot = new double[0];
                private List<double> _window = new List<double>();
                private List<double> _leaders = new List<double>();

                public void Record(double[] readings)
                {
                    Parallel.For(0, readings.Length, i =>
                    {
                        lock (_samplesGate)
                        {
                            _samples.Add(readings[i]);
                            _snapshot = _samples.AsEnumerable().Reverse().Take(64).ToArray();
                            _window = _snapshot.ToList();
                        }

                        {|#0:lock (_rankGate)|}
                        {
                            _leaders = _samples.OrderByDescending(v => v).Take(10).ToList();
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_rankGate", "LINQ pipeline", "a Parallel.For body"));
    }

    [Fact]
    public async Task ThrottleWaitLoopUnderLockInParallelFor_DoesNotReport()
    {
        var source = Usings + """
            class Throttle
            {
                private const int MaxInFlight = 4;
                private readonly object _slots = new object();
                private int _inFlight;

                public void Run(int[] ids)
                {
                    Parallel.ForEach(ids, id =>
                    {
                        lock (_slots)
                        {
                            while (_inFlight >= MaxInFlight) Monitor.Wait(_slots);
                            _inFlight++;
                        }

                        Console.WriteLine(id);

                        lock (_slots)
                        {
                            _inFlight--;
                            Monitor.PulseAll(_slots);
                        }
                    });
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    // ---- GIL001 via a callee that parallel code reaches ----

    [Fact]
    public async Task CalleeLockMaintainingRegistry_DoesNotReport_WhileCalleeLockOverDataDoes()
    {
        var source = Usings + """
            sealed class Handle { public string Name; public int Uses; }
            class Catalog
            {
                private readonly object _registryGate = new object();
                private readonly object _histGate = new object();
                private readonly Dictionary<string, Handle> _byName = new Dictionary<string, Handle>();
                private readonly long[] _histogram = new long[4096];

                public void Touch(string name, int bucketSeed)
                {
                    lock (_registryGate)
                    {
                        foreach (var entry in _byName)
                            if (entry.Key == name) entry.Value.Uses++;
                    }

                    {|#0:lock (_histGate)|}
                    {
                        for (int b = 0; b < _histogram.Length; b++) _histogram[b] += (b * bucketSeed) & 1;
                    }
                }
            }
            class Driver
            {
                static void Run(Catalog catalog, string[] names) => Parallel.For(0, names.Length, i => catalog.Touch(names[i], i));
            }
            """;
        await Gil001Callee.VerifyAnalyzerAsync(source,
            Gil001Callee.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_histGate", "for loop", "'Touch', called from a Parallel.For body"));
    }

    // ---- GIL002: [MethodImpl(Synchronized)] ----

    private const string Shared = "the instance, shared by a Parallel.For body";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task SynchronizedBookkeepingMethods_DoNotReport(LanguageVersion version)
    {
        var source = Usings + """
            interface IObserver { void Notify(string topic); }
            sealed class Timer { public long Due; public Action Callback; }
            class EventHub
            {
                private readonly List<IObserver> _observers = new List<IObserver>();
                private readonly SortedList<long, Timer> _timers = new SortedList<long, Timer>();
                private readonly Stack<string> _undo = new Stack<string>();
                private double _bestLatency = double.MaxValue;
                private string _bestRoute;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Publish(string topic)
                {
                    foreach (var o in _observers) o.Notify(topic);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int FireDue(long now)
                {
                    int fired = 0;
                    while (_timers.Count > 0 && _timers.Keys[0] <= now)
                    {
                        var t = _timers.Values[0];
                        _timers.RemoveAt(0);
                        t.Callback();
                        fired++;
                    }
                    return fired;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Rewind(int steps)
                {
                    for (int i = 0; i < steps && _undo.Count > 0; i++) _undo.Pop();
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Offer(double latency, IEnumerable<string> hops)
                {
                    if (latency < _bestLatency)
                    {
                        _bestLatency = latency;
                        _bestRoute = string.Join("->", hops.Select(h => h.Trim()));
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public IObserver[] Snapshot() => _observers.ToArray();
            }
            """ + SynchronizedCpuMethodFixerTests.Driver(
                "hub.Publish(\"t\"); hub.FireDue(i); hub.Rewind(2); hub.Offer(i, new string[0]); hub.Snapshot();", "var hub = new EventHub();");
        await Gil002.VerifyAnalyzerAsync(source, version);
    }

    [Fact]
    public async Task SynchronizedDataLoopsAndConstantNests_StillReport()
    {
        var source = Usings + """
            class Canvas
            {
                private readonly float[] _pixels = new float[1 << 16];
                private readonly byte[,,] _lut = new byte[16, 16, 16];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|#0:Fade|}(float amount)
                {
                    for (int i = 0; i < _pixels.Length; i++) _pixels[i] = Math.Max(0f, _pixels[i] - amount);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|#1:RebuildLut|}(int gamma)
                {
                    for (int r = 0; r < 16; r++)
                        for (int g = 0; g < 16; g++)
                            for (int b = 0; b < 16; b++)
                                _lut[r, g, b] = (byte)((r * g * b * gamma) & 0xFF);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Clear3x3(float[,] m)
                {
                    for (int r = 0; r < 3; r++)
                        for (int c = 0; c < 3; c++)
                            m[r, c] = 0;
                }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("canvas.Fade(0.1f); canvas.RebuildLut(2); canvas.Clear3x3(new float[3, 3]);", "var canvas = new Canvas();");
        await Gil002.VerifyAnalyzerAsync(source,
            Gil002.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0).WithArguments("Fade", "for loop", Shared),
            Gil002.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(1).WithArguments("RebuildLut", "nested loops, 4,096 iterations", Shared));
    }

    [Theory]
    [InlineData("loop", true, true)]
    [InlineData("nested_loop", false, true)]
    [InlineData("3", false, false)]
    public async Task MinWork_ComparesConstantNestsLikeVariableLoops(string minWork, bool boardReports, bool cubeReports)
    {
        var source = Usings + """
            class Engine
            {
                private readonly int[,] _board = new int[8, 8];
                private readonly int[,,,] _table = new int[8, 8, 8, 8];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|#0:ClearBoard|}()
                {
                    for (int r = 0; r < 8; r++)
                        for (int c = 0; c < 8; c++)
                            _board[r, c] = 0;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|#1:ResetTable|}()
                {
                    for (int a = 0; a < 8; a++)
                        for (int b = 0; b < 8; b++)
                            for (int c = 0; c < 8; c++)
                                for (int d = 0; d < 8; d++)
                                    _table[a, b, c, d] = -1;
                }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("engine.ClearBoard(); engine.ResetTable();", "var engine = new Engine();");
        var test = new Gil002.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngil_analyzers.min_work = " + minWork + "\n"));
        if (boardReports)
        {
            test.ExpectedDiagnostics.Add(Gil002.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0).WithArguments("ClearBoard", "nested loops, 64 iterations", Shared));
        }

        if (cubeReports)
        {
            test.ExpectedDiagnostics.Add(Gil002.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(1).WithArguments("ResetTable", "nested loops, 4,096 iterations", Shared));
        }

        await test.RunAsync(CancellationToken.None);
    }

    // ---- GIL004: coordination threads whose waiting is in helpers ----

    [Fact]
    public async Task ThreadsWhoseWaitingIsTwoCallsDeep_DoNotReport()
    {
        var source = Usings + """
            class TurnTaking
            {
                private readonly object _baton = new object();
                private volatile bool _stop;
                private int _turn;
                private long _ticks;

                public void Run(int players)
                {
                    var threads = new Thread[players];
                    for (int p = 0; p < players; p++)
                    {
                        int me = p;
                        threads[p] = new Thread(() => Play(me, players));
                    }
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                }

                private void Play(int me, int players)
                {
                    while (!_stop)
                    {
                        WaitForTurn(me);
                        _ticks++;
                        PassBaton(me, players);
                    }
                }

                private void WaitForTurn(int me) => Park(me);

                private void Park(int me)
                {
                    lock (_baton)
                    {
                        while (_turn != me && !_stop) Monitor.Wait(_baton);
                    }
                }

                private void PassBaton(int me, int players)
                {
                    lock (_baton)
                    {
                        _turn = (me + 1) % players;
                        Monitor.PulseAll(_baton);
                    }
                }
            }
            """;
        await Gil004.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SpinningThreads_DoNotReport_ButComputingThreadsDo()
    {
        var source = Usings + """
            class Phases
            {
                private volatile int _phase;

                public void Spin(int n)
                {
                    var waiters = new Thread[n];
                    for (int i = 0; i < n; i++)
                    {
                        int want = i;
                        waiters[i] = new Thread(() => { while (_phase != want) Thread.Yield(); });
                    }
                    foreach (var w in waiters) w.Start();
                    foreach (var w in waiters) w.Join();
                }

                public double[] Crunch(int n, int size)
                {
                    var results = new double[n];
                    var workers = new Thread[n];
                    for (int i = 0; i < n; i++)
                    {
                        int slot = i;
                        workers[i] = {|#0:new Thread(() => results[slot] = Integrate(slot, size))|};
                    }
                    foreach (var w in workers) w.Start();
                    foreach (var w in workers) w.Join();
                    return results;
                }

                private static double Integrate(int slot, int size)
                {
                    double acc = 0;
                    for (int k = 0; k < size; k++) acc += Math.Exp(-(k + slot) * 1e-6);
                    return acc;
                }
            }
            """;
        await Gil004.VerifyAnalyzerAsync(source,
            Gil004.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'n'", "calls 'Integrate' (for loop)", "Parallel.For"));
    }

    // ---- GIL005: pool work items whose waiting is in a helper ----

    [Fact]
    public async Task PoolItemsThatWaitInAHelper_DoNotReport_ButComputingItemsDo()
    {
        var source = Usings + """
            class Stages
            {
                private readonly object _gate = new object();
                private int _released;

                public void Hold(int count)
                {
                    using (var done = new CountdownEvent(count))
                    {
                        for (int i = 0; i < count; i++)
                        {
                            int ticket = i;
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                try { AwaitRelease(ticket); }
                                finally { done.Signal(); }
                            });
                        }
                        done.Wait();
                    }
                }

                public void Smooth(double[] signal, int count)
                {
                    using (var done = new CountdownEvent(count))
                    {
                        for (int i = 0; i < count; i++)
                        {
                            int part = i;
                            {|#0:ThreadPool.QueueUserWorkItem(_ =>
                            {
                                try { SmoothPart(signal, part, count); }
                                finally { done.Signal(); }
                            })|};
                        }
                        done.Wait();
                    }
                }

                private void AwaitRelease(int ticket) => Block(ticket);

                private void Block(int ticket)
                {
                    lock (_gate)
                    {
                        while (_released <= ticket) Monitor.Wait(_gate);
                    }
                }

                private static void SmoothPart(double[] s, int part, int parts)
                {
                    for (int k = part; k < s.Length - 1; k += parts) s[k] = (s[k] + s[k + 1]) * 0.5;
                }
            }
            """;
        await Gil005.VerifyAnalyzerAsync(source,
            Gil005.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("'count'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "calls 'SmoothPart' (for loop)"));
    }
}
