using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 on thread fan-outs written the way public code writes them (issue 14): stored and started in one expression,
/// kept in fields, dictionaries and queues, made by helpers, the calling thread running one partition, bodies that are
/// local functions or method groups, a little I/O around CPU-bound work — and the coordination threads that look alike.
/// </summary>
public class RealShapesRawThreadsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Reports(string source, LanguageVersion version, string count, string reason, string suggestion = "Parallel.For")
        => VerifyCS.VerifyAnalyzerAsync(Usings + source, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments(count, reason, suggestion));

    private static Task Quiet(string source, LanguageVersion version = LanguageVersion.Latest)
        => VerifyCS.VerifyAnalyzerAsync(Usings + source, version);

    // ---- stored and started in one expression / in one loop ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task StoredAndStartedInOneExpression_Reports(LanguageVersion version)
    {
        await Reports("""
            public static class Mandelbrot
            {
                public static int[] Render(int width, int height, int maxIter)
                {
                    int[] pixels = new int[width * height];
                    int bands = Environment.ProcessorCount;
                    Thread[] workers = new Thread[bands];
                    for (int b = 0; b < bands; b++)
                    {
                        int band = b;
                        (workers[b] = {|#0:new Thread(delegate ()
                        {
                            for (int y = band; y < height; y += bands)
                                for (int x = 0; x < width; x++)
                                    pixels[y * width + x] = Escape(x, y, maxIter);
                        })|}).Start();
                    }
                    foreach (Thread worker in workers)
                        worker.Join();
                    return pixels;
                }

                static int Escape(int x, int y, int maxIter)
                {
                    double zr = 0, zi = 0; int n = 0;
                    while (zr * zr + zi * zi < 4 && n < maxIter) { double t = zr * zr - zi * zi + x * 1e-3; zi = 2 * zr * zi + y * 1e-3; zr = t; n++; }
                    return n;
                }
            }
            """, version, "'bands'", "calls 'Escape' (while loop)");
    }

    [Fact]
    public async Task IndexedStoreThenStartInOneLoop_BoundFromArrayLength_Reports()
    {
        await Reports("""
            class Histogram
            {
                public static long[] Count(byte[] samples, int workerCount)
                {
                    var perWorker = new long[workerCount][];
                    var pool = new Thread[workerCount];
                    for (var w = 0; w < pool.Length; w++)
                    {
                        var slot = w;
                        pool[w] = {|#0:new Thread(() =>
                        {
                            var bins = new long[256];
                            for (var i = slot; i < samples.Length; i += workerCount) bins[samples[i]]++;
                            perWorker[slot] = bins;
                        })|};
                        pool[w].Start();
                    }
                    for (var w = 0; w < pool.Length; w++) pool[w].Join();
                    return perWorker.Aggregate(new long[256], (acc, b) => { for (var k = 0; k < 256; k++) acc[k] += b[k]; return acc; });
                }
            }
            """, LanguageVersion.Latest, "'pool.Length'", "for loop");
    }

    // ---- threads kept in fields ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task StaticFieldArray_CreatedInOneMethodJoinedInAnother_Reports(LanguageVersion version)
    {
        await Reports("""
            static class PrimeSieve
            {
                static Thread[] s_threads;
                static readonly int[] s_counts = new int[8];

                public static void Begin(int limit)
                {
                    s_threads = new Thread[8];
                    for (int i = 0; i < 8; i++)
                    {
                        int id = i;
                        s_threads[i] = {|#0:new Thread(() => s_counts[id] = CountPrimes(id, limit))|};
                        s_threads[i].Start();
                    }
                }

                public static int End()
                {
                    foreach (var t in s_threads) t.Join();
                    return s_counts.Sum();
                }

                static int CountPrimes(int offset, int limit)
                {
                    int found = 0;
                    for (int n = 2 + offset; n < limit; n += 8)
                    {
                        bool prime = true;
                        for (int d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                        if (prime) found++;
                    }
                    return found;
                }
            }
            """, version, "8", "calls 'CountPrimes' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task InstanceFieldList_JoinedWithForEachLambda_Reports()
    {
        await Reports("""
            sealed class Renderer
            {
                private readonly List<Thread> _workers = new List<Thread>();
                private readonly float[] _frame;
                private readonly int _width;

                public Renderer(int width, int height) { _width = width; _frame = new float[width * height]; }

                public void Start(int tiles)
                {
                    for (int tile = 0; tile < tiles; tile++)
                    {
                        int first = tile;
                        var worker = {|#0:new Thread(() => Shade(first, tiles))|};
                        _workers.Add(worker);
                        worker.Start();
                    }
                }

                public void Finish() => _workers.ForEach(w => w.Join());

                private void Shade(int first, int step)
                {
                    for (int row = first; row < _frame.Length / _width; row += step)
                        for (int col = 0; col < _width; col++)
                            _frame[row * _width + col] = (float)Math.Sin(row * 0.01) * (float)Math.Cos(col * 0.01);
                }
            }
            """, LanguageVersion.Latest, "'tiles'", "calls 'Shade' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task FieldThreads_RunningAMessageLoop_DoNotReport()
    {
        await Quiet("""
            using System.Collections.Concurrent;
            class Dispatcher
            {
                private Thread[] _pumps;
                private readonly BlockingCollection<Action> _inbox = new BlockingCollection<Action>();

                public void Open(int count)
                {
                    _pumps = new Thread[count];
                    for (int i = 0; i < count; i++)
                    {
                        _pumps[i] = new Thread(Pump);
                        _pumps[i].Start();
                    }
                }

                public void Close() { _inbox.CompleteAdding(); foreach (var p in _pumps) p.Join(); }

                private void Pump() { foreach (var work in _inbox.GetConsumingEnumerable()) { for (int k = 0; k < 1000; k++) work(); } }
            }
            """);
    }

    [Fact]
    public async Task SingleBackgroundThreadInAField_DoesNotReport()
    {
        await Quiet("""
            class Autosaver
            {
                private Thread _saver;
                private volatile bool _stop;
                private readonly double[] _state = new double[1 << 16];

                public void Start()
                {
                    _saver = new Thread(() => { while (!_stop) { for (int i = 0; i < _state.Length; i++) _state[i] *= 0.5; } }) { IsBackground = true };
                    _saver.Start();
                }

                public void Stop() { _stop = true; _saver.Join(); }
            }
            """);
    }

    // ---- the calling thread runs one partition ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MainThreadRunsPartitionZero_Reports(LanguageVersion version)
    {
        await Reports("""
            class Blur
            {
                public static void Apply(float[] src, float[] dst, int width, int parts)
                {
                    var helpers = new Thread[parts - 1];
                    for (int p = 1; p < parts; p++)
                    {
                        int part = p;
                        helpers[p - 1] = {|#0:new Thread(() => Rows(src, dst, width, part, parts))|};
                        helpers[p - 1].Start();
                    }
                    Rows(src, dst, width, 0, parts);
                    foreach (var h in helpers) h.Join();
                }

                static void Rows(float[] src, float[] dst, int width, int part, int parts)
                {
                    int height = src.Length / width;
                    for (int y = part; y < height; y += parts)
                        for (int x = 1; x < width - 1; x++)
                            dst[y * width + x] = (src[y * width + x - 1] + src[y * width + x] + src[y * width + x + 1]) / 3f;
                }
            }
            """, version, "'parts - 1'", "calls 'Rows' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task MainThreadRunsLastChunk_WithConstantCount_Reports()
    {
        await Reports("""
            class Checksum
            {
                public static uint Compute(byte[] data)
                {
                    const int Lanes = 4;
                    var sums = new uint[Lanes];
                    var others = new List<Thread>();
                    for (int lane = 1; lane < Lanes; lane++)
                    {
                        int l = lane;
                        var t = {|#0:new Thread(() => sums[l] = Lane(data, l, Lanes))|};
                        others.Add(t);
                        t.Start();
                    }
                    sums[0] = Lane(data, 0, Lanes);
                    others.ForEach(t => t.Join());
                    return sums[0] ^ sums[1] ^ sums[2] ^ sums[3];
                }

                static uint Lane(byte[] data, int lane, int lanes)
                {
                    uint h = 2166136261;
                    for (int i = lane; i < data.Length; i += lanes) h = (h ^ data[i]) * 16777619;
                    return h;
                }
            }
            """, LanguageVersion.Latest, "3", "calls 'Lane' (for loop)");
    }

    // ---- dictionaries, queues, helpers ----

    [Fact]
    public async Task ThreadsKeyedInADictionary_Reports()
    {
        await Reports("""
            class Solver
            {
                public static int Best(int[][] boards)
                {
                    var scores = new Dictionary<Thread, int[]>();
                    for (int k = 0; k < boards.Length; k++)
                    {
                        int[] board = boards[k];
                        var result = new int[1];
                        var search = {|#0:new Thread(() => result[0] = Search(board, 0))|};
                        scores.Add(search, result);
                        search.Start();
                    }
                    int best = int.MinValue;
                    foreach (var entry in scores)
                    {
                        entry.Key.Join();
                        best = Math.Max(best, entry.Value[0]);
                    }
                    return best;
                }

                static int Search(int[] board, int depth)
                {
                    if (depth == 6) return board.Sum();
                    int best = int.MinValue;
                    for (int m = 0; m < board.Length; m++) best = Math.Max(best, -Search(board, depth + 1));
                    return best;
                }
            }
            """, LanguageVersion.Latest, "'boards.Length'", "recursion in 'Search'");
    }

    [Fact]
    public async Task ThreadsAsDictionaryValuesJoinedThroughValues_Reports()
    {
        await Reports("""
            class Mixer
            {
                private readonly float[] _buffer = new float[1 << 16];

                public void Run(int lanes)
                {
                    var byLane = new Dictionary<int, Thread>();
                    for (int l = 0; l < lanes; l++)
                    {
                        int lane = l;
                        byLane[lane] = {|#0:new Thread(() => Mix(lane, lanes))|};
                        byLane[lane].Start();
                    }
                    foreach (var worker in byLane.Values) worker.Join();
                }

                private void Mix(int lane, int lanes)
                {
                    for (int i = lane; i < _buffer.Length; i += lanes) _buffer[i] = (float)Math.Tanh(_buffer[i]);
                }
            }
            """, LanguageVersion.Latest, "'lanes'", "calls 'Mix' (for loop)");
    }

    [Fact]
    public async Task ThreadsKeyedByThreadJoinedThroughKeys_Reports()
    {
        await Reports("""
            class Mixer
            {
                private readonly float[] _buffer = new float[1 << 16];

                public void Run(int lanes)
                {
                    var owners = new Dictionary<Thread, int>();
                    for (int l = 0; l < lanes; l++)
                    {
                        int lane = l;
                        var t = {|#0:new Thread(() => Mix(lane, lanes))|};
                        owners[t] = lane;
                        t.Start();
                    }
                    foreach (var t in owners.Keys) t.Join();
                }

                private void Mix(int lane, int lanes)
                {
                    for (int i = lane; i < _buffer.Length; i += lanes) _buffer[i] = (float)Math.Tanh(_buffer[i]);
                }
            }
            """, LanguageVersion.Latest, "'lanes'", "calls 'Mix' (for loop)");
    }

    [Fact]
    public async Task ThreadKeptInAMemberOfPerWorkerObjects_Reports()
    {
        await Reports("""
            class Tracer
            {
                sealed class Job
                {
                    public int Index;
                    public List<int> Rows;
                    public Thread Runner { get; set; }
                }

                private int[] _image;
                private int _width;

                public void Render(int width, int height, int workers)
                {
                    _width = width;
                    _image = new int[width * height];
                    var jobs = new List<Job>();
                    for (int w = 0; w < workers; w++)
                    {
                        jobs.Add(new Job { Index = w, Rows = new List<int>(), Runner = {|#0:new Thread(new ParameterizedThreadStart(Trace))|} });
                    }
                    for (int y = 0; y < height; y++) jobs[y % workers].Rows.Add(y);
                    foreach (var job in jobs) job.Runner.Start(job);
                    foreach (var job in jobs) job.Runner.Join();
                }

                private void Trace(object state)
                {
                    var job = (Job)state;
                    foreach (int y in job.Rows)
                        for (int x = 0; x < _width; x++)
                            _image[y * _width + x] = (int)(Math.Atan2(y, x + 1) * 1000);
                }
            }
            """, LanguageVersion.Latest, "'workers'", "nested loop, 2 levels");
    }

    [Fact]
    public async Task ThreadMemberOfObjectsNeverJoined_DoesNotReport()
    {
        await Quiet("""
            class Tracer
            {
                sealed class Job { public Thread Runner; public int Index; }

                public static void Fire(int workers, int[] data)
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < workers; w++)
                    {
                        int me = w;
                        jobs.Add(new Job { Index = w, Runner = new Thread(() => { for (int i = me; i < data.Length; i += workers) data[i]++; }) });
                    }
                    foreach (var job in jobs) job.Runner.Start();
                }
            }
            """);
    }

    [Fact]
    public async Task ThreadsQueuedAndDequeuedToJoin_Reports()
    {
        await Reports("""
            class Annealer
            {
                public static double[] Run(int restarts, int steps)
                {
                    var energies = new double[restarts];
                    var running = new Queue<Thread>();
                    for (int r = 0; r < restarts; r++)
                    {
                        int seed = r;
                        var chain = {|#0:new Thread(() =>
                        {
                            var rng = new Random(seed);
                            double e = 0;
                            for (int s = 0; s < steps; s++) e = Math.Min(e, rng.NextDouble() - 0.5 + e);
                            energies[seed] = e;
                        })|};
                        chain.Start();
                        running.Enqueue(chain);
                    }
                    while (running.Count > 0) running.Dequeue().Join();
                    return energies;
                }
            }
            """, LanguageVersion.Latest, "'restarts'", "for loop");
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task HelperThatCreatesAndStartsTheThread_ReportsAtTheCall(LanguageVersion version)
    {
        await Reports("""
            class MatrixMultiply
            {
                public static double[,] Multiply(double[,] a, double[,] b, int workers)
                {
                    int n = a.GetLength(0);
                    var c = new double[n, n];
                    var running = new List<Thread>();
                    for (int w = 0; w < workers; w++)
                        running.Add({|#0:StartRows(a, b, c, w, workers)|});
                    foreach (var t in running) t.Join();
                    return c;
                }

                private static Thread StartRows(double[,] a, double[,] b, double[,] c, int first, int step)
                {
                    var thread = new Thread(() =>
                    {
                        int n = a.GetLength(0);
                        for (int i = first; i < n; i += step)
                            for (int j = 0; j < n; j++)
                            {
                                double s = 0;
                                for (int k = 0; k < n; k++) s += a[i, k] * b[k, j];
                                c[i, j] = s;
                            }
                    });
                    thread.Start();
                    return thread;
                }
            }
            """, version, "'workers'", "nested loop, 3 levels");
    }

    [Fact]
    public async Task LocalFunctionHelperTakingTheBody_ExplicitPair_Reports()
    {
        await Reports("""
            class Stats
            {
                public static (double Mean, double Max) Summarise(double[] values)
                {
                    double mean = 0, max = double.MinValue;
                    Thread Spawn(ThreadStart body) { var t = new Thread(body); t.Start(); return t; }
                    var meanThread = {|#0:Spawn(() => { for (int i = 0; i < values.Length; i++) mean += values[i] / values.Length; })|};
                    var maxThread = Spawn(() => { foreach (var v in values) max = Math.Max(max, v); });
                    meanThread.Join();
                    maxThread.Join();
                    return (mean, max);
                }
            }
            """, LanguageVersion.Latest, "2", "for loop", "Parallel.Invoke");
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadsMadeByALinqQuery_Report(LanguageVersion version)
    {
        await Reports("""
            class NBody
            {
                public static void Step(double[] x, double[] v, int workers)
                {
                    var crew = Enumerable.Range(0, workers)
                        .Select(w => {|#0:new Thread(() =>
                        {
                            for (int i = w; i < x.Length; i += workers)
                            {
                                double f = 0;
                                for (int j = 0; j < x.Length; j++) if (j != i) f += 1.0 / (x[j] - x[i]);
                                v[i] += f;
                            }
                        })|})
                        .ToList();
                    crew.ForEach(t => t.Start());
                    crew.ForEach(t => t.Join());
                }
            }
            """, version, "'workers'", "nested loop, 2 levels");
    }

    [Fact]
    public async Task ThreadsStartedInsideTheQuerySelector_Report()
    {
        await Reports("""
            class Sorter
            {
                public static void SortRuns(int[][] runs)
                {
                    Thread[] sorters = runs.Select(run =>
                    {
                        var t = {|#0:new Thread(() => Array.Sort(run))|};
                        t.Start();
                        return t;
                    }).ToArray();
                    foreach (var t in sorters) t.Join();
                }
            }
            """, LanguageVersion.Latest, "several", "Array.Sort (sorting)");
    }

    [Fact]
    public async Task LazyQueryOfThreads_DoesNotReport()
    {
        await Quiet("""
            class Lazy
            {
                public static void Run(int[] data)
                {
                    var crew = Enumerable.Range(0, 4).Select(w => new Thread(() => { for (int i = w; i < data.Length; i += 4) data[i] *= 2; }));
                    foreach (var t in crew) t.Start();
                    foreach (var t in crew) t.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task HelperWhoseThreadsAreNeverJoined_DoesNotReport()
    {
        await Quiet("""
            class Warmup
            {
                public static void Kick(int[] data)
                {
                    for (int i = 0; i < 4; i++) Launch(data, i);
                }

                static Thread Launch(int[] data, int offset)
                {
                    var t = new Thread(() => { for (int k = offset; k < data.Length; k += 4) data[k] *= 3; });
                    t.Start();
                    return t;
                }
            }
            """);
    }

    [Fact]
    public async Task HelperWithCustomStackSizeOrApartment_DoesNotReport()
    {
        await Quiet("""
            class DeepRecursion
            {
                public static void Run(int[][] trees)
                {
                    var ts = new Thread[trees.Length];
                    for (int i = 0; i < trees.Length; i++) ts[i] = Big(trees[i]);
                    foreach (var t in ts) t.Join();
                    var sta = new Thread[2];
                    for (int i = 0; i < 2; i++) sta[i] = Sta(trees[i]);
                    foreach (var t in sta) t.Join();
                }

                static Thread Big(int[] tree)
                {
                    var t = new Thread(() => Walk(tree, 0), 256 * 1024 * 1024);
                    t.Start();
                    return t;
                }

                static Thread Sta(int[] tree)
                {
                    var t = new Thread(() => Walk(tree, 0));
                    t.SetApartmentState(ApartmentState.STA);
                    t.Start();
                    return t;
                }

                static int Walk(int[] tree, int node) => node >= tree.Length ? 0 : tree[node] + Walk(tree, 2 * node + 1) + Walk(tree, 2 * node + 2);
            }
            """);
    }

    // ---- bodies: local functions, method groups, ParameterizedThreadStart ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LocalFunctionBodyThroughThreadStart_Reports(LanguageVersion version)
    {
        await Reports("""
            class WordCount
            {
                public static int CountVowels(string[] lines, int threadCount)
                {
                    int next = -1, total = 0;
                    void Crunch()
                    {
                        int mine = 0, index;
                        while ((index = Interlocked.Increment(ref next)) < lines.Length)
                            foreach (char ch in lines[index]) if ("aeiou".IndexOf(ch) >= 0) mine++;
                        Interlocked.Add(ref total, mine);
                    }

                    var crew = new Thread[threadCount];
                    for (int i = 0; i < threadCount; i++) crew[i] = {|#0:new Thread(new ThreadStart(Crunch))|};
                    for (int i = 0; i < threadCount; i++) crew[i].Start();
                    for (int i = 0; i < threadCount; i++) crew[i].Join();
                    return total;
                }
            }
            """, version, "'threadCount'", "nested loop, 2 levels");
    }

    [Fact]
    public async Task LambdaWithStartArgument_Reports()
    {
        await Reports("""
            class Convolution
            {
                readonly double[] _signal = new double[1 << 20];
                readonly double[] _output = new double[1 << 20];

                public void Run()
                {
                    int lanes = Environment.ProcessorCount;
                    var threads = new List<Thread>(lanes);
                    for (int i = 0; i < lanes; i++)
                    {
                        var th = {|#0:new Thread(o => Filter((int)o, lanes))|};
                        threads.Add(th);
                        th.Start(i);
                    }
                    threads.ForEach(t => t.Join());
                }

                void Filter(int lane, int lanes)
                {
                    for (int i = lane; i < _signal.Length; i += lanes)
                    {
                        double acc = 0;
                        for (int k = -8; k <= 8; k++) acc += _signal[(i + k) & (_signal.Length - 1)] * Math.Exp(-k * k);
                        _output[i] = acc;
                    }
                }
            }
            """, LanguageVersion.Latest, "'lanes'", "calls 'Filter' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task NamedWorkerThreads_Report()
    {
        await Reports("""
            class Hashing
            {
                public static void HashAll(byte[][] blocks, byte[][] digests)
                {
                    var workers = new Thread[4];
                    for (int w = 0; w < 4; w++)
                    {
                        int me = w;
                        workers[w] = {|#0:new Thread(() => { for (int b = me; b < blocks.Length; b += 4) digests[b] = System.Security.Cryptography.SHA256.HashData(blocks[b]); }) { Name = "hash-" + w }|};
                        workers[w].Start();
                    }
                    Array.ForEach(workers, t => t.Join());
                }
            }
            """, LanguageVersion.Latest, "4", "SHA256.HashData (hashing/cryptography)");
    }

    // ---- a little I/O around CPU-bound work ----

    [Fact]
    public async Task IoUpFrontThenCpuLoop_Reports()
    {
        await Reports("""
            class Tiles
            {
                public static void Process(string configPath, int[][] tiles)
                {
                    var threads = new Thread[tiles.Length];
                    for (int t = 0; t < tiles.Length; t++)
                    {
                        int[] tile = tiles[t];
                        int number = t;
                        threads[t] = {|#0:new Thread(() =>
                        {
                            if (!File.Exists(configPath)) return;
                            int gain = int.Parse(File.ReadAllText(configPath).Trim());
                            Console.WriteLine("tile " + number + " starting");
                            for (int pass = 0; pass < gain; pass++)
                                for (int i = 0; i < tile.Length; i++)
                                    tile[i] = (tile[i] * 31 + pass) % 65521;
                            Console.WriteLine("tile " + number + " done");
                        })|};
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """, LanguageVersion.Latest, "'tiles.Length'", "nested loop, 2 levels");
    }

    [Fact]
    public async Task ProgressPrintedOncePerRowAroundAnInnerLoop_Reports()
    {
        await Reports("""
            class Raytrace
            {
                public static void Render(int[] image, int width, int height, int bands)
                {
                    var crew = new List<Thread>();
                    for (int b = 0; b < bands; b++)
                    {
                        int band = b;
                        crew.Add({|#0:new Thread(() =>
                        {
                            for (int y = band; y < height; y += bands)
                            {
                                for (int x = 0; x < width; x++) image[y * width + x] = Trace(x, y);
                                if (y % 32 == 0) Console.WriteLine($"band {band}: row {y}");
                            }
                        })|});
                    }
                    crew.ForEach(t => t.Start());
                    crew.ForEach(t => t.Join());
                }

                static int Trace(int x, int y) => (int)(Math.Sqrt(x * x + y * y) * 255) & 0xFF;
            }
            """, LanguageVersion.Latest, "'bands'", "nested loop, 2 levels");
    }

    [Fact]
    public async Task CalleeThatLogsOnARareErrorInsideItsComputeLoop_Reports()
    {
        await Reports("""
            class Geodesics
            {
                private readonly int[] _pixels;
                private readonly int _width;

                public Geodesics(int width, int height) { _width = width; _pixels = new int[width * height]; }

                public void Render(int workers)
                {
                    var pool = new Thread[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int band = w;
                        pool[w] = {|#0:new Thread(() =>
                        {
                            for (int y = band; y < _pixels.Length / _width; y += workers)
                                for (int x = 0; x < _width; x++)
                                {
                                    int colour = Integrate(x, y);
                                    _pixels[y * _width + x] = colour;
                                }
                        })|};
                        pool[w].Start();
                    }
                    foreach (var t in pool) t.Join();
                }

                private static int Integrate(int x, int y)
                {
                    double r = x + 1, v = y;
                    for (int step = 0; step < 10000; step++)
                    {
                        v -= 1 / (r * r);
                        r += v * 1e-3;
                        if (double.IsNaN(r)) { Console.WriteLine("solution not converging"); break; }
                    }
                    return (int)r;
                }
            }
            """, LanguageVersion.Latest, "'workers'", "nested loop, 3 levels");
    }

    [Fact]
    public async Task CalleeThatReadsAFilePerPixel_DoesNotReport()
    {
        await Quiet("""
            class Tiles
            {
                public static void Render(int[] pixels, int width, int workers, string folder)
                {
                    var pool = new Thread[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int band = w;
                        pool[w] = new Thread(() =>
                        {
                            for (int i = band; i < pixels.Length; i += workers)
                            {
                                int value = Lookup(folder, i);
                                pixels[i] = value;
                            }
                        });
                        pool[w].Start();
                    }
                    foreach (var t in pool) t.Join();
                }

                private static int Lookup(string folder, int i) => File.ReadAllText(Path.Combine(folder, i + ".txt")).Length;
            }
            """);
    }

    [Fact]
    public async Task ReadingEachFileWithLightWork_DoesNotReport()
    {
        await Quiet("""
            class LineCounter
            {
                public static int[] Count(string[][] shards)
                {
                    var counts = new int[shards.Length];
                    var readers = new Thread[shards.Length];
                    for (int s = 0; s < shards.Length; s++)
                    {
                        int shard = s;
                        readers[s] = new Thread(() =>
                        {
                            foreach (var path in shards[shard])
                                foreach (var line in File.ReadLines(path))
                                    if (line.Length > 0) counts[shard]++;
                        });
                        readers[s].Start();
                    }
                    foreach (var r in readers) r.Join();
                    return counts;
                }
            }
            """);
    }

    [Fact]
    public async Task ConnectionThreadsThatComputeAfterReceiving_DoNotReport()
    {
        await Quiet("""
            using System.Net;
            using System.Net.Sockets;
            class HashServer
            {
                public static void Serve(TcpListener listener, int handlers)
                {
                    var threads = new Thread[handlers];
                    for (int h = 0; h < handlers; h++)
                    {
                        threads[h] = new Thread(() =>
                        {
                            using (var client = listener.AcceptTcpClient())
                            {
                                var buffer = new byte[4096];
                                int read = client.GetStream().Read(buffer, 0, buffer.Length);
                                uint hash = 0;
                                for (int round = 0; round < 1000; round++)
                                    for (int i = 0; i < read; i++) hash = hash * 31 + buffer[i];
                                client.GetStream().Write(BitConverter.GetBytes(hash), 0, 4);
                            }
                        });
                        threads[h].Start();
                    }
                    foreach (var t in threads) t.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task ServiceThreadsThatComputeUntilStopped_DoNotReport()
    {
        await Quiet("""
            class Miner
            {
                private volatile bool _stopping;
                private readonly List<Thread> _crew = new List<Thread>();
                private long _best;

                public void Start(int threads)
                {
                    for (int i = 0; i < threads; i++)
                    {
                        int seed = i;
                        var t = new Thread(() => Grind(seed));
                        _crew.Add(t);
                        t.Start();
                    }
                }

                public void Stop() { _stopping = true; foreach (var t in _crew) t.Join(); }

                private void Grind(int seed)
                {
                    long nonce = seed;
                    while (!_stopping)
                    {
                        long h = nonce;
                        for (int r = 0; r < 64; r++) h = h * 6364136223846793005L + 1442695040888963407L;
                        if (h > Interlocked.Read(ref _best)) Interlocked.Exchange(ref _best, h);
                        nonce += 1 << 8;
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task WorkStealingWorkersLoopingOnAnIndex_Report()
    {
        await Reports("""
            class Tiles
            {
                public static void Render(int[][] tiles, int workers)
                {
                    int next = -1;
                    var crew = new Thread[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        crew[w] = {|#0:new Thread(() =>
                        {
                            while (true)
                            {
                                int index = Interlocked.Increment(ref next);
                                if (index >= tiles.Length) break;
                                var tile = tiles[index];
                                for (int p = 0; p < tile.Length; p++) tile[p] = (tile[p] * 17 + p) % 255;
                            }
                        })|};
                        crew[w].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """, LanguageVersion.Latest, "'workers'", "nested loop, 2 levels");
    }

    // ---- coordination threads whose waiting is one or more calls deep ----

    [Fact]
    public async Task QueueWorkersWaitingOnMonitorTwoCallsDeep_Report()
    {
        // Each worker waits only to be handed its next job and then loops over it: the time goes to the jobs (queue
        // workers, reported without a rewrite — see RealShapes/WorkerThreadQueueTests).
        await Reports("""
            class JobQueue
            {
                private readonly Queue<int[]> _jobs = new Queue<int[]>();
                private readonly object _gate = new object();
                private bool _closed;

                public void Drain(int workers)
                {
                    var crew = new Thread[workers];
                    for (int i = 0; i < workers; i++)
                    {
                        crew[i] = {|#0:new Thread(WorkLoop)|};
                        crew[i].Start();
                    }
                    foreach (var t in crew) t.Join();
                }

                private void WorkLoop()
                {
                    int[] job;
                    while ((job = Next()) != null)
                        for (int i = 0; i < job.Length; i++) job[i] = job[i] * job[i] % 7919;
                }

                private int[] Next() => TakeOrWait();

                private int[] TakeOrWait()
                {
                    lock (_gate)
                    {
                        while (_jobs.Count == 0 && !_closed) Monitor.Wait(_gate);
                        return _jobs.Count > 0 ? _jobs.Dequeue() : null;
                    }
                }
            }
            """, LanguageVersion.Latest, "'workers'", "nested loop, 2 levels");
    }

    [Fact]
    public async Task PhasedWorkersSpinningInAHelper_DoNotReport()
    {
        await Quiet("""
            class Simulation
            {
                private int _phase;
                private int _arrived;
                private readonly double[] _cells = new double[4096];

                public void Run(int workers, int generations)
                {
                    var threads = new Thread[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int me = w;
                        threads[w] = new Thread(() =>
                        {
                            for (int g = 0; g < generations; g++)
                            {
                                for (int i = me; i < _cells.Length; i += workers) _cells[i] = Math.Tanh(_cells[i] + g);
                                Arrive(workers, g + 1);
                            }
                        });
                        threads[w].Start();
                    }
                    foreach (var t in threads) t.Join();
                }

                private void Arrive(int workers, int generation)
                {
                    if (Interlocked.Increment(ref _arrived) == workers * generation) Volatile.Write(ref _phase, generation);
                    while (Volatile.Read(ref _phase) < generation) Thread.Yield();
                }
            }
            """);
    }

    [Fact]
    public async Task PollingWorkersSleepingZeroOneCallDeep_DoNotReport()
    {
        await Quiet("""
            using System.Collections.Concurrent;
            class Scheduler
            {
                private readonly ConcurrentQueue<Action> _ready = new ConcurrentQueue<Action>();
                private volatile bool _running = true;

                public void RunWorkers(int count)
                {
                    var pool = new List<Thread>();
                    for (int i = 0; i < count; i++)
                    {
                        var t = new Thread(Spin);
                        pool.Add(t);
                        t.Start();
                    }
                    foreach (var t in pool) t.Join();
                }

                private void Spin()
                {
                    while (_running)
                        if (!Step()) Idle();
                }

                private bool Step()
                {
                    if (!_ready.TryDequeue(out var work)) return false;
                    for (int i = 0; i < 64; i++) work();
                    return true;
                }

                private static void Idle() => Thread.Sleep(0);
            }
            """);
    }

    [Fact]
    public async Task WorkersWaitingOnAnEventInACallee_DoNotReport()
    {
        await Quiet("""
            class FrameLoop
            {
                private readonly AutoResetEvent _go = new AutoResetEvent(false);
                private readonly float[] _buffer = new float[1 << 16];

                public void Run(int lanes)
                {
                    var lanesThreads = new Dictionary<Thread, int>();
                    for (int l = 0; l < lanes; l++)
                    {
                        int lane = l;
                        var t = new Thread(() => { while (AwaitFrame()) Mix(lane, lanes); });
                        lanesThreads[t] = lane;
                        t.Start();
                    }
                    foreach (var t in lanesThreads.Keys) t.Join();
                }

                private bool AwaitFrame() => _go.WaitOne(100);

                private void Mix(int lane, int lanes)
                {
                    for (int i = lane; i < _buffer.Length; i += lanes) _buffer[i] = (float)Math.Tanh(_buffer[i]);
                }
            }
            """);
    }
}
