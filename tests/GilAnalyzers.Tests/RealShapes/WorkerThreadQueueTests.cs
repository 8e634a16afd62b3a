using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on queue workers (issue 14): a collection of threads that each loop taking items from a shared queue — waiting
/// on an event, a monitor or a blocking collection only while it is empty — and do CPU-bound work on every item, joined by
/// the method or the type's stop method. Reported without a rewrite. The look-alikes stay quiet: consumers whose items are
/// light or go to a file, dispatchers that run the delegates they take, workers that sleep or poll with a timeout, service
/// loops that run until a stop flag, and background workers nothing joins.
/// </summary>
public class WorkerThreadQueueTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Collections.Concurrent; using System.IO; using System.Linq; using System.Security.Cryptography; using System.Threading;\n";

    private static Task Reports(string source, LanguageVersion version, string count, string reason)
        => VerifyCS.VerifyAnalyzerAsync(Usings + source, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments(count, reason, "Parallel.For"));

    private static Task Quiet(string source)
        => VerifyCS.VerifyAnalyzerAsync(Usings + source, LanguageVersion.Latest);

    private const string Digester = """
        class ChunkDigester
        {
            private readonly Queue<byte[]> _pending = new Queue<byte[]>();
            private readonly AutoResetEvent _arrived = new AutoResetEvent(false);
            private readonly List<byte[]> _digests = new List<byte[]>();

            public void Digest(IEnumerable<byte[]> chunks, int workerCount)
            {
                var crew = new Thread[workerCount];
                for (int w = 0; w < workerCount; w++)
                {
                    crew[w] = {|#0:new Thread(Drain)|};
                    crew[w].Start();
                }

                foreach (var chunk in chunks) Post(chunk);
                for (int w = 0; w < workerCount; w++) Post(null);
                foreach (var t in crew) t.Join();
            }

            private void Post(byte[] chunk)
            {
                lock (_pending) _pending.Enqueue(chunk);
                _arrived.Set();
            }

            private void Drain()
            {
                using (var sha = SHA256.Create())
                {
                    while (true)
                    {
                        byte[] chunk = null;
                        bool got = false;
                        lock (_pending)
                        {
                            if (_pending.Count > 0) { chunk = _pending.Dequeue(); got = true; }
                        }

                        if (!got) { _arrived.WaitOne(); continue; }
                        if (chunk == null) return;
                        var digest = sha.ComputeHash(chunk);
                        lock (_digests) _digests.Add(digest);
                    }
                }
            }
        }
        """;

    private const string Pipeline = """
        interface IBlockCodec { byte[] Apply(byte[] block); }

        sealed class Scrambler : IBlockCodec
        {
            public byte[] Apply(byte[] block)
            {
                var result = new byte[block.Length];
                for (int round = 0; round < 16; round++)
                    for (int i = 0; i < block.Length; i++) result[i] = (byte)((block[i] ^ (round * 31)) + result[(i + 1) % block.Length]);
                return result;
            }
        }

        sealed class Unscrambler : IBlockCodec
        {
            public byte[] Apply(byte[] block)
            {
                var result = new byte[block.Length];
                for (int round = 15; round >= 0; round--)
                    for (int i = block.Length - 1; i >= 0; i--) result[i] = (byte)((block[i] - result[(i + 1) % block.Length]) ^ (round * 31));
                return result;
            }
        }

        class BlockPipeline
        {
            private readonly BlockingCollection<byte[]> _blocks = new BlockingCollection<byte[]>(64);
            private readonly ConcurrentQueue<byte[]> _done = new ConcurrentQueue<byte[]>();
            private readonly IBlockCodec _codec;
            private readonly Thread[] _workers;

            public BlockPipeline(IBlockCodec codec, int workers)
            {
                _codec = codec;
                _workers = new Thread[workers];
                for (int i = 0; i < workers; i++)
                {
                    _workers[i] = {|#0:new Thread(Work)|};
                    _workers[i].IsBackground = true;
                }
            }

            public void Start() { foreach (var w in _workers) w.Start(); }

            public void Add(byte[] block) => _blocks.Add(block);

            public void Stop()
            {
                _blocks.CompleteAdding();
                foreach (var w in _workers) w.Join();
            }

            private void Work()
            {
                foreach (var block in _blocks.GetConsumingEnumerable())
                    _done.Enqueue(_codec.Apply(block));
            }
        }
        """;

    // ---- reported ----

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersHashingChunksFromALockedQueue_Report(LanguageVersion version)
    {
        await Reports(Digester, version, "'workerCount'", "HashAlgorithm.ComputeHash (hashing/cryptography)");
    }

    [Fact]
    public async Task BackgroundWorkersBehindAnInterfaceJoinedByStop_Report()
    {
        await Reports(Pipeline, LanguageVersion.Latest, "'workers'", "calls 'Apply' (for loop)");
    }

    [Theory]
    [InlineData(Digester, "the threads take their items from a shared queue and wait for them")]
    [InlineData(Pipeline, "the threads take their items from a shared queue and wait for them")]
    public async Task QueueWorkers_AreReportedWithoutAFix(string source, string why)
    {
        var code = Usings + source.Replace("{|#0:", string.Empty).Replace(")|};", ");");
        var offers = await Verifiers.CodeFixOffers.ForAsync(code);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.Empty(gil003.Keys);
        var reason = Assert.Single(await GilAnalyzers.Tests.Rules.FixRefusals.ReasonsAsync(code, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains(why, reason);
    }

    // ---- quiet ----

    [Fact]
    public async Task WorkersAppendingEachItemToAFile_DoNotReport()
    {
        await Quiet("""
            class LineSink
            {
                private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();

                public void Run(IEnumerable<string> lines, string path, int writers)
                {
                    var threads = new List<Thread>();
                    for (int i = 0; i < writers; i++)
                    {
                        var t = new Thread(() =>
                        {
                            while (true)
                            {
                                var line = _lines.Take();
                                if (line == null) return;
                                lock (_lines) File.AppendAllText(path, line.ToUpperInvariant() + Environment.NewLine);
                            }
                        });
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var line in lines) _lines.Add(line);
                    for (int i = 0; i < writers; i++) _lines.Add(null);
                    threads.ForEach(t => t.Join());
                }
            }
            """);
    }

    [Fact]
    public async Task WorkersPollingWithASleep_DoNotReport()
    {
        await Quiet("""
            class Poller
            {
                private readonly ConcurrentQueue<double[]> _jobs = new ConcurrentQueue<double[]>();
                private volatile bool _noMore;

                public void Run(int workers)
                {
                    var threads = new Thread[workers];
                    for (int i = 0; i < workers; i++)
                    {
                        threads[i] = new Thread(() =>
                        {
                            while (true)
                            {
                                if (!_jobs.TryDequeue(out var job))
                                {
                                    if (_noMore) return;
                                    Thread.Sleep(5);
                                    continue;
                                }

                                for (int k = 0; k < job.Length; k++) job[k] = Math.Sqrt(job[k]) * Math.Log(job[k] + 1);
                            }
                        });
                        threads[i].Start();
                    }

                    _noMore = true;
                    foreach (var t in threads) t.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task BackgroundQueueWorkersNobodyJoins_DoNotReport()
    {
        await Quiet("""
            class Hasher
            {
                private readonly BlockingCollection<byte[]> _inbox = new BlockingCollection<byte[]>();
                private readonly ConcurrentBag<byte[]> _digests = new ConcurrentBag<byte[]>();
                private Thread[] _threads;

                public void Open(int count)
                {
                    _threads = new Thread[count];
                    for (int i = 0; i < count; i++)
                    {
                        _threads[i] = new Thread(Loop);
                        _threads[i].IsBackground = true;
                        _threads[i].Start();
                    }
                }

                public void Post(byte[] data) => _inbox.Add(data);

                private void Loop()
                {
                    using (var sha = SHA256.Create())
                        foreach (var data in _inbox.GetConsumingEnumerable()) _digests.Add(sha.ComputeHash(data));
                }
            }
            """);
    }

    [Fact]
    public async Task QueueWorkersUntilAStopFlag_DoNotReport()
    {
        await Quiet("""
            class Service
            {
                private readonly BlockingCollection<int[]> _work = new BlockingCollection<int[]>();
                private volatile bool _stopping;
                private Thread[] _threads;

                public void Start(int count)
                {
                    _threads = new Thread[count];
                    for (int i = 0; i < count; i++)
                    {
                        _threads[i] = new Thread(() =>
                        {
                            while (!_stopping)
                            {
                                var job = _work.Take();
                                Array.Sort(job);
                                for (int k = 1; k < job.Length; k++) job[k] += job[k - 1];
                            }
                        });
                        _threads[i].Start();
                    }
                }

                public void Stop() { _stopping = true; foreach (var t in _threads) t.Join(); }
            }
            """);
    }

    [Fact]
    public async Task WorkersRunningTheActionsTheyTake_DoNotReport()
    {
        await Quiet("""
            class MiniPool
            {
                private readonly Queue<Action> _actions = new Queue<Action>();
                private readonly object _gate = new object();
                private bool _closed;

                public void Run(IEnumerable<Action> actions, int size)
                {
                    var threads = new Thread[size];
                    for (int i = 0; i < size; i++)
                    {
                        threads[i] = new Thread(() =>
                        {
                            while (true)
                            {
                                Action next;
                                lock (_gate)
                                {
                                    while (_actions.Count == 0 && !_closed) Monitor.Wait(_gate);
                                    if (_actions.Count == 0) return;
                                    next = _actions.Dequeue();
                                }

                                for (int repeat = 0; repeat < 100000; repeat++) next();
                            }
                        });
                        threads[i].Start();
                    }

                    lock (_gate) { foreach (var a in actions) _actions.Enqueue(a); _closed = true; Monitor.PulseAll(_gate); }
                    foreach (var t in threads) t.Join();
                }
            }
            """);
    }

    [Fact]
    public async Task WorkersWaitingWithATimeout_DoNotReport()
    {
        await Quiet("""
            class Ticker
            {
                private readonly ManualResetEventSlim _tick = new ManualResetEventSlim(false);
                private readonly double[] _field = new double[1 << 16];

                public void Run(int lanes)
                {
                    var threads = new Thread[lanes];
                    for (int l = 0; l < lanes; l++)
                    {
                        int lane = l;
                        threads[l] = new Thread(() =>
                        {
                            while (_tick.Wait(250))
                                for (int i = lane; i < _field.Length; i += lanes) _field[i] = Math.Cos(_field[i]);
                        });
                        threads[l].Start();
                    }

                    foreach (var t in threads) t.Join();
                }
            }
            """);
    }
}
