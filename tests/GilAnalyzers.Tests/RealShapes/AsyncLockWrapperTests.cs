using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Async-lock wrappers: <c>using (await gate.LockAsync())</c>, <c>using var _ = await gate.WaitAsync();</c> and
/// <c>using (gate.Lock())</c> over a type that waits on its own one-slot SemaphoreSlim and hands back a disposable that
/// releases it. The using's scope is a lock region like any other; wrappers that are not locks stay quiet.
/// </summary>
public class AsyncLockWrapperTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Runtime.InteropServices; using System.Threading; using System.Threading.Tasks;\n";

    /// <summary>A wrapper that returns a releaser struct (the common hand-written form).</summary>
    private const string ReleaserGate = """
        sealed class AsyncGate
        {
            private readonly SemaphoreSlim _slot = new SemaphoreSlim(1, 1);

            public async Task<Releaser> LockAsync(CancellationToken token = default)
            {
                await _slot.WaitAsync(token).ConfigureAwait(false);
                return new Releaser(_slot);
            }

            public readonly struct Releaser : IDisposable
            {
                private readonly SemaphoreSlim _toRelease;
                public Releaser(SemaphoreSlim toRelease) => _toRelease = toRelease;
                public void Dispose() => _toRelease?.Release();
            }
        }
        """;

    /// <summary>A wrapper that returns a release callback wrapped in a disposable.</summary>
    private const string CallbackGate = """
        sealed class OnDispose : IDisposable
        {
            private Action _then;
            public OnDispose(Action then) => _then = then;
            public void Dispose() { var a = _then; _then = null; a?.Invoke(); }
        }

        sealed class Exclusive
        {
            private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1);

            public async Task<IDisposable> WaitAsync()
            {
                await _mutex.WaitAsync();
                return new OnDispose(() => _mutex.Release());
            }
        }
        """;

    private static DiagnosticResult Gil001(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    [Fact]
    public async Task ReleaserStruct_UsingStatement_InParallelForEachAsync_Reports()
    {
        var source = Usings + ReleaserGate + """

            class Mosaic
            {
                private readonly AsyncGate _gate = new AsyncGate();

                public async Task BlendAsync(IEnumerable<float[]> tiles, float[] canvas, int width)
                {
                    await Parallel.ForEachAsync(tiles, async (tile, ct) =>
                    {
                        using (await {|#0:_gate.LockAsync(ct)|}.ConfigureAwait(false))
                        {
                            for (int y = 0; y < width; y++)
                                for (int x = 0; x < width; x++)
                                    canvas[y * width + x] = canvas[y * width + x] * 0.5f + MathF.Sqrt(tile[y * width + x]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_gate", "nested loop, 2 levels", "a Parallel.ForEachAsync body"));
    }

    [Fact]
    public async Task CallbackDisposable_UsingDeclaration_StaticWrapper_ReportsAsProcessWide()
    {
        var source = Usings + CallbackGate + """

            static class Fingerprints
            {
                private static readonly Exclusive s_exclusive = new Exclusive();

                public static async Task<ulong> OfAsync(byte[] data, int rounds)
                {
                    using var held = await {|#0:s_exclusive.WaitAsync()|};
                    ulong h = 1469598103934665603UL;
                    for (int r = 0; r < rounds; r++)
                        for (int i = 0; i < data.Length; i++)
                            h = (h ^ data[i]) * 1099511628211UL + (ulong)r;
                    return h;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "s_exclusive", "nested loop, 2 levels", "'OfAsync', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task SyncWrapperReturningItself_InParallelFor_Reports()
    {
        var source = Usings + """
            sealed class Critical : IDisposable
            {
                private readonly SemaphoreSlim _one = new SemaphoreSlim(initialCount: 1, maxCount: 1);
                public Critical Lock() { _one.Wait(); return this; }
                public void Dispose() => _one.Release();
            }

            class Grid
            {
                private readonly Critical _critical = new Critical();

                public void Relax(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        using ({|#0:_critical.Lock()|})
                        {
                            for (int pass = 0; pass < 10; pass++)
                                for (int i = 1; i < rows[r].Length - 1; i++)
                                    rows[r][i] = (rows[r][i - 1] + rows[r][i + 1]) * 0.5;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_critical", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task WellKnownAsyncLock_ByName_Reports()
    {
        var source = Usings + """
            namespace Nito.AsyncEx
            {
                public sealed class AsyncLock
                {
                    public Task<IDisposable> LockAsync() => throw new NotImplementedException();
                }
            }

            class Tiles
            {
                private readonly Nito.AsyncEx.AsyncLock _mutex = new Nito.AsyncEx.AsyncLock();

                public async Task RunAsync(int[][] tiles)
                {
                    await Parallel.ForEachAsync(tiles, async (tile, ct) =>
                    {
                        using (await {|#0:_mutex.LockAsync()|})
                        {
                            for (int i = 0; i < tile.Length; i++)
                                for (int j = 0; j < tile.Length; j++)
                                    tile[i] ^= tile[j] * 31 + j;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_mutex", "nested loop, 2 levels", "a Parallel.ForEachAsync body"));
    }

    [Fact]
    public async Task NativeCallUnderWrapper_IsGil006()
    {
        var source = Usings + ReleaserGate + """

            static class Codec
            {
                [DllImport("legacycodec")]
                private static extern int encode_block(byte[] input, int length, byte[] output);

                private static readonly AsyncGate s_codecGate = new AsyncGate();

                public static async Task EncodeAllAsync(byte[][] blocks, byte[][] outputs)
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, blocks.Length), async (i, ct) =>
                    {
                        using (await {|#0:s_codecGate.LockAsync(ct)|})
                        {
                            for (int k = 0; k < blocks[i].Length; k += 64)
                                encode_block(blocks[i], blocks[i].Length, outputs[i]);
                        }
                    });
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "s_codecGate", "'encode_block' (bulk work in a native library)", "a Parallel.ForEachAsync body", "the work calls native code ('encode_block')"));
    }

    // ------------------------------------------------------------------ must stay quiet

    [Fact]
    public async Task WrapperOverTwoSlotSemaphore_IsAThrottle_NoDiagnostic()
    {
        var source = Usings + ReleaserGate.Replace("new SemaphoreSlim(1, 1)", "new SemaphoreSlim(2, 2)") + """

            class Mosaic
            {
                private readonly AsyncGate _gate = new AsyncGate();

                public async Task BlendAsync(IEnumerable<float[]> tiles, float[] canvas, int width)
                {
                    await Parallel.ForEachAsync(tiles, async (tile, ct) =>
                    {
                        using (await _gate.LockAsync(ct))
                        {
                            for (int y = 0; y < width; y++)
                                for (int x = 0; x < width; x++)
                                    canvas[y * width + x] += MathF.Sqrt(tile[y * width + x]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WrapperWhoseDisposableDoesNotRelease_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Ticket : IDisposable
            {
                public int Number;
                public void Dispose() { Number = -1; }
            }

            sealed class Counter
            {
                private readonly SemaphoreSlim _slot = new SemaphoreSlim(1, 1);
                private int _next;

                public async Task<Ticket> TakeAsync()
                {
                    await _slot.WaitAsync();
                    try { return new Ticket { Number = _next++ }; }
                    finally { _slot.Release(); }
                }
            }

            class Queue
            {
                private readonly Counter _counter = new Counter();

                public async Task DrainAsync(int[][] jobs)
                {
                    await Parallel.ForEachAsync(jobs, async (job, ct) =>
                    {
                        using (await _counter.TakeAsync())
                        {
                            for (int i = 0; i < job.Length; i++)
                                for (int j = 0; j < job.Length; j++)
                                    job[i] += job[j] & 7;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WrapperAroundIoOnly_NoDiagnostic()
    {
        var source = Usings + CallbackGate + """

            class Journal
            {
                private readonly Exclusive _exclusive = new Exclusive();
                private readonly Stream _log = Stream.Null;

                public async Task AppendAllAsync(IEnumerable<byte[]> records)
                {
                    await Parallel.ForEachAsync(records, async (record, ct) =>
                    {
                        using var held = await _exclusive.WaitAsync();
                        await _log.WriteAsync(record, 0, record.Length, ct);
                        await _log.FlushAsync(ct);
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WrapperAroundTinyUpdate_NoDiagnostic()
    {
        var source = Usings + ReleaserGate + """

            class Totals
            {
                private static readonly AsyncGate s_gate = new AsyncGate();
                private static long s_sum;
                private static int s_count;

                public static async Task AddAsync(int[] values)
                {
                    long local = 0;
                    for (int i = 0; i < values.Length; i++)
                        for (int j = 0; j < 4; j++)
                            local += values[i] >> j;
                    using (await s_gate.LockAsync())
                    {
                        s_sum += local;
                        s_count++;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task DisposableFactoryThatTakesNoLock_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Scope : IDisposable
            {
                private readonly SemaphoreSlim _done;
                public Scope(SemaphoreSlim done) => _done = done;
                public void Dispose() => _done.Release();
            }

            sealed class Tracker
            {
                private readonly SemaphoreSlim _finished = new SemaphoreSlim(0, 1);
                public Scope Begin() => new Scope(_finished);
            }

            class Work
            {
                private readonly Tracker _tracker = new Tracker();

                public void Run(int[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        using (_tracker.Begin())
                        {
                            for (int i = 0; i < rows[r].Length; i++)
                                for (int j = 0; j < rows[r].Length; j++)
                                    rows[r][i] += rows[r][j] % 3;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    // ------------------------------------------------------------------ fixers

    [Fact]
    public async Task WrapperRegion_FixersOfferNothing()
    {
        var source = Usings + ReleaserGate + """

            class Mosaic
            {
                private readonly AsyncGate _gate = new AsyncGate();
                private double _total;

                public async Task BlendAsync(IEnumerable<double[]> tiles)
                {
                    await Parallel.ForEachAsync(tiles, async (tile, ct) =>
                    {
                        using (await _gate.LockAsync(ct))
                        {
                            double s = 0;
                            for (int i = 0; i < tile.Length; i++)
                                for (int j = 0; j < tile.Length; j++)
                                    s += Math.Sqrt(tile[i] * tile[j]);
                            _total += s;
                        }
                    });
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var (id, keys) = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.SharedLockAroundCpuWork, id);
        Assert.Empty(keys);
    }

    [Fact]
    public async Task WrapperRegion_Gil006FixerOffersNothing()
    {
        var source = Usings + ReleaserGate + """

            static class Codec
            {
                [DllImport("legacycodec")]
                private static extern int encode_block(byte[] input, int length, byte[] output);

                private static readonly AsyncGate s_codecGate = new AsyncGate();

                public static async Task EncodeAllAsync(byte[][] blocks, byte[][] outputs)
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, blocks.Length), async (i, ct) =>
                    {
                        using (await s_codecGate.LockAsync(ct))
                        {
                            for (int k = 0; k < blocks[i].Length; k += 64)
                                encode_block(blocks[i], blocks[i].Length, outputs[i]);
                        }
                    });
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var (id, keys) = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.ProcessGlobalStateUnderLock, id);
        Assert.Empty(keys);
    }
}
