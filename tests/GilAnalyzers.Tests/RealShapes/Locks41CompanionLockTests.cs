using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// An object that exposes a lock next to the native image (or engine) it shares: <c>lock (source.Gate) {
/// canvas.DrawBitmap(source.Frame, …); }</c>. The lock exists because threads share the native object, so a whole
/// native draw or encode under it queues every sharing thread, with no parallel code in sight. Bookkeeping on the
/// object, a lock of a different owner, or a class's own private lock beside its own buffer stays quiet.
/// </summary>
public class Locks41CompanionLockTests
{
    private const string Skia = """
        namespace SkiaSharp
        {
            public class SKBitmap { public int Width; public void SetImmutable() { } }
            public class SKCanvas { public void DrawBitmap(SKBitmap bitmap, float x, float y) { } public void Flush() { } }
        }

        public interface IFrameSource
        {
            object Gate { get; }
            SkiaSharp.SKBitmap Frame { get; }
        }

        """;

    [Fact]
    public async Task DrawOfTheSharedFrameUnderItsOwnersLock_IsGil006()
    {
        var source = Skia + """
            public static class Preview
            {
                public static void Paint(IFrameSource source, SkiaSharp.SKCanvas canvas)
                {
                    {|#0:lock (source.Gate)|}
                    {
                        canvas.DrawBitmap(source.Frame, 0, 0);
                    }
                }
            }

            """;
        await Gil006.VerifyAnalyzerAsync(
            source,
            Gil006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "source.Gate", "'DrawBitmap' (bulk work in a native library)",
                "'Paint', a lock kept with the native object 'source.Frame' that every thread sharing it queues for",
                "the work calls native code ('DrawBitmap')"));
    }

    [Fact]
    public async Task BookkeepingOrAnotherOwnersLock_NoDiagnostic()
    {
        var source = Skia + """
            public static class Preview
            {
                public static void Swap(IFrameSource source, SkiaSharp.SKCanvas canvas)
                {
                    lock (source.Gate)
                    {
                        source.Frame.SetImmutable();
                        canvas.Flush();
                    }
                }

                public static void Mixed(IFrameSource first, IFrameSource second, SkiaSharp.SKCanvas canvas)
                {
                    lock (first.Gate)
                    {
                        canvas.DrawBitmap(second.Frame, 0, 0);
                    }
                }
            }

            public sealed class Viewer
            {
                private readonly object _gate = new object();
                private SkiaSharp.SKBitmap _buffer = new SkiaSharp.SKBitmap();

                // The class's own lock beside its own back buffer: one painter and one swapper, not a shared object.
                public void Paint(SkiaSharp.SKCanvas target)
                {
                    lock (_gate)
                    {
                        target.DrawBitmap(_buffer, 0, 0);
                    }
                }
            }
            """;
        await Gil006.VerifyAnalyzerAsync(source);
        await Gil001.VerifyAnalyzerAsync(source);
    }
}
