using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A lock taken through a helper method of the code's own: <c>AcquireEngine(ref taken)</c> whose last act is
/// <c>Monitor.Enter(s_gate, ref taken)</c> (often only when a flag says the native library needs it), released in a
/// <c>finally</c> by a second helper. The region is what the caller runs between the two calls.
/// </summary>
public class RealLocks37LockHelperTests
{
    private const string Mesher = """
        using System;
        using System.Runtime.InteropServices;
        using System.Threading;

        static class Mesher
        {
            private static readonly object s_engineGate = new object();
            private static readonly bool s_engineIsReentrant = Environment.GetEnvironmentVariable("MESHKIT_MT") == "1";

            [DllImport("meshkit")]
            private static extern int mk_triangulate(float[] outline, int count, int[] triangles);

            private static void AcquireEngine(ref bool taken)
            {
                if (!s_engineIsReentrant)
                {
                    Monitor.Enter(s_engineGate, ref taken);
                }
            }

            private static void ReleaseEngine(bool taken)
            {
                if (taken)
                {
                    Monitor.Exit(s_engineGate);
                }
            }

        """;

    [Fact]
    public async Task HelperEnter_InsideTry_AroundNativeBulkCall_IsGil006()
    {
        var source = Mesher + """
                public static int[] Triangulate(float[] outline)
                {
                    var triangles = new int[outline.Length * 3];
                    bool taken = false;
                    try
                    {
                        {|#0:AcquireEngine(ref taken)|};
                        mk_triangulate(outline, outline.Length / 2, triangles);
                        return triangles;
                    }
                    finally
                    {
                        ReleaseEngine(taken);
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "s_engineGate", "'mk_triangulate' (bulk work in a native library)",
                "'Triangulate', a process-wide lock that every calling thread queues for", "the work calls native code ('mk_triangulate')"));
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HelperEnter_BeforeTry_InParallelLoop_IsGil001()
    {
        var source = """
            using System.Threading;
            using System.Threading.Tasks;

            static class Smoother
            {
                private static readonly object s_tableGate = new object();

                private static void TakeTable() => Monitor.Enter(s_tableGate);

                private static void DropTable() => Monitor.Exit(s_tableGate);

                public static void SmoothAll(double[][] rows)
                {
                    Parallel.For(0, rows.Length, r =>
                    {
                        var row = rows[r];
                        {|#0:TakeTable()|};
                        try
                        {
                            for (var pass = 0; pass < row.Length; pass++)
                            {
                                for (var i = 1; i < row.Length; i++)
                                {
                                    row[i] = (row[i] + row[i - 1]) / 2;
                                }
                            }
                        }
                        finally
                        {
                            DropTable();
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_tableGate", "nested loop, 2 levels", "a Parallel.For body"));
    }

    [Fact]
    public async Task HelperWithUnboundMonitor_StillTakesTheLock()
    {
        // The project imports System.Threading through build files the compilation does not see: Monitor does not bind.
        var source = """
            using System;
            using System.Runtime.InteropServices;

            static class Mesher
            {
                private static readonly object s_engineGate = new object();

                [DllImport("meshkit")]
                private static extern int mk_triangulate(float[] outline, int count, int[] triangles);

                private static void AcquireEngine(ref bool taken) => Monitor.Enter(s_engineGate, ref taken);

                private static void ReleaseEngine(bool taken)
                {
                    if (taken)
                    {
                        Monitor.Exit(s_engineGate);
                    }
                }

                public static int[] Triangulate(float[] outline)
                {
                    var triangles = new int[outline.Length * 3];
                    bool taken = false;
                    try
                    {
                        {|#0:AcquireEngine(ref taken)|};
                        mk_triangulate(outline, outline.Length / 2, triangles);
                        return triangles;
                    }
                    finally
                    {
                        ReleaseEngine(taken);
                    }
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
            "s_engineGate", "'mk_triangulate' (bulk work in a native library)",
            "'Triangulate', a process-wide lock that every calling thread queues for", "the work calls native code ('mk_triangulate')"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ReleasedBeforeTheWork_NoDiagnostic()
    {
        // The lock is only held between the two helper calls: the native work after them runs unlocked.
        var source = Mesher + """
                public static int[] Triangulate(float[] outline)
                {
                    var triangles = new int[outline.Length * 3];
                    bool taken = false;
                    AcquireEngine(ref taken);
                    ReleaseEngine(taken);
                    mk_triangulate(outline, outline.Length / 2, triangles);
                    return triangles;
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HelperThatTakesAndReleases_IsNotALockHelper()
    {
        // Checkpoint holds the lock only inside itself: what its caller runs afterwards is not locked.
        var source = Mesher + """
                private static int s_calls;

                private static void Checkpoint()
                {
                    Monitor.Enter(s_engineGate);
                    try { s_calls++; } finally { Monitor.Exit(s_engineGate); }
                }

                public static int[] Triangulate(float[] outline)
                {
                    var triangles = new int[outline.Length * 3];
                    Checkpoint();
                    mk_triangulate(outline, outline.Length / 2, triangles);
                    return triangles;
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HelperOnAnotherObjectsField_NoDiagnostic()
    {
        // An instance helper called on another object takes that object's lock, not one the caller's code shares.
        var source = """
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Ledger
            {
                private readonly object _gate = new object();

                public void Open() => Monitor.Enter(_gate);

                public void Close() => Monitor.Exit(_gate);
            }

            static class Auditor
            {
                public static void CheckAll(double[][] books)
                {
                    Parallel.For(0, books.Length, b =>
                    {
                        var ledger = new Ledger();
                        ledger.Open();
                        try
                        {
                            var book = books[b];
                            for (var i = 0; i < book.Length; i++)
                            {
                                for (var j = 0; j < book.Length; j++)
                                {
                                    book[i] += book[j] * 0.5;
                                }
                            }
                        }
                        finally
                        {
                            ledger.Close();
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
