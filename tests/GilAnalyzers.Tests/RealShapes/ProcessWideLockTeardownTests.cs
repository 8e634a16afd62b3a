using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// With no parallel code in sight, a process-wide lock in teardown (Dispose, a finalizer) runs once per object: threads do
/// not keep queueing for it.
/// </summary>
public class ProcessWideLockTeardownTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    [Fact]
    public async Task StaticLockInDisposeAndFinalizer_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Scene : IDisposable
            {
                private static readonly object s_world = new object();
                private readonly List<double[]> _bodies = new List<double[]>();

                public void Dispose()
                {
                    lock (s_world)
                    {
                        for (int b = 0; b < _bodies.Count; b++)
                            for (int k = 0; k < _bodies[b].Length; k++)
                                _bodies[b][k] = Math.Sqrt(Math.Abs(_bodies[b][k]));
                    }
                }

                ~Scene()
                {
                    lock (s_world)
                    {
                        for (int b = 0; b < _bodies.Count; b++)
                            for (int k = 0; k < _bodies[b].Length; k++)
                                _bodies[b][k] = 0;
                    }
                }

                public void Step()
                {
                    {|#0:lock (s_world)|}
                    {
                        for (int b = 0; b < _bodies.Count; b++)
                            for (int k = 0; k < _bodies[b].Length; k++)
                                _bodies[b][k] = Math.Sqrt(Math.Abs(_bodies[b][k]));
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_world", "nested loop, 2 levels", "'Step', a process-wide lock that every calling thread queues for"));
    }
}
