using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GDI+'s <c>Image.Save</c> encodes every pixel (PNG/JPEG compression) whatever the destination: bulk native work under a
/// process-wide GDI+ lock, though its name reads like I/O. System.Drawing.Common is not in the test references, so a
/// minimal System.Drawing stands in for it.
/// </summary>
public class GdiImageEncodeTests
{
    private const string Drawing = """
        using System.Drawing;
        using System.IO;

        namespace System.Drawing
        {
            public class Image
            {
                public int Width => 0;
                public void Save(System.IO.Stream stream, object format) { }
                public object Tag { get; set; }
            }

            public sealed class Bitmap : Image { }
        }

        """;

    [Fact]
    public async Task ImageSaveToStream_UnderProcessWideLock_IsGil006()
    {
        var source = Drawing + """

            static class Thumbnails
            {
                private static readonly object s_gdiLock = new object();

                public static byte[] Encode(Bitmap picture, object format)
                {
                    using var buffer = new MemoryStream();
                    {|#0:lock (s_gdiLock)|}
                    {
                        picture.Save(buffer, format);
                    }

                    return buffer.ToArray();
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "s_gdiLock", "'Save' (bulk work in a native library)", "'Encode', a process-wide lock that every calling thread queues for",
                "the work calls native code ('Save')"));
    }

    [Fact]
    public async Task OtherImageMembersUnderTheLock_NoDiagnostic()
    {
        var source = Drawing + """

            static class Labels
            {
                private static readonly object s_gdiLock = new object();

                public static int Describe(Image picture, object label)
                {
                    lock (s_gdiLock)
                    {
                        picture.Tag = label;
                        return picture.Width;
                    }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
