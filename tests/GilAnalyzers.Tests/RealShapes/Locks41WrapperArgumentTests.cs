using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A call whose receiver does not resolve (a drawing context from a missing package, made with a target-typed
/// <c>new (surface)</c>) but which is named for bulk work and handed a native library's image:
/// <c>ctx.BlendSurface(layer, area)</c>. It works on that image's pixels, so under a process-wide lock it queues every
/// calling thread. The same unresolved call with plain arguments, or named for bookkeeping, says nothing.
/// </summary>
public class Locks41WrapperArgumentTests
{
    private const string Cairo = """
        namespace Cairo
        {
            public class ImageSurface { public int Width; }
        }

        """;

    [Fact]
    public async Task BlendOfASurfaceThroughAnUnresolvedContext_UnderAProcessWideLock_IsReported()
    {
        var source = Cairo + """
            public static class Compositor
            {
                private static readonly object s_gate = new object();

                public static void Overlay(Cairo.ImageSurface target, Cairo.ImageSurface layer, object area)
                {
                    {|#0:lock (s_gate)|}
                    {
                        using DrawContext ctx = new (target);
                        ctx.BlendSurface(layer, area);
                    }
                }
            }
            """;
        var test = new Gil001.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
            "s_gate", "'BlendSurface' (bulk work in a native library)", "'Overlay', a process-wide lock that every calling thread queues for"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UnresolvedCallsWithPlainArgumentsOrBookkeepingNames_NoDiagnostic()
    {
        var source = Cairo + """
            public static class Compositor
            {
                private static readonly object s_gate = new object();

                public static void Note(Cairo.ImageSurface layer, int count)
                {
                    lock (s_gate)
                    {
                        using DrawContext ctx = new (layer);
                        ctx.ProcessCount(count);
                        ctx.SetSource(layer);
                    }
                }
            }
            """;
        var test001 = new Gil001.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test001.RunAsync();
        var test006 = new Gil006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test006.RunAsync();
    }
}
