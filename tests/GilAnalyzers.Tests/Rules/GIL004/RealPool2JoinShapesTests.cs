using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on further joins real code writes: the latch in an object[] state, Monitor.Pulse on a pending counter, events
/// read back from their array in batches of 64, interface-typed job objects, local-function callbacks, and work items
/// queued through a small wrapper method. None of these shapes gets the automatic rewrite.
/// </summary>
public class RealPool2JoinShapesTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.IO.Compression; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task CountdownInObjectArrayState_MethodGroupCallback_Reports()
    {
        var source = Usings + """
            class Eratosthenes
            {
                const int Top = 500000;
                static readonly byte[] crossed = new byte[Top + 1];

                public static void Strike(List<int> basePrimes)
                {
                    int count = basePrimes.Count;
                    var remaining = new CountdownEvent(count);
                    for (int i = 0; i < count; i++)
                    {
                        {|#0:ThreadPool.QueueUserWorkItem(CrossOut, new object[] { basePrimes[i], remaining })|};
                    }
                    remaining.Wait();
                }

                static void CrossOut(object payload)
                {
                    var parts = (object[])payload;
                    int prime = (int)parts[0];
                    var latch = parts[1] as CountdownEvent;
                    for (int m = prime * prime; m <= Top; m += prime)
                        crossed[m] = 1;
                    latch.Signal();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'count'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "for loop"));
    }

    [Fact]
    public async Task ObjectArrayState_LatchSlotNotWaited_NoDiagnostic()
    {
        // The item signals the latch it is given, but the caller waits on a different one.
        var source = Usings + """
            class Eratosthenes
            {
                const int Top = 500000;
                static readonly byte[] crossed = new byte[Top + 1];

                public static void Strike(List<int> basePrimes, CountdownEvent other)
                {
                    var remaining = new CountdownEvent(basePrimes.Count);
                    for (int i = 0; i < basePrimes.Count; i++)
                        ThreadPool.QueueUserWorkItem(CrossOut, new object[] { basePrimes[i], remaining });
                    other.Wait();
                }

                static void CrossOut(object payload)
                {
                    int prime = (int)((object[])payload)[0];
                    var latch = ((object[])payload)[1] as CountdownEvent;
                    for (int m = prime * prime; m <= Top; m += prime) crossed[m] = 1;
                    latch.Signal();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MonitorPulseOnPendingCounter_Reports()
    {
        var source = Usings + """
            static class PrimeCounter
            {
                static readonly object sync = new object();
                static int unfinished;
                static long primes;

                public static long Count(int blocks, int blockSize)
                {
                    unfinished = blocks;
                    for (int b = 0; b < blocks; b++)
                        {|#0:ThreadPool.QueueUserWorkItem(CountBlock, b * blockSize)|};
                    lock (sync)
                    {
                        while (unfinished > 0) Monitor.Wait(sync);
                    }
                    return primes;
                }

                static void CountBlock(object from)
                {
                    int start = (int)from;
                    long found = 0;
                    for (int n = start; n < start + 5000; n++)
                    {
                        bool prime = n > 1;
                        for (int d = 2; d * d <= n; d++)
                            if (n % d == 0) { prime = false; break; }
                        if (prime) found++;
                    }
                    Interlocked.Add(ref primes, found);
                    lock (sync)
                    {
                        unfinished--;
                        Monitor.PulseAll(sync);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'blocks'", "ThreadPool.QueueUserWorkItem + pending counter + Monitor.Wait", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task MonitorPulseOnPendingCounter_ItemsWriteFiles_NoDiagnostic()
    {
        var source = Usings + """
            static class ReportWriter
            {
                static readonly object sync = new object();
                static int unfinished;

                public static void WriteAll(string[] names, string folder)
                {
                    unfinished = names.Length;
                    foreach (var name in names)
                        ThreadPool.QueueUserWorkItem(WriteOne, Path.Combine(folder, name));
                    lock (sync)
                    {
                        while (unfinished > 0) Monitor.Wait(sync);
                    }
                }

                static void WriteOne(object path)
                {
                    using (var writer = new StreamWriter((string)path))
                    {
                        for (int line = 0; line < 2000; line++) writer.WriteLine(line);
                    }
                    lock (sync)
                    {
                        unfinished--;
                        Monitor.Pulse(sync);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EventsInBatchesOf64_ReadBackIntoLocal_Reports()
    {
        var source = Usings + """
            static class Shader
            {
                public static void Apply(float[,] image)
                {
                    int rows = image.GetLength(0), cols = image.GetLength(1);
                    for (int first = 0; first < rows; first += 64)
                    {
                        int batch = Math.Min(64, rows - first);
                        var finished = new ManualResetEvent[batch];
                        for (int j = 0; j < batch; j++)
                        {
                            finished[j] = new ManualResetEvent(false);
                            int row = first + j;
                            var mine = finished[j];
                            {|#0:ThreadPool.QueueUserWorkItem(_ =>
                            {
                                for (int c = 0; c < cols; c++)
                                    image[row, c] = (float)Math.Sqrt(image[row, c] * 0.25f + c);
                                mine.Set();
                            })|};
                        }
                        WaitHandle.WaitAll(finished);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'batch'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "for loop"));
    }

    [Fact]
    public async Task EventsInBatchesOf64_ItemsCopyFiles_NoDiagnostic()
    {
        var source = Usings + """
            static class Mirror
            {
                public static void CopyAll(string[] files, string target)
                {
                    for (int first = 0; first < files.Length; first += 64)
                    {
                        int batch = Math.Min(64, files.Length - first);
                        var finished = new ManualResetEvent[batch];
                        for (int j = 0; j < batch; j++)
                        {
                            finished[j] = new ManualResetEvent(false);
                            var file = files[first + j];
                            var mine = finished[j];
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                using (var from = File.OpenRead(file))
                                using (var to = File.Create(Path.Combine(target, Path.GetFileName(file))))
                                {
                                    var buffer = new byte[65536];
                                    int read;
                                    while ((read = from.Read(buffer, 0, buffer.Length)) > 0) to.Write(buffer, 0, read);
                                }
                                mine.Set();
                            });
                        }
                        WaitHandle.WaitAll(finished);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task InterfaceTypedJob_EventThroughConstructor_CompressesFileChunk_Reports()
    {
        var source = Usings + """
            interface IChunkPacker
            {
                void Pack(object context);
            }

            sealed class GzipChunkPacker : IChunkPacker
            {
                private readonly ManualResetEvent _completed;
                private readonly string _path;

                public GzipChunkPacker(string path, ManualResetEvent completed)
                {
                    _path = path;
                    _completed = completed;
                }

                public void Pack(object context)
                {
                    using (var input = File.OpenRead(_path))
                    using (var output = File.Create(_path + ".gz"))
                    using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
                    {
                        var buffer = new byte[1 << 16];
                        int read;
                        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                            gzip.Write(buffer, 0, read);
                    }
                    _completed.Set();
                }
            }

            static class Archiver
            {
                public static void PackAll(List<string> chunkFiles)
                {
                    var completed = new ManualResetEvent[chunkFiles.Count];
                    int n = 0;
                    foreach (var chunk in chunkFiles)
                    {
                        completed[n] = new ManualResetEvent(false);
                        IChunkPacker packer = new GzipChunkPacker(chunk, completed[n]);
                        {|#0:ThreadPool.QueueUserWorkItem(packer.Pack, n)|};
                        n++;
                    }
                    WaitHandle.WaitAll(completed);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("several", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "GZipStream.Write (compression) in a loop"));
    }

    [Fact]
    public async Task InterfaceTypedJob_PlainFileCopy_NoDiagnostic()
    {
        var source = Usings + """
            interface IChunkMover
            {
                void Move(object context);
            }

            sealed class ChunkMover : IChunkMover
            {
                private readonly ManualResetEvent _completed;
                private readonly string _path;

                public ChunkMover(string path, ManualResetEvent completed)
                {
                    _path = path;
                    _completed = completed;
                }

                public void Move(object context)
                {
                    using (var input = File.OpenRead(_path))
                    using (var output = File.Create(_path + ".bak"))
                    {
                        var buffer = new byte[1 << 16];
                        int read;
                        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                            output.Write(buffer, 0, read);
                    }
                    _completed.Set();
                }
            }

            static class Backup
            {
                public static void MoveAll(List<string> chunkFiles)
                {
                    var completed = new ManualResetEvent[chunkFiles.Count];
                    int n = 0;
                    foreach (var chunk in chunkFiles)
                    {
                        completed[n] = new ManualResetEvent(false);
                        IChunkMover mover = new ChunkMover(chunk, completed[n]);
                        ThreadPool.QueueUserWorkItem(mover.Move, n);
                        n++;
                    }
                    WaitHandle.WaitAll(completed);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LocalFunctionCallback_Countdown_Reports()
    {
        var source = Usings + """
            static class Fractal
            {
                public static int[] Render(int width, int height)
                {
                    var escape = new int[width * height];
                    var rowsLeft = new CountdownEvent(height);
                    void RenderRow(object state)
                    {
                        int y = (int)state;
                        for (int x = 0; x < width; x++)
                        {
                            double re = x * 3.0 / width - 2, im = y * 2.0 / height - 1, zr = 0, zi = 0;
                            int steps = 0;
                            while (steps < 256 && zr * zr + zi * zi < 4) { double t = zr * zr - zi * zi + re; zi = 2 * zr * zi + im; zr = t; steps++; }
                            escape[y * width + x] = steps;
                        }
                        rowsLeft.Signal();
                    }
                    for (int y = 0; y < height; y++)
                        {|#0:ThreadPool.QueueUserWorkItem(RenderRow, y)|};
                    rowsLeft.Wait();
                    return escape;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'height'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task LocalFunctionCallback_SingleItem_NoDiagnostic()
    {
        var source = Usings + """
            static class Fractal
            {
                public static int[] RenderInBackground(int width)
                {
                    var escape = new int[width];
                    var done = new CountdownEvent(1);
                    void RenderRow(object state)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            int steps = 0;
                            double zr = 0, re = x * 3.0 / width - 2;
                            while (steps < 256 && zr * zr < 4) { zr = zr * zr + re; steps++; }
                            escape[x] = steps;
                        }
                        done.Signal();
                    }
                    ThreadPool.QueueUserWorkItem(RenderRow, 0);
                    done.Wait();
                    return escape;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ItemsOnlyQueueMoreWorkOrSleep_NoDiagnostic()
    {
        var source = Usings + """
            static class Dispatcher
            {
                public static void Spread(int groups, int perGroup, Action<int> work)
                {
                    var latch = new CountdownEvent(groups);
                    for (int g = 0; g < groups; g++)
                    {
                        int first = g * perGroup;
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int j = 0; j < perGroup; j++)
                            {
                                int item = first + j;
                                ThreadPool.QueueUserWorkItem(__ => work(item));
                            }
                            latch.Signal();
                        });
                    }
                    latch.Wait();
                }

                public static void Pause(int count)
                {
                    var latch = new CountdownEvent(count);
                    for (int i = 0; i < count; i++)
                        ThreadPool.QueueUserWorkItem(_ => { for (int r = 0; r < 20; r++) Thread.Sleep(50); latch.Signal(); });
                    latch.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ItemsDownloadThenSum_NoDiagnostic()
    {
        var source = "using System.Net.Http;\n" + Usings + """
            static class Crawler
            {
                static readonly HttpClient client = new HttpClient();

                public static byte[][] Fetch(string[] addresses)
                {
                    var pages = new byte[addresses.Length][];
                    using (var latch = new CountdownEvent(addresses.Length))
                    {
                        for (int i = 0; i < addresses.Length; i++)
                        {
                            int k = i;
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                var body = client.GetByteArrayAsync(addresses[k]).GetAwaiter().GetResult();
                                int checksum = 0;
                                for (int b = 0; b < body.Length; b++) checksum += body[b];
                                pages[k] = body;
                                latch.Signal();
                            });
                        }
                        latch.Wait();
                    }
                    return pages;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WrapperMethodAroundQueueUserWorkItem_CalledInLoopAndJoined_Reports()
    {
        var source = Usings + """
            sealed class Smoother
            {
                private readonly CountdownEvent _running = new CountdownEvent(1);

                private void Enqueue(Action job)
                {
                    _running.AddCount();
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        try { job(); }
                        finally { _running.Signal(); }
                    });
                }

                public double[] Smooth(double[] samples, int slices)
                {
                    var result = new double[samples.Length];
                    int width = samples.Length / slices;
                    for (int s = 0; s < slices; s++)
                    {
                        int lo = s * width, hi = lo + width;
                        {|#0:Enqueue(() =>
                        {
                            for (int i = lo; i < hi; i++)
                                result[i] = Math.Tanh(samples[i]) * Math.Exp(-samples[i]);
                        })|};
                    }
                    _running.Signal();
                    _running.Wait();
                    return result;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'slices'", "'Enqueue' (ThreadPool.QueueUserWorkItem) + CountdownEvent", "for loop"));
    }

    [Fact]
    public async Task WrapperWithLatchParameter_Reports()
    {
        var source = Usings + """
            static class Tiles
            {
                static void OnPool(Action<int> body, int tile, CountdownEvent done)
                    => ThreadPool.QueueUserWorkItem(_ => { body(tile); done.Signal(); });

                public static void Blur(float[] pixels, int tiles, int tileSize)
                {
                    var done = new CountdownEvent(tiles);
                    for (int t = 0; t < tiles; t++)
                        {|#0:OnPool(k =>
                        {
                            for (int i = k * tileSize + 1; i < (k + 1) * tileSize - 1; i++)
                                pixels[i] = (pixels[i - 1] + pixels[i] + pixels[i + 1]) / 3f;
                        }, t, done)|};
                    done.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'tiles'", "'OnPool' (ThreadPool.QueueUserWorkItem) + CountdownEvent", "for loop"));
    }

    [Fact]
    public async Task WrapperCalledInLoop_NoJoinInCaller_OrNoQueue_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Reporter
            {
                private readonly CountdownEvent _live = new CountdownEvent(1);

                private void Post(Action action)
                {
                    _live.AddCount();
                    ThreadPool.QueueUserWorkItem(_ => { try { action(); } finally { _live.Signal(); } });
                }

                public void Emit(string[] lines, double[] values)
                {
                    for (int i = 0; i < lines.Length; i++)
                    {
                        int k = i;
                        Post(() =>
                        {
                            double sum = 0;
                            for (int j = 0; j < values.Length; j++) sum += values[j];
                            Console.WriteLine(lines[k] + sum);
                        });
                    }
                }

                public void Flush()
                {
                    _live.Signal();
                    _live.Wait();
                }

                static void Retry(Action attempt)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        try { attempt(); return; } catch (IOException) { }
                    }
                }

                public static void Normalise(double[][] rows)
                {
                    foreach (var row in rows)
                        Retry(() => { for (int j = 0; j < row.Length; j++) row[j] = Math.Sqrt(row[j]); });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    private const string Fibonacci = """
        sealed class FibJob
        {
            private readonly int _n;
            private readonly ManualResetEvent _signal;
            private readonly ManualResetEvent _started;
            public long Value;

            public FibJob(int n, ManualResetEvent finished, ManualResetEvent started)
            {
                _n = n;
                _signal = finished;
                _started = started;
            }

            public void Callback(object index)
            {
                _started.Set();
                Value = Fib(_n);
                _signal.Set();
            }

            static long Fib(int n) => n <= 1 ? n : Fib(n - 1) + Fib(n - 2);
        }

        """;

    [Fact]
    public async Task JobObjectWhoseConstructorStoresTheEventUnderAnotherName_Reports()
    {
        var source = Usings + Fibonacci + """
            static class Driver
            {
                public static long[] Run(int count)
                {
                    var finished = new ManualResetEvent[count];
                    var jobs = new FibJob[count];
                    for (int i = 0; i < count; i++)
                    {
                        finished[i] = new ManualResetEvent(false);
                        var job = new FibJob(25 + i % 5, finished[i], new ManualResetEvent(false));
                        jobs[i] = job;
                        {|#0:ThreadPool.QueueUserWorkItem(new WaitCallback(job.Callback), i)|};
                    }
                    WaitHandle.WaitAll(finished);
                    return jobs.Select(j => j.Value).ToArray();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'count'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "recursion in 'Fib'"));
    }

    [Fact]
    public async Task JobObject_CallerWaitsOnlyForTheStartedEvents_NoDiagnostic()
    {
        var source = Usings + Fibonacci + """
            static class Driver
            {
                public static void Launch(int count)
                {
                    var started = new ManualResetEvent[count];
                    for (int i = 0; i < count; i++)
                    {
                        started[i] = new ManualResetEvent(false);
                        var job = new FibJob(25, new ManualResetEvent(false), started[i]);
                        ThreadPool.QueueUserWorkItem(job.Callback, i);
                    }
                    WaitHandle.WaitAll(started);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
    /// <summary>
    /// Each job object carries its own event: the caller collects <c>jobs[i].Done</c> into the array WaitAll waits on and
    /// queues a method group with the job as state; the item sets <c>job.Done</c> when its work is done.
    /// </summary>
    [Fact]
    public async Task EventCarriedByEachJobObject_CollectedForWaitAll_Reports()
    {
        var source = Usings + """
            sealed class ScaleJob { public int[] Source; public int Width, Height; public int[] Scaled; public ManualResetEvent Done; }
            class Thumbnails
            {
                public void ScaleAll(IList<ScaleJob> jobs)
                {
                    var handles = new WaitHandle[jobs.Count];
                    for (int i = 0; i < jobs.Count; i++)
                    {
                        jobs[i].Done = new ManualResetEvent(false);
                        handles[i] = jobs[i].Done;
                        {|#0:ThreadPool.QueueUserWorkItem(Scale, jobs[i])|};
                    }
                    WaitHandle.WaitAll(handles);
                }

                private static void Scale(object state)
                {
                    var job = (ScaleJob)state;
                    job.Scaled = new int[job.Source.Length / 4];
                    for (int y = 0; y < job.Height / 2; y++)
                        for (int x = 0; x < job.Width / 2; x++)
                            job.Scaled[y * (job.Width / 2) + x] = (job.Source[2 * y * job.Width + 2 * x] + job.Source[2 * y * job.Width + 2 * x + 1]) / 2;
                    job.Done.Set();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'jobs.Count'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "nested loop, 2 levels"));
    }

    /// <summary>The same jobs, but each item only copies a reference before signalling: too little work to report.</summary>
    [Fact]
    public async Task EventCarriedByEachJobObject_LightItems_StayQuiet()
    {
        var source = Usings + """
            sealed class ScaleJob { public int[] Source; public int[] Scaled; public ManualResetEvent Done; }
            class Thumbnails
            {
                public void ScaleAll(IList<ScaleJob> jobs)
                {
                    var handles = new WaitHandle[jobs.Count];
                    for (int i = 0; i < jobs.Count; i++)
                    {
                        jobs[i].Done = new ManualResetEvent(false);
                        handles[i] = jobs[i].Done;
                        ThreadPool.QueueUserWorkItem(Scale, jobs[i]);
                    }
                    WaitHandle.WaitAll(handles);
                }

                private static void Scale(object state)
                {
                    var job = (ScaleJob)state;
                    job.Scaled = job.Source;
                    job.Done.Set();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ItemCallsHelperThatSignalsTheCapturedCountdown_Reports()
    {
        var source = Usings + """
            class PrimeTable
            {
                static readonly bool[] isPrime = new bool[200001];

                static void Test(long n, CountdownEvent pending)
                {
                    bool prime = n > 1;
                    long root = (long)Math.Sqrt(n);
                    for (long d = 2; d <= root; d++) if (n % d == 0) prime = false;
                    isPrime[n] = prime;
                    if (prime) Console.Write(n + " ");
                    pending.Signal();
                }

                public static void Fill(int lo, int hi)
                {
                    var pending = new CountdownEvent(hi - lo + 1);
                    for (int i = lo; i <= hi; i++)
                    {
                        int n = i;
                        {|#0:ThreadPool.QueueUserWorkItem(_ => Test(n, pending))|};
                    }
                    pending.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("several", "ThreadPool.QueueUserWorkItem + CountdownEvent", "calls 'Test' (for loop)"));
    }

    [Fact]
    public async Task ItemCallsHelperThatSignalsTheCapturedCountdownAfterReadingAFile_NoDiagnostic()
    {
        var source = Usings + """
            class Digests
            {
                static readonly long[] sizes = new long[64];

                static void Measure(string path, int slot, CountdownEvent pending)
                {
                    sizes[slot] = File.ReadAllBytes(path).LongLength;
                    pending.Signal();
                }

                public static void Fill(string[] paths)
                {
                    var pending = new CountdownEvent(paths.Length);
                    for (int i = 0; i < paths.Length; i++)
                    {
                        int slot = i;
                        ThreadPool.QueueUserWorkItem(_ => Measure(paths[slot], slot, pending));
                    }
                    pending.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
