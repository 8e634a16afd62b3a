using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003, second round of real-code shapes: thread pairs and triples each given a part of the data, a helper that returns
/// the started threads as a collection, the calling thread running the other half itself, threads signalling a
/// CountdownEvent instead of being joined — each next to the look-alike that must stay quiet.
/// </summary>
public class RealThreads2ShapesTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading;\n";

    private static Task Reports(string source, string count, string reason, string suggestion = "Parallel.For", LanguageVersion version = LanguageVersion.Latest)
        => VerifyCS.VerifyAnalyzerAsync(Usings + source, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments(count, reason, suggestion));

    private static Task Quiet(string source, LanguageVersion version = LanguageVersion.Latest)
        => VerifyCS.VerifyAnalyzerAsync(Usings + source, version);

    // ---- thread pairs and triples: named locals, each on a part of the data ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadPairEachSummingHalf_StartedThenJoined_Reports(LanguageVersion version)
    {
        await Reports("""
            class HalfSums
            {
                static long SumSquares(int[] data, int from, int to)
                {
                    long s = 0;
                    for (int i = from; i < to; i++) s += (long)data[i] * data[i];
                    return s;
                }

                public static long Run(int[] data)
                {
                    long left = 0, right = 0;
                    int half = data.Length / 2;
                    Thread t1 = {|#0:new Thread(() => left = SumSquares(data, 0, half))|};
                    Thread t2 = new Thread(() => right = SumSquares(data, half, data.Length));
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                    return left + right;
                }
            }
            """, "2", "calls 'SumSquares' (for loop)", "Parallel.Invoke", version);
    }

    [Fact]
    public async Task ThreeNamedThreadsOnThirdsOfAnImage_Reports()
    {
        await Reports("""
            class Blur
            {
                readonly float[] src, dst; readonly int w, h;
                public Blur(float[] s, float[] d, int width, int height) { src = s; dst = d; w = width; h = height; }

                void Rows(int y0, int y1)
                {
                    for (int y = Math.Max(1, y0); y < Math.Min(h - 1, y1); y++)
                        for (int x = 1; x < w - 1; x++)
                            dst[y * w + x] = (src[y * w + x - 1] + src[y * w + x] + src[y * w + x + 1]) / 3f;
                }

                public void Apply()
                {
                    int third = h / 3;
                    var top = {|#0:new Thread(() => Rows(0, third))|};
                    var middle = new Thread(() => Rows(third, 2 * third));
                    var bottom = new Thread(() => Rows(2 * third, h));
                    top.Start(); middle.Start(); bottom.Start();
                    top.Join(); middle.Join(); bottom.Join();
                }
            }
            """, "3", "calls 'Rows' (nested loop, 2 levels)", "Parallel.Invoke");
    }

    [Fact]
    public async Task ThreadPairOfProducerAndConsumer_DoesNotReport()
    {
        // Two named threads that hand items to each other: one reads a file, the other waits on the queue.
        await Quiet("""
            class Pipeline
            {
                readonly Queue<string> lines = new Queue<string>();
                bool done;

                void Produce(string path)
                {
                    foreach (var line in File.ReadLines(path)) { lock (lines) { lines.Enqueue(line); Monitor.Pulse(lines); } }
                    lock (lines) { done = true; Monitor.PulseAll(lines); }
                }

                void Consume()
                {
                    while (true)
                    {
                        string line;
                        lock (lines)
                        {
                            while (lines.Count == 0 && !done) Monitor.Wait(lines);
                            if (lines.Count == 0) return;
                            line = lines.Dequeue();
                        }
                        int h = 0;
                        for (int i = 0; i < line.Length; i++) h = h * 31 + line[i];
                    }
                }

                public void Run(string path)
                {
                    var producer = new Thread(() => Produce(path));
                    var consumer = new Thread(Consume);
                    producer.Start(); consumer.Start();
                    producer.Join(); consumer.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task ThreadPairEachPrintingOnce_DoesNotReport()
    {
        // SPMD demo: the bodies are trivial.
        await Quiet("""
            class Hello
            {
                public static void Main()
                {
                    var a = new Thread(() => Console.WriteLine("hello from a"));
                    var b = new Thread(() => Console.WriteLine("hello from b"));
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """);
    }

    // ---- the calling thread runs the other half ----

    [Fact]
    public async Task OneThreadPlusTheCallingThreadOnTheOtherHalf_Reports()
    {
        await Reports("""
            class MergeSorter
            {
                static void Sort(int[] a, int lo, int hi)
                {
                    for (int i = lo + 1; i < hi; i++)
                    {
                        int v = a[i], j = i - 1;
                        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
                        a[j + 1] = v;
                    }
                }

                public static void SortHalves(int[] a)
                {
                    int mid = a.Length / 2;
                    var helper = {|#0:new Thread(() => Sort(a, 0, mid))|};
                    helper.Start();
                    Sort(a, mid, a.Length);
                    helper.Join();
                }
            }
            """, "2", "calls 'Sort' (nested loop, 2 levels)", "Parallel.Invoke");
    }

    [Fact]
    public async Task OneThreadWhileTheCallerDoesOtherWork_DoesNotReport()
    {
        // One worker thread, and the caller does unrelated work before joining: no split of one computation.
        await Quiet("""
            class Loader
            {
                static int[] Decode(byte[] raw)
                {
                    var r = new int[raw.Length];
                    for (int i = 0; i < raw.Length; i++) r[i] = raw[i] * 3;
                    return r;
                }

                static void Report(string s) => Console.WriteLine(s);

                public static int[] Load(byte[] raw)
                {
                    int[] result = null;
                    var worker = new Thread(() => result = Decode(raw));
                    worker.Start();
                    Report("decoding");
                    worker.Join();
                    return result;
                }
            }
            """);
    }

    // ---- a helper returns the started threads as a collection ----

    [Fact]
    public async Task HelperReturningAListOfStartedThreads_ReportsAtTheCall()
    {
        await Reports("""
            class Hasher
            {
                readonly byte[][] blocks; readonly uint[] sums;
                public Hasher(byte[][] b) { blocks = b; sums = new uint[b.Length]; }

                void HashEvery(int first, int step)
                {
                    for (int i = first; i < blocks.Length; i += step)
                    {
                        uint h = 2166136261;
                        foreach (var x in blocks[i]) h = (h ^ x) * 16777619;
                        sums[i] = h;
                    }
                }

                List<Thread> StartWorkers(int count)
                {
                    var started = new List<Thread>();
                    for (int w = 0; w < count; w++)
                    {
                        int first = w;
                        var t = new Thread(() => HashEvery(first, count));
                        started.Add(t);
                        t.Start();
                    }
                    return started;
                }

                public uint[] Run()
                {
                    var workers = {|#0:StartWorkers(Environment.ProcessorCount)|};
                    workers.ForEach(t => t.Join());
                    return sums;
                }
            }
            """, "several", "calls 'HashEvery' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task HelperReturningThreadsThatAreNeverJoined_DoesNotReport()
    {
        await Quiet("""
            class Hasher
            {
                readonly uint[] sums = new uint[64];

                void HashEvery(int first, int step)
                {
                    for (int i = first; i < sums.Length; i += step)
                        for (int k = 0; k < 100000; k++) sums[i] = sums[i] * 31 + (uint)k;
                }

                Thread[] StartWorkers(int count)
                {
                    var started = new Thread[count];
                    for (int w = 0; w < count; w++)
                    {
                        int first = w;
                        started[w] = new Thread(() => HashEvery(first, count));
                        started[w].Start();
                    }
                    return started;
                }

                public void Fire() { var workers = StartWorkers(4); Console.WriteLine(workers.Length); }
            }
            """);
    }

    // ---- completion signalled through a CountdownEvent instead of Join ----

    [Fact]
    public async Task ThreadsSignallingACountdownEvent_Reports()
    {
        await Reports("""
            class Primes
            {
                static bool IsPrime(int n)
                {
                    if (n < 2) return false;
                    for (int d = 2; d * d <= n; d++) if (n % d == 0) return false;
                    return true;
                }

                public static int Count(int limit, int workers)
                {
                    int total = 0;
                    using (var done = new CountdownEvent(workers))
                    {
                        for (int w = 0; w < workers; w++)
                        {
                            int first = w;
                            var t = {|#0:new Thread(() =>
                            {
                                int local = 0;
                                for (int n = first; n < limit; n += workers) if (IsPrime(n)) local++;
                                Interlocked.Add(ref total, local);
                                done.Signal();
                            })|};
                            t.Start();
                        }
                        done.Wait();
                    }
                    return total;
                }
            }
            """, "'workers'", "calls 'IsPrime' (for loop)");
    }

    [Fact]
    public async Task ThreadsSignallingACountdownEventAfterSleeping_DoesNotReport()
    {
        await Quiet("""
            class Poller
            {
                public static void Poll(string[] hosts)
                {
                    var done = new CountdownEvent(hosts.Length);
                    for (int i = 0; i < hosts.Length; i++)
                    {
                        var host = hosts[i];
                        new Thread(() =>
                        {
                            for (int k = 0; k < 10; k++) { Console.WriteLine(host); Thread.Sleep(100); }
                            done.Signal();
                        }).Start();
                    }
                    done.Wait();
                }
            }
            """);
    }

    [Fact]
    public async Task OneThreadPlusTheCallingThreadCopyingFiles_DoesNotReport()
    {
        // The same two-way split, but each part copies a file: I/O, not CPU work.
        await Quiet("""
            class Mirror
            {
                static void CopyAll(string[] files, int from, int to, string target)
                {
                    for (int i = from; i < to; i++) File.Copy(files[i], Path.Combine(target, Path.GetFileName(files[i])), true);
                }

                public static void Run(string[] files, string target)
                {
                    int mid = files.Length / 2;
                    var other = new Thread(() => CopyAll(files, 0, mid, target));
                    other.Start();
                    CopyAll(files, mid, files.Length, target);
                    other.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task HelperReturningBackgroundThreads_DoesNotReport()
    {
        await Quiet("""
            class Crunchers
            {
                readonly double[] data = new double[1 << 20];

                void Crunch(int first, int step)
                {
                    for (int i = first; i < data.Length; i += step) data[i] = Math.Sqrt(i) * Math.Sin(i);
                }

                List<Thread> Launch(int count)
                {
                    var all = new List<Thread>();
                    for (int w = 0; w < count; w++)
                    {
                        int first = w;
                        var t = new Thread(() => Crunch(first, count));
                        t.IsBackground = true;
                        all.Add(t);
                        t.Start();
                    }
                    return all;
                }

                public void Run() { var crew = Launch(4); foreach (var t in crew) t.Join(); }
            }
            """);
    }
    // ---- where the time goes: one blocking call outside the loops does not make a computing thread I/O-bound ----

    [Fact]
    public async Task ThreadPerCurrencyHandingItsReportLineToABoundedQueue_Reports()
    {
        await Reports("""
            class Curves
            {
                static double[] Discount(string ccy)
                {
                    var z = new double[400];
                    for (int i = 0; i < z.Length; i++)
                        for (int k = 0; k < 2000; k++) z[i] += Math.Exp(-k * 0.001 * i) / (1 + ccy.Length);
                    return z;
                }

                public static void Run(string[] ccys, Dictionary<string, double[]> curves, System.Collections.Concurrent.BlockingCollection<string> report)
                {
                    var pricers = new List<Thread>();
                    foreach (var ccy in ccys)
                    {
                        var t = {|#0:new Thread(() =>
                        {
                            var z = Discount(ccy);
                            lock (curves) curves[ccy] = z;
                            report.Add(ccy + " " + z[0]);
                        })|};
                        t.Start();
                        pricers.Add(t);
                    }
                    pricers.ForEach(t => t.Join());
                }
            }
            """, "several", "calls 'Discount' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task ThreadsWhoseLoopsDoIo_StayQuiet()
    {
        await Quiet("""
            class Loaders
            {
                public static void Run(string[] paths, Dictionary<string, int> sizes)
                {
                    var readers = new List<Thread>();
                    foreach (var path in paths)
                    {
                        var t = new Thread(() =>
                        {
                            int lines = 0;
                            foreach (var line in File.ReadLines(path)) lines += line.Length > 0 ? 1 : 0;
                            lock (sizes) sizes[path] = lines;
                        });
                        t.Start();
                        readers.Add(t);
                    }
                    foreach (var t in readers) t.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task ThreadsRunningAHelperThatSignalsTheCountdownItIsPassed_Reports()
    {
        await Reports("""
            class RangeScan
            {
                static void Scan(float from, float to, int[] hits, int slot, CountdownEvent finished)
                {
                    int found = 0;
                    for (int n = (int)from; n <= to; n++)
                    {
                        int root = (int)Math.Sqrt(n);
                        bool composite = false;
                        for (int d = 2; d <= root; d++) if (n % d == 0) composite = true;
                        if (!composite) found++;
                    }
                    hits[slot] = found;
                    if (from != to) finished.Signal();
                }

                public static int Run(int lo, int hi)
                {
                    const int parts = 12;
                    var hits = new int[parts];
                    var finished = new CountdownEvent(parts);
                    float step = (hi - lo) / (float)parts;
                    for (int p = 0; p < parts; p++)
                    {
                        float a = lo + p * step, b = lo + (p + 1) * step;
                        int slot = p;
                        var worker = {|#0:new Thread(() => Scan(a, b, hits, slot, finished))|};
                        worker.Start();
                    }
                    finished.Wait();
                    return hits.Sum();
                }
            }
            """, "12", "calls 'Scan' (nested loop, 2 levels)");
    }

    [Fact]
    public async Task ThreadsRunningAHelperThatIsPassedTheCountdownButNeverSignals_DoesNotReport()
    {
        // The helper takes the event but only reads its count; nothing joins the threads.
        await Quiet("""
            class RangeScan
            {
                static void Scan(int from, int to, int[] hits, int slot, CountdownEvent finished)
                {
                    int found = 0;
                    for (int n = from; n <= to; n++) for (int d = 2; d * d <= n; d++) if (n % d == 0) found++;
                    hits[slot] = found + finished.CurrentCount;
                }

                public static void Run(int lo, int hi)
                {
                    const int parts = 12;
                    var hits = new int[parts];
                    var finished = new CountdownEvent(parts);
                    for (int p = 0; p < parts; p++)
                    {
                        int a = lo + p, b = hi, slot = p;
                        var worker = new Thread(() => Scan(a, b, hits, slot, finished));
                        worker.Start();
                    }
                    finished.Wait();
                }
            }
            """);
    }

    // ---- fork-join: a thread body that forks threads of its own and joins them computes, it does not coordinate ----

    [Fact]
    public async Task RecursiveSortWhoseHalvesForkAgain_Reports()
    {
        await Reports("""
            class ForkingSort
            {
                public static void Sort(int[] keys, int lo, int hi)
                {
                    if (hi - lo < 1024) { Array.Sort(keys, lo, hi - lo + 1); return; }
                    int mid = lo + (hi - lo) / 2;
                    Thread low = {|#0:new Thread(() => Sort(keys, lo, mid))|};
                    Thread high = new Thread(() => Sort(keys, mid + 1, hi));
                    low.Start();
                    high.Start();
                    low.Join();
                    high.Join();
                    Merge(keys, lo, mid, hi);
                }

                static void Merge(int[] a, int lo, int mid, int hi)
                {
                    var tmp = new int[hi - lo + 1];
                    int i = lo, j = mid + 1, k = 0;
                    while (i <= mid && j <= hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                    while (i <= mid) tmp[k++] = a[i++];
                    while (j <= hi) tmp[k++] = a[j++];
                    Array.Copy(tmp, 0, a, lo, tmp.Length);
                }
            }
            """, "2", "calls 'Sort' (Array.Sort (sorting))", "Parallel.Invoke");
    }

    [Fact]
    public async Task ThreadsThatJoinThreadsHandedToThem_StayQuiet()
    {
        // Each supervisor waits for workers it did not make (a field filled elsewhere): it coordinates, it does not compute.
        await Quiet("""
            class Supervisors
            {
                private readonly List<Thread> _workers = new List<Thread>();
                public void Add(Thread worker) { _workers.Add(worker); worker.Start(); }

                void Watch(int from, int to)
                {
                    for (int i = from; i < to; i++)
                    {
                        _workers[i].Join();
                        long check = 0;
                        for (int k = 0; k < 1000; k++) check += k * i;
                        Console.WriteLine(check);
                    }
                }

                public void WatchAll()
                {
                    int half = _workers.Count / 2;
                    var a = new Thread(() => Watch(0, half));
                    var b = new Thread(() => Watch(half, _workers.Count));
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """);
    }

    // ---- a grid of threads: one per cell of two nested loops, joined once after both ----

    [Fact]
    public async Task ThreadPerCellOfTwoLoops_CollectedAndJoinedAfter_Reports()
    {
        await Reports("""
            class CellWise
            {
                static double Dot(double[] x, double[] y)
                {
                    double s = 0;
                    for (int k = 0; k < x.Length; k++) s += x[k] * y[k];
                    return s;
                }

                public static double[,] Multiply(double[][] rows, double[][] columns)
                {
                    var product = new double[rows.Length, columns.Length];
                    var pending = new List<Thread>();
                    for (int r = 0; r < rows.Length; r++)
                    {
                        int row = r;
                        for (int c = 0; c < columns.Length; c++)
                        {
                            int column = c;
                            pending.Add({|#0:new Thread(() => product[row, column] = Dot(rows[row], columns[column]))|});
                        }
                    }

                    pending.ForEach(t => t.Start());
                    pending.ForEach(t => t.Join());
                    return product;
                }
            }
            """, "'rows.Length × columns.Length'", "calls 'Dot' (for loop)");
    }

    [Fact]
    public async Task ThreadsMadeInsideAWhileLoopAndJoinedAtTheEnd_StayQuiet()
    {
        // An open-ended outer loop (batches until the input runs out) is not a grid of one computation.
        await Quiet("""
            class Batches
            {
                static double Work(double[] x) { double s = 0; for (int k = 0; k < x.Length; k++) s += Math.Sqrt(x[k]); return s; }

                public static void Drain(Queue<double[][]> batches)
                {
                    var all = new List<Thread>();
                    while (batches.Count > 0)
                    {
                        var batch = batches.Dequeue();
                        for (int i = 0; i < batch.Length; i++)
                        {
                            var part = batch[i];
                            var t = new Thread(() => Work(part));
                            all.Add(t);
                            t.Start();
                        }
                    }

                    foreach (var t in all) t.Join();
                }
            }
            """);
    }

    // ---- constant trip counts: a few thousand iterations in all cost less than the threads ----

    [Fact]
    public async Task ThreadsThatEachDoAFewDozenConstantSteps_StayQuiet()
    {
        await Quiet("""
            class Demo
            {
                static readonly List<int> Numbers = new List<int>();
                static int _counter;

                public static void Fill()
                {
                    var low = new Thread(() => { for (int i = 0; i < 50; i++) lock (Numbers) Numbers.Add(i); });
                    var high = new Thread(() => { for (int i = 50; i < 100; i++) lock (Numbers) Numbers.Add(i); });
                    low.Start(); high.Start();
                    low.Join(); high.Join();
                }

                static void Bump() { for (int i = 0; i < 1000; i++) Interlocked.Increment(ref _counter); }

                public static void Count()
                {
                    var workers = new Thread[3];
                    for (int t = 0; t < workers.Length; t++) { workers[t] = new Thread(Bump); workers[t].Start(); }
                    foreach (var w in workers) w.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task ConstantLoopsOfMillionsOrAroundVariableWork_Report()
    {
        await Reports("""
            class Halves
            {
                static long _even, _odd;
                public static void Run()
                {
                    var even = {|#0:new Thread(() => { long s = 0; for (long i = 0; i < 50_000_000; i += 2) s += i; _even = s; })|};
                    var odd = new Thread(() => { long s = 0; for (long i = 1; i < 50_000_000; i += 2) s += i; _odd = s; });
                    even.Start(); odd.Start();
                    even.Join(); odd.Join();
                }
            }
            """, "2", "for loop", "Parallel.Invoke");
        await Reports("""
            class Rounds
            {
                static double Pass(double[] data) { double s = 0; foreach (var v in data) s += Math.Sqrt(v); return s; }
                public static void Run(double[] a, double[] b)
                {
                    var first = {|#0:new Thread(() => { for (int r = 0; r < 8; r++) Pass(a); })|};
                    var second = new Thread(() => { for (int r = 0; r < 8; r++) Pass(b); });
                    first.Start(); second.Start();
                    first.Join(); second.Join();
                }
            }
            """, "2", "calls 'Pass' (foreach loop)", "Parallel.Invoke");
    }
}
