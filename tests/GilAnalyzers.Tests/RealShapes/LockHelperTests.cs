using GilAnalyzers.Tests.Verifiers;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Lock helpers: a small method that takes a lock and leaves it held (<c>EnterTableLock(ref taken)</c>), paired with one
/// that releases it. The call starts a lock region like the acquisition it wraps; helpers that release before they
/// return, or that take another object's lock, do not.
/// </summary>
public class LockHelperTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Runtime.InteropServices; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task StaticMonitorHelperPair_AroundNestedLoops_ReportsAsProcessWide()
    {
        var source = Usings + """
            static class Kerning
            {
                private static readonly object s_tableLock = new object();
                private static bool s_serialise = true;

                private static void EnterTableLock(ref bool taken)
                {
                    if (s_serialise)
                    {
                        Monitor.Enter(s_tableLock, ref taken);
                    }
                }

                private static void ExitTableLock(bool taken)
                {
                    if (taken)
                    {
                        Monitor.Exit(s_tableLock);
                    }
                }

                public static int[] PairScores(int[] glyphs)
                {
                    bool taken = false;
                    try
                    {
                        {|#0:EnterTableLock(ref taken)|};
                        var scores = new int[glyphs.Length];
                        for (int i = 0; i < glyphs.Length; i++)
                            for (int j = 0; j < glyphs.Length; j++)
                                scores[i] += (glyphs[i] * 31 + glyphs[j]) % 17;
                        return scores;
                    }
                    finally
                    {
                        ExitTableLock(taken);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_tableLock", "nested loop, 2 levels", "'PairScores', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task InstanceHelperPair_CalledOnThis_InParallelFor_Reports()
    {
        var source = Usings + """
            sealed class Accumulator
            {
                private readonly object _sync = new object();
                private readonly double[] _bins = new double[256];

                private void AcquireBins() => Monitor.Enter(_sync);
                private void ReleaseBins() => Monitor.Exit(_sync);

                public void Add(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        {|#0:AcquireBins()|};
                        try
                        {
                            foreach (var v in rows[r])
                                _bins[(int)(Math.Abs(Math.Sin(v)) * 255)] += Math.Sqrt(Math.Abs(v));
                        }
                        finally
                        {
                            ReleaseBins();
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_sync", "foreach loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task HelperPairAroundNativeMatching_IsGil006()
    {
        var source = Usings + """
            static class FontMatch
            {
                [DllImport("fontlib")]
                private static extern IntPtr fl_match_best_font(IntPtr config, IntPtr pattern, byte[] scratch);

                private static readonly object s_libraryLock = new object();

                private static void EnterLibraryLock() => Monitor.Enter(s_libraryLock);
                private static void ExitLibraryLock() => Monitor.Exit(s_libraryLock);

                public static IntPtr Best(IntPtr config, IntPtr pattern)
                {
                    {|#0:EnterLibraryLock()|};
                    try
                    {
                        return fl_match_best_font(config, pattern, new byte[4096]);
                    }
                    finally
                    {
                        ExitLibraryLock();
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "s_libraryLock", "'fl_match_best_font' (bulk work in a native library)", "'Best', a process-wide lock that every calling thread queues for",
                "the work calls native code ('fl_match_best_font')"));
    }

    // ------------------------------------------------------------------ must stay quiet

    [Fact]
    public async Task HelperThatReleasesBeforeReturning_NoDiagnostic()
    {
        var source = Usings + """
            static class Stamp
            {
                private static readonly object s_lock = new object();
                private static long s_ticks;

                private static void EnterAndBump()
                {
                    Monitor.Enter(s_lock);
                    s_ticks++;
                    Monitor.Exit(s_lock);
                }

                public static int Work(int[] values)
                {
                    EnterAndBump();
                    int h = 0;
                    for (int i = 0; i < values.Length; i++)
                        for (int j = 0; j < values.Length; j++)
                            h = h * 31 + (values[i] ^ values[j]);
                    return h;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HelperTakingAnotherObjectsLock_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Cell
            {
                private readonly object _sync = new object();
                public double Value;
                public void AcquireCell() => Monitor.Enter(_sync);
                public void ReleaseCell() => Monitor.Exit(_sync);
            }

            static class Relax
            {
                public static void Run(Cell[] cells, double[][] weights)
                {
                    Parallel.For(0, cells.Length, i =>
                    {
                        var cell = cells[i];
                        cell.AcquireCell();
                        try
                        {
                            for (int k = 0; k < weights[i].Length; k++)
                                for (int m = 0; m < weights[i].Length; m++)
                                    cell.Value += weights[i][k] * weights[i][m];
                        }
                        finally { cell.ReleaseCell(); }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HelperAroundShortUpdate_NoDiagnostic()
    {
        var source = Usings + """
            static class Totals
            {
                private static readonly object s_gate = new object();
                private static long s_sum;

                private static void EnterTotalsLock() => Monitor.Enter(s_gate);
                private static void ExitTotalsLock() => Monitor.Exit(s_gate);

                public static void Add(int[] values)
                {
                    long local = 0;
                    for (int i = 0; i < values.Length; i++)
                        for (int j = 0; j < 3; j++)
                            local += values[i] >> j;
                    EnterTotalsLock();
                    try { s_sum += local; }
                    finally { ExitTotalsLock(); }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MethodNamedLikeAHelperThatDoesWork_NoDiagnostic()
    {
        var source = Usings + """
            static class Blocks
            {
                private static readonly object s_gate = new object();

                private static void EnterBlockLockAndFill(int[] block)
                {
                    {|#0:Monitor.Enter(s_gate)|};
                    try
                    {
                        for (int i = 0; i < block.Length; i++)
                            for (int j = 0; j < block.Length; j++)
                                block[i] += j;
                    }
                    finally { Monitor.Exit(s_gate); }
                }

                public static int Sum(int[] block)
                {
                    EnterBlockLockAndFill(block);
                    int s = 0;
                    for (int i = 0; i < block.Length; i++)
                        for (int j = 0; j < 4; j++)
                            s += block[i] >> j;
                    return s;
                }
            }
            """;
        // The helper's own lock statement is a region of its own and is reported where it is; the call to it is not.
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_gate", "nested loop, 2 levels", "'EnterBlockLockAndFill', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task HelperRegion_FixersOfferNothing()
    {
        var source = Usings + """
            sealed class Accumulator
            {
                private readonly object _sync = new object();
                private double _total;

                private void AcquireTotal() => Monitor.Enter(_sync);
                private void ReleaseTotal() => Monitor.Exit(_sync);

                public void Add(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        AcquireTotal();
                        try
                        {
                            double s = 0;
                            foreach (var v in rows[r]) s += Math.Sqrt(Math.Abs(v));
                            _total += s;
                        }
                        finally
                        {
                            ReleaseTotal();
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
}
