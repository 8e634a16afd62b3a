using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 where the fan-out and its join are not one method's loop and WaitAll: tasks made in one method, started by a
/// loop in another and waited one by one; join objects kept in fields and waited by another method of the class; task
/// lists joined by a loop of Wait calls. Reported without the automatic rewrite.
/// </summary>
public class PoolFanOutAcrossMethodsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task TasksAddedInOneMethod_StartedAndWaitedInAnother_DelegateFromAField_Reports()
    {
        var source = Usings + """
            class RangeCounter
            {
                readonly List<Task<List<long>>> pieces = new List<Task<List<long>>>();
                readonly Func<object, List<long>> findSquares;
                readonly List<long> all = new List<long>();

                public RangeCounter()
                {
                    findSquares = bounds =>
                    {
                        var (from, to) = ((long, long))bounds;
                        var hits = new List<long>();
                        for (long v = from; v <= to; v++)
                        {
                            long r = (long)Math.Sqrt(v);
                            for (long k = r - 1; k <= r + 1; k++) if (k * k == v) hits.Add(v);
                        }
                        return hits;
                    };
                }

                public void AddRange(long from, long to)
                {
                    pieces.Add({|#0:new Task<List<long>>(findSquares, (from, to))|});
                }

                public void Run()
                {
                    foreach (var piece in pieces)
                        piece.Start();
                    foreach (var piece in pieces)
                    {
                        piece.Wait();
                        all.AddRange(piece.Result);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("several", "new Task(...).Start() + Task.Wait per task", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task TasksAddedInOneMethod_StartedAndWaitedEachInTurn_OrNeverJoined_OrReadingFiles_NoDiagnostic()
    {
        var source = Usings + """
            class Sequential
            {
                readonly List<Task> pieces = new List<Task>();
                readonly long[] sums = new long[8];

                public void Add(int slot) => pieces.Add(new Task(() => { for (long v = 0; v < 10000000; v++) sums[slot] += v % 7; }));

                public void Run()
                {
                    // Start and wait each in turn: one task at a time.
                    foreach (var piece in pieces)
                    {
                        piece.Start();
                        piece.Wait();
                    }
                }
            }

            class NeverJoined
            {
                readonly List<Task> pieces = new List<Task>();
                readonly long[] sums = new long[8];

                public void Add(int slot) => pieces.Add(new Task(() => { for (long v = 0; v < 10000000; v++) sums[slot] += v % 7; }));

                public void Run()
                {
                    foreach (var piece in pieces)
                        piece.Start();
                }
            }

            class Reads
            {
                readonly List<Task> pieces = new List<Task>();
                readonly long[] sizes = new long[8];

                public void Add(int slot, string path) => pieces.Add(new Task(() => { sizes[slot] = File.ReadAllBytes(path).Length; }));

                public void Run()
                {
                    foreach (var piece in pieces)
                        piece.Start();
                    foreach (var piece in pieces)
                        piece.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EventFieldsQueuedInOneMethod_WaitedInAnother_Reports()
    {
        var source = Usings + """
            class Tiles
            {
                readonly int[,] image;
                ManualResetEvent[] tileDone;
                CountdownEvent rowsLeft;

                public Tiles(int[,] image) { this.image = image; }

                public void BeginTiles(int tiles)
                {
                    tileDone = new ManualResetEvent[tiles];
                    for (int t = 0; t < tiles; t++)
                    {
                        tileDone[t] = new ManualResetEvent(false);
                        [|ThreadPool.QueueUserWorkItem(Shade, t)|];
                    }
                }

                public void EndTiles() => WaitHandle.WaitAll(tileDone);

                void Shade(object state)
                {
                    int t = (int)state;
                    for (int y = t; y < image.GetLength(0); y += tileDone.Length)
                        for (int x = 0; x < image.GetLength(1); x++)
                            image[y, x] = (image[y, x] * 7 + x * y) % 255;
                    tileDone[t].Set();
                }

                public void BeginRows()
                {
                    int rows = image.GetLength(0);
                    rowsLeft = new CountdownEvent(rows);
                    for (int y = 0; y < rows; y++)
                    {
                        int row = y;
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int x = 0; x < image.GetLength(1); x++) image[row, x] = (int)Math.Sqrt(image[row, x] * 1000.0);
                            rowsLeft.Signal();
                        })|];
                    }
                }

                public void EndRows() => rowsLeft.Wait();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EventFieldsWaitedOnlyForAnyOrNotAtAll_NoDiagnostic()
    {
        var source = Usings + """
            class Tiles
            {
                readonly int[,] image;
                ManualResetEvent[] tileDone;

                public Tiles(int[,] image) { this.image = image; }

                public void BeginTiles(int tiles)
                {
                    tileDone = new ManualResetEvent[tiles];
                    for (int t = 0; t < tiles; t++)
                    {
                        tileDone[t] = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(Shade, t);
                    }
                }

                public int FirstTile() => WaitHandle.WaitAny(tileDone);

                void Shade(object state)
                {
                    int t = (int)state;
                    for (int y = t; y < image.GetLength(0); y += tileDone.Length)
                        for (int x = 0; x < image.GetLength(1); x++)
                            image[y, x] = (image[y, x] * 7 + x * y) % 255;
                    tileDone[t].Set();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LongRunningTasksWaitedOneByOne_ResultsRead_ReportsWithoutFix()
    {
        var source = Usings + """
            class Chunks
            {
                static long Total(int[] data, int parts)
                {
                    var running = new Task<long>[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        running[p] = [|Task.Factory.StartNew(() =>
                        {
                            long s = 0;
                            for (int i = part; i < data.Length; i += parts) s += (long)data[i] * data[i];
                            return s;
                        }, TaskCreationOptions.LongRunning)|];
                    }
                    long total = 0;
                    for (int p = 0; p < parts; p++)
                    {
                        running[p].Wait();
                        total += running[p].Result;
                    }
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task LongRunningTasksStartedAndWaitedInOneLoop_NoDiagnostic()
    {
        var source = Usings + """
            class OneAtATime
            {
                static void Run(double[] data, int parts)
                {
                    var running = new List<Task>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        var t = new Task(() => { for (int i = part; i < data.Length; i += parts) data[i] = Math.Sqrt(data[i]); });
                        running.Add(t);
                        t.Start();
                        t.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LongRunningTasksMadeByASelect_WaitAll_ReportsWithoutFix()
    {
        var source = Usings + """
            class Resolve
            {
                static void Hammer(int threads, int perThread, Dictionary<int, int> lookup)
                {
                    var running = Enumerable.Range(0, threads)
                        .Select(t => {|#0:Task.Factory.StartNew(() =>
                        {
                            long s = 0;
                            for (int i = 0; i < perThread; i++) s += (i * 2654435761L) % 1000003;
                            Console.WriteLine(s);
                        }, TaskCreationOptions.LongRunning)|})
                        .ToArray();
                    Task.WaitAll(running);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, null, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'threads'", "Task.Factory.StartNew(LongRunning) + Task.WaitAll", "for loop"));
    }

    [Fact]
    public async Task LongRunningTasksMadeByASelect_ConsumersOrNeverJoined_NoDiagnostic()
    {
        var source = Usings + """
            class Pipeline<T> : IDisposable
            {
                readonly System.Collections.Concurrent.BlockingCollection<T> queue = new System.Collections.Concurrent.BlockingCollection<T>();
                readonly Action<T> job;
                readonly Task[] workers;

                public Pipeline(Action<T> job, int count)
                {
                    this.job = job;
                    workers = Enumerable.Range(0, count).Select(_ => Task.Factory.StartNew(Drain, TaskCreationOptions.LongRunning)).ToArray();
                }

                void Drain()
                {
                    foreach (var item in queue.GetConsumingEnumerable()) job(item);
                }

                public void Dispose()
                {
                    queue.CompleteAdding();
                    Task.WaitAll(workers);
                }
            }

            class Fire
            {
                static void Go(int n, long[] sums)
                {
                    var started = Enumerable.Range(0, n).Select(k => Task.Factory.StartNew(() => { for (long v = 0; v < 10000000; v++) sums[k] += v % 7; }, TaskCreationOptions.LongRunning)).ToList();
                    Console.WriteLine(started.Count);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ExplicitPairOfQueuedHalves_WaitAllOverTheirEvents_KeepJoinFix()
    {
        var source = Usings + """
            class ForkSort
            {
                const int Cutoff = 50000;

                public static void Sort(int[] a, int lo, int hi)
                {
                    if (hi - lo <= Cutoff)
                    {
                        Array.Sort(a, lo, hi - lo + 1);
                        return;
                    }

                    int mid = (lo + hi) / 2;
                    var leftDone = new ManualResetEvent(false);
                    var rightDone = new ManualResetEvent(false);
                    {|#0:ThreadPool.QueueUserWorkItem(_ =>
                    {
                        Sort(a, lo, mid);
                        leftDone.Set();
                    })|};
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        Sort(a, mid + 1, hi);
                        rightDone.Set();
                    });
                    WaitHandle.WaitAll(new WaitHandle[] { leftDone, rightDone });
                    Merge(a, lo, mid, hi);
                }

                static void Merge(int[] a, int lo, int mid, int hi)
                {
                    var merged = new int[hi - lo + 1];
                    int i = lo, j = mid + 1, k = 0;
                    while (i <= mid && j <= hi) merged[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                    while (i <= mid) merged[k++] = a[i++];
                    while (j <= hi) merged[k++] = a[j++];
                    Array.Copy(merged, 0, a, lo, merged.Length);
                }
            }
            """;
        var fixedSource = Usings + """
            class ForkSort
            {
                const int Cutoff = 50000;

                public static void Sort(int[] a, int lo, int hi)
                {
                    if (hi - lo <= Cutoff)
                    {
                        Array.Sort(a, lo, hi - lo + 1);
                        return;
                    }

                    int mid = (lo + hi) / 2;
                    var leftDone = new ManualResetEvent(false);
                    var rightDone = new ManualResetEvent(false);
                    Parallel.Invoke(() =>
                    {
                        Sort(a, lo, mid);
                        leftDone.Set();
                    }, () =>
                    {
                        Sort(a, mid + 1, hi);
                        rightDone.Set();
                    });
                    WaitHandle.WaitAll(new WaitHandle[] { leftDone, rightDone });
                    Merge(a, lo, mid, hi);
                }

                static void Merge(int[] a, int lo, int mid, int hi)
                {
                    var merged = new int[hi - lo + 1];
                    int i = lo, j = mid + 1, k = 0;
                    while (i <= mid && j <= hi) merged[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                    while (i <= mid) merged[k++] = a[i++];
                    while (j <= hi) merged[k++] = a[j++];
                    Array.Copy(merged, 0, a, lo, merged.Length);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKeepJoinKey, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("2", "ThreadPool.QueueUserWorkItem (one call per item) + WaitHandle.WaitAll", "recursion in 'Sort'"));
    }

    [Fact]
    public async Task ExplicitItems_SettingStaticFieldEvents_Reports()
    {
        // The events are static fields of the program, not locals: still one event per item, all waited for together.
        var source = Usings + """
            static class Tally
            {
                static readonly ManualResetEvent s_upDone = new ManualResetEvent(false);
                static readonly ManualResetEvent s_downDone = new ManualResetEvent(false);
                static long s_total;

                static void Count(int sign, int n)
                {
                    long local = 0;
                    for (int i = 0; i < n; i++) local += sign * (i % 7);
                    Interlocked.Add(ref s_total, local);
                }

                public static long Run(int n)
                {
                    {|#0:ThreadPool.QueueUserWorkItem(_ =>
                    {
                        Count(1, n);
                        s_upDone.Set();
                    })|};
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        Count(-1, n);
                        s_downDone.Set();
                    });
                    WaitHandle.WaitAll(new[] { s_upDone, s_downDone });
                    return s_total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("2", "ThreadPool.QueueUserWorkItem (one call per item) + WaitHandle.WaitAll", "calls 'Count' (for loop)"));
    }

    [Fact]
    public async Task ExplicitItems_SleepingOrWaitedForAnyOrOnlyOne_NoDiagnostic()
    {
        var source = Usings + """
            class Quiet
            {
                static void Sleepers()
                {
                    var a = new ManualResetEvent(false);
                    var b = new ManualResetEvent(false);
                    ThreadPool.QueueUserWorkItem(_ => { Thread.Sleep(500); a.Set(); });
                    ThreadPool.QueueUserWorkItem(_ => { Thread.Sleep(700); b.Set(); });
                    WaitHandle.WaitAll(new WaitHandle[] { a, b });
                }

                static int First(long[] data)
                {
                    var a = new ManualResetEvent(false);
                    var b = new ManualResetEvent(false);
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < data.Length; i += 2) data[i] = data[i] * 31 % 1000003; a.Set(); });
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 1; i < data.Length; i += 2) data[i] = data[i] * 31 % 1000003; b.Set(); });
                    return WaitHandle.WaitAny(new WaitHandle[] { a, b });
                }

                static void One(long[] data)
                {
                    var a = new ManualResetEvent(false);
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < data.Length; i++) data[i] = data[i] * 31 % 1000003; a.Set(); });
                    WaitHandle.WaitAll(new WaitHandle[] { a });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
