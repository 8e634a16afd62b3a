using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// OpenCV's function-style entry classes (<c>CvInvoke</c> in Emgu CV, <c>Cv2</c> in OpenCvSharp) take whole images and
/// process every element: an element-wise add, a bitwise OR of two masks, a colour conversion. Real code accumulates a
/// full frame into a shared result under one mutex inside a parallel loop, so the frames are added one at a time.
/// Their names are ordinary arithmetic words (Add, Subtract, BitwiseOr), which the name model alone reads as a hand-over
/// or as nothing; the entry class says it is image work. When a project is compiled without the package the calls do
/// not resolve and the class name is what is left.
/// </summary>
public class OpenCvFunctionCallTests
{
    private static DiagnosticResult Gil006(string gate, string call, string where)
        => Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0)
            .WithArguments(gate, "'" + call + "' (bulk work in a native library)", where, "the work calls native code ('" + call + "')");

    [Fact]
    public async Task FrameAddedIntoSharedSumUnderMutex_InParallelForEach_IsGil006()
    {
        var source = """
            using System.Threading.Tasks;
            using Emgu.CV;

            namespace Emgu.CV
            {
                public static class CvInvoke
                {
                    public static void Add(object src1, object src2, object dst, object mask) { }
                }
            }

            sealed class Progress
            {
                public object Mutex { get; } = new object();
                public int Done;
            }

            sealed class HeatMap
            {
                public void Accumulate(int[] layers, object sum, object mask, Progress progress)
                {
                    Parallel.ForEach(layers, layer =>
                    {
                        var frame = Load(layer);
                        {|#0:lock (progress.Mutex)|}
                        {
                            CvInvoke.Add(sum, frame, sum, mask);
                            progress.Done++;
                        }
                    });
                }

                private static object Load(int layer) => new object();
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Gil006("progress.Mutex", "Add", "a Parallel.ForEach body"));
        await test.RunAsync();
    }

    [Fact]
    public async Task MaskOredIntoStaticMapUnderProcessWideLock_WithoutThePackage_IsGil006()
    {
        // OpenCvSharp is not referenced: Cv2 does not resolve, its name is what is left.
        var source = """
            using System.Collections.Generic;

            static class Traps
            {
                private static readonly object s_gate = new object();

                public static void Mark(object contour, object airMap)
                {
                    {|#0:lock (s_gate)|}
                    {
                        Cv2.BitwiseOr(contour, airMap, airMap);
                    }
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Gil006("s_gate", "BitwiseOr", "'Mark', a process-wide lock that every calling thread queues for"));
        await test.RunAsync();
    }

    [Fact]
    public async Task OpenCvSettingsAndWindowsUnderLock_NoDiagnostic()
    {
        // Configuration, window and timing calls of the same entry classes take no image: they are not image work.
        var source = """
            using System.Threading.Tasks;

            sealed class Viewer
            {
                private static readonly object _gate = new object();

                public void Show(int[] frames, object image)
                {
                    Parallel.ForEach(frames, frame =>
                    {
                        lock (_gate)
                        {
                            CvInvoke.SetNumThreads(1);
                            Cv2.NamedWindow("preview");
                            Cv2.WaitKey(1);
                            Cv2.GetTickCount();
                        }
                    });
                }
            }
            """;
        var test006 = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test006.RunAsync();
        var test001 = new Verify001.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test001.RunAsync();
    }

    [Fact]
    public async Task UserClassNamedLikeAnArithmeticHelper_NoDiagnostic()
    {
        // Add on a class of the user's own that only happens to do arithmetic is not OpenCV.
        var source = """
            using System.Threading.Tasks;

            static class Vectors
            {
                public static void Add(double[] sum, double[] item) { sum[0] += item[0]; }
            }

            sealed class Totals
            {
                private readonly object _gate = new object();

                public void Sum(double[][] items, double[] sum)
                {
                    Parallel.ForEach(items, item =>
                    {
                        lock (_gate)
                        {
                            Vectors.Add(sum, item);
                        }
                    });
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await Verify001.VerifyAnalyzerAsync(source);
    }
}
