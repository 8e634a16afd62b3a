using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A shared lock in a parallel body around an ONNX Runtime inference. <c>InferenceSession.Run</c> is documented as safe
/// to call from several threads on one session, so the lock only makes the workers take turns: it is GIL001 (threads
/// could share the session), not GIL006 (a library only processes can run in parallel). A library that is not
/// thread-safe (an OCR engine here) stays GIL006.
/// </summary>
public class Native46ThreadSafeSessionTests
{
    [Fact]
    public async Task InferenceUnderSharedLockInParallelBody_IsGil001()
    {
        // The ONNX Runtime package is not referenced: InferenceSession and NamedOnnxValue do not resolve.
        var source = """
            using System.Threading.Tasks;

            public sealed class FrameEmbedder
            {
                private readonly object _gate = new object();
                private readonly InferenceSession _session;

                public void EmbedAll(float[][] frames, object[] results)
                {
                    Parallel.For(0, frames.Length, i =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            results[i] = Embed(frames[i]);
                        }
                    });
                }

                private object Embed(float[] frame)
                {
                    var scaled = new float[frame.Length];
                    for (var row = 0; row < 64; row++)
                    {
                        for (var column = 0; column < 64; column++)
                        {
                            var k = row * 64 + column;
                            scaled[k] = (frame[k] - 0.5f) * 4f;
                        }
                    }

                    return _session.Run(new[] { NamedOnnxValue.CreateFromTensor("pixels", scaled) });
                }
            }
            """;
        var gil001 = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        gil001.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
            "_gate", "calls 'Embed' (nested loops, 4,096 iterations)", "a Parallel.For body"));
        await gil001.RunAsync();

        var gil006 = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await gil006.RunAsync();
    }

    [Fact]
    public async Task InferenceOfAResolvedSessionUnderSharedLock_IsGil001()
    {
        // A stand-in for the package's types, in its namespace: the call resolves to Microsoft.ML.OnnxRuntime.
        var source = """
            using System;
            using System.Runtime.InteropServices;
            using System.Threading.Tasks;
            using Microsoft.ML.OnnxRuntime;

            namespace Microsoft.ML.OnnxRuntime
            {
                public sealed class InferenceSession
                {
                    private IntPtr _handle;

                    [DllImport("onnxruntime")]
                    private static extern int ort_run(IntPtr session, float[] input, float[] output, int length);

                    public float[] Run(float[] input)
                    {
                        var output = new float[input.Length];
                        ort_run(_handle, input, output, input.Length);
                        return output;
                    }
                }
            }

            public sealed class Scorer
            {
                private readonly object _gate = new object();
                private readonly InferenceSession _session = new InferenceSession();

                public void ScoreAll(float[][] inputs, float[][] outputs)
                {
                    Parallel.For(0, inputs.Length, i =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            outputs[i] = _session.Run(inputs[i]);
                        }
                    });
                }
            }
            """;
        var gil001 = new VerifyCS.Test { TestCode = source };
        gil001.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
            "_gate", "'Run' (bulk work in a native library)", "a Parallel.For body"));
        await gil001.RunAsync();
        await Verify006.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task RecognitionOfANonThreadSafeEngineUnderSharedLock_StaysGil006()
    {
        // Same shape with an OCR engine that is not thread-safe: its native state is what the lock protects.
        var source = """
            using System.Threading.Tasks;

            public sealed class PageReader
            {
                private readonly object _gate = new object();
                private readonly TesseractEngine _engine;

                public void ReadAll(object[] pages, object[] results)
                {
                    Parallel.For(0, pages.Length, i =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            results[i] = _engine.Process(pages[i]);
                        }
                    });
                }
            }
            """;
        var gil006 = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        gil006.ExpectedDiagnostics.Add(Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
            "_gate", "'Process' (bulk work in a native library)", "a Parallel.For body", "the work calls native code ('Process')"));
        await gil006.RunAsync();

        var gil001 = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await gil001.RunAsync();
    }

    [Fact]
    public async Task SessionMetadataReadUnderSharedLock_NoDiagnostic()
    {
        // Only the session's input names are read under the lock: no inference, nothing CPU-bound.
        var source = """
            using System.Threading.Tasks;

            public sealed class InputNames
            {
                private readonly object _gate = new object();
                private readonly InferenceSession _session;

                public void Collect(string[] names)
                {
                    Parallel.For(0, names.Length, i =>
                    {
                        lock (_gate)
                        {
                            names[i] = _session.GetInputName(i);
                        }
                    });
                }
            }
            """;
        var gil001 = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await gil001.RunAsync();
        var gil006 = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await gil006.RunAsync();
    }
}
