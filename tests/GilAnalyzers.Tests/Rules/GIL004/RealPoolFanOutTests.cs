using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>GIL004 on the shapes real code has: the join object carried in the work item's state, method-group callbacks, task lists.</summary>
public class RealPoolFanOutTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task GenericQueueUserWorkItem_CountdownInNamedTuple_KeepJoinFix(LanguageVersion version)
    {
        var source = Usings + """
            class Blur
            {
                public static void Apply(float[] image, float[] result, int width, int height)
                {
                    var latch = new CountdownEvent(height);
                    for (int y = 0; y < height; y++)
                    {
                        {|#0:ThreadPool.QueueUserWorkItem(job =>
                        {
                            int row = job.Row * width;
                            for (int x = 1; x < width - 1; x++)
                            {
                                float sum = 0;
                                for (int k = -1; k <= 1; k++) sum += image[row + x + k];
                                result[row + x] = sum / 3f;
                            }
                            job.Latch.Signal();
                        }, (Row: y, Latch: latch), preferLocal: false)|};
                    }
                    latch.Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            class Blur
            {
                public static void Apply(float[] image, float[] result, int width, int height)
                {
                    var latch = new CountdownEvent(height);
                    var workItems = new List<(Action<(int Row, CountdownEvent Latch)> Callback, (int Row, CountdownEvent Latch) State)>();
                    for (int y = 0; y < height; y++)
                    {
                        workItems.Add((job =>
                        {
                            int row = job.Row * width;
                            for (int x = 1; x < width - 1; x++)
                            {
                                float sum = 0;
                                for (int k = -1; k <= 1; k++) sum += image[row + x + k];
                                result[row + x] = sum / 3f;
                            }
                            job.Latch.Signal();
                        }, (Row: y, Latch: latch)));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    latch.Wait();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'height'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "for loop"));
    }

    [Fact]
    public async Task StateClassWithMethodGroupCallback_EventSetThroughState_ReportsWithKeepJoinFix()
    {
        var source = Usings + """
            sealed class Slice
            {
                public int From;
                public int To;
                public double[] Data;
                public ManualResetEvent Finished;
            }

            static class Normaliser
            {
                static void Work(Slice slice)
                {
                    try
                    {
                        for (int i = slice.From; i < slice.To; i++)
                            slice.Data[i] = Math.Tanh(slice.Data[i]) * Math.Exp(-slice.Data[i] * slice.Data[i]);
                    }
                    finally
                    {
                        slice.Finished.Set();
                    }
                }

                public static void Run(double[] values, int parts)
                {
                    var handles = new ManualResetEvent[parts];
                    int size = values.Length / parts;
                    for (int p = 0; p < parts; p++)
                    {
                        handles[p] = new ManualResetEvent(false);
                        var slice = new Slice { From = p * size, To = p == parts - 1 ? values.Length : (p + 1) * size, Data = values, Finished = handles[p] };
                        [|ThreadPool.QueueUserWorkItem(Work, slice, true)|];
                    }
                    WaitHandle.WaitAll(handles);
                }
            }
            """;
        var fixedSource = Usings + """
            sealed class Slice
            {
                public int From;
                public int To;
                public double[] Data;
                public ManualResetEvent Finished;
            }

            static class Normaliser
            {
                static void Work(Slice slice)
                {
                    try
                    {
                        for (int i = slice.From; i < slice.To; i++)
                            slice.Data[i] = Math.Tanh(slice.Data[i]) * Math.Exp(-slice.Data[i] * slice.Data[i]);
                    }
                    finally
                    {
                        slice.Finished.Set();
                    }
                }

                public static void Run(double[] values, int parts)
                {
                    var handles = new ManualResetEvent[parts];
                    int size = values.Length / parts;
                    var workItems = new List<(Action<Slice> Callback, Slice State)>();
                    for (int p = 0; p < parts; p++)
                    {
                        handles[p] = new ManualResetEvent(false);
                        var slice = new Slice { From = p * size, To = p == parts - 1 ? values.Length : (p + 1) * size, Data = values, Finished = handles[p] };
                        workItems.Add((Work, slice));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(handles);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WaitCallbackMethodWithObjectState_InterlockedCounterAndEvent_ReportsWithKeepJoinFix(LanguageVersion version)
    {
        var source = Usings + """
            class Mandelbrot
            {
                private readonly int[] _pixels;
                private readonly int _size;
                private int _rowsLeft;
                private readonly AutoResetEvent _allRows = new AutoResetEvent(false);

                public Mandelbrot(int size) { _size = size; _pixels = new int[size * size]; }

                private void RenderRow(object state)
                {
                    var y = (int)state;
                    for (int x = 0; x < _size; x++)
                    {
                        double cr = 2.0 * x / _size - 1.5, ci = 2.0 * y / _size - 1.0, zr = 0, zi = 0;
                        int it = 0;
                        while (it < 256 && zr * zr + zi * zi < 4) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; }
                        _pixels[y * _size + x] = it;
                    }
                    if (Interlocked.Decrement(ref _rowsLeft) == 0) _allRows.Set();
                }

                public int[] Render()
                {
                    _rowsLeft = _size;
                    for (int y = 0; y < _size; y++)
                    {
                        [|ThreadPool.UnsafeQueueUserWorkItem(new WaitCallback(RenderRow), y)|];
                    }
                    _allRows.WaitOne();
                    return _pixels;
                }
            }
            """;
        var fixedSource = Usings + """
            class Mandelbrot
            {
                private readonly int[] _pixels;
                private readonly int _size;
                private int _rowsLeft;
                private readonly AutoResetEvent _allRows = new AutoResetEvent(false);

                public Mandelbrot(int size) { _size = size; _pixels = new int[size * size]; }

                private void RenderRow(object state)
                {
                    var y = (int)state;
                    for (int x = 0; x < _size; x++)
                    {
                        double cr = 2.0 * x / _size - 1.5, ci = 2.0 * y / _size - 1.0, zr = 0, zi = 0;
                        int it = 0;
                        while (it < 256 && zr * zr + zi * zi < 4) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; }
                        _pixels[y * _size + x] = it;
                    }
                    if (Interlocked.Decrement(ref _rowsLeft) == 0) _allRows.Set();
                }

                public int[] Render()
                {
                    _rowsLeft = _size;
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int y = 0; y < _size; y++)
                    {
                        workItems.Add((new WaitCallback(RenderRow), y));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    _allRows.WaitOne();
                    return _pixels;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey, version);
    }

    [Fact]
    public async Task ObjectStateCastToTuple_CountdownFromState_LocalFunctionCallback_ReportsWithKeepJoinFix()
    {
        var source = Usings + """
            static class Sieve
            {
                public static long CountPrimes(int[][] blocks)
                {
                    long total = 0;
                    using (var remaining = new CountdownEvent(blocks.Length))
                    {
                        void Count(object boxed)
                        {
                            var work = (Tuple<int[], CountdownEvent>)boxed;
                            long found = 0;
                            foreach (var n in work.Item1)
                            {
                                bool prime = n > 1;
                                for (int d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                                if (prime) found++;
                            }
                            Interlocked.Add(ref total, found);
                            work.Item2.Signal();
                        }

                        foreach (var block in blocks)
                        {
                            [|ThreadPool.QueueUserWorkItem(Count, Tuple.Create(block, remaining))|];
                        }
                        remaining.Wait();
                    }
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            static class Sieve
            {
                public static long CountPrimes(int[][] blocks)
                {
                    long total = 0;
                    using (var remaining = new CountdownEvent(blocks.Length))
                    {
                        void Count(object boxed)
                        {
                            var work = (Tuple<int[], CountdownEvent>)boxed;
                            long found = 0;
                            foreach (var n in work.Item1)
                            {
                                bool prime = n > 1;
                                for (int d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                                if (prime) found++;
                            }
                            Interlocked.Add(ref total, found);
                            work.Item2.Signal();
                        }
                        var workItems = new List<(WaitCallback Callback, object State)>();

                        foreach (var block in blocks)
                        {
                            workItems.Add((Count, Tuple.Create(block, remaining)));
                        }
                        Parallel.ForEach(workItems, item => item.Callback(item.State));
                        remaining.Wait();
                    }
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task EventListFilledInLoop_WaitAllOverToArray_ParallelForEach()
    {
        var source = Usings + """
            class Resampler
            {
                public void Run(List<short[]> channels)
                {
                    var done = new List<ManualResetEvent>();
                    foreach (var channel in channels)
                    {
                        var finished = new ManualResetEvent(false);
                        done.Add(finished);
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int i = 1; i < channel.Length; i++)
                                channel[i] = (short)((channel[i] * 3 + channel[i - 1]) / 4);
                            finished.Set();
                        })|];
                    }
                    WaitHandle.WaitAll(done.ToArray());
                }
            }
            """;
        var fixedSource = Usings + """
            class Resampler
            {
                public void Run(List<short[]> channels)
                {
                    Parallel.ForEach(channels, channel =>
                    {
                        for (int i = 1; i < channel.Length; i++)
                            channel[i] = (short)((channel[i] * 3 + channel[i - 1]) / 4);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task LongRunningTasksInList_WaitAllOverToArray_ParallelFor()
    {
        var source = Usings + """
            class Histogram
            {
                public static void Build(byte[] pixels, int[][] partial, int workers)
                {
                    var running = new List<Task>();
                    for (int w = 0; w < workers; w++)
                    {
                        int slot = w;
                        running.Add({|#0:Task.Factory.StartNew(() =>
                        {
                            for (int i = slot; i < pixels.Length; i += workers) partial[slot][pixels[i]]++;
                        }, TaskCreationOptions.LongRunning)|});
                    }
                    Task.WaitAll(running.ToArray());
                }
            }
            """;
        var fixedSource = Usings + """
            class Histogram
            {
                public static void Build(byte[] pixels, int[][] partial, int workers)
                {
                    Parallel.For(0, workers, w =>
                    {
                        int slot = w;
                        for (int i = slot; i < pixels.Length; i += workers) partial[slot][pixels[i]]++;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'workers'", "Task.Factory.StartNew(LongRunning) + Task.WaitAll", "for loop"));
    }

    [Fact]
    public async Task LongRunningTaskInLocalThenAddedToField_Reports()
    {
        var source = Usings + """
            class Simulation
            {
                private readonly List<Task> _workers = new List<Task>();
                private readonly double[] _bodies = new double[4096];

                public void Step(int threads)
                {
                    for (int t = 0; t < threads; t++)
                    {
                        int lane = t;
                        var worker = [|Task.Factory.StartNew(() =>
                        {
                            for (int i = lane; i < _bodies.Length; i += threads)
                                for (int j = 0; j < _bodies.Length; j++) _bodies[i] += 1e-9 / (1 + Math.Abs(_bodies[i] - _bodies[j]));
                        }, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach)|];
                        _workers.Add(worker);
                    }
                    Task.WaitAll(_workers.ToArray());
                    _workers.Clear();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task StateCarriedJoinButIoOrLightOrNoJoin_DoNotReport()
    {
        var source = Usings + """
            sealed class Upload
            {
                public string Path;
                public byte[] Payload;
                public CountdownEvent Done;
            }

            class Uploader
            {
                static void Save(Upload upload)
                {
                    File.WriteAllBytes(upload.Path, upload.Payload);
                    upload.Done.Signal();
                }

                public static void SaveAll(string[] paths, byte[][] payloads)
                {
                    var done = new CountdownEvent(paths.Length);
                    for (int i = 0; i < paths.Length; i++)
                    {
                        ThreadPool.QueueUserWorkItem(Save, new Upload { Path = paths[i], Payload = payloads[i], Done = done }, false);
                    }
                    done.Wait();
                }

                public static void Touch(int[] counters)
                {
                    var latch = new CountdownEvent(counters.Length);
                    for (int i = 0; i < counters.Length; i++)
                    {
                        ThreadPool.QueueUserWorkItem(s => { counters[s.Index]++; s.Latch.Signal(); }, (Index: i, Latch: latch), false);
                    }
                    latch.Wait();
                }

                public static void FireAndForget(double[][] rows, ManualResetEvent[] unused)
                {
                    for (int r = 0; r < rows.Length; r++)
                    {
                        ThreadPool.QueueUserWorkItem(s =>
                        {
                            for (int i = 0; i < s.Row.Length; i++)
                                for (int k = 0; k < 16; k++) s.Row[i] = Math.Sqrt(s.Row[i] + k);
                            s.Ready.Set();
                        }, (Row: rows[r], Ready: unused[r]), false);
                    }
                }

                public static void Log(string[] lines, TextWriter writer)
                {
                    var finished = new CountdownEvent(lines.Length);
                    foreach (var line in lines)
                    {
                        ThreadPool.QueueUserWorkItem(state =>
                        {
                            var entry = ((string Text, CountdownEvent Done))state;
                            lock (writer) writer.WriteLine(entry.Text);
                            entry.Done.Signal();
                        }, (line, finished));
                    }
                    finished.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task GenericQueueUserWorkItem_TupleStateAndCapturedCountdown_ParallelFor()
    {
        var source = Usings + """
            class Convolver
            {
                public static void Run(double[][] rows, double[] kernel)
                {
                    using (var pending = new CountdownEvent(rows.Length))
                    {
                        for (int r = 0; r < rows.Length; r++)
                        {
                            {|#0:ThreadPool.QueueUserWorkItem(item =>
                            {
                                try
                                {
                                    var line = rows[item.Row];
                                    for (int i = 0; i < line.Length; i++)
                                        for (int k = 0; k < item.Taps.Length; k++) line[i] += item.Taps[k] * 0.001;
                                }
                                finally
                                {
                                    pending.Signal();
                                }
                            }, (Row: r, Taps: kernel), preferLocal: true)|};
                        }
                        pending.Wait();
                    }
                }
            }
            """;
        // A tuple of values made in the call is made again inside Parallel.For (a typed local), so the full rewrite
        // applies and the latch goes.
        var fixedSource = Usings + """
            class Convolver
            {
                public static void Run(double[][] rows, double[] kernel)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        (int Row, double[] Taps) item = (Row: r, Taps: kernel);
                        var line = rows[item.Row];
                        for (int i = 0; i < line.Length; i++)
                            for (int k = 0; k < item.Taps.Length; k++) line[i] += item.Taps[k] * 0.001;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'rows.Length'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task WorkerObjectAsState_SignalInsideItsRunMethod_ReportsWithKeepJoinFix()
    {
        var source = Usings + """
            sealed class RowWorker
            {
                private readonly float[,] _grid;
                private readonly int _row;
                private readonly CountdownEvent _finished;

                public RowWorker(float[,] grid, int row, CountdownEvent finished)
                {
                    _grid = grid;
                    _row = row;
                    _finished = finished;
                }

                public void Run()
                {
                    int width = _grid.GetLength(1);
                    for (int x = 1; x < width - 1; x++)
                        for (int pass = 0; pass < 8; pass++)
                            _grid[_row, x] = (_grid[_row, x - 1] + _grid[_row, x] + _grid[_row, x + 1]) / 3f;
                    _finished.Signal();
                }
            }

            static class Relaxation
            {
                public static void Relax(float[,] grid)
                {
                    int rows = grid.GetLength(0);
                    var finished = new CountdownEvent(rows);
                    for (int r = 0; r < rows; r++)
                    {
                        var worker = new RowWorker(grid, r, finished);
                        [|ThreadPool.QueueUserWorkItem(state => ((RowWorker)state).Run(), worker)|];
                    }
                    finished.Wait();
                }

                public static void RelaxGeneric(float[,] grid)
                {
                    int rows = grid.GetLength(0);
                    var finished = new CountdownEvent(rows);
                    for (int r = 0; r < rows; r++)
                    {
                        [|ThreadPool.QueueUserWorkItem(w => w.Run(), new RowWorker(grid, r, finished), preferLocal: false)|];
                    }
                    finished.Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            sealed class RowWorker
            {
                private readonly float[,] _grid;
                private readonly int _row;
                private readonly CountdownEvent _finished;

                public RowWorker(float[,] grid, int row, CountdownEvent finished)
                {
                    _grid = grid;
                    _row = row;
                    _finished = finished;
                }

                public void Run()
                {
                    int width = _grid.GetLength(1);
                    for (int x = 1; x < width - 1; x++)
                        for (int pass = 0; pass < 8; pass++)
                            _grid[_row, x] = (_grid[_row, x - 1] + _grid[_row, x] + _grid[_row, x + 1]) / 3f;
                    _finished.Signal();
                }
            }

            static class Relaxation
            {
                public static void Relax(float[,] grid)
                {
                    int rows = grid.GetLength(0);
                    var finished = new CountdownEvent(rows);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int r = 0; r < rows; r++)
                    {
                        var worker = new RowWorker(grid, r, finished);
                        workItems.Add((state => ((RowWorker)state).Run(), worker));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    finished.Wait();
                }

                public static void RelaxGeneric(float[,] grid)
                {
                    int rows = grid.GetLength(0);
                    var finished = new CountdownEvent(rows);
                    var workItems = new List<(Action<RowWorker> Callback, RowWorker State)>();
                    for (int r = 0; r < rows; r++)
                    {
                        workItems.Add((w => w.Run(), new RowWorker(grid, r, finished)));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    finished.Wait();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task WorkerObjectWithoutJoinOrDoingIo_DoesNotReport()
    {
        var source = Usings + """
            sealed class Flusher
            {
                private readonly string _path;
                private readonly string[] _lines;
                private readonly ManualResetEvent _written;

                public Flusher(string path, string[] lines, ManualResetEvent written) { _path = path; _lines = lines; _written = written; }

                public void Flush()
                {
                    File.WriteAllLines(_path, _lines);
                    _written.Set();
                }
            }

            sealed class Squarer
            {
                private readonly double[] _values;
                private readonly ManualResetEvent _done;

                public Squarer(double[] values, ManualResetEvent done) { _values = values; _done = done; }

                public void Square()
                {
                    for (int i = 0; i < _values.Length; i++)
                        for (int k = 0; k < 8; k++) _values[i] = Math.Sqrt(_values[i] * _values[i] + k);
                    _done.Set();
                }
            }

            static class Jobs
            {
                public static void FlushAll(string[] paths, string[][] contents)
                {
                    var handles = new ManualResetEvent[paths.Length];
                    for (int i = 0; i < paths.Length; i++)
                    {
                        handles[i] = new ManualResetEvent(false);
                        var flusher = new Flusher(paths[i], contents[i], handles[i]);
                        ThreadPool.QueueUserWorkItem(o => ((Flusher)o).Flush(), flusher);
                    }
                    WaitHandle.WaitAll(handles);
                }

                public static void SquareInBackground(double[][] blocks)
                {
                    // Nobody waits for the items: a background job, not a fan-out.
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        var squarer = new Squarer(blocks[i], new ManualResetEvent(false));
                        ThreadPool.QueueUserWorkItem(o => ((Squarer)o).Square(), squarer);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
