using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The fixes on the lock forms GIL001 newly reports: where the rewrite cannot keep every Release and try/finally, or
/// cannot see every place that takes the same lock, no action is offered.
/// </summary>
public class RealLocksFixOffersTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task GuardedSemaphore_ZeroTimeoutGate_OfferNothing_WriteLockMovesOut()
    {
        var source = Usings + """
            class Jobs
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private double _total;

                public void Run(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        if (!_gate.Wait(TimeSpan.FromSeconds(1))) throw new TimeoutException();
                        try
                        {
                            double s = 0;
                            for (int i = 0; i < rows[r].Length; i++) s += Math.Sqrt(rows[r][i]);
                            _total += s;
                        }
                        finally { _gate.Release(); }
                    });

                    Parallel.For(0, rows.Length, r =>
                    {
                        _rw.EnterWriteLock();
                        try
                        {
                            double s = 0;
                            for (int i = 0; i < rows[r].Length; i++) s += Math.Log(1 + rows[r][i]);
                            _total += s;
                        }
                        finally { _rw.ExitWriteLock(); }
                    });

                    Parallel.For(0, rows.Length, r =>
                    {
                        if (_gate.Wait(0))
                        {
                            try
                            {
                                double s = 0;
                                for (int i = 0; i < rows[r].Length; i++) s += Math.Exp(-rows[r][i]);
                                _total += s;
                            }
                            finally { _gate.Release(); }
                        }
                    });
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        // The third loop's if (_gate.Wait(0)) never waits: a row that finds the gate taken is skipped, nobody queues, and
        // nothing is reported (a try-acquire with no timeout serialises no one).
        Assert.Equal(2, offers.Count);
        Assert.All(offers, o => Assert.Equal(DiagnosticIds.SharedLockAroundCpuWork, o.Id));
        // if (!gate.Wait(t)) throw …; try { … } finally { Release(); }: the guard stays in front, the row's sum moves before it
        // (GuardedAcquireFixerTests); it used to get no action.
        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.MoveOutOfLockKey }, offers[0].Keys);
        // EnterWriteLock(); try { … } finally { ExitWriteLock(); } is a form the fixes rewrite (issue 16): the row's sum
        // reads nothing written under the write lock, so it moves in front of it; a per-worker fold would regroup doubles.
        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.MoveOutOfLockKey }, offers[1].Keys);
    }

    [Fact]
    public async Task GuardInsideAnOuterLock_IsNotFixedAsTheOuterLock()
    {
        var source = Usings + """
            class Nested
            {
                private readonly object _outer = new object();
                private readonly SemaphoreSlim _inner = new SemaphoreSlim(1, 1);
                public long[] Run(int[][] grid)
                {
                    var sums = new long[grid.Length];
                    lock (_outer)
                    {
                        Parallel.For(0, grid.Length, g =>
                        {
                            if (!_inner.Wait(100)) throw new TimeoutException();
                            try
                            {
                                long h = 0;
                                for (int i = 0; i < grid[g].Length; i++) h += grid[g][i] * (long)grid[g][i];
                                sums[g] = h;
                            }
                            finally { _inner.Release(); }
                        });
                    }
                    return sums;
                }
            }
            """;
        // Only the guarded semaphore is reported; its fix rewrites that gate (the sum moves in front of its guard), never the
        // enclosing `lock (_outer)`.
        var fixedSource = source.Replace("""
                            if (!_inner.Wait(100)) throw new TimeoutException();
                            try
                            {
                                long h = 0;
                                for (int i = 0; i < grid[g].Length; i++) h += grid[g][i] * (long)grid[g][i];
                                sums[g] = h;
                            }
            """, """
                            long h = 0;
                            for (int i = 0; i < grid[g].Length; i++) h += grid[g][i] * (long)grid[g][i];
                            if (!_inner.Wait(100)) throw new TimeoutException();
                            try
                            {
                                sums[g] = h;
                            }
            """);
        Assert.NotEqual(source, fixedSource);
        var offers = await CodeFixOffers.ForAsync(source);
        var site = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.SharedLockAroundCpuWork, site.Id);
        await GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, SharedLockAroundCpuWorkFixer>.VerifyCodeFixAsync(
            source.Replace("if (!_inner.Wait(100))", "if (!{|GIL001:_inner.Wait(100)|})"), fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task StripedLock_DoesNotHoistReadsOfStateOtherStripesWrite()
    {
        var source = Usings + """
            class Scorer
            {
                private readonly object[] _locks = { new object(), new object(), new object(), new object() };
                private readonly double[] _weights = new double[256];
                private readonly double[] _results = new double[4096];

                public void Score(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        int stripe = i % _locks.Length;
                        lock (_locks[stripe])
                        {
                            double s = 0;
                            for (int j = 0; j < _weights.Length; j++) s += _weights[j] * i;
                            _results[i % 4096] = s;
                        }
                    });
                }

                public void Update(int k, double w)
                {
                    lock (_locks[k & 3])
                    {
                        _weights[k & 255] = w;
                    }
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var site = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.SharedLockAroundCpuWork, site.Id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, site.Keys);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, site.Keys);
    }

    [Fact]
    public async Task LockInLocalFunction_OffersNoThreadLocalRewrite()
    {
        var source = Usings + """
            class Pi
            {
                public static double Estimate(int batches, int perBatch)
                {
                    long inside = 0;
                    var gate = new object();

                    void Batch(int b)
                    {
                        lock (gate)
                        {
                            var rng = new Random(b);
                            for (int k = 0; k < perBatch; k++)
                            {
                                double x = rng.NextDouble(), y = rng.NextDouble();
                                if (x * x + y * y <= 1) inside++;
                            }
                        }
                    }

                    Parallel.For(0, batches, b => Batch(b));
                    return 4.0 * inside / ((long)batches * perBatch);
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var site = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.SharedLockAroundCpuWork, site.Id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, site.Keys);
    }
}
