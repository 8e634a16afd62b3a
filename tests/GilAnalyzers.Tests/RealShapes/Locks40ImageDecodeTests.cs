using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Decoding an image with a managed imaging library (<c>Image.Load(bytes)</c>, <c>Image.Load&lt;Rgba32&gt;(stream)</c>)
/// converts every pixel of the data handed over: bulk work under a process-wide lock, like a hash. Reading the image's
/// size, or a lock that is taken once, stays quiet. The imaging package is not in the test references: a minimal
/// stand-in resolves, and the unresolved form is tested too.
/// </summary>
public class Locks40ImageDecodeTests
{
    private const string Imaging = """
        using Pixels.Imaging;

        namespace Pixels.Imaging
        {
            public class Picture
            {
                public int Width => 0;
            }

            public static class Image
            {
                public static Picture Load(byte[] data) => new Picture();
                public static Picture Load(System.IO.Stream data) => new Picture();
                public static int Identify(byte[] data) => data.Length;
            }
        }

        """;

    [Fact]
    public async Task EachInstanceDecodedUnderProcessWideLock_IsGil001()
    {
        var source = Imaging + """
            public sealed class Sprite
            {
                private static readonly object s_gate = new object();
                private readonly byte[] _bytes;
                private Picture _picture;

                public Sprite(byte[] bytes) => _bytes = bytes;

                public Picture Picture()
                {
                    {|#0:lock (s_gate)|}
                    {
                        return _picture ?? (_picture = Image.Load(_bytes));
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "s_gate", "'Load' (image decoding)", "'Picture', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task DecodeWithThePackageMissing_IsGil001()
    {
        // The imaging package is not referenced: Image and Rgba32 do not resolve; the names are what is left.
        var source = """
            public static class Thumbs
            {
                private static readonly object s_gate = new object();

                public static object Open(byte[] bytes)
                {
                    {|#0:lock (s_gate)|}
                    {
                        return Image.Load<Rgba32>(bytes);
                    }
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
            "s_gate", "'Load' (image decoding)", "'Open', a process-wide lock that every calling thread queues for"));
        await test.RunAsync();
    }

    [Fact]
    public async Task HeaderReadOrOneTimeDecodeUnderProcessWideLock_NoDiagnostic()
    {
        var source = Imaging + """
            public static class Assets
            {
                private static readonly object s_gate = new object();
                private static Picture s_logo;

                public static int Width(byte[] bytes)
                {
                    lock (s_gate)
                    {
                        return Image.Identify(bytes);
                    }
                }

                public static Picture Logo(byte[] bytes)
                {
                    lock (s_gate)
                    {
                        if (s_logo == null)
                        {
                            s_logo = Image.Load(bytes);
                        }

                        return s_logo;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
        await Verify006.VerifyAnalyzerAsync(source);
    }
}
