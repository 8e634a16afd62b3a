using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A wrapper of a native library that is not thread-safe runs every call of it as a delegate under one process-wide
/// lock named for the library (<c>lock (s_native) return call();</c>). The helper is where all of the library's work,
/// renders included, queues. A runner on an ordinary lock, or a native lock around a field's delegate, is not reported.
/// </summary>
public class Locks50NativeCallRunnerTests
{
    [Fact]
    public async Task NativeLibraryRunnerOfHandedInCalls_IsGil006()
    {
        var source = """
            using System;

            sealed class NativeEngineToken { }

            sealed class EngineAccess
            {
                private static readonly NativeEngineToken s_native = new NativeEngineToken();

                public T Call<T>(Func<T> work)
                {
                    {|#0:lock (s_native)|} return work();
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source };
        test.ExpectedDiagnostics.Add(Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
            "s_native", "'work' (every call of the native library 'NativeEngineToken' its callers hand in)",
            "'Call', a process-wide lock that every calling thread queues for", "the lock guards a native library ('NativeEngineToken')"));
        await test.RunAsync();
    }

    [Fact]
    public async Task RunnerOnOrdinaryLock_IsNotReported()
    {
        var source = """
            using System;

            sealed class Ledger
            {
                private static readonly object s_sync = new object();

                public T Call<T>(Func<T> work)
                {
                    lock (s_sync) return work();
                }
            }
            """;
        await new Verify006.Test { TestCode = source }.RunAsync();
        await new VerifyCS.Test { TestCode = source }.RunAsync();
    }

    [Fact]
    public async Task NativeLockAroundStoredCallback_IsNotReported()
    {
        var source = """
            using System;

            sealed class NativeEngineToken { }

            sealed class EngineEvents
            {
                private static readonly NativeEngineToken s_native = new NativeEngineToken();
                private Action _onClosed = () => { };

                public void RaiseClosed()
                {
                    lock (s_native) _onClosed();
                }
            }
            """;
        await new Verify006.Test { TestCode = source }.RunAsync();
        await new VerifyCS.Test { TestCode = source }.RunAsync();
    }
}
