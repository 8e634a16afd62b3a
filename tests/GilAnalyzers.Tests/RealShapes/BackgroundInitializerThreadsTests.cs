using Xunit;
using Verify003 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// <c>new Thread(Work) { IsBackground = true, Name = … }</c>: the background flag written in the object initializer is the
/// same flag as <c>t.IsBackground = true</c> written as a statement. Worker threads kept in a list field, taking chunks
/// from a shared queue and compressing them, joined by Dispose, are a hand-made thread split whichever way the flag is set;
/// background threads nothing joins stay service threads.
/// </summary>
public class BackgroundInitializerThreadsTests
{
    private const string Packer = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.IO.Compression;
        using System.Threading;

        public interface IChunkCodec { byte[] Apply(byte[] data); }

        public sealed class GzipCodec : IChunkCodec
        {
            public byte[] Apply(byte[] data)
            {
                using var target = new MemoryStream();
                using (var gzip = new GZipStream(target, CompressionMode.Compress)) gzip.Write(data, 0, data.Length);
                return target.ToArray();
            }
        }

        """;

    [Fact]
    public async Task BackgroundQueueWorkersJoinedInDispose_IsGil003()
    {
        var source = Packer + """
            public sealed class ChunkWorkers : IDisposable
            {
                private readonly List<Thread> _workers = new List<Thread>();
                private readonly Queue<byte[]> _pending = new Queue<byte[]>();
                private readonly object _sync = new object();
                private readonly IChunkCodec _codec;

                public ChunkWorkers(int count, IChunkCodec codec)
                {
                    _codec = codec;
                    for (int i = 0; i < count; i++)
                    {
                        var worker = {|#0:new Thread(Drain) { IsBackground = true, Name = "chunk worker " + i }|};
                        _workers.Add(worker);
                        worker.Start();
                    }
                }

                public void Post(byte[] chunk)
                {
                    lock (_sync) { _pending.Enqueue(chunk); Monitor.PulseAll(_sync); }
                }

                private void Drain()
                {
                    while (true)
                    {
                        byte[] chunk;
                        lock (_sync)
                        {
                            while (_pending.Count == 0) Monitor.Wait(_sync);
                            chunk = _pending.Dequeue();
                        }

                        if (chunk == null) return;
                        _codec.Apply(chunk);
                    }
                }

                public void Dispose()
                {
                    _workers.ForEach(w => Post(null));
                    _workers.ForEach(w => { if (w.IsAlive) w.Join(); });
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source,
            Verify003.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0)
                .WithArguments("'count'", "calls 'Apply' (GZipStream.Write (compression))", "Parallel.For"));
    }

    [Fact]
    public async Task BackgroundThreadsByInitializerNothingJoins_NoDiagnostic()
    {
        var source = Packer + """
            public sealed class ChunkWorkers
            {
                private readonly Queue<byte[]> _pending = new Queue<byte[]>();
                private readonly object _sync = new object();
                private readonly IChunkCodec _codec;

                public ChunkWorkers(int count, IChunkCodec codec)
                {
                    _codec = codec;
                    for (int i = 0; i < count; i++)
                    {
                        var worker = new Thread(Drain) { IsBackground = true };
                        worker.Start();
                    }
                }

                private void Drain()
                {
                    while (true)
                    {
                        byte[] chunk;
                        lock (_sync)
                        {
                            while (_pending.Count == 0) Monitor.Wait(_sync);
                            chunk = _pending.Dequeue();
                        }

                        _codec.Apply(chunk);
                    }
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ThreadsWithACustomStackSizeInTheInitializerChain_NoDiagnostic()
    {
        // Another configured thread: a custom stack size passed to the constructor still keeps them out.
        var source = Packer + """
            public sealed class ChunkWorkers
            {
                public void Run(byte[][] chunks, IChunkCodec codec)
                {
                    var workers = new List<Thread>();
                    for (int i = 0; i < chunks.Length; i++)
                    {
                        var chunk = chunks[i];
                        var worker = new Thread(() => codec.Apply(chunk), 16 * 1024 * 1024) { IsBackground = true };
                        workers.Add(worker);
                        worker.Start();
                    }

                    foreach (var worker in workers) worker.Join();
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source);
    }
}
