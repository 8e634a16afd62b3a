using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003's run-at-the-join rewrite: threads kept in a local array or list whose making code does more than a partition
/// loop keeps (fills a list of per-thread objects, sets fields up, nests loops, sits in an outer loop). The code stays;
/// the threads become ThreadStart delegates, the starts go, and Parallel.ForEach runs them where they were first joined.
/// </summary>
public class ThreadsRunAtJoinFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task LoopAlsoKeepsPerThreadObjects_JoinLoopMerges_RunGoesBeforeTheMerge()
    {
        var source = Usings + """
            class Summer
            {
                readonly int[] values; readonly int from; readonly int count;
                public long Total;
                public Summer(int[] values, int from, int count) { this.values = values; this.from = from; this.count = count; }
                public void Run() { long s = 0; for (int k = from; k < from + count; k++) s += values[k] % 7; Total = s; }
            }

            class Program
            {
                static long Sum(int[] values, int parts)
                {
                    var threads = new List<Thread>(parts);
                    var summers = new List<Summer>(parts);
                    int each = values.Length / parts;
                    for (int i = 0; i < parts; i++)
                    {
                        int count = each;
                        if (i == parts - 1)
                        {
                            count += values.Length % parts;
                        }

                        var summer = new Summer(values, i * each, count);
                        summers.Add(summer);
                        var thread = {|GIL003:new Thread(summer.Run)|};
                        threads.Add(thread);
                        thread.Start();
                    }

                    long total = 0;
                    for (int i = 0; i < threads.Count; i++)
                    {
                        threads[i].Join();
                        total += summers[i].Total;
                    }

                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class Summer
            {
                readonly int[] values; readonly int from; readonly int count;
                public long Total;
                public Summer(int[] values, int from, int count) { this.values = values; this.from = from; this.count = count; }
                public void Run() { long s = 0; for (int k = from; k < from + count; k++) s += values[k] % 7; Total = s; }
            }

            class Program
            {
                static long Sum(int[] values, int parts)
                {
                    var threads = new List<ThreadStart>(parts);
                    var summers = new List<Summer>(parts);
                    int each = values.Length / parts;
                    for (int i = 0; i < parts; i++)
                    {
                        int count = each;
                        if (i == parts - 1)
                        {
                            count += values.Length % parts;
                        }

                        var summer = new Summer(values, i * each, count);
                        summers.Add(summer);
                        var thread = new ThreadStart(summer.Run);
                        threads.Add(thread);
                    }

                    long total = 0;
                    Parallel.ForEach(threads, work => work());
                    for (int i = 0; i < threads.Count; i++)
                    {
                        total += summers[i].Total;
                    }

                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task NestedCreationLoops_StartedAndJoinedByListForEach()
    {
        var source = Usings + """
            class Grid
            {
                static double[,] Products(double[][] rows, double[][] columns)
                {
                    var cells = new double[rows.Length, columns.Length];
                    var workers = new List<Thread>();
                    for (int r = 0; r < rows.Length; r++)
                    {
                        int row = r;
                        for (int c = 0; c < columns.Length; c++)
                        {
                            int column = c;
                            workers.Add({|GIL003:new Thread(() =>
                            {
                                double dot = 0;
                                for (int k = 0; k < rows[row].Length; k++) dot += rows[row][k] * columns[column][k];
                                cells[row, column] = dot;
                            })|});
                        }
                    }

                    workers.ForEach(w => w.Start());
                    workers.ForEach(w => w.Join());
                    return cells;
                }
            }
            """;
        var fixedSource = Usings + """
            class Grid
            {
                static double[,] Products(double[][] rows, double[][] columns)
                {
                    var cells = new double[rows.Length, columns.Length];
                    var workers = new List<ThreadStart>();
                    for (int r = 0; r < rows.Length; r++)
                    {
                        int row = r;
                        for (int c = 0; c < columns.Length; c++)
                        {
                            int column = c;
                            workers.Add(new ThreadStart(() =>
                            {
                                double dot = 0;
                                for (int k = 0; k < rows[row].Length; k++) dot += rows[row][k] * columns[column][k];
                                cells[row, column] = dot;
                            }));
                        }
                    }

                    Parallel.ForEach(workers, work => work());
                    return cells;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task FanOutInsideAnOuterLoop_SetsFieldsBeforeEachThread_JoinCatchesInterrupt()
    {
        var source = Usings + """
            class Block
            {
                public double[] Left = new double[0], Current = new double[0];
                public double Sum;
                public void Update() { for (int k = 0; k < Current.Length; k++) Sum += Current[k] * Left[k % Left.Length]; }
            }

            class Rounds
            {
                static double Run(Block[] blocks, int rounds)
                {
                    for (var round = 0; round < rounds; round++)
                    {
                        Thread[] threads = new Thread[blocks.Length];
                        for (var i = 0; i < blocks.Length; i++)
                        {
                            var block = blocks[i];
                            block.Current = block.Left;
                            var thread = {|GIL003:new Thread(new ThreadStart(() => block.Update()))|};
                            thread.Start();
                            threads[i] = thread;
                        }

                        foreach (var thread in threads)
                        {
                            try { thread.Join(); }
                            catch (ThreadInterruptedException e) { Console.WriteLine(e.Message); }
                        }
                    }

                    double total = 0;
                    foreach (var block in blocks) total += block.Sum;
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class Block
            {
                public double[] Left = new double[0], Current = new double[0];
                public double Sum;
                public void Update() { for (int k = 0; k < Current.Length; k++) Sum += Current[k] * Left[k % Left.Length]; }
            }

            class Rounds
            {
                static double Run(Block[] blocks, int rounds)
                {
                    for (var round = 0; round < rounds; round++)
                    {
                        ThreadStart[] threads = new ThreadStart[blocks.Length];
                        for (var i = 0; i < blocks.Length; i++)
                        {
                            var block = blocks[i];
                            block.Current = block.Left;
                            var thread = new ThreadStart(() => block.Update());
                            threads[i] = thread;
                        }

                        Parallel.ForEach(threads, work => work());
                    }

                    double total = 0;
                    foreach (var block in blocks) total += block.Sum;
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task FixAll_TwoMethodsInOneFile()
    {
        var source = Usings + """
            class Cells
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 11; return w; }

                static long[] Rows(int rows, int columns)
                {
                    var sums = new long[rows * columns];
                    var threads = new List<Thread>();
                    for (int r = 0; r < rows; r++)
                    {
                        for (int c = 0; c < columns; c++)
                        {
                            int cell = r * columns + c;
                            threads.Add({|GIL003:new Thread(() => sums[cell] = Weigh(cell))|});
                        }
                    }

                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                    return sums;
                }

                static long Repeat(int rounds, int parts)
                {
                    long total = 0;
                    for (int round = 0; round < rounds; round++)
                    {
                        var slots = new long[parts];
                        var threads = new Thread[parts];
                        for (int p = 0; p < parts; p++)
                        {
                            int part = p + round;
                            threads[p] = {|GIL003:new Thread(() => slots[part - round] = Weigh(part))|};
                            threads[p].Start();
                        }

                        for (int p = 0; p < parts; p++)
                        {
                            threads[p].Join();
                            total += slots[p];
                        }
                    }

                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class Cells
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 11; return w; }

                static long[] Rows(int rows, int columns)
                {
                    var sums = new long[rows * columns];
                    var threads = new List<ThreadStart>();
                    for (int r = 0; r < rows; r++)
                    {
                        for (int c = 0; c < columns; c++)
                        {
                            int cell = r * columns + c;
                            threads.Add(new ThreadStart(() => sums[cell] = Weigh(cell)));
                        }
                    }

                    Parallel.ForEach(threads, work => work());
                    return sums;
                }

                static long Repeat(int rounds, int parts)
                {
                    long total = 0;
                    for (int round = 0; round < rounds; round++)
                    {
                        var slots = new long[parts];
                        var threads = new ThreadStart[parts];
                        for (int p = 0; p < parts; p++)
                        {
                            int part = p + round;
                            threads[p] = new ThreadStart(() => slots[part - round] = Weigh(part));
                        }

                        Parallel.ForEach(threads, work => work());
                        for (int p = 0; p < parts; p++)
                        {
                            total += slots[p];
                        }
                    }

                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task CallerComputesBeforeTheJoin_OrThreadsUsedForMore_NoFix()
    {
        const string source = Usings + """
            class Refused
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 11; return w; }

                static long CallerComputes(int parts)
                {
                    var sums = new long[parts];
                    var names = new List<string>();
                    var threads = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        names.Add("part " + part);
                        var t = [|new Thread(() => sums[part] = Weigh(part))|];
                        threads.Add(t);
                        t.Start();
                    }

                    long mine = 0;
                    for (int k = 0; k < parts * 100000; k++) mine += k % 7;
                    foreach (var t in threads) t.Join();
                    return mine + sums[0];
                }

                static long AskedIfAlive(int parts)
                {
                    var sums = new long[parts];
                    var names = new List<string>();
                    var threads = new Thread[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        names.Add("part " + part);
                        threads[p] = [|new Thread(() => sums[part] = Weigh(part))|];
                        threads[p].Start();
                    }

                    Console.WriteLine(threads[0].IsAlive);
                    foreach (var t in threads) t.Join();
                    return sums[0];
                }

                static long StartedUnderACondition(int parts, bool go)
                {
                    var sums = new long[parts];
                    var names = new List<string>();
                    var threads = new Thread[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        names.Add("part " + part);
                        threads[p] = [|new Thread(() => sums[part] = Weigh(part))|];
                        if (go)
                        {
                            threads[p].Start();
                        }
                    }

                    foreach (var t in threads) t.Join();
                    return sums[0];
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
        var reasons = await FixRefusals.ReasonsAsync(source.Replace("[|", string.Empty).Replace("|]", string.Empty), DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(3, reasons.Count);
        Assert.All(reasons, r => Assert.StartsWith("GIL003-N1", r));
        Assert.Contains("the calling thread does CPU-bound work while the threads run", reasons[0]);
        Assert.Contains("used for more than keeping, starting and joining the threads ('Console.WriteLine(threads[0].IsAlive);')", reasons[1]);
        Assert.Contains("the threads are made, started or joined under a condition", reasons[2]);
    }

    [Fact]
    public async Task WorkReadsWhatTheLoopChangesLater_OrLoopLeavesEarly_NoFix()
    {
        const string source = Usings + """
            class Refused
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 11; return w; }

                static long ChangedAfterStart(int parts)
                {
                    var sums = new long[parts];
                    var names = new List<string>();
                    var threads = new List<Thread>();
                    int offset = 0;
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        names.Add("part " + part);
                        var t = [|new Thread(() => sums[part] = Weigh(part + offset))|];
                        threads.Add(t);
                        t.Start();
                        offset += 3;
                    }

                    foreach (var t in threads) t.Join();
                    return sums[0];
                }

                static long LeavesEarly(int parts, int stop)
                {
                    var sums = new long[parts];
                    var names = new List<string>();
                    var threads = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        if (part == stop)
                        {
                            return -1;
                        }

                        names.Add("part " + part);
                        var t = [|new Thread(() => sums[part] = Weigh(part))|];
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var t in threads) t.Join();
                    return sums[0];
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
        var reasons = await FixRefusals.ReasonsAsync(source.Replace("[|", string.Empty).Replace("|]", string.Empty), DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(2, reasons.Count);
        Assert.Contains("the thread's work reads 'offset', which the code that starts the threads changes afterwards", reasons[0]);
        Assert.Contains("the code that starts the threads can leave early (return) before the join", reasons[1]);
    }

    [Fact]
    public async Task StartedWithTheLoopIndex_LoopAlsoLabels_IndexCopiedWhereTheThreadIsMade()
    {
        var source = Usings + """
            class Grid
            {
                public double[,] Cells = new double[0, 0];
                public void Row(object index)
                {
                    int r = (int)index;
                    for (int c = 0; c < Cells.GetLength(1); c++) Cells[r, c] = Math.Sqrt(r * 31 + c);
                }
            }

            class Program
            {
                static List<string> Fill(Grid grid)
                {
                    var labels = new List<string>();
                    Thread[] threads = new Thread[grid.Cells.GetLength(0)];
                    for (int i = 0; i < grid.Cells.GetLength(0); i++)
                    {
                        labels.Add("row " + i);
                        threads[i] = {|GIL003:new Thread(grid.Row)|};
                        threads[i].Start(i);
                    }

                    foreach (var th in threads)
                    {
                        th.Join();
                    }

                    return labels;
                }
            }
            """;
        var fixedSource = Usings + """
            class Grid
            {
                public double[,] Cells = new double[0, 0];
                public void Row(object index)
                {
                    int r = (int)index;
                    for (int c = 0; c < Cells.GetLength(1); c++) Cells[r, c] = Math.Sqrt(r * 31 + c);
                }
            }

            class Program
            {
                static List<string> Fill(Grid grid)
                {
                    var labels = new List<string>();
                    ThreadStart[] threads = new ThreadStart[grid.Cells.GetLength(0)];
                    for (int i = 0; i < grid.Cells.GetLength(0); i++)
                    {
                        labels.Add("row " + i);
                        var state = i;
                        threads[i] = new ThreadStart(() => grid.Row(state));
                    }

                    Parallel.ForEach(threads, work => work());

                    return labels;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task StartedWithAPerIterationObject_ReadAsItIs()
    {
        var source = Usings + """
            class Band { public int From, To; public double[] Data = new double[0]; }

            class Render
            {
                static void Paint(object state)
                {
                    var band = (Band)state;
                    for (int i = band.From; i < band.To; i++) band.Data[i] = Math.Sqrt(band.Data[i] + i);
                }

                static int Run(double[] data, int parts)
                {
                    var threads = new List<Thread>();
                    int made = 0;
                    foreach (var from in new[] { 0, data.Length / 2 })
                    {
                        var band = new Band { From = from, To = Math.Min(data.Length, from + data.Length / 2), Data = data };
                        made++;
                        Thread t = {|GIL003:new Thread(new ParameterizedThreadStart(Paint))|};
                        t.Start(band);
                        threads.Add(t);
                    }

                    foreach (Thread t in threads)
                        t.Join();
                    return made;
                }
            }
            """;
        var fixedSource = Usings + """
            class Band { public int From, To; public double[] Data = new double[0]; }

            class Render
            {
                static void Paint(object state)
                {
                    var band = (Band)state;
                    for (int i = band.From; i < band.To; i++) band.Data[i] = Math.Sqrt(band.Data[i] + i);
                }

                static int Run(double[] data, int parts)
                {
                    var threads = new List<ThreadStart>();
                    int made = 0;
                    foreach (var from in new[] { 0, data.Length / 2 })
                    {
                        var band = new Band { From = from, To = Math.Min(data.Length, from + data.Length / 2), Data = data };
                        made++;
                        ThreadStart t = new ThreadStart(() => Paint(band));
                        threads.Add(t);
                    }

                    Parallel.ForEach(threads, work => work());
                    return made;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task StartArgumentAfterOtherWork_OrLambdaTakesIt_NoFix()
    {
        const string source = Usings + """
            class Refused
            {
                static double[] data = new double[100000];
                static void Work(object part) { int p = (int)part; for (int i = p; i < data.Length; i += 4) data[i] = Math.Sqrt(i); }

                static void OtherWorkBetween(int parts)
                {
                    var threads = new Thread[parts];
                    int started = 0;
                    for (int i = 0; i < threads.Length; i++)
                    {
                        threads[i] = [|new Thread(Work)|];
                        started++;
                        threads[i].Start(i);
                    }

                    foreach (var t in threads) t.Join();
                    Console.WriteLine(started);
                }

                static void LambdaTakesIt(int parts)
                {
                    var threads = new Thread[parts];
                    int started = 0;
                    for (int i = 0; i < threads.Length; i++)
                    {
                        started++;
                        threads[i] = [|new Thread(p => Work(p!))|];
                        threads[i].Start(i);
                    }

                    foreach (var t in threads) t.Join();
                    Console.WriteLine(started);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
        var reasons = await FixRefusals.ReasonsAsync(source.Replace("[|", string.Empty).Replace("|]", string.Empty), DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(2, reasons.Count);
        Assert.Contains("other code runs between making the thread and starting it with its argument", reasons[0]);
        Assert.Contains("the thread's lambda takes the argument passed to Start", reasons[1]);
    }
}
