using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL001 on the lock forms real code writes: reader/writer locks taken for writing, one-slot semaphores and mutexes
/// behind timeout guards, Monitor.TryEnter guards; and the look-alikes that must stay quiet (read locks, throttles).
/// </summary>
public class RealLocksFormsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static DiagnosticResult Gil001(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    // ------------------------------------------------------------------ ReaderWriterLockSlim

    [Fact]
    public async Task WriteLockInTryFinally_InParallelForEach_Reports()
    {
        var source = Usings + """
            sealed class TileCache
            {
                private readonly ReaderWriterLockSlim _cacheLock = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
                private readonly Dictionary<int, float[]> _tiles = new Dictionary<int, float[]>();

                public void Render(IEnumerable<int> tileIds, int size)
                {
                    Parallel.ForEach(tileIds, id =>
                    {
                        {|#0:_cacheLock.EnterWriteLock()|};
                        try
                        {
                            var pixels = new float[size * size];
                            for (int y = 0; y < size; y++)
                                for (int x = 0; x < size; x++)
                                    pixels[y * size + x] = MathF.Sin(x * 0.1f) * MathF.Cos(y * 0.1f + id);
                            _tiles[id] = pixels;
                        }
                        finally
                        {
                            _cacheLock.ExitWriteLock();
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_cacheLock", "nested loop, 2 levels", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task UpgradeableAndTimedWriteLocks_Report()
    {
        var source = Usings + """
            class Histogram
            {
                static readonly ReaderWriterLockSlim Sync = new();
                long[] bins = new long[64];

                void Accumulate(double[][] samples)
                {
                    var rw = new ReaderWriterLockSlim();
                    Parallel.For(0, samples.Length, s =>
                    {
                        {|#0:rw.EnterUpgradeableReadLock()|};
                        try
                        {
                            foreach (var v in samples[s]) bins[(int)(Math.Abs(Math.Tanh(v)) * 63)]++;
                        }
                        finally { rw.ExitUpgradeableReadLock(); }
                    });
                }

                static double Smooth(double[] signal, int passes)
                {
                    if (!{|#1:Sync.TryEnterWriteLock(TimeSpan.FromSeconds(2))|})
                        throw new TimeoutException("histogram busy");
                    try
                    {
                        for (int p = 0; p < passes; p++)
                            for (int i = 1; i < signal.Length - 1; i++)
                                signal[i] = (signal[i - 1] + signal[i] + signal[i + 1]) / 3;
                        return signal.Sum();
                    }
                    finally
                    {
                        Sync.ExitWriteLock();
                    }
                }

                static void Normalise(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        if ({|#2:Sync.TryEnterWriteLock(50)|})
                        {
                            try { for (int i = 0; i < rows[r].Length; i++) rows[r][i] = Math.Log(1 + rows[r][i]); }
                            finally { Sync.ExitWriteLock(); }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "rw", "foreach loop", "a Parallel.For body"),
            Gil001(1, "Sync", "nested loop, 2 levels", "'Smooth', a process-wide lock that every calling thread queues for"),
            Gil001(2, "Sync", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task ReadLock_IsNotSerialising_DoesNotReport()
    {
        var source = Usings + """
            class Model
            {
                private readonly ReaderWriterLockSlim _gate = new ReaderWriterLockSlim();
                private static readonly ReaderWriterLockSlim s_weightsLock = new ReaderWriterLockSlim();
                private double[] _weights = new double[512];

                public double[] Score(double[][] inputs)
                {
                    var scores = new double[inputs.Length];
                    Parallel.For(0, inputs.Length, n =>
                    {
                        _gate.EnterReadLock();
                        try
                        {
                            double s = 0;
                            for (int j = 0; j < _weights.Length; j++) s += Math.Exp(-_weights[j] * inputs[n][j % inputs[n].Length]);
                            scores[n] = s;
                        }
                        finally { _gate.ExitReadLock(); }
                    });
                    return scores;
                }

                public static double Dot(double[] a, double[] b)
                {
                    if (!s_weightsLock.TryEnterReadLock(100)) return double.NaN;
                    try { double d = 0; for (int i = 0; i < a.Length; i++) for (int j = 0; j < b.Length; j++) d += a[i] * b[j]; return d; }
                    finally { s_weightsLock.ExitReadLock(); }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WriteLockAroundAShortUpdate_DoesNotReport()
    {
        var source = Usings + """
            class Registry
            {
                private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                private readonly Dictionary<string, double> _results = new Dictionary<string, double>();

                public void Run(string[] names, Func<string, double> evaluate)
                {
                    Parallel.ForEach(names, name =>
                    {
                        var value = evaluate(name);
                        _lock.EnterWriteLock();
                        try { _results[name] = value; }
                        finally { _lock.ExitWriteLock(); }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    // ------------------------------------------------------------------ one-slot semaphores behind guards

    [Fact]
    public async Task SemaphoreTimeoutGuard_ThenTryFinally_Reports()
    {
        var source = Usings + """
            class Solver
            {
                public static void SolveAll(int[][] boards)
                {
                    var gate = new SemaphoreSlim(1, 1);
                    Parallel.For(0, boards.Length, b =>
                    {
                        if (!{|#0:gate.Wait(TimeSpan.FromSeconds(30))|})
                        {
                            throw new TimeoutException("solver gate");
                        }

                        try
                        {
                            var board = boards[b];
                            for (int pass = 0; pass < board.Length; pass++)
                                for (int cell = 0; cell < board.Length; cell++)
                                    board[cell] = (board[cell] * 31 + pass) % 9;
                        }
                        finally
                        {
                            gate.Release();
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "gate", "nested loop, 2 levels", "a Parallel.For body"));
    }

    [Fact]
    public async Task SemaphoreGuardForms_AsyncConfigureAwait_NamedArguments_Report_ZeroTimeoutSkipStaysQuiet()
    {
        var source = Usings + """
            class Compressor
            {
                private static readonly SemaphoreSlim s_encoderGate = new SemaphoreSlim(initialCount: 1, maxCount: 1);
                private readonly SemaphoreSlim _slot = new(1);

                public static async Task<int> PackAsync(byte[] data, CancellationToken token)
                {
                    await {|#0:s_encoderGate.WaitAsync(token)|}.ConfigureAwait(false);
                    try
                    {
                        int crc = 0;
                        foreach (var b in data)
                            for (int window = 0; window < data.Length; window++)
                                crc = ((crc ^ (b >> (window & 7))) & 1) != 0 ? (crc >> 1) ^ 0x1DB71064 : crc >> 1;
                        return crc;
                    }
                    finally
                    {
                        s_encoderGate.Release();
                    }
                }

                public void PackBlocks(byte[][] blocks, int[] sizes)
                {
                    Parallel.For(0, blocks.Length, i =>
                    {
                        // Wait(0) never waits: a block that finds the slot taken is skipped, so nobody queues on it.
                        if (_slot.Wait(0))
                        {
                            try
                            {
                                int run = 0;
                                for (int k = 1; k < blocks[i].Length; k++) if (blocks[i][k] == blocks[i][k - 1]) run++;
                                sizes[i] = blocks[i].Length - run;
                            }
                            finally { _slot.Release(); }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "s_encoderGate", "nested loop, 2 levels", "'PackAsync', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task SemaphoreCreatedInConstructor_WithOneSlot_Reports()
    {
        var source = Usings + """
            class Renderer
            {
                private readonly SemaphoreSlim _frameGate;
                private readonly double[] _frame;

                public Renderer(int pixels)
                {
                    _frame = new double[pixels];
                    this._frameGate = new SemaphoreSlim(1, 1);
                }

                public void Shade(int frames)
                {
                    Parallel.For(0, frames, f =>
                    {
                        {|#0:_frameGate.Wait()|};
                        try { for (int p = 0; p < _frame.Length; p++) _frame[p] += Math.Sqrt(p * (double)f); }
                        finally { _frameGate.Release(); }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_frameGate", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task SemaphoresWithManySlots_OrCountsNotInSight_DoNotReport()
    {
        var source = Usings + """
            class Throttled
            {
                private readonly SemaphoreSlim _injected;
                private readonly SemaphoreSlim _reassigned;
                private readonly SemaphoreSlim _cores = new SemaphoreSlim(Environment.ProcessorCount);
                private readonly Semaphore _pair = new Semaphore(2, 2);

                public Throttled(SemaphoreSlim injected, bool wide)
                {
                    _injected = injected;
                    _reassigned = new SemaphoreSlim(1, 1);
                    if (wide) _reassigned = new SemaphoreSlim(8, 8);
                }

                public void Run(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        if (!_injected.Wait(1000)) throw new TimeoutException();
                        try { for (int i = 0; i < rows[r].Length; i++) rows[r][i] = Math.Sqrt(rows[r][i]); }
                        finally { _injected.Release(); }

                        _reassigned.Wait();
                        try { for (int i = 0; i < rows[r].Length; i++) rows[r][i] = Math.Cbrt(rows[r][i]); }
                        finally { _reassigned.Release(); }

                        _cores.Wait();
                        try { for (int i = 0; i < rows[r].Length; i++) rows[r][i] = Math.Exp(rows[r][i]); }
                        finally { _cores.Release(); }

                        _pair.WaitOne();
                        try { for (int i = 0; i < rows[r].Length; i++) rows[r][i] = Math.Log(rows[r][i]); }
                        finally { _pair.Release(); }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task FailedWaitThatDoesNotLeave_IsNotAGuard_DoesNotReport()
    {
        var source = Usings + """
            class Poller
            {
                private readonly SemaphoreSlim _signal = new SemaphoreSlim(1, 1);

                public void Run(int[][] jobs)
                {
                    Parallel.For(0, jobs.Length, j =>
                    {
                        if (!_signal.Wait(10))
                        {
                            Console.WriteLine("busy, computing anyway");
                        }

                        for (int a = 0; a < jobs[j].Length; a++)
                            for (int b = 0; b < jobs[j].Length; b++)
                                jobs[j][a] ^= jobs[j][b];
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    // ------------------------------------------------------------------ Monitor.TryEnter and Mutex guards

    [Fact]
    public async Task MonitorTryEnterGuards_Report()
    {
        var source = Usings + """
            class Ledger
            {
                private readonly object _books = new object();
                private decimal _balance;

                public void Reconcile(decimal[][] batches)
                {
                    Parallel.ForEach(batches, batch =>
                    {
                        if (!{|#0:Monitor.TryEnter(_books, 250)|}) return;
                        try
                        {
                            foreach (var entry in batch)
                                for (int day = 0; day < 365; day++) _balance += entry / 365m;
                        }
                        finally { Monitor.Exit(_books); }
                    });
                }

                public void Audit(decimal[][] batches)
                {
                    Parallel.ForEach(batches, batch =>
                    {
                        bool acquired = false;
                        try
                        {
                            {|#1:Monitor.TryEnter(_books, TimeSpan.FromMilliseconds(20), ref acquired)|};
                            if (!acquired) return;
                            for (int i = 0; i < batch.Length; i++) _balance -= Math.Round(batch[i] * 1.07m, 2);
                        }
                        finally
                        {
                            if (acquired) Monitor.Exit(_books);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "_books", "nested loop, 2 levels", "a Parallel.ForEach body"),
            Gil001(1, "_books", "for loop", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task MutexWaitOneGuard_Reports_AndPerItemMutex_DoesNot()
    {
        var source = Usings + """
            class Indexer
            {
                private readonly Mutex _indexMutex = new Mutex();

                public void Build(string[] documents, int[] counts)
                {
                    Parallel.For(0, documents.Length, d =>
                    {
                        if ({|#0:_indexMutex.WaitOne(5000)|} == false) throw new TimeoutException();
                        try
                        {
                            var text = documents[d];
                            for (int i = 0; i < text.Length; i++) if (char.IsLetter(text[i])) counts[d]++;
                        }
                        finally { _indexMutex.ReleaseMutex(); }

                        using (var own = new Mutex())
                        {
                            own.WaitOne();
                            try { for (int i = 0; i < documents[d].Length; i++) counts[d] += documents[d][i] % 3; }
                            finally { own.ReleaseMutex(); }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_indexMutex", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task EnterScopeWithoutBraces_InTaskLoop_Reports()
    {
        var source = Usings + """
            class Mesh
            {
                private readonly Lock _vertexLock = new();
                private readonly float[] _vertices = new float[4096];

                public async Task RelaxAsync(int workers)
                {
                    var tasks = new List<Task>();
                    for (int w = 0; w < workers; w++)
                    {
                        tasks.Add(Task.Run(() =>
                        {
                            using ({|#0:_vertexLock.EnterScope()|})
                                for (int v = 1; v < _vertices.Length - 1; v++) _vertices[v] = (_vertices[v - 1] + _vertices[v + 1]) * 0.5f;
                        }));
                    }
                    await Task.WhenAll(tasks);
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, ReferenceAssemblies = TestReferences.Net90 };
        test.ExpectedDiagnostics.Add(Gil001(0, "_vertexLock", "for loop", "a Task.Run delegate started in a loop"));
        await test.RunAsync();
    }

    [Fact]
    public async Task WriteLock_AtCSharp73_Reports()
    {
        var source = Usings + """
            class Grid
            {
                private ReaderWriterLockSlim gridLock = new ReaderWriterLockSlim();

                public void Step(double[,] cells)
                {
                    int n = cells.GetLength(0);
                    Parallel.For(0, n, delegate (int row)
                    {
                        {|#0:gridLock.EnterWriteLock()|};
                        try
                        {
                            for (int col = 0; col < n; col++)
                                cells[row, col] = Math.Pow(cells[row, col], 1.5);
                        }
                        finally
                        {
                            gridLock.ExitWriteLock();
                        }
                    });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, LanguageVersion = LanguageVersion.CSharp7_3 };
        test.ExpectedDiagnostics.Add(Gil001(0, "gridLock", "for loop", "a Parallel.For body"));
        await test.RunAsync();
    }

    // ------------------------------------------------------------------ GIL006 beside GIL001 on the new forms

    private const string EntangledUnderWriteLock = Usings + """
        static class Dither
        {
            private static readonly int[] s_error = new int[1024];

            public static int Apply(int[] row)
            {
                int changed = 0;
                for (int i = 0; i < row.Length; i++)
                {
                    var value = row[i] + s_error[i % 1024];
                    s_error[(i + 1) % 1024] = value & 15;
                    row[i] = value & ~15;
                    changed += value & 1;
                }
                return changed;
            }
        }
        class Pipeline
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

            public void Run(int[][] image)
            {
                Parallel.For(0, image.Length, y =>
                {
                    {|#0:_rw.EnterWriteLock()|};
                    try { Dither.Apply(image[y]); }
                    finally { _rw.ExitWriteLock(); }
                });
            }
        }
        """;

    [Fact]
    public async Task EntangledWorkUnderWriteLock_IsGil006_NotGil001()
    {
        await Verify006.VerifyAnalyzerAsync(EntangledUnderWriteLock,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "_rw", "calls 'Apply' (for loop)", "a Parallel.For body", "'Dither.s_error' is read and written by the work"));
        await VerifyCS.VerifyAnalyzerAsync(EntangledUnderWriteLock);
    }
}
