using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// <c>new Bitmap(image)</c> and <c>new Bitmap(image, width, height)</c> make GDI+ copy (and scale) every pixel of the
/// source image: bulk native work, the usual way to snapshot or resize a bitmap. An empty <c>new Bitmap(w, h)</c> is
/// not. System.Drawing.Common is not in the test references, so a minimal System.Drawing stands in for it.
/// </summary>
public class Native40ImageCopyTests
{
    private const string Drawing = """
        using System.Drawing;

        namespace System.Drawing
        {
            public class Image
            {
                public int Width => 0;
            }

            public sealed class Bitmap : Image
            {
                public Bitmap(int width, int height) { }
                public Bitmap(Image original) { }
                public Bitmap(Image original, int width, int height) { }
            }
        }

        """;

    [Fact]
    public async Task SnapshotCopiedUnderProcessWideLock_IsGil006()
    {
        var source = Drawing + """

            static class FrameStore
            {
                private static readonly object s_gate = new object();
                private static Bitmap s_latest;

                public static Bitmap Snapshot()
                {
                    {|#0:lock (s_gate)|}
                    {
                        return s_latest == null ? null : new Bitmap(s_latest);
                    }
                }

                public static void Publish(Bitmap frame)
                {
                    lock (s_gate)
                    {
                        s_latest = frame;
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "s_gate", "'new Bitmap' (bulk work in a native library)", "'Snapshot', a process-wide lock that every calling thread queues for",
                "the work calls native code ('new Bitmap')"));
    }

    [Fact]
    public async Task ScaledCopyUnderProcessWideLock_IsGil006()
    {
        var source = Drawing + """

            static class Thumbnails
            {
                private static readonly object s_gate = new object();

                public static Image Shrink(Image picture, int size)
                {
                    {|#0:lock (s_gate)|}
                    {
                        return new Bitmap(picture, size, size);
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "s_gate", "'new Bitmap' (bulk work in a native library)", "'Shrink', a process-wide lock that every calling thread queues for",
                "the work calls native code ('new Bitmap')"));
    }

    [Fact]
    public async Task EmptyBitmapUnderProcessWideLock_NoDiagnostic()
    {
        var source = Drawing + """

            static class Canvases
            {
                private static readonly object s_gate = new object();
                private static Bitmap s_canvas;

                public static Bitmap Resize(int width, int height)
                {
                    lock (s_gate)
                    {
                        s_canvas = new Bitmap(width, height);
                        return s_canvas;
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SnapshotCopiedUnderProcessWideLock_WithoutSystemDrawing_IsGil006()
    {
        // System.Drawing is not referenced: Bitmap does not resolve, the names are what is left.
        var source = """
            static class FrameStore
            {
                private static readonly object s_gate = new object();
                private static Bitmap s_latest;

                public static Bitmap Snapshot()
                {
                    {|#0:lock (s_gate)|}
                    {
                        return new Bitmap(s_latest);
                    }
                }

                public static Bitmap Blank(int width)
                {
                    lock (s_gate)
                    {
                        return new Bitmap(width, width);
                    }
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
            "s_gate", "'new Bitmap' (bulk work in a native library)", "'Snapshot', a process-wide lock that every calling thread queues for",
            "the work calls native code ('new Bitmap')"));
        await test.RunAsync();
    }
}
