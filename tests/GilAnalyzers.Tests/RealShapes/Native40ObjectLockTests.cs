using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A lock on an object that owns a native handle, held around that object's own bulk work (an inference run, a
/// codec pass): the object is not thread-safe and the lock is there because threads share it, so every sharing
/// thread queues for the whole native run — with no parallel code in sight. Bookkeeping calls on the object, or a
/// lock on a plain object of the instance, stay quiet.
/// </summary>
public class Native40ObjectLockTests
{
    private const string Engine = """
        using System;
        using System.Runtime.InteropServices;

        public sealed class ScoringEngine
        {
            private IntPtr _handle;

            [DllImport("scoring")]
            private static extern int se_run_forward(IntPtr engine);

            [DllImport("scoring")]
            private static extern int se_get_output_count(IntPtr engine);

            public bool RunForward() => se_run_forward(_handle) != 0;

            public int OutputCount() => se_get_output_count(_handle);
        }

        """;

    [Fact]
    public async Task ForwardPassUnderLockOnTheEngine_IsReported()
    {
        var source = Engine + """

            public sealed class Scorer
            {
                private readonly ScoringEngine _engine = new ScoringEngine();

                public bool Score()
                {
                    var engine = _engine;
                    {|#0:lock (engine)|}
                    {
                        return engine.RunForward();
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "engine", "calls 'RunForward' ('se_run_forward' (bulk work in a native library))",
                "'Score', a lock on the native object 'engine' that every thread sharing it queues for",
                "the work calls native code ('se_run_forward')"));
    }

    [Fact]
    public async Task BookkeepingUnderLockOnTheEngine_NoDiagnostic()
    {
        var source = Engine + """

            public sealed class Scorer
            {
                private readonly ScoringEngine _engine = new ScoringEngine();

                public int Outputs()
                {
                    lock (_engine)
                    {
                        return _engine.OutputCount();
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ForwardPassUnderAPlainInstanceLock_NoDiagnostic()
    {
        var source = Engine + """

            public sealed class Scorer
            {
                private readonly object _gate = new object();
                private readonly ScoringEngine _engine = new ScoringEngine();

                public bool Score()
                {
                    lock (_gate)
                    {
                        return _engine.RunForward();
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ForwardPassUnderLockOnAnEngineMadeHere_NoDiagnostic()
    {
        var source = Engine + """

            public static class OneShot
            {
                public static bool Score()
                {
                    var engine = new ScoringEngine();
                    lock (engine)
                    {
                        return engine.RunForward();
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PreparedStatementExecutedUnderLockOnIt_NoDiagnostic()
    {
        // A prepared native database statement bound for one operation at a time: the lock guards database I/O.
        var source = """
            using System;
            using System.Runtime.InteropServices;

            public sealed class PreparedInsert
            {
                private IntPtr _statement;

                [DllImport("sqlite3")]
                private static extern int sqlite3_step(IntPtr statement);

                public int ExecuteNonQuery(object[] values) => sqlite3_step(_statement);
            }

            public sealed class Connection
            {
                private readonly PreparedInsert _insert = new PreparedInsert();

                private PreparedInsert GetInsertCommand() => _insert;

                public int Insert(object[] values)
                {
                    var command = GetInsertCommand();
                    lock (command)
                    {
                        return command.ExecuteNonQuery(values);
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task RunUnderLockOnAnUnresolvedPredictor_IsGil001()
    {
        // The inference package is not referenced: TextPredictor does not resolve, its name and the call's are what is left.
        var source = """
            public sealed class LineReader
            {
                private readonly TextPredictor _predictor;

                public float[] Read(float[] pixels)
                {
                    {|#0:lock (_predictor)|}
                    {
                        _predictor.Feed(pixels);
                        _predictor.Run();
                        return _predictor.Output();
                    }
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
            "_predictor", "'Run' on '_predictor' (bulk work of a native engine)",
            "'Read', a lock on the native object '_predictor' that every thread sharing it queues for"));
        await test.RunAsync();
    }

    [Fact]
    public async Task BookkeepingUnderLockOnAnUnresolvedPredictor_NoDiagnostic()
    {
        var source = """
            public sealed class LineReader
            {
                private readonly TextPredictor _predictor;
                private readonly ResultCache _cache;

                public int Outputs()
                {
                    lock (_predictor)
                    {
                        return _predictor.GetOutputCount();
                    }
                }

                public void Refresh()
                {
                    lock (_cache)
                    {
                        _cache.Run();
                    }
                }
            }
            """;
        await new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None }.RunAsync();
        await new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None }.RunAsync();
    }
}
